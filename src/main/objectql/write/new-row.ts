/**
 * The record a write would leave behind, as a one-row derived table that the engine's compiled SELECT can
 * read instead of the real table. A record rule compiled as an ObjectQL query on the object (with its
 * lookup paths joined) then evaluates against the NEW values, inside the write statement itself:
 *
 * - create: `(SELECT ? AS "Col1", NULL AS "Col2", …) AS "t0"` — every column of the object, the written
 *   ones bound, the others NULL (a database default is not known here, so a rule sees NULL for a column
 *   the caller did not give);
 * - update: `(SELECT ? AS "Changed", src."Other" AS "Other", … FROM "<table>" AS src WHERE <key>) AS "t0"` —
 *   the written values over the current row; no row when the record does not exist.
 *
 * PostgreSQL types an untyped parameter in a select list as text, which would compare a number column as
 * text (or fail to join); a zero-row `SELECT <columns> FROM "<table>" WHERE FALSE UNION ALL …` in front
 * gives every column of the derived table its real column type. MySQL/MariaDB materialise the derived
 * table inside the LIMITed `EXISTS (SELECT 1 FROM (…) g)`, so it may read the table being updated.
 */
import { sql, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../compile/sql';
import type { ColumnValue, CompiledWrite, Guard } from './compile';
import { builders, table, type TableRef } from './dialects';
import { embedCompiled } from './embed';

export interface NewRow {
  /** Every column of the object (the rule may name any of them). */
  columns: string[];
  /** The written columns and their (already converted) parameters. */
  values: ColumnValue[];
  /** Update: the key of the record whose other columns the new row keeps. */
  key?: ColumnValue[];
}

/** A compiled SELECT on the object's table (aliased "t0") that finds a row only when the new row passes. */
export interface RowCheck {
  select: Guard;
  row: NewRow;
}

function derivedRow(dialect: SqlDialect, t: TableRef, row: NewRow): RawBuilder<unknown> {
  const written = new Map(row.values.map((v) => [v.column, v.value]));
  const columns = [...new Set([...row.columns, ...written.keys()])];
  const src = 'src';
  const exprs = columns.map((c) => {
    const value = written.has(c) ? sql`${written.get(c)}` : row.key ? sql.id(src, c) : sql`NULL`;
    return sql`${value} AS ${sql.id(c)}`;
  });
  let select = sql`SELECT ${sql.join(exprs)}`;
  if (row.key) {
    if (row.key.length === 0) throw new Error('an update check needs the record key');
    const where = sql.join(row.key.map((k) => sql`${sql.id(src, k.column)} = ${k.value}`), sql` AND `);
    select = sql`${select} FROM ${table(t)} AS ${sql.id(src)} WHERE ${where}`;
  } else if (dialect === 'mysql') {
    select = sql`${select} FROM DUAL`;
  }
  if (dialect === 'postgres') select = sql`SELECT ${sql.join(columns.map((c) => sql.id(c)))} FROM ${table(t)} WHERE FALSE UNION ALL ${select}`;
  return select;
}

/** The check SELECT with its `from "<table>" as "t0"` swapped for the new row. */
export function rowCheckSelect(dialect: SqlDialect, t: TableRef, check: RowCheck): RawBuilder<unknown> {
  const from = sql`from ${table(t)} as ${sql.id('t0')}`.compile(builders[dialect]).sql;
  return embedCompiled(dialect, check.select.sql, check.select.parameters, {
    at: from,
    with: sql`from (${derivedRow(dialect, t, check.row)}) as ${sql.id('t0')}`,
  });
}

/** The check alone, as a read: finds a row when the new row passes (used to say which check failed). */
export function compileRowProbe(dialect: SqlDialect, t: TableRef, check: RowCheck): CompiledWrite {
  const c = rowCheckSelect(dialect, t, check).compile(builders[dialect]);
  return { sql: c.sql, parameters: c.parameters };
}
