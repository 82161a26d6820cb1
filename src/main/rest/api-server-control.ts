/**
 * The REST/GraphQL API server switched on and off from inside a running app (Settings, through the
 * `apiServer.*` operations): one server per open AppContext, always on 127.0.0.1 (exposing it elsewhere is
 * a deliberate `objectdesk serve --api --listen`, not a switch in a window). It runs in the process that
 * holds the AppContext — the Electron main process or the browser-mode host — so both get the same server.
 */
import type { AppContext } from '../app/context';
import type { Api } from '../api';
import { startApiServer, type RunningApiServer } from './api-server';

export interface ApiServerState {
  running: boolean;
  origin?: string;
  port?: number;
  startedBy?: string;
  startedAt?: string;
}

interface Entry {
  server?: RunningApiServer;
  /** A start in flight, so two quick clicks start one server. */
  starting?: Promise<RunningApiServer>;
  startedBy?: string;
  startedAt?: string;
}

// Keyed like the token store: a per-Session view of the context shares `options` with the real one.
const servers = new WeakMap<object, Entry>();

function entryOf(app: Pick<AppContext, 'options'>): Entry {
  let e = servers.get(app.options);
  if (!e) servers.set(app.options, (e = {}));
  return e;
}

export function apiServerState(app: Pick<AppContext, 'options'>): ApiServerState {
  const e = servers.get(app.options);
  if (!e?.server) return { running: false };
  return { running: true, origin: e.server.origin, port: e.server.port, ...(e.startedBy ? { startedBy: e.startedBy } : {}), ...(e.startedAt ? { startedAt: e.startedAt } : {}) };
}

/**
 * Handlers see a per-Session view whose `workspace`, `partial` and `user` are fixed when the call began.
 * A server outlives the call, and its token check and GraphQL schema cache must follow workspace reloads,
 * so it reads those from the real context. The view forwards property descriptors to it (its Proxy has no
 * such trap), which gives their current values; everything else (methods, audit) already reaches it.
 */
export function liveContext(view: AppContext): AppContext {
  const live = new Set<PropertyKey>(['workspace', 'partial', 'user', 'problems']);
  return new Proxy(view, {
    get(target, prop, receiver) {
      if (live.has(prop)) {
        const d = Object.getOwnPropertyDescriptor(target, prop);
        if (d && 'value' in d) return d.value;
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

export async function startApiServerFor(app: AppContext, makeApi: (app: AppContext) => Api, opts: { port: number; by: string }): Promise<ApiServerState> {
  const e = entryOf(app);
  if (e.server) return apiServerState(app);
  if (!e.starting) {
    e.starting = startApiServer({ api: makeApi(liveContext(app)), listen: { host: '127.0.0.1', port: opts.port } });
    e.starting.then(
      (server) => {
        e.server = server;
        e.startedBy = opts.by;
        e.startedAt = new Date().toISOString();
      },
      () => undefined,
    ).finally(() => (e.starting = undefined));
  }
  await e.starting;
  return apiServerState(app);
}

export async function stopApiServerFor(app: Pick<AppContext, 'options'>): Promise<ApiServerState> {
  const e = servers.get(app.options);
  if (e?.starting) await e.starting.catch(() => undefined);
  const server = e?.server;
  if (e) servers.delete(app.options);
  await server?.close();
  return { running: false };
}
