/**
 * `s` as one flat string. Text built with `+` or a template literal is a tree of pieces in V8; joining
 * such a string into a batch walks the tree every time (about 4× the cost of copying a flat one). The
 * texts the audit caches and joins on every read are built once and flattened here; the round trip
 * through bytes is a plain way to get a copy in one piece.
 */
export function flat(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
