// The API server switched on from Settings (apiServer.* operations): administrators start and stop it on
// 127.0.0.1 inside the running app, anyone may ask whether it runs; a token made in Settings then works
// against it as its user (via rest), every step is audited, and a stopped server no longer answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { stopApiServerFor } from '../../../src/main/rest/api-server-control';
import { openTestApp } from '../../helpers/app';

const admin = { user: 'andrew.adams', via: 'ui' as const };
const agent = { user: 'jane.peacock', via: 'ui' as const };
type Status = { running: boolean; origin?: string; port?: number; startedBy?: string };

describe('apiServer.* from Settings', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    t = await openTestApp();
    api = createApi(t.app);
  });
  afterAll(async () => {
    await stopApiServerFor(t.app);
    await t.dispose();
  });

  it('is off until an administrator starts it; others may see the status but not switch it', async () => {
    expect(await api.call('apiServer.status', {}, agent)).toEqual({ running: false });
    await expect(api.call('apiServer.start', {}, agent)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(api.call('apiServer.stop', {}, agent)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await api.call('apiServer.status', {}, admin)).toEqual({ running: false });
  });

  it('starts on 127.0.0.1 and serves a Settings token as its user; starting again keeps the same server', async () => {
    const started = (await api.call('apiServer.start', {}, admin)) as Status;
    expect(started).toMatchObject({ running: true, startedBy: 'andrew.adams' });
    expect(started.origin).toBe(`http://127.0.0.1:${started.port}`);
    expect(await api.call('apiServer.start', { port: 0 }, admin)).toMatchObject({ port: started.port });
    expect(await api.call('apiServer.status', {}, agent)).toMatchObject({ running: true, port: started.port });

    const { token, info } = (await api.call('tokens.create', { name: 'settings test' }, agent)) as { token: string; info: { id: string } };
    const res = await fetch(`${started.origin}/api/v1/objects`, { headers: { authorization: `Bearer ${token}`, 'x-objectdesk-reason': 'settings test' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { objects: Array<{ name: string }> };
    // The agent's view, not the admin's who started the server.
    const own = (await api.call('workspace.objects', {}, agent)) as Array<{ name: string }>;
    expect(body.objects.map((o) => o.name).sort()).toEqual(own.map((o) => o.name).sort());

    await api.call('tokens.revoke', { id: info.id }, agent);
    const after = await fetch(`${started.origin}/api/v1/objects`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);

    const audit = (await api.call('audit.list', { limit: 50 }, admin)) as { entries: Array<{ operation: string; user: string; via: string; outcome: string; reason?: string }> };
    // The audit spells operation names in snake case.
    const ops = audit.entries.map((e) => `${e.operation} ${e.user} ${e.via} ${e.outcome}`);
    expect(ops).toEqual(expect.arrayContaining(['api_server.start andrew.adams ui ok', 'api_server.start jane.peacock ui denied', 'workspace.objects jane.peacock rest ok']));
    expect(audit.entries.find((e) => e.via === 'rest')?.reason).toBe('settings test');
  });

  it('a port in use is refused naming the port', async () => {
    const { port } = (await api.call('apiServer.status', {}, admin)) as Status;
    const other = await openTestApp();
    try {
      await expect(createApi(other.app).call('apiServer.start', { port }, admin)).rejects.toMatchObject({ code: 'unavailable', path: 'port' });
      expect(await createApi(other.app).call('apiServer.status', {}, admin)).toEqual({ running: false });
    } finally {
      await other.dispose();
    }
  });

  it('stops: the port no longer answers and the status says off', async () => {
    const { origin } = (await api.call('apiServer.status', {}, admin)) as Status;
    expect(await api.call('apiServer.stop', {}, admin)).toEqual({ running: false });
    await expect(fetch(`${origin}/api/v1/objects`)).rejects.toThrow();
    expect(await api.call('apiServer.status', {}, agent)).toEqual({ running: false });
  });
});
