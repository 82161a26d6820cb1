/** workspace.*: the loaded objects as the shell lists them, and the reload events it follows. */
import { on } from 'node:events';
import type { QueryHandler, StreamHandler } from '../types';
import type { WorkspaceReloaded } from '../../app/context';
import { objectLabels } from '../describe';
import { workspaceDrift } from '../../introspect/workspace-drift';

export const workspaceObjects: QueryHandler<'workspace.objects'> = async (_input, { app }) => {
  return [...app.partial.objects.values()]
    .map((o) => ({
      ...objectLabels(o),
      ...(o.description ? { description: o.description } : {}),
      namespace: o.namespace,
      datasource: o.datasource,
      fieldCount: Object.keys(o.fields).length,
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
};

export const workspaceWatch: StreamHandler<'workspace.watch'> = async function* (_input, { app, signal }) {
  try {
    for await (const [event] of on(app.events, 'reloaded', { signal })) yield event as WorkspaceReloaded;
  } catch (e) {
    if ((e as Error).name !== 'AbortError') throw e;
  }
};

/** Catalog reads only; the objects' files are the user's, so their paths may be shown. */
export const workspaceDriftHandler: QueryHandler<'workspace.drift'> = async ({ datasource }, { app }) => {
  const ws = app.requireWorkspace();
  const drift = await workspaceDrift(ws, (name) => app.drivers.get(name), datasource);
  return drift;
};
