/**
 * The structure of a raw query — what the prepared-query cache is keyed by — and the store of prepared
 * entries by structure.
 *
 * - Every value a caller compares with (filter operands, `limit`, a non-zero `offset`) is replaced by a tag
 *   of its JSON type (integer and fractional numbers apart, because they compile differently); everything
 *   else — object, field names, operators, `$null` flags, list lengths, key order — is structure, verbatim.
 *   Key order is kept, not normalised: it decides the order of the predicates, so two orders are two
 *   statements (and two entries), exactly as a cold engine would compile them.
 * - Not a candidate: `search`, `cursor` (bound from more than the value's type), anything that is not plain
 *   JSON-like data, nesting deeper than the validator allows.
 *
 * Why tokens and not a text key: the walk runs for every query, and on a one-row primary-key read building
 * the key text, then flattening and hashing it for the Map lookup, was a third of the engine's own time. The
 * walk writes typed tokens (kind + value) into reused scratch arrays and mixes a small hash as it goes; the
 * store finds the bucket by that number and compares tokens one by one (property names from `Object.keys`
 * are interned, so most comparisons are pointer checks). The token sequence is a prefix-free serialisation of
 * the structure (every object and list is opened and closed, keys and values are different kinds), so equal
 * tokens mean equal structure; the hash only picks the bucket, and a collision costs a comparison, never a
 * wrong entry. `structureOf(...).key` prints the same tokens as text, for tests and debugging.
 */
import { LIMITS } from './validate';

type Seg = string | number;

// Token kinds. The value position tags (TAG) are 's', 'i', 'f', 'b' (collected values) and 'u', 'z'
// (undefined and null, which are structure).
const OPEN = 1;
const CLOSE = 2;
const OPEN_LIST = 3;
const CLOSE_LIST = 4;
const KEY = 5;
const TAG = 6;
const STR = 7;
const NUM = 8;
const BOOL = 9;
const NULL = 10;
const UNDEF = 11;
/** The caller's scope of the key (the engine keeps `query` and `stream` shapes apart). */
const SCOPE = 12;

// ---- the walk --------------------------------------------------------------------------------------

// The walk writes into module state instead of allocating per node: it runs for every query. The scratch
// arrays are never shrunk (that would free their storage); `n` is how much of them this walk wrote.
let n = 0;
const kinds: number[] = [];
const toks: unknown[] = [];
let hash = 0;
let values: unknown[] = [];
const stack: Seg[] = [];
let paths: Seg[][] | null = null;

function put(kind: number, tok: unknown, mix: number): void {
  kinds[n] = kind;
  toks[n] = tok;
  n++;
  hash = Math.imul(hash ^ mix, 0x01000193);
}

