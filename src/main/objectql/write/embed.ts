/**
 * Puts an already compiled SELECT (the engine's SQL for "this record, under the user's rules") inside a
 * statement built with Kysely's `sql` template: the text is split at its placeholders (`?`, or `$n` on
 * PostgreSQL) — outside quoted strings and identifiers — and each value re-bound as a parameter, so the
 * outer statement numbers every parameter itself and no value is ever spliced into the text.
 */
import { sql, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../compile/sql';

export function embedCompiled(dialect: SqlDialect, text: string, parameters: readonly unknown[]): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  let start = 0;
  let used = 0;
  const flush = (end: number) => {
    if (end > start) parts.push(sql.raw(text.slice(start, end)));
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || (c === '`' && dialect === 'mysql')) {
      i = skipQuoted(text, i, c, dialect === 'mysql' && c === "'");
      continue;
    }
    if (dialect !== 'postgres' && c === '?') {
      flush(i);
      if (used >= parameters.length) throw new Error('embedCompiled: more placeholders than parameters');
      parts.push(sql`${parameters[used++]}`);
      start = i + 1;
    } else if (dialect === 'postgres' && c === '$' && /\d/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (/\d/.test(text[j] ?? '')) j++;
      const n = Number(text.slice(i + 1, j));
      if (n < 1 || n > parameters.length) throw new Error(`embedCompiled: placeholder $${n} has no parameter`);
      flush(i);
      parts.push(sql`${parameters[n - 1]}`);
      used++;
      start = j;
      i = j - 1;
    }
  }
  flush(text.length);
  if (dialect !== 'postgres' && used !== parameters.length) throw new Error('embedCompiled: fewer placeholders than parameters');
  return sql.join(parts, sql``);
}

function skipQuoted(text: string, i: number, quote: string, backslashEscapes: boolean): number {
  for (let j = i + 1; j < text.length; j++) {
    if (backslashEscapes && text[j] === '\\') {
      j++;
      continue;
    }
    if (text[j] === quote) {
      if (text[j + 1] === quote) {
        j++;
        continue;
      }
      return j;
    }
  }
  throw new Error('embedCompiled: unterminated quoted text');
}
