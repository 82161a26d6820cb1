/**
 * INSERT / UPDATE / DELETE of one record by primary key (composite keys too), built with Kysely's `sql`
 * template in compile-only mode: identifiers come from object metadata and are quoted by the dialect,
 * values are bound parameters. An update or delete may carry a guard — the engine's compiled SELECT of
 * this record under the user's edit/delete and read rules — and then changes the row only if that SELECT
 * finds it (`AND EXISTS (SELECT 1 FROM (<guard>) g)`), in the same statement, so a rule cannot change
 * between the check and the write. The guard's LIMIT keeps MySQL from merging the derived table, which it
 * would refuse for the table being updated.
 */
import {
  DummyDriver, Kysely, MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler, PostgresAdapter, PostgresIntrospector,
  PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql, type RawBuilder,
} from 'kysely';
import type { SqlDialect } from '../compile/sql';
import { embedCompiled } from './embed';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
const dummy = (adapter: () => never | object, introspector: (db: AnyDb) => object, compiler: () => object) =>
  new Kysely({ dialect: { createAdapter: adapter, createDriver: () => new DummyDriver(), createIntrospector: introspector, createQueryCompiler: compiler } as never });
const builders: Record<SqlDialect, AnyDb> = {
  postgres: dummy(() => new PostgresAdapter(), (db) => new PostgresIntrospector(db), () => new PostgresQueryCompiler()),
  mysql: dummy(() => new MysqlAdapter(), (db) => new MysqlIntrospector(db), () => new MysqlQueryCompiler()),
  sqlite: dummy(() => new SqliteAdapter(), (db) => new SqliteIntrospector(db), () => new SqliteQueryCompiler()),
};

export interface TableRef {
  table: string;
  schema?: string;
}

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

const table = (t: TableRef) => (t.schema ? sql.id(t.schema, t.table) : sql.id(t.table));

function keyPredicate(key: ColumnValue[]): RawBuilder<unknown> {
  if (key.length === 0) throw new Error('a write needs the record key');
  return sql.join(key.map((k) => sql`${sql.id(k.column)} = ${k.value}`), sql` AND `);
}

function guarded(dialect: SqlDialect, key: ColumnValue[], guard?: Guard): RawBuilder<unknown> {
  const where = keyPredicate(key);
  if (!guard) return where;
  return sql`${where} AND EXISTS (SELECT 1 FROM (${embedCompiled(dialect, guard.sql, guard.parameters)}) ${sql.id('g')})`;
}

export function compileInsert(dialect: SqlDialect, t: TableRef, values: ColumnValue[]): CompiledWrite {
  if (values.length === 0) throw new Error('an insert needs at least one value');
  const cols = sql.join(values.map((v) => sql.id(v.column)));
  const vals = sql.join(values.map((v) => sql`${v.value}`));
  const c = sql`INSERT INTO ${table(t)} (${cols}) VALUES (${vals})`.compile(builders[dialect]);
  return { sql: c.sql, parameters: c.parameters };
}

export function compileUpdate(dialect: SqlDialect, t: TableRef, key: ColumnValue[], values: ColumnValue[], guard?: Guard): CompiledWrite {
  if (values.length === 0) throw new Error('an update needs at least one value');
  const sets = sql.join(values.map((v) => sql`${sql.id(v.column)} = ${v.value}`));
  const c = sql`UPDATE ${table(t)} SET ${sets} WHERE ${guarded(dialect, key, guard)}`.compile(builders[dialect]);
  return { sql: c.sql, parameters: c.parameters };
}

export function compileDelete(dialect: SqlDialect, t: TableRef, key: ColumnValue[], guard?: Guard): CompiledWrite {
  const c = sql`DELETE FROM ${table(t)} WHERE ${guarded(dialect, key, guard)}`.compile(builders[dialect]);
  return { sql: c.sql, parameters: c.parameters };
}
