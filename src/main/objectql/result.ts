/**
 * From flat rows (keyed by the bound query's column keys, canonical values) to what callers get: hidden
 * columns removed, expanded lookups nested, and whether a page is full (it then gets the keyset cursor of the next page).
 */
import type { BoundQuery } from './ir';
import type { FlatRow } from './reference/evaluator';

export type ResultRow = Record<string, unknown>;

export function shapeRow(q: BoundQuery, flat: FlatRow): ResultRow {
  const out: ResultRow = {};
  for (const c of q.columns) if (!c.hidden) out[c.key] = flat[c.key] ?? null;
  if (q.expansions.length === 0) return out;
  // Parents before children: a child lands inside the record its parent created.
  const ordered = [...q.expansions].sort((a, b) => a.at.length - b.at.length);
  for (const e of ordered) {
    let holder: ResultRow | null = out;
    for (const seg of e.at.slice(0, -1)) {
      const next: unknown = holder?.[seg];
      holder = next !== null && typeof next === 'object' ? (next as ResultRow) : null;
    }
    if (!holder) continue;
    const last = e.at[e.at.length - 1]!;
    if (flat[e.presenceKey] === null || flat[e.presenceKey] === undefined) {
      holder[last] = null;
      continue;
    }
    const rec: ResultRow = {};
    for (const m of e.members) rec[m.name] = flat[m.key] ?? null;
    holder[last] = rec;
  }
  return out;
}

export function shapeRows(q: BoundQuery, flat: FlatRow[]): ResultRow[] {
  return flat.map((r) => shapeRow(q, r));
}

/**
 * Whether a page of `rowCount` rows is full, so it gets the keyset cursor of the next page (rows mode only).
 * `limit` is the page size when the caller has it apart from `q` (a prepared query rebound with new values).
 */
export function isFullPage(q: BoundQuery, rowCount: number, limit = Number(q.limit.value)): boolean {
  return q.mode === 'rows' && rowCount > 0 && rowCount >= limit;
}
