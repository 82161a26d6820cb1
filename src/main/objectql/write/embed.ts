/**
 * Puts an already compiled SELECT (the engine's SQL for "this record, under the user's rules") inside a
 * statement built with Kysely's `sql` template: the text is split at its placeholders (`?`, or `$n` on
 * PostgreSQL) — outside quoted strings and identifiers — and each value re-bound as a parameter, so the
 * outer statement numbers every parameter itself and no value is ever spliced into the text.
 *
 * `splice` swaps one exact piece of the text (outside quotes, occurring exactly once) for another built
 * statement: the new-values check swaps the engine's `from "<table>" as "t0"` for a derived one-row table.
 */
import { sql, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../compile/sql';

export interface Splice {
  /** The exact text to replace; it must occur exactly once, outside quoted strings and identifiers. */
  at: string;
  with: RawBuilder<unknown>;
}

export function embedCompiled(dialect: SqlDialect, text: string, parameters: readonly unknown[], splice?: Splice): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  let start = 0;
  let used = 0;
  const flush = (end: number) => {
    if (end > start) parts.push(sql.raw(text.slice(start, end)));
  };
  const spliceAt = splice ? text.indexOf(splice.at) : -1;
  if (splice && (spliceAt < 0 || text.indexOf(splice.at, spliceAt + 1) >= 0)) {
    throw new Error(`embedCompiled: expected exactly one ${JSON.stringify(splice.at)} in the statement`);
  }
  let spliced = false;
  for (let i = 0; i < text.length; i++) {
    if (i === spliceAt) {
      flush(i);
      parts.push(splice!.with);
      spliced = true;
      start = i + splice!.at.length;
      i = start - 1;
      continue;
    }
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
  if (splice && !spliced) throw new Error(`embedCompiled: ${JSON.stringify(splice.at)} occurs only inside quoted text`);
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
