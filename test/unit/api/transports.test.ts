// The handler table is the only implementation: IPC and HTTP reach the very same handler function,
// with the same validation, the same Session shape and the same result.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../../src/main/api';
import { handlers } from '../../../src/main/api/handlers';
import type { HandlerTable } from '../../../src/main/api/types';
import { bindIpc } from '../../../src/main/electron/ipc-binding';
import { startHost, type RunningHost } from '../../../src/main/host/server';
import { createIpcClient } from '../../../src/preload/ipc-client';
import { createHttpBridge } from '../../../src/renderer/src/bridge/http';
import { createIpcBridge } from '../../../src/renderer/src/bridge/ipc';
import type { Bridge } from '../../../src/shared/api/bridge';
import { ApiError } from '../../../src/shared/api/errors';
import { createFakeIpc } from '../../helpers/fake-ipc';
import { openTestApp } from '../../helpers/app';

let env: Awaited<ReturnType<typeof openTestApp>>;
let host: RunningHost;
let http: Bridge;
let ipc: Bridge;
const infoSpy = vi.fn(handlers['app.info']);

beforeAll(async () => {
  env = await openTestApp();
  const table: HandlerTable = { ...handlers, 'app.info': infoSpy };
  const api = createApi(env.app, table);
  host = await startHost({ api });
  // The renderer's HTTP bridge uses relative URLs + cookies in the browser; here it gets the origin and a bearer header.
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (url: string, init: RequestInit = {}) =>
    realFetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${host.token}` } }),
  );
  http = createHttpBridge(host.origin);
  const fake = createFakeIpc();
  bindIpc(fake.main, api, (url) => url?.startsWith('file://') ?? false);
  ipc = createIpcBridge(createIpcClient(fake.renderer));
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await host?.close();
  await env?.dispose();
});

describe('one handler, two transports', () => {
  it('app.info over HTTP and over IPC calls the same handler and returns the same answer', async () => {
    infoSpy.mockClear();
    const viaHttp = await http.call('app.info', {}, 'opened the shell');
    const viaIpc = await ipc.call('app.info', {}, 'opened the shell');
    expect(infoSpy).toHaveBeenCalledTimes(2);
    expect(viaIpc).toEqual(viaHttp);
    for (const [, ctx] of infoSpy.mock.calls) {
      expect(ctx.session).toEqual({ user: env.app.user.name, via: 'ui', reason: 'opened the shell' });
    }
    expect(viaHttp.workspace.name).toBe(env.app.workspaceName);
  });

  it('bad input is rejected with the same typed error on both transports', async () => {
    const errors: ApiError[] = [];
    for (const b of [http, ipc]) {
      try {
        await b.call('app.info', { surprise: true } as never);
      } catch (e) {
        errors.push(e as ApiError);
      }
    }
    expect(errors).toHaveLength(2);
    for (const e of errors) {
      expect(e).toBeInstanceOf(ApiError);
      expect(e.code).toBe('bad_request');
      expect(e.message).toMatch(/surprise/);
    }
    expect(errors[0].message).toBe(errors[1].message);
  });

  it('streams events end to end on both transports', async () => {
    for (const b of [http, ipc]) {
      const seen: number[] = [];
      const h = b.stream('app.tick', { count: 3, intervalMs: 5 }, (e) => seen.push(e.n));
      await h.done;
      expect(seen).toEqual([1, 2, 3]);
    }
  });

  it('cancelling a stream stops it early on both transports', async () => {
    for (const b of [http, ipc]) {
      const seen: number[] = [];
      const h = b.stream('app.tick', { count: 1000, intervalMs: 20 }, (e) => {
        seen.push(e.n);
        if (e.n === 2) h.cancel();
      });
      await Promise.race([h.done.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen.length).toBeLessThan(20);
    }
  });

  it('an unknown operation is not_found on both transports', async () => {
    for (const b of [http, ipc]) {
      await expect(b.call('no.such' as never, {} as never)).rejects.toMatchObject({ code: 'not_found' });
    }
  });
});
