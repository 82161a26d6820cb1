/**
 * INSERT / UPDATE / DELETE of one record by primary key (composite keys too), built with Kysely's `sql`
 * template in compile-only mode: identifiers come from object metadata and are quoted by the dialect,
 * values are bound parameters. An update or delete may carry a guard — the engine's compiled SELECT of
 * this record under the user's edit/delete and read rules — and then changes the row only if that SELECT
 * finds it (`AND EXISTS (SELECT 1 FROM (<guard>) g)`), in the same statement, so a rule cannot change
 * between the check and the write. The guard's LIMIT keeps MySQL from merging the derived table, which it
 * would refuse for the table being updated.
 *
 * A create or update may also carry a check of the NEW values (see new-row.ts): the user's record rules and
 * the rules of the records its new lookups point at, evaluated on the row the write would leave behind.
 * A create becomes `INSERT … SELECT <values> WHERE EXISTS (<check>)` and an update gets one more
 * `AND EXISTS (<check>)`, so a failing rule changes 0 rows in the same statement.
 */
import { sql, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../compile/sql';
import { builders, table } from './dialects';
import { embedCompiled } from './embed';
import { rowCheckSelect, type RowCheck } from './new-row';

export type { TableRef } from './dialects';
import type { TableRef } from './dialects';

/** A column and the (already converted) parameter written to or compared with it. */
export interface ColumnValue {
  column: string;
  value: unknown;
}

export interface CompiledWrite {
  sql: string;
  parameters: readonly unknown[];
}

export interface Guard {
  sql: string;
  parameters: readonly unknown[];
}

function keyPredicate(key: ColumnValue[]): RawBuilder<unknown> {
  if (key.length === 0) throw new Error('a write needs the record key');
  return sql.join(key.map((k) => sql`${sql.id(k.column)} = ${k.value}`), sql` AND `);
}

function guarded(dialect: SqlDialect, t: TableRef, key: ColumnValue[], guard?: Guard, check?: RowCheck): RawBuilder<unknown> {
  let where = keyPredicate(key);
  if (guard) where = sql`${where} AND EXISTS (SELECT 1 FROM (${embedCompiled(dialect, guard.sql, guard.parameters)}) ${sql.id('g')})`;
  if (check) where = sql`${where} AND EXISTS (SELECT 1 FROM (${rowCheckSelect(dialect, t, check)}) ${sql.id('n')})`;
  return where;
}

/**
 * `returning` (PostgreSQL only): key columns the database assigns, answered as rows — how a create learns
 * the key of a serial/identity record. SQLite and MySQL report the assigned id as the driver's `insertId`.
 */
export function compileInsert(dialect: SqlDialect, t: TableRef, values: ColumnValue[], check?: RowCheck, returning: string[] = []): CompiledWrite {
  if (values.length === 0) throw new Error('an insert needs at least one value');
  if (returning.length > 0 && dialect !== 'postgres') throw new Error('RETURNING is used on PostgreSQL only');
  const cols = sql.join(values.map((v) => sql.id(v.column)));
  const vals = sql.join(values.map((v) => sql`${v.value}`));
  let statement = check
    ? sql`INSERT INTO ${table(t)} (${cols}) SELECT ${vals}${dialect === 'mysql' ? sql` FROM DUAL` : sql``} WHERE EXISTS (SELECT 1 FROM (${rowCheckSelect(dialect, t, check)}) ${sql.id('n')})`
    : sql`INSERT INTO ${table(t)} (${cols}) VALUES (${vals})`;
  if (returning.length > 0) statement = sql`${statement} RETURNING ${sql.join(returning.map((c) => sql.id(c)))}`;
  const c = statement.compile(builders[dialect]);
  return { sql: c.sql, parameters: c.parameters };
}

export function compileUpdate(dialect: SqlDialect, t: TableRef, key: ColumnValue[], values: ColumnValue[], guard?: Guard, check?: RowCheck): CompiledWrite {
  if (values.length === 0) throw new Error('an update needs at least one value');
  const sets = sql.join(values.map((v) => sql`${sql.id(v.column)} = ${v.value}`));
  const c = sql`UPDATE ${table(t)} SET ${sets} WHERE ${guarded(dialect, t, key, guard, check)}`.compile(builders[dialect]);
  return { sql: c.sql, parameters: c.parameters };
}

export function compileDelete(dialect: SqlDialect, t: TableRef, key: ColumnValue[], guard?: Guard): CompiledWrite {
  const c = sql`DELETE FROM ${table(t)} WHERE ${guarded(dialect, t, key, guard)}`.compile(builders[dialect]);
  return { sql: c.sql, parameters: c.parameters };
}
