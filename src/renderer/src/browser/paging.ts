/**
 * Which server pages the grid needs: only the pages under the visible rows (plus a little overscan) are
 * fetched, cached, and evicted least-recently-used, so a 100,000-row object scrolls with a few pages in
 * memory. Pure functions; the hook in useServerRows.ts does the fetching.
 */

/** Page indexes covering rows [first, last] (inclusive), clamped to the row count. */
export function pagesFor(first: number, last: number, pageSize: number, total: number): number[] {
  if (total <= 0 || last < first) return [];
  const lo = Math.max(0, Math.floor(Math.max(0, first) / pageSize));
  const hi = Math.min(Math.floor((total - 1) / pageSize), Math.floor(Math.min(last, total - 1) / pageSize));
  const out: number[] = [];
  for (let p = lo; p <= hi; p++) out.push(p);
  return out;
}

/** The page and the row's position in it. */
export function locate(index: number, pageSize: number): { page: number; offset: number } {
  return { page: Math.floor(index / pageSize), offset: index % pageSize };
}

/**
 * Pages to drop once the cache holds more than `max`: least recently used first, never one that is
 * visible now.
 */
export function evict(lastUsed: ReadonlyMap<number, number>, visible: readonly number[], max: number): number[] {
  if (lastUsed.size <= max) return [];
  const keep = new Set(visible);
  const candidates = [...lastUsed.entries()].filter(([p]) => !keep.has(p)).sort((a, b) => a[1] - b[1]);
  return candidates.slice(0, lastUsed.size - max).map(([p]) => p);
}
