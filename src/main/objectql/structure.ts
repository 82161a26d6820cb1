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
 *
 * A structure hit more than once also gets a matcher (structure-matcher.ts): straight-line checks of the same
 * facts, about ten times cheaper than the walk. The store tries the matchers of the few structures hit most
 * recently before walking; a matcher accepts exactly the queries that walk to its tokens, so trying them
 * first changes which work is done, never the answer.
 */
import { compileMatcher, type Matcher } from './structure-matcher';
import { BOOL, CLOSE, CLOSE_LIST, KEY, NULL, NUM, OPEN, OPEN_LIST, SCOPE, STR, TAG, UNDEF, sameTok, type Signature } from './structure-tokens';
import { LIMITS } from './validate';

export type { Signature } from './structure-tokens';

type Seg = string | number;

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
        // A zero offset is left out of the statement: it is structure, any other offset a value (an integer
        // one tagged 'n', so the tag alone says it is not zero — see structure-matcher.ts).
        if (v === 0) ok = verbatim(v, 1);
        else if (typeof v === 'number' && Number.isInteger(v)) ok = collect(v, 'n');
        else ok = leaf(v, 1);
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
    const ok = k === '$and' || k === '$or' ? listOf(v, depth, filter) : k === '$not' ? filter(v, depth + 1) : condition(v, depth + 1);
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
    const ok =
      op === '$in' || op === '$nin' || op === '$between' ? listOf(v, depth, leaf)
      : op === '$null' || op === '$exists' ? verbatim(v, depth + 1)
      : leaf(v, depth + 1);
    stack.pop();
    if (!ok) return false;
  }
  put(CLOSE, undefined, CLOSE);
  return true;
}

/** A list whose elements `item` walks (the filters of `$and`/`$or`, the values of `$in`…); not a list: verbatim. */
function listOf(v: unknown, depth: number, item: (x: unknown, depth: number) => boolean): boolean {
  if (!Array.isArray(v)) return verbatim(v, depth + 1);
  put(OPEN_LIST, undefined, OPEN_LIST);
  let ok = true;
  for (let i = 0; i < v.length && ok; i++) {
    stack.push(i);
    ok = item(v[i], depth + 2);
    stack.pop();
  }
  put(CLOSE_LIST, undefined, CLOSE_LIST);
  return ok;
}

/** A value position: scalars become a type tag and are collected; anything else is structure. */
function leaf(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      return collect(v, 's');
    case 'number':
      return collect(v, Number.isInteger(v) ? 'i' : 'f');
    case 'boolean':
      return collect(v, 'b');
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
}

function collect(v: unknown, tag: string): true {
  put(TAG, tag, tag.charCodeAt(0));
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

// ---- signatures and text -----------------------------------------------------------------------------

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
  /** Times found by the walk; the second time the slot gets its matcher. */
  hits: number;
  match?: Matcher;
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

/** A matcher, or none: a structure the generator cannot take is simply always walked (it never fails a query). */
function matcherOf(sig: Signature): Matcher | undefined {
  try {
    return compileMatcher(sig);
  } catch {
    return undefined;
  }
}

/** Matchers tried before the walk: a grid alternates a few shapes (a page, its count, a lookup). */
const RECENT = 4;

/**
 * Entries of one scope (an engine, or one session of it) by structure. Bounded, oldest entry evicted first: a
 * hit does not reorder (an engine lives for one call in the app, so recency hardly differs from age).
 */
export class PreparedStore<E> {
  private readonly buckets = new Map<number, Slot<E>[]>();
  /** Every slot in insertion order, for eviction. */
  private readonly order = new Set<Slot<E>>();
  /** Slots with a matcher, most recently hit first. */
  private recent: Slot<E>[] = [];
  constructor(private readonly limit = 256) {}

  /** Looks the structure of `raw` up (a recent matcher, else the walk); undefined when the query is not a candidate. */
  probe(raw: unknown, scope: string): Probe<E> | undefined {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      const slot = recent[i]!;
      if (slot.sig.toks[0] !== scope) continue;
      const v = slot.match!(raw);
      if (v) {
        if (i > 0) this.touch(slot);
        return { values: v, found: slot.value, signature: slot.sig };
      }
    }
    const ok = walk(raw, scope, false);
    const v = values;
    values = [];
    if (!ok) return undefined;
    const bucket = this.buckets.get(bucketOf(hash));
    if (bucket) {
      for (let i = 0; i < bucket.length; i++) {
        const slot = bucket[i]!;
        if (!scratchIs(slot.sig)) continue;
        if (++slot.hits === 2 && slot.value !== null) {
          slot.match = matcherOf(slot.sig);
          if (slot.match) this.touch(slot);
        }
        return { values: v, found: slot.value, signature: slot.sig };
      }
    }
    return { values: v, found: undefined, signature: signature() };
  }

  /** Puts a slot with a matcher first in `recent`. */
  private touch(slot: Slot<E>): void {
    const rest = this.recent.filter((s) => s !== slot);
    this.recent = [slot, ...rest.slice(0, RECENT - 1)];
  }

  /** Sets the entry of a structure (null: known not cacheable). */
  set(sig: Signature, value: E | null): void {
    this.delete(sig);
    if (this.order.size >= this.limit) {
      const oldest = this.order.values().next().value;
      if (oldest) this.delete(oldest.sig);
    }
    const slot: Slot<E> = { sig, value, hits: 0 };
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
    const slot = bucket[i]!;
    this.order.delete(slot);
    if (this.recent.includes(slot)) this.recent = this.recent.filter((s) => s !== slot);
    if (bucket.length === 1) this.buckets.delete(sig.hash);
    else bucket.splice(i, 1);
  }

  get size(): number {
    return this.order.size;
  }
}
