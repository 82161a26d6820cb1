/**
 * Checks that read a workspace file's source text rather than its evaluated value: literal passwords
 * (a value from `process.env` and a literal look the same once evaluated) and the line a name is declared on.
 */

export interface LiteralSecret {
  line: number;
  key: string;
}

const PASSWORD_KEY = /(?:^|[\s{,(])(['"]?)(password|passwd|pwd|pass)\1\s*:/gi;

/**
 * Finds `password: 'literal'` (and `pwd`, `passwd`, `pass`), including a literal fallback such as
 * `process.env.PG_PASSWORD ?? 'postgres'`. `secret('name')` and plain `process.env.X` are fine; so is an
 * empty string, which is no secret (local servers with an empty root password are common in development).
 */
export function findLiteralPasswords(source: string): LiteralSecret[] {
  const text = stripComments(source);
  const found: LiteralSecret[] = [];
  for (const m of text.matchAll(PASSWORD_KEY)) {
    const start = (m.index ?? 0) + m[0].length;
    const expression = readExpression(text, start).replace(/\bsecret\s*\(\s*(['"`])[^'"`]*\1\s*\)/g, 'secret()');
    if (/(['"])(?:(?!\1)[^\\\n]|\\.)+\1/.test(expression) || /`(?:[^`$\\]|\\.)+`/.test(expression)) {
      found.push({ line: lineAt(text, m.index ?? 0, m[0]), key: m[2] });
    }
  }
  return found;
}

/** `scheme://user:password@host` — credentials belong in `user`/`password`, not in the URL. */
export function hasUrlCredentials(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]*@/i.test(url);
}

/** The text of one property value: up to the next `,`, `}` or newline outside brackets and strings. */
function readExpression(text: string, start: number): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return text.slice(start, i);
      depth--;
    } else if ((c === ',' || c === '\n' || c === ';') && depth === 0) return text.slice(start, i);
  }
  return text.slice(start);
}

/** Replaces comments with spaces (keeping newlines, so line numbers stay right). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|(^|[^:\\'"`])\/\/[^\n]*/g, (m, lead: string | undefined) =>
    m.startsWith('/*') ? m.replace(/[^\n]/g, ' ') : `${lead ?? ''}${' '.repeat(m.length - (lead ?? '').length)}`,
  );
}

function lineAt(text: string, index: number, match: string): number {
  // The match may begin with the separator before the key; count from the key itself.
  const offset = index + (match.length - match.trimStart().length);
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Line of the first `name: 'value'` (any quote) in the source, or of `key:` after a given line. */
export function lineOfName(source: string, value: string): number | undefined {
  const re = new RegExp(`\\bname\\s*:\\s*(['"\`])${escapeRegExp(value)}\\1`);
  const m = re.exec(source);
  return m ? lineNumber(source, m.index) : undefined;
}

export function lineOfKey(source: string, key: string, fromLine = 1): number | undefined {
  const lines = source.split('\n');
  const re = new RegExp(`(^|[\\s{,])(['"]?)${escapeRegExp(key)}\\2\\s*:`);
  for (let i = Math.max(0, fromLine - 1); i < lines.length; i++) if (re.test(lines[i])) return i + 1;
  return undefined;
}

export function lineNumber(source: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
