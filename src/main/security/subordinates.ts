/**
 * `$user.subordinates`: the keys of everyone below the user in the workspace `hierarchy` (e.g. Chinook's
 * Employee.ReportsTo), walked down from the user's `externalId`, transitively, at most `maxDepth` levels,
 * safe against cycles in real data, never including the user. Computing it reads exactly two columns of
 * the hierarchy object — its key and its parent lookup — for every row; no other business value. The
 * caller audits that read as the user it is computed for.
 */
import type { Workspace } from '../metadata';
import type { UserDefinition } from '../metadata/security-config';
import type { ObjectQL } from '../objectql/engine';

export interface SubordinatesResult {
  keys: (string | number)[];
  /** Rows of the hierarchy object read. */
  rowsRead: number;
  /** The query that read them (for the audit). */
  query: { object: string; fields: string[]; limit: number };
}

/** Rows read at most; a larger hierarchy is refused rather than silently cut. */
export const HIERARCHY_ROW_CAP = 100_000;

export async function computeSubordinates(ws: Workspace, user: UserDefinition, engine: ObjectQL, signal?: AbortSignal): Promise<SubordinatesResult> {
  const h = ws.config.hierarchy;
  if (!h) throw new Error('$user.subordinates needs a workspace hierarchy');
  const object = ws.objects.get(h.object);
  const key = object?.primaryKey.length === 1 ? object.primaryKey[0] : undefined;
  if (!object || !key) throw new Error(`the hierarchy object "${h.object}" needs a single-field primary key`);
  const query = { object: h.object, fields: [key, h.parentField], limit: HIERARCHY_ROW_CAP + 1 };
  if (user.externalId === undefined) return { keys: [], rowsRead: 0, query };
  const children = new Map<string, (string | number)[]>();
  let rowsRead = 0;
  for await (const row of await engine.stream(query, { signal })) {
    if (++rowsRead > HIERARCHY_ROW_CAP) throw new Error(`the hierarchy "${h.object}" has more than ${HIERARCHY_ROW_CAP} rows`);
    const k = row[key] as string | number | null;
    const parent = row[h.parentField] as string | number | null;
    if (k === null || k === undefined || parent === null || parent === undefined) continue;
    const list = children.get(String(parent)) ?? [];
    list.push(k);
    children.set(String(parent), list);
  }
  const me = String(user.externalId);
  const seen = new Set<string>([me]);
  const keys: (string | number)[] = [];
  let level = [me];
  for (let depth = 1; depth <= h.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const p of level) {
      for (const c of children.get(p) ?? []) {
        if (seen.has(String(c))) continue; // a cycle, or reached twice
        seen.add(String(c));
        keys.push(c);
        next.push(String(c));
      }
    }
    level = next;
  }
  return { keys, rowsRead, query };
}
