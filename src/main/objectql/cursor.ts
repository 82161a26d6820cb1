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

/**
 * Per sort fingerprint: its hash, and the start of every cursor made for it. Every full page makes a cursor,
 * from a handful of orders.
 */
interface Prefix {
  hash: string;
  /** base64url of the whole 3-byte groups of `{"o":"<hash>","v":` (they encode independently of what follows)… */
  head: string;
  /** …and the 0–2 characters left over, encoded with the values. */
  tail: string;
}

const prefixes = new Map<string, Prefix>();
function prefixOf(sortFingerprint: string): Prefix {
  let p = prefixes.get(sortFingerprint);
  if (p === undefined) {
    if (prefixes.size >= 256) prefixes.clear();
    const hash = fnv1a(sortFingerprint);
    const text = `{"o":"${hash}","v":`;
    const cut = text.length - (text.length % 3);
    p = { hash, head: Buffer.from(text.slice(0, cut), 'utf8').toString('base64url'), tail: text.slice(cut) };
    prefixes.set(sortFingerprint, p);
  }
  return p;
}

const ALPHABET = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (c) => c.charCodeAt(0));
/** Longest rest (in characters) encoded here; longer ones go through Buffer, whose fixed cost then pays off. */
const SHORT = 48;

/**
 * base64url of a short ASCII string, in JS: for a few characters the two native calls of Buffer (write,
 * then encode) cost several times the arithmetic. Undefined for anything else (a non-ASCII character has
 * more than one UTF-8 byte).
 */
function shortAsciiBase64url(s: string): string | undefined {
  const n = s.length;
  if (n > SHORT) return undefined;
  const A = ALPHABET;
  let out = '';
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    if ((a | b | c) > 0x7f) return undefined;
    out += String.fromCharCode(A[a >> 2]!, A[((a & 3) << 4) | (b >> 4)]!, A[((b & 15) << 2) | (c >> 6)]!, A[c & 63]!);
  }
  if (n - i === 1) {
    const a = s.charCodeAt(i);
    if (a > 0x7f) return undefined;
    out += String.fromCharCode(A[a >> 2]!, A[(a & 3) << 4]!);
  } else if (n - i === 2) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    if ((a | b) > 0x7f) return undefined;
    out += String.fromCharCode(A[a >> 2]!, A[((a & 3) << 4) | (b >> 4)]!, A[(b & 15) << 2]!);
  }
  return out;
}

/**
 * JSON.stringify(values) for the sort-key values of a row (canonical scalars), written directly: numbers
 * print as JSON prints them (Number#toString; non-finite as null), strings of printable ASCII other than
 * `"` and `\` need no escaping; anything else goes to JSON.stringify.
 */
function scalarsJson(values: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (typeof v === 'number') out += Number.isFinite(v) ? String(v) : 'null';
    else if (v === null || v === undefined) out += 'null';
    else if (typeof v === 'boolean') out += v ? 'true' : 'false';
    else if (typeof v === 'string' && plainAscii(v)) out += `"${v}"`;
    else return JSON.stringify(values);
  }
  return `${out}]`;
}

function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** base64url(UTF-8 of `JSON.stringify({ o: hash of the sort, v: values })`), built without the object or a Buffer when short. */
export function encodeCursor(values: readonly unknown[], sortFingerprint: string): string {
  const p = prefixOf(sortFingerprint);
  // The hash is base-36 digits (nothing to escape), so this is exactly JSON.stringify's text, split after the
  // prefix's whole 3-byte groups.
  const json = scalarsJson(values);
  const short = shortAsciiBase64url(`${p.tail}${json}}`);
  if (short !== undefined) return p.head + short;
  return Buffer.from(`{"o":"${p.hash}","v":${json}}`, 'utf8').toString('base64url');
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
  if (p.o !== prefixOf(sortFingerprint).hash) {
    throw new QueryError('invalid_cursor', 'cursor', 'this cursor was made for a different orderBy; repeat the query with the orderBy of the first page');
  }
  return p.v;
}