/** A cheap digest of a string for the bucket hash: its length and first and last characters (exactness comes from comparing). */
function mixOf(kind: number, s: string): number {
  const last = s.length - 1;
  return (kind << 24) ^ (s.length << 16) ^ ((s.charCodeAt(0) | 0) << 8) ^ (last > 0 ? s.charCodeAt(last) : 0);
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Walks a raw query into the scratch tokens; false when it is not a candidate. */
function walk(raw: unknown, scope: string, withPaths: boolean): boolean {
  n = 0;
  hash = 0x811c9dc5;
  values = [];
  if (stack.length) stack.length = 0; // only after a walk that stopped early
  paths = withPaths ? [] : null;
  put(SCOPE, scope, mixOf(SCOPE, scope));
  return root(raw);
}

function root(raw: unknown): boolean {
  if (!isPlain(raw)) return false;
  put(OPEN, undefined, OPEN);
  for (const k of Object.keys(raw)) {
    const v = raw[k];
    put(KEY, k, mixOf(KEY, k));
    stack.push(k);
    let ok: boolean;
    switch (k) {
      case 'where':
      case 'having':
        ok = filter(v, 1);
        break;
      case 'aggregations':
        ok = aggregations(v);
        break;
      case 'limit':
        ok = leaf(v, 1);
        break;
      case 'offset':
        // A zero offset is left out of the statement: it is structure, any other offset a value.
        ok = v === 0 ? verbatim(v, 1) : leaf(v, 1);
        break;
      case 'search':
      case 'cursor':
        // Bound from more than the value's type (terms, decoded keys): never rebound.
        ok = v === undefined;
        put(TAG, 'u', TAG);
        break;
      default:
        ok = verbatim(v, 1);
    }
    stack.pop();
    if (!ok) return false;
  }
  put(CLOSE, undefined, CLOSE);
  return true;
}

function aggregations(v: unknown): boolean {
  if (!Array.isArray(v)) return verbatim(v, 1);
  put(OPEN_LIST, undefined, OPEN_LIST);
  for (let i = 0; i < v.length; i++) {
    const a: unknown = v[i];
    stack.push(i);
    let ok = true;
    if (isPlain(a)) {
      put(OPEN, undefined, OPEN);
      for (const k of Object.keys(a)) {
        put(KEY, k, mixOf(KEY, k));
        stack.push(k);
        ok = k === 'filter' ? filter(a[k], 3) : verbatim(a[k], 3);
        stack.pop();
        if (!ok) break;
      }
      put(CLOSE, undefined, CLOSE);
    } else {
      ok = verbatim(a, 2);
    }
    stack.pop();
    if (!ok) return false;
  }
  put(CLOSE_LIST, undefined, CLOSE_LIST);
  return true;
}

function filter(f: unknown, depth: number): boolean {
  if (!isPlain(f)) return verbatim(f, depth);
  if (depth > LIMITS.maxRawDepth) return false;
  put(OPEN, undefined, OPEN);
  for (const k of Object.keys(f)) {
    const v = f[k];
    put(KEY, k, mixOf(KEY, k));
    stack.push(k);
    let ok = true;
    if (k === '$and' || k === '$or') {
      if (Array.isArray(v)) {
        put(OPEN_LIST, undefined, OPEN_LIST);
        for (let i = 0; i < v.length && ok; i++) {
          stack.push(i);
          ok = filter(v[i], depth + 2);
          stack.pop();
        }
        put(CLOSE_LIST, undefined, CLOSE_LIST);
      } else {
        ok = verbatim(v, depth + 1);
      }
    } else if (k === '$not') {
      ok = filter(v, depth + 1);
    } else {
      ok = condition(v, depth + 1);
    }
    stack.pop();
    if (!ok) return false;
  }
  put(CLOSE, undefined, CLOSE);
  return true;
}

function condition(c: unknown, depth: number): boolean {
  if (!isPlain(c)) return Array.isArray(c) ? verbatim(c, depth) : leaf(c, depth);
  if (depth > LIMITS.maxRawDepth) return false;
  put(OPEN, undefined, OPEN);
  for (const op of Object.keys(c)) {
    const v = c[op];
    put(KEY, op, mixOf(KEY, op));
    stack.push(op);
    let ok = true;
    if (op === '$in' || op === '$nin' || op === '$between') {
      if (Array.isArray(v)) {
        put(OPEN_LIST, undefined, OPEN_LIST);
        for (let i = 0; i < v.length && ok; i++) {
          stack.push(i);
          ok = leaf(v[i], depth + 2);
          stack.pop();
        }
        put(CLOSE_LIST, undefined, CLOSE_LIST);
      } else {
        ok = verbatim(v, depth + 1);
      }
    } else if (op === '$null' || op === '$exists') {
      ok = verbatim(v, depth + 1);
    } else {
      ok = leaf(v, depth + 1);
    }
    stack.pop();
    if (!ok) return false;
  }
  put(CLOSE, undefined, CLOSE);
  return true;
}

/** A value position: scalars become a type tag and are collected; anything else is structure. */
function leaf(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      put(TAG, 's', 0x73);
      break;
    case 'number':
      if (Number.isInteger(v)) put(TAG, 'i', 0x69);
      else put(TAG, 'f', 0x66);
      break;
    case 'boolean':
      put(TAG, 'b', 0x62);
      break;
    case 'undefined':
      put(TAG, 'u', 0x75);
      return true;
    default:
      if (v === null) {
        put(TAG, 'z', 0x7a);
        return true;
      }
      return verbatim(v, depth);
  }
  values.push(v);
  if (paths) paths.push(stack.slice());
  return true;
}

