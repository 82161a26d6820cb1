/**
 * A matcher for one query structure: a function that takes a raw query and returns its values when the
 * structure walk (structure.ts) would give exactly these tokens, and undefined otherwise.
 *
 * Why: a repeated shape is the common case (a grid paging, a form looking records up by key), and the
 * generic walk — recursive, one call per token — costs about ten times a straight-line check of the same
 * facts; before V8 optimises it (the first few thousand queries) it costs about 2 µs, a fifth of a
 * primary-key read on SQLite. The store builds a matcher for a structure once it has been hit twice.
 *
 * Why it agrees with the walk: every token the walk writes depends only on the value at that position and
 * on the position itself (which key path leads there), and a matcher checks, at each position, the
 * predicate that makes the walk write the token it wrote for the entry's own query:
 *   OPEN        a plain object with exactly these keys in this order (`Object.keys`, as the walk reads them)
 *   OPEN_LIST   an array of this length
 *   TAG s/i/f/b the JSON type (integer or not) of a value position — the walk's `leaf`; 'n' also non-zero
 *   TAG u/z     undefined / null
 *   STR/BOOL    the same value (===); NUM: Object.is (the walk keeps -0 apart); NULL/UNDEF: the same
 * By induction over the positions in walk order, a query the matcher accepts walks to the same tokens, and
 * the values come out in the same order. The only value-dependent choice of the walk — a zero `offset` is
 * structure, any other a value — is its own tag ('n'), so that predicate carries it too.
 *
 * The generated source holds no text from the query: keys and literals are read from an array by index, so
 * nothing a caller sends can become code.
 */
import { BOOL, CLOSE, CLOSE_LIST, KEY, NULL, NUM, OPEN, OPEN_LIST, STR, TAG, UNDEF, type Signature } from './structure-tokens';

export type Matcher = (raw: unknown) => unknown[] | undefined;

/** Structures longer than this are matched by the walk (rare; and there the walk is cheap relative to the query). */
const MAX_TOKENS = 400;

function isPlain(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The matcher of a structure, or undefined when it is too long to be worth one. */
export function compileMatcher(sig: Signature): Matcher | undefined {
  const { kinds, toks } = sig;
  if (kinds.length > MAX_TOKENS) return undefined;
  const literals: unknown[] = [];
  const lit = (v: unknown): string => `L[${literals.push(v) - 1}]`;
  const body: string[] = [];
  const collected: string[] = [];
  let vars = 0;
  // Token 0 is the scope (checked by the store); the query starts at 1.
  let i = 1;

  /** Code that checks the value in variable `x` against the tokens from `i` on, leaving `i` after them. */
  const value = (x: string): void => {
    const kind = kinds[i]!;
    const tok = toks[i];
    i++;
    switch (kind) {
      case OPEN: {
        body.push(`if (!plain(${x})) return;`);
        const names: string[] = [];
        const start = body.length;
        const k = `k${vars++}`;
        body.push('');
        while (kinds[i] === KEY) {
          const j = names.length;
          names.push(lit(toks[i]));
          i++;
          const v = `v${vars++}`;
          body.push(`const ${v} = ${x}[${k}[${j}]];`);
          value(v);
        }
        if (kinds[i] !== CLOSE) throw new Error('malformed structure');
        i++;
        body[start] = `const ${k} = keys(${x}); if (${k}.length !== ${names.length}${names.map((n, j) => ` || ${k}[${j}] !== ${n}`).join('')}) return;`;
        return;
      }
      case OPEN_LIST: {
        const start = body.length;
        body.push('');
        let n = 0;
        while (kinds[i] !== CLOSE_LIST) {
          if (i >= kinds.length) throw new Error('malformed structure');
          const v = `v${vars++}`;
          body.push(`const ${v} = ${x}[${n++}];`);
          value(v);
        }
        i++;
        body[start] = `if (!isArray(${x}) || ${x}.length !== ${n}) return;`;
        return;
      }
      case TAG:
        switch (tok) {
          case 's': body.push(`if (typeof ${x} !== 'string') return;`); break;
          case 'i': body.push(`if (typeof ${x} !== 'number' || !isInt(${x})) return;`); break;
          case 'n': body.push(`if (typeof ${x} !== 'number' || !isInt(${x}) || ${x} === 0) return;`); break;
          case 'f': body.push(`if (typeof ${x} !== 'number' || isInt(${x})) return;`); break;
          case 'b': body.push(`if (typeof ${x} !== 'boolean') return;`); break;
          case 'u': body.push(`if (${x} !== undefined) return;`); return;
          case 'z': body.push(`if (${x} !== null) return;`); return;
          default: throw new Error('unknown tag');
        }
        collected.push(x);
        return;
      case STR:
      case BOOL:
        body.push(`if (${x} !== ${lit(tok)}) return;`);
        return;
      case NUM:
        body.push(`if (!is(${x}, ${lit(tok)})) return;`);
        return;
      case NULL:
        body.push(`if (${x} !== null) return;`);
        return;
      case UNDEF:
        body.push(`if (${x} !== undefined) return;`);
        return;
      default:
        throw new Error('malformed structure');
    }
  };

  value('raw');
  if (i !== kinds.length) throw new Error('malformed structure');
  const source = `return function match(raw) {\n${body.join('\n')}\nreturn [${collected.join(', ')}];\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('L', 'plain', 'keys', 'isArray', 'isInt', 'is', source)(literals, isPlain, Object.keys, Array.isArray, Number.isInteger, Object.is) as Matcher;
}
