/** Kysely in compile-only mode for each SQL dialect, and a table reference quoted by the dialect. */
import {
  DummyDriver, Kysely, MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler, PostgresAdapter, PostgresIntrospector,
  PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql, type RawBuilder,
} from 'kysely';
import type { SqlDialect } from '../compile/sql';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
const dummy = (adapter: () => never | object, introspector: (db: AnyDb) => object, compiler: () => object) =>
  new Kysely({ dialect: { createAdapter: adapter, createDriver: () => new DummyDriver(), createIntrospector: introspector, createQueryCompiler: compiler } as never });
export const builders: Record<SqlDialect, AnyDb> = {
  postgres: dummy(() => new PostgresAdapter(), (db) => new PostgresIntrospector(db), () => new PostgresQueryCompiler()),
  mysql: dummy(() => new MysqlAdapter(), (db) => new MysqlIntrospector(db), () => new MysqlQueryCompiler()),
  sqlite: dummy(() => new SqliteAdapter(), (db) => new SqliteIntrospector(db), () => new SqliteQueryCompiler()),
};

export interface TableRef {
  table: string;
  schema?: string;
}

export const table = (t: TableRef): RawBuilder<unknown> => (t.schema ? sql.id(t.schema, t.table) : sql.id(t.table));