/** Structure, kept exactly: strings and numbers as tokens of their own kind (-0 apart from 0, see `sameTok`). */
function verbatim(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      put(STR, v, mixOf(STR, v));
      return true;
    case 'number':
      put(NUM, v, NUM ^ (v | 0));
      return true;
    case 'boolean':
      put(BOOL, v, v ? BOOL : -BOOL);
      return true;
    case 'undefined':
      put(UNDEF, undefined, UNDEF);
      return true;
    case 'object': {
      if (v === null) {
        put(NULL, null, NULL);
        return true;
      }
      if (depth > LIMITS.maxRawDepth) return false;
      if (Array.isArray(v)) {
        put(OPEN_LIST, undefined, OPEN_LIST);
        for (let i = 0; i < v.length; i++) if (!verbatim(v[i], depth + 1)) return false;
        put(CLOSE_LIST, undefined, CLOSE_LIST);
        return true;
      }
      if (!isPlain(v)) return false;
      put(OPEN, undefined, OPEN);
      for (const k of Object.keys(v)) {
        put(KEY, k, mixOf(KEY, k));
        if (!verbatim(v[k], depth + 1)) return false;
      }
      put(CLOSE, undefined, CLOSE);
      return true;
    }
    default:
      return false;
  }
}

/** Token equality: strings, booleans and the like by value; numbers with Object.is (-0 is not 0, NaN is NaN). */
function sameTok(kind: number, a: unknown, b: unknown): boolean {
  return kind === NUM ? Object.is(a, b) : a === b;
}

// ---- signatures and text -----------------------------------------------------------------------------

/** The tokens of one structure, copied out of the scratch arrays. */
export interface Signature {
  hash: number;
  kinds: number[];
  toks: unknown[];
}

/** The bucket of a hash: kept a small integer, so the Map hashes it cheaply. */
function bucketOf(h: number): number {
  return h & 0x3fffffff;
}

function signature(): Signature {
  return { hash: bucketOf(hash), kinds: kinds.slice(0, n), toks: toks.slice(0, n) };
}

/** Whether the scratch tokens of the last walk are `s`. */
function scratchIs(s: Signature): boolean {
  const k = s.kinds;
  if (k.length !== n) return false;
  const t = s.toks;
  for (let i = 0; i < n; i++) {
    const kind = k[i]!;
    if (kind !== kinds[i] || !sameTok(kind, t[i], toks[i])) return false;
  }
  return true;
}

export function sameSignature(a: Signature, b: Signature): boolean {
  if (a.hash !== b.hash || a.kinds.length !== b.kinds.length) return false;
  for (let i = 0; i < a.kinds.length; i++) {
    const kind = a.kinds[i]!;
    if (kind !== b.kinds[i] || !sameTok(kind, a.toks[i], b.toks[i])) return false;
  }
  return true;
}

/** A key as JSON text; identifiers (nearly every key of a query) without JSON.stringify's fixed cost. */
function quoted(k: string): string {
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    // Letters, digits, '_', '$' and '.' need no escaping.
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 46)) return JSON.stringify(k);
  }
  return `"${k}"`;
}

