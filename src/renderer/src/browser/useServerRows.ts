/**
 * Server-side paging for the grid: counts the matching rows once per query, then fetches only the pages
 * the grid asks for (those under the visible rows), through `data.query` with limit/offset.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useBridge } from '../bridge/context';
import { evict, locate, pagesFor } from './paging';

export const PAGE_SIZE = 100;
const MAX_PAGES = 30;

export interface RowsQuery {
  object: string;
  fields: string[];
  where?: Record<string, unknown>;
  search?: string;
  orderBy: Array<{ field: string; order: 'asc' | 'desc' }>;
  expand?: Record<string, { fields: string[] }>;
}

export interface ServerRows {
  total: number | null;
  error: string | null;
  /** Time of the last page fetch, for the status line. */
  lastMs: number | null;
  row(index: number): Record<string, unknown> | undefined;
  /** Tell the hook which rows are on screen; it fetches their pages. */
  ensure(first: number, last: number): void;
  reload(): void;
}

export function useServerRows(q: RowsQuery | null): ServerRows {
  const bridge = useBridge();
  const key = q ? JSON.stringify(q) : '';
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lastMs, setLastMs] = useState<number | null>(null);
  const [, setVersion] = useState(0);
  const [nonce, setNonce] = useState(0);
  const cache = useRef(new Map<number, Record<string, unknown>[]>());
  const used = useRef(new Map<number, number>());
  const inflight = useRef(new Set<number>());
  const generation = useRef(0);
  const visible = useRef<number[]>([]);
  const clock = useRef(0);
  // This query's row count, null until its count arrives. A ref, not the `total` state: in the render that
  // changes the query, `total` still holds the previous query's count, and the grid still reports the old
  // (deep) scroll range, which would fetch pages of the new order that nobody will see.
  const counted = useRef<number | null>(null);

  useEffect(() => {
    generation.current++;
    cache.current.clear();
    used.current.clear();
    inflight.current.clear();
    counted.current = null;
    setTotal(null);
    setError(null);
    if (!q) return;
    const gen = generation.current;
    const countAst = { object: q.object, ...(q.where ? { where: q.where } : {}), ...(q.search ? { search: q.search } : {}), aggregations: [{ function: 'count', alias: 'n' }] };
    bridge.call('data.query', { query: countAst }, 'browse: count rows').then(
      (r) => {
        if (gen !== generation.current) return;
        counted.current = Number(r.rows[0]?.n ?? 0);
        setTotal(counted.current);
      },
      (e: unknown) => gen === generation.current && setError(e instanceof Error ? e.message : String(e)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bridge, key, nonce]);

  const fetchPage = useCallback(
    (page: number) => {
      if (!q || cache.current.has(page) || inflight.current.has(page)) return;
      const gen = generation.current;
      inflight.current.add(page);
      const ast = {
        object: q.object,
        fields: q.fields,
        ...(q.where ? { where: q.where } : {}),
        ...(q.search ? { search: q.search } : {}),
        orderBy: q.orderBy,
        ...(q.expand && Object.keys(q.expand).length ? { expand: q.expand } : {}),
        limit: PAGE_SIZE,
        offset: page * PAGE_SIZE,
      };
      bridge.call('data.query', { query: ast }, 'browse').then(
        (r) => {
          if (gen !== generation.current) return;
          inflight.current.delete(page);
          cache.current.set(page, r.rows);
          used.current.set(page, ++clock.current);
          const ms = (r.plan as { elapsedMs?: number }).elapsedMs;
          if (typeof ms === 'number') setLastMs(ms);
          for (const p of evict(used.current, visible.current, MAX_PAGES)) {
            cache.current.delete(p);
            used.current.delete(p);
          }
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          if (gen !== generation.current) return;
          inflight.current.delete(page);
          setError(e instanceof Error ? e.message : String(e));
        },
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [bridge, key],
  );

  const ensure = useCallback(
    (first: number, last: number) => {
      if (counted.current === null) return;
      const pages = pagesFor(first, last, PAGE_SIZE, counted.current);
      visible.current = pages;
      for (const p of pages) {
        if (cache.current.has(p)) used.current.set(p, ++clock.current);
        else fetchPage(p);
      }
    },
    [fetchPage],
  );

  const row = useCallback((index: number) => {
    const { page, offset } = locate(index, PAGE_SIZE);
    return cache.current.get(page)?.[offset];
  }, []);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { total, error, lastMs, row, ensure, reload };
}
