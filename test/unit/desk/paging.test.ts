// Only the pages under the visible rows are fetched; the cache drops least-recently-used, never visible, pages.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evict, locate, pagesFor } from '../../../src/renderer/src/browser/paging';

describe('paging windows', () => {
  it('covers the visible rows with the fewest pages, clamped to the row count', () => {
    expect(pagesFor(0, 30, 100, 100_000)).toEqual([0]);
    expect(pagesFor(95, 130, 100, 100_000)).toEqual([0, 1]);
    expect(pagesFor(99_990, 100_020, 100, 100_000)).toEqual([999]);
    expect(pagesFor(0, 10, 100, 0)).toEqual([]);
    expect(pagesFor(10, 5, 100, 1000)).toEqual([]);
  });

  it('every visible row lies in a returned page (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 500 }), (total, a, span, size) => {
        const first = Math.min(a, total - 1);
        const last = Math.min(first + span, total - 1);
        const pages = pagesFor(first, last, size, total);
        for (let i = first; i <= last; i++) expect(pages).toContain(locate(i, size).page);
        expect(pages.length).toBeLessThanOrEqual(Math.ceil((span + 1) / size) + 1);
      }),
    );
  });

  it('evicts least recently used pages, never visible ones', () => {
    const used = new Map([[0, 5], [1, 1], [2, 3], [3, 2], [4, 9]]);
    expect(evict(used, [1], 3)).toEqual([3, 2]);
    expect(evict(used, [], 10)).toEqual([]);
  });
});