/** The tokens as text: different structures never print the same. */
function keyText(s: Signature): string {
  let out = '';
  for (let i = 0; i < s.kinds.length; i++) {
    const t = s.toks[i];
    switch (s.kinds[i]) {
      case SCOPE: out += `${String(t)}:`; break;
      case OPEN: out += '{'; break;
      case CLOSE: out += '},'; break;
      case OPEN_LIST: out += '['; break;
      case CLOSE_LIST: out += '],'; break;
      case KEY: out += `${quoted(t as string)}:`; break;
      case TAG: out += `#${String(t)},`; break;
      case STR: out += `${quoted(t as string)},`; break;
      case NUM: out += `${Object.is(t, -0) ? '-0' : String(t)},`; break;
      case BOOL: out += `${String(t)},`; break;
      case NULL: out += 'null,'; break;
      case UNDEF: out += 'undefined,'; break;
    }
  }
  return out;
}

// ---- the public walk -------------------------------------------------------------------------------

export interface Structure {
  /** The structure as text (tests, debugging); the store compares tokens. */
  key: string;
  signature: Signature;
  /** The values at value positions (no null/undefined: those are part of the structure), in walk order. */
  values: unknown[];
  /** Their paths in the raw AST, when asked for (building an entry). */
  paths?: Seg[][];
}

/** The structure and values of a raw query, or undefined when it is not a candidate. */
export function structureOf(raw: unknown, withPaths = false, scope = ''): Structure | undefined {
  const ok = walk(raw, scope, withPaths);
  const v = values;
  const p = paths;
  values = [];
  paths = null;
  if (!ok) return undefined;
  const sig = signature();
  return p ? { key: keyText(sig), signature: sig, values: v, paths: p } : { key: keyText(sig), signature: sig, values: v };
}

// ---- the store -------------------------------------------------------------------------------------

interface Slot<E> {
  sig: Signature;
  value: E | null;
}

/** What the store knows of a raw query's structure. */
export interface Probe<E> {
  /** The values at value positions, in walk order. */
  values: unknown[];
  /** The entry; null for a structure known not to be cacheable; undefined when unknown. */
  found: E | null | undefined;
  /** The structure: give it back to `set` or `delete`. */
  signature: Signature;
}

/**
 * Entries of one scope (an engine, or one session of it) by structure. Bounded, oldest entry evicted first: a
 * hit does not reorder (an engine lives for one call in the app, so recency hardly differs from age).
 */
export class PreparedStore<E> {
  private readonly buckets = new Map<number, Slot<E>[]>();
  /** Every slot in insertion order, for eviction. */
  private readonly order = new Set<Slot<E>>();
  constructor(private readonly limit = 256) {}

  /** Walks `raw` and looks its structure up; undefined when the query is not a candidate. */
  probe(raw: unknown, scope: string): Probe<E> | undefined {
    const ok = walk(raw, scope, false);
    const v = values;
    values = [];
    if (!ok) return undefined;
    const bucket = this.buckets.get(bucketOf(hash));
    if (bucket) {
      for (let i = 0; i < bucket.length; i++) {
        const slot = bucket[i]!;
        if (scratchIs(slot.sig)) return { values: v, found: slot.value, signature: slot.sig };
      }
    }
    return { values: v, found: undefined, signature: signature() };
  }

  /** Sets the entry of a structure (null: known not cacheable). */
  set(sig: Signature, value: E | null): void {
    this.delete(sig);
    if (this.order.size >= this.limit) {
      const oldest = this.order.values().next().value;
      if (oldest) this.delete(oldest.sig);
    }
    const slot: Slot<E> = { sig, value };
    const bucket = this.buckets.get(sig.hash);
    if (bucket) bucket.push(slot);
    else this.buckets.set(sig.hash, [slot]);
    this.order.add(slot);
  }

  delete(sig: Signature): void {
    const bucket = this.buckets.get(sig.hash);
    if (!bucket) return;
    const i = bucket.findIndex((s) => sameSignature(s.sig, sig));
    if (i < 0) return;
    this.order.delete(bucket[i]!);
    if (bucket.length === 1) this.buckets.delete(sig.hash);
    else bucket.splice(i, 1);
  }

  get size(): number {
    return this.order.size;
  }
}
