/**
 * How a prepared hit's AST after permissions was built: the cache entry's frozen template, the paths its
 * values go to, and this query's values (prepared-ast.ts). Whoever records the AST can then render it
 * from the template and the values instead of walking it — the audit does, on every read
 * (src/main/audit/ast-text.ts).
 *
 * Kept in private fields stamped on the AST object itself (a base constructor that returns its argument
 * makes `super(ast)` install the subclass's fields on `ast`). That is what the record needs:
 *  - invisible: JSON, Object.keys, spread, structuredClone and deep-equality checks do not see it, and the
 *    object stays a plain object;
 *  - bound to this very object: a copy (`{ ...ast, limit: 5 }`) or a look-alike has no provenance, so a
 *    changed AST can never be recorded as the one that was built;
 *  - unforgeable from outside this module, and two field stores per query (a WeakMap costs ~30× more).
 */
import type { Query } from './ast';

type Seg = string | number;

/** What every AST built from one prepared entry shares. */
export interface AstRecipe {
  /** The entry's AST after permissions, deep-frozen; the values at `paths` are replaced per query. */
  readonly template: Query;
  /** Where value i of `values` goes, in leaf order. */
  readonly paths: readonly (readonly Seg[])[];
}

/** Makes `super(target)` install the subclass's private fields on `target` (a stamp, not a new object). */
class Stamp {
  constructor(target: object) {
    return target as Stamp;
  }
}

class Provenance extends Stamp {
  readonly #recipe: AstRecipe;
  readonly #values: readonly unknown[];

  constructor(ast: object, recipe: AstRecipe, values: readonly unknown[]) {
    super(ast);
    this.#recipe = recipe;
    this.#values = values;
  }

  static recipe(o: object): AstRecipe | undefined {
    return #recipe in o ? (o as Provenance).#recipe : undefined;
  }

  static values(o: object): readonly unknown[] | undefined {
    return #values in o ? (o as Provenance).#values : undefined;
  }
}

/**
 * Records that `ast` is `recipe.template` with `values` at `recipe.paths`. The caller must not change
 * `ast` or `values` afterwards. Returns false when the object cannot take it (already stamped).
 */
export function stampProvenance(ast: object, recipe: AstRecipe, values: readonly unknown[]): boolean {
  try {
    new Provenance(ast, recipe, values);
    return true;
  } catch {
    return false;
  }
}

/** The recipe `ast` was built from, when it is a prepared hit's AST as the engine built it. */
export function recipeOf(ast: unknown): AstRecipe | undefined {
  return ast !== null && typeof ast === 'object' ? Provenance.recipe(ast) : undefined;
}

/** The values that went into `ast` (in the recipe's path order), when `recipeOf(ast)` is defined. */
export function valuesOf(ast: object): readonly unknown[] | undefined {
  return Provenance.values(ast);
}

/** Where a recipe's values go, as a tree: per container on the way, its keys that hold value i (`leaf`) or lead on (`sub`). */
export interface PathTree {
  leaf: Map<Seg, number>;
  sub: Map<Seg, PathTree>;
}

export function pathTree(paths: readonly (readonly Seg[])[]): PathTree {
  const root: PathTree = { leaf: new Map(), sub: new Map() };
  paths.forEach((path, i) => {
    let t = root;
    for (let d = 0; d < path.length - 1; d++) {
      let next = t.sub.get(path[d]!);
      if (!next) t.sub.set(path[d]!, (next = { leaf: new Map(), sub: new Map() }));
      t = next;
    }
    t.leaf.set(path[path.length - 1]!, i);
  });
  return root;
}
