/**
 * The text of an AST the engine built from a prepared template (src/main/objectql/ast-provenance.ts),
 * rendered without walking it: the template's canonical text is compiled once per template into fixed
 * parts with a hole per value, and each read only quotes its values into the holes.
 *
 * It is the text `checkAst` + `storedAst` give for the same object, before the size cap (which the writer
 * applies to both): test/unit/audit/ast-text.test.ts compares the two on random Chinook queries. When it
 * cannot promise that, it answers undefined and the entry takes the general way (the AST is checked and
 * snapshotted): a value that is not a string, finite number, boolean or null; a string that looks like a
 * URL with a password; a template the audit would refuse.
 */
import { recipeOf, valuesOf, type AstRecipe } from '../objectql/ast-provenance';
import { flat } from './flat';
import { checkAst, CREDENTIAL_URL } from './sanitize-ast';
import { canonicalJson } from './writer-core.mjs';

type Seg = string | number;

/** text = parts[0] + value(holes[0]) + parts[1] + … + parts[n] */
interface TextTemplate {
  parts: string[];
  holes: number[];
}

/** Per recipe (one per prepared entry); null when the audit would refuse the template itself. */
const templates = new WeakMap<AstRecipe, TextTemplate | null>();

/**
 * Appends the canonical text of `ast` to `out`, as pieces, when the engine built it from a prepared
 * template, and returns true; else appends nothing and returns false.
 */
export function writeBuiltAst(out: string[], ast: unknown): boolean {
  const recipe = recipeOf(ast);
  if (recipe === undefined) return false;
  let t = templates.get(recipe);
  if (t === undefined) templates.set(recipe, (t = compile(recipe)));
  if (t === null) return false;
  const values = valuesOf(ast as object)!;
  const { parts, holes } = t;
  const mark = out.length;
  out.push(parts[0]!);
  for (let i = 0; i < holes.length; i++) {
    const text = scalarText(values[holes[i]!]);
    if (text === undefined) {
      out.length = mark;
      return false;
    }
    out.push(text, parts[i + 1]!);
  }
  return true;
}

/** The canonical text of `ast` when the engine built it from a prepared template; else undefined. */
export function builtAstText(ast: unknown): string | undefined {
  const out: string[] = [];
  return writeBuiltAst(out, ast) ? out.join('') : undefined;
}

/** A value's JSON text, when the audit keeps it as is (checkAst's rules for a scalar). */
function scalarText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v.indexOf('@') !== -1 && CREDENTIAL_URL.test(v) ? undefined : JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      return v === null ? 'null' : undefined;
    default:
      return undefined;
  }
}

/** Where values go, as a tree: a container's keys that are holes (→ value index) or lead to one. */
interface Holes {
  leaf: Map<Seg, number>;
  sub: Map<Seg, Holes>;
}

function compile(recipe: AstRecipe): TextTemplate | null {
  try {
    // The template with its first query's values: the rules apply to everything but the holes, which are
    // checked per read; a template refused for its first values just never takes the fast way.
    checkAst(recipe.template);
  } catch {
    return null;
  }
  const root: Holes = { leaf: new Map(), sub: new Map() };
  recipe.paths.forEach((path, i) => {
    let h = root;
    for (let d = 0; d < path.length - 1; d++) {
      let next = h.sub.get(path[d]!);
      if (!next) h.sub.set(path[d]!, (next = { leaf: new Map(), sub: new Map() }));
      h = next;
    }
    h.leaf.set(path[path.length - 1]!, i);
  });
  const parts: string[] = [];
  const holes: number[] = [];
  let text = '';
  const hole = (i: number) => {
    parts.push(flat(text));
    holes.push(i);
    text = '';
  };
  // canonicalJson's walk (sorted keys, undefined-valued keys left out), with holes where values go.
  const emit = (node: unknown, h: Holes | undefined): void => {
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
  parts.push(flat(text));
  return { parts, holes };
}
