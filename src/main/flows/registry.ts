/**
 * The loaded flows of one running app, read once and again after every workspace reload (the workspace
 * watcher already reloads on any source change, `*.flow.ts` included). Keyed by the app's event emitter,
 * which every per-session view of the AppContext shares with the real one.
 */
import path from 'node:path';
import type { AppContext } from '../app/context';
import { loadFlows, type FlowLoadContext, type FlowLoadResult } from './loader';

interface Entry {
  result?: Promise<FlowLoadResult>;
}

const registries = new WeakMap<object, Entry>();

export function loadedFlows(app: AppContext): Promise<FlowLoadResult> {
  let entry = registries.get(app.events);
  if (!entry) {
    const e: Entry = {};
    registries.set(app.events, (entry = e));
    app.events.on('reloaded', () => {
      e.result = undefined;
    });
  }
  return (entry.result ??= readFlows(app).catch((err) => {
    entry!.result = undefined;
    throw err;
  }));
}

/** Forgets the cached flows (after the app wrote a flow file itself). */
export function forgetFlows(app: AppContext): void {
  const entry = registries.get(app.events);
  if (entry) entry.result = undefined;
}

/** What flows are checked against: the whole workspace, and each owner's view of it. Null while it has problems. */
export function flowLoadContext(app: AppContext): FlowLoadContext | null {
  // The view handed to a handler is scoped to its caller; a flow is checked against its owner's view instead.
  const workspace = app.viewFor({ user: app.user.name, via: 'flow' }).workspace;
  if (!workspace) return null;
  return {
    workspace,
    viewFor: (user) => {
      try {
        return app.viewFor({ user, via: 'flow' }).workspace ?? undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export function flowModuleCacheDir(app: AppContext): string {
  return path.join(app.options.dataDir, 'cache', 'workspace');
}

async function readFlows(app: AppContext): Promise<FlowLoadResult> {
  const root = app.options.workspaceDir;
  const ctx = flowLoadContext(app);
  if (!ctx) {
    return {
      flows: new Map(),
      problems: [{ kind: 'workspace_invalid', file: path.join(root, 'objectdesk.config.ts'), message: 'the workspace has problems, so its flows are not loaded — run `objectdesk validate` and fix them first' }],
    };
  }
  return loadFlows(ctx, { cacheDir: flowModuleCacheDir(app) });
}
