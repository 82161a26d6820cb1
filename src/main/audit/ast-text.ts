/**
 * The text of an AST the engine built from a prepared template (src/main/objectql/ast-provenance.ts),
 * without walking it: the template's canonical text is compiled once per template into fixed parts with a
 * hole per value; a read only checks its values, and the writer quotes them into the holes
 * (batch-codec.mjs).
 *
 * The rendered text is what `checkAst` + `storedAst` give for the same object, before the size cap (which
 * the writer applies to both): test/unit/audit/ast-text.test.ts compares the two on random Chinook queries,
 * through the queue and the writer's decoder. When it cannot promise that, the entry takes the general way (the AST is checked and snapshotted as JSON): a
 * value that is not a string, finite number, boolean or null; a string that looks like a URL with a
 * password; a template the audit would refuse.
 */
import { pathTree, recipeOf, type AstRecipe, type PathTree } from '../objectql/ast-provenance';
import { checkAst, CREDENTIAL_URL } from './sanitize-ast';
import { canonicalJson } from './writer-core.mjs';

/** text = parts[0] + JSON(value at holes[0]) + parts[1] + … + parts[n] */
export interface TextTemplate {
  /** Unique in this process (every log's batches define the templates they use by this id). */
  readonly id: number;
  readonly parts: readonly string[];
  /** Per hole, the index of its value in the AST's values (ast-provenance.ts). */
  readonly holes: readonly number[];
  /** The batch (RecordQueue generation) that last defined this template; record.ts keeps it. */
  definedIn: number;
}

let nextId = 1;
/** Per recipe (one per prepared entry); null when the audit would refuse the template itself. */
const templates = new WeakMap<AstRecipe, TextTemplate | null>();

/** The last recipe asked for and its template: a session repeats one query shape. */
let lastRecipe: AstRecipe | undefined;
let lastTemplate: TextTemplate | null = null;

/**
 * The text template `ast` can be recorded by, given `values` = valuesOf(ast); undefined when it must take
 * the general way (not built from a prepared template, a template the audit refuses, or a value it does not
 * keep as is). The template's values are `values[holes[i]]`, each a string, finite number, boolean or null.
 */
export function templateFor(ast: object, values: readonly unknown[]): TextTemplate | undefined {
  const recipe = recipeOf(ast);
  if (recipe === undefined) return undefined;
  let t: TextTemplate | null | undefined = recipe === lastRecipe ? lastTemplate : templates.get(recipe);
  if (t === undefined) templates.set(recipe, (t = compile(recipe)));
  lastRecipe = recipe;
  lastTemplate = t;
  if (t === null) return undefined;
  const holes = t.holes;
  for (let i = 0; i < holes.length; i++) if (!plain(values[holes[i]!])) return undefined;
  return t;
}

/** A value the audit keeps as is (checkAst's rules for a scalar); its text is JSON.stringify's. */
function plain(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return v.indexOf('@') === -1 || !CREDENTIAL_URL.test(v);
    case 'number':
      return Number.isFinite(v);
    case 'boolean':
      return true;
    default:
      return v === null;
  }
}


function compile(recipe: AstRecipe): TextTemplate | null {
  try {
    // The template with its first query's values: the rules apply to everything but the holes, which are
    // checked per read; a template refused for its first values just never takes the fast way.
    checkAst(recipe.template);
  } catch {
    return null;
  }
  const root = pathTree(recipe.paths);
  const parts: string[] = [];
  const holes: number[] = [];
  let text = '';
  const hole = (i: number) => {
    parts.push(text);
    holes.push(i);
    text = '';
  };
  // canonicalJson's walk (sorted keys, undefined-valued keys left out), with holes where values go.
  const emit = (node: unknown, h: PathTree | undefined): void => {
    if (!h) {
      text += canonicalJson(node);
      return;
    }
    if (Array.isArray(node)) {
      text += '[';
      for (let i = 0; i < node.length; i++) {
        if (i) text += ',';
        const at = h.leaf.get(i);
        if (at !== undefined) hole(at);
        else emit(node[i], h.sub.get(i));
      }
      text += ']';
      return;
    }
    const o = node as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    text += '{';
    let first = true;
    for (const k of keys) {
      const at = h.leaf.get(k);
      if (at === undefined && o[k] === undefined) continue;
      text += `${first ? '' : ','}${JSON.stringify(k)}:`;
      first = false;
      if (at !== undefined) hole(at);
      else emit(o[k], h.sub.get(k));
    }
    text += '}';
  };
  emit(recipe.template, root);
  parts.push(text);
  return { id: nextId++, parts, holes, definedIn: -1 };
}
