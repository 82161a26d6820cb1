/**
 * The tokens of a query structure (see structure.ts): what the structure walk writes and the store, the
 * matchers and the key text read. A prefix-free serialisation: every object and list is opened and closed,
 * and keys, value tags and verbatim values are different kinds.
 */

export const OPEN = 1;
export const CLOSE = 2;
export const OPEN_LIST = 3;
export const CLOSE_LIST = 4;
/** A property name; its value's tokens follow. */
export const KEY = 5;
/**
 * A value position, by its JSON type: 's' string, 'i' integer, 'f' other number, 'b' boolean (these values
 * are collected), 'u' undefined, 'z' null (structure). 'n' is an integer `offset` other than zero (zero is
 * structure: the statement leaves it out).
 */
export const TAG = 6;
export const STR = 7;
/** A verbatim number, compared with Object.is (-0 is not 0). */
export const NUM = 8;
export const BOOL = 9;
export const NULL = 10;
export const UNDEF = 11;
/** The caller's scope of the structure (the engine keeps `query` and `stream` apart); always the first token. */
export const SCOPE = 12;

/** The tokens of one structure. */
export interface Signature {
  /** Bucket of the store (a digest; equality is decided by the tokens). */
  hash: number;
  kinds: number[];
  toks: unknown[];
}

/** Token equality: numbers with Object.is (-0 is not 0, NaN is NaN), everything else with ===. */
export function sameTok(kind: number, a: unknown, b: unknown): boolean {
  return kind === NUM ? Object.is(a, b) : a === b;
}
