/**
 * Keyset cursors: an opaque string holding the sort-key values of the last row of a page, bound to the sort
 * order it was made for (a cursor replayed with another `orderBy` is rejected, not silently misapplied).
 */
import { QueryError } from './errors';

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** Hashes of recent sort fingerprints: a full page of every query makes a cursor, from a handful of orders. */
const hashes = new Map<string, string>();
function fingerprintHash(sortFingerprint: string): string {
  let h = hashes.get(sortFingerprint);
  if (h === undefined) {
    if (hashes.size >= 256) hashes.clear();
    hashes.set(sortFingerprint, (h = fnv1a(sortFingerprint)));
  }
  return h;
}

export function encodeCursor(values: readonly unknown[], sortFingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: fingerprintHash(sortFingerprint), v: values }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sortFingerprint: string, keys: number): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new QueryError('invalid_cursor', 'cursor', 'not a cursor returned by a previous page (nextCursor)');
  }
  const p = parsed as { o?: unknown; v?: unknown };
  if (!p || typeof p !== 'object' || !Array.isArray(p.v) || p.v.length !== keys || p.v.some((x) => x !== null && typeof x === 'object')) {
    throw new QueryError('invalid_cursor', 'cursor', 'not a cursor returned by a previous page (nextCursor)');
  }
  if (p.o !== fingerprintHash(sortFingerprint)) {
    throw new QueryError('invalid_cursor', 'cursor', 'this cursor was made for a different orderBy; repeat the query with the orderBy of the first page');
  }
  return p.v;
}
