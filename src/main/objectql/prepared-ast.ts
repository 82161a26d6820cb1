/**
 * The AST after permissions of a prepared-query hit: the entry's frozen template with the new values at
 * their paths. Every hit carries it in its plan, so it is built by a function generated once per entry: one
 * nested object/array literal per container on the way to a value (the others are the template's frozen
 * containers, shared), instead of copying containers key by key on every query. The result is the same
 * value the copying version gives: same keys in the same order, fresh containers on the paths, the raw values.
 *
 * Only JSON-quoted keys (from the validated AST) and integer indexes are written into the source; every value
 * and shared container is read from an array, so no value can become code.
 *
 * Every AST it builds carries its provenance (the template, the paths and the values: ast-provenance.ts),
 * so the audit renders its text from the template instead of walking it on every read.
 */
import type { Query } from './ast';
import { pathTree, stampProvenance, type AstRecipe, type PathTree } from './ast-provenance';

type Seg = string | number;
export type AstBuilder = (values: readonly unknown[]) => Query;


export function astBuilder(template: Query, paths: readonly (readonly Seg[])[]): AstBuilder {
  const recipe: AstRecipe = { template, paths };
  if (paths.length === 0) {
    stampProvenance(template, recipe, []);
    return () => template;
  }
  const root = pathTree(paths);
  const shared: unknown[] = [];
  const literal = (node: unknown, c: PathTree): string => {
    const part = (key: Seg, value: unknown): string => {
      const at = c.leaf.get(key);
      if (at !== undefined) return `v[${at}]`;
      const sub = c.sub.get(key);
      if (sub) return literal(value, sub);
      return `s[${shared.push(value) - 1}]`;
    };
    if (Array.isArray(node)) return `[${node.map((x, i) => part(i, x)).join(', ')}]`;
    if (node === null || typeof node !== 'object') throw new Error('a value path runs through a scalar');
    const o = node as Record<string, unknown>;
    // A "__proto__" key in a literal would set the prototype; computed, it is an ordinary property.
    return `{${Object.keys(o).map((k) => `${k === '__proto__' ? `[${JSON.stringify(k)}]` : JSON.stringify(k)}: ${part(k, o[k])}`).join(', ')}}`;
  };
  // Every path must end at a key the template has (the builder writes only keys the template has).
  for (const path of paths) {
    let node: unknown = template;
    for (const seg of path.slice(0, -1)) node = (node as Record<Seg, unknown>)[seg];
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, path[path.length - 1]!)) {
      throw new Error('a value path the template does not have');
    }
  }
  const source = `return function buildAst(v) { const ast = ${literal(template, root)}; stamp(ast, recipe, v); return ast; };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('s', 'stamp', 'recipe', source)(shared, stampProvenance, recipe) as AstBuilder;
}
