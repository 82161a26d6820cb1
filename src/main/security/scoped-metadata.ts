/**
 * The workspace as one user sees it. Objects they cannot read and fields they cannot read are not hidden
 * behind a "forbidden" answer — they are absent, so every caller (query engine, describe, listing, AI
 * tools) gives the same answer for "hidden" as for "never existed", and existence cannot leak through an
 * error message, an `allowed` list or a field count.
 */
import type { LoadedObject, Workspace } from '../metadata';
import type { ObjectResolver, QueryObjectDef } from '../objectql/ir';
import type { AccessScope } from './access-scope';

export function scopedObject(o: LoadedObject, scope: AccessScope): LoadedObject | undefined {
  const access = scope.object(o.name);
  if (!access) return undefined;
  if (access.readable.size === Object.keys(o.fields).length) return o;
  const fields = Object.fromEntries(Object.entries(o.fields).filter(([f]) => access.readable.has(f)));
  return { ...o, fields };
}

/** Session-scoped object resolver for the query engine. */
export function scopedResolver(ws: Workspace, scope: AccessScope): ObjectResolver {
  const cache = new Map<string, QueryObjectDef | undefined>();
  return (name) => {
    if (cache.has(name)) return cache.get(name);
    const o = ws.objects.get(name);
    const scoped = o ? scopedObject(o, scope) : undefined;
    cache.set(name, scoped);
    return scoped;
  };
}

/** A copy of the workspace holding only what the user can read (same config, datasources and users). */
export function scopedWorkspace(ws: Workspace, scope: AccessScope): Workspace {
  const objects = new Map<string, LoadedObject>();
  for (const o of ws.objects.values()) {
    const s = scopedObject(o, scope);
    if (s) objects.set(o.name, s);
  }
  return { ...ws, objects };
}
