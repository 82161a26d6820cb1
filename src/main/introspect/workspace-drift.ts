/**
 * Schema drift of a whole workspace: every active datasource's live catalog against the objects that read
 * it. Used by `objectdesk diff`'s API twin (`workspace.drift`) and by the app after each workspace load, so
 * an object that reads a vanished column is reported with its fix instead of discovered by a failed query.
 * Reads catalogs only — never business rows.
 */
import { readFileSync } from 'node:fs';
import type { Driver } from '../drivers/types';
import type { Workspace } from '../metadata';
import { diffObjects, type DriftItem } from './diff';
import { readSnapshot } from './render';

export interface WorkspaceDrift {
  checkedAt: string;
  items: DriftItem[];
  /** Datasources whose catalog could not be read, with the driver's message (never a password). */
  unreachable: { datasource: string; message: string }[];
}

export async function workspaceDrift(workspace: Workspace, driverOf: (datasource: string) => Driver, only?: string): Promise<WorkspaceDrift> {
  const items: DriftItem[] = [];
  const unreachable: WorkspaceDrift['unreachable'] = [];
  for (const ds of workspace.datasources.values()) {
    if (ds.active === false || (only && ds.name !== only)) continue;
    const objects = [...workspace.objects.values()].filter((o) => o.datasource === ds.name);
    if (objects.length === 0) continue;
    try {
      const catalog = await driverOf(ds.name).introspect();
      const subjects = objects.map((o) => ({ object: o, file: o.file, snapshot: readSnapshot(readFileSync(o.file, 'utf8')) }));
      items.push(...diffObjects(catalog, subjects));
    } catch (e) {
      unreachable.push({ datasource: ds.name, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { checkedAt: new Date().toISOString(), items, unreachable };
}
