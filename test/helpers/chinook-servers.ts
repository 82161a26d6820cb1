/**
 * Chinook on the real servers for governance and write tests: a writable test database per suite, a
 * workspace datasource that points at it (passwords only as `process.env` references, never literals), a
 * raw SQL runner for hand-written expectations, and a checksum of every table to prove "0 rows changed".
 */
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import { expect } from 'vitest';
import { ApiError } from '../../src/shared/api/errors';
import { loadChinookMysql, loadChinookPostgres, MY, PG, pgAdmin, type TestDatabase } from './databases';

export type Rows = Record<string, unknown>[];

export interface ServerEngine {
  name: string;
  /** Loads Chinook; returns the datasource literal for the workspace file and whether names are snake_case. */
  setup(): Promise<{ datasource: string; snakeCase: boolean }>;
  sql(text: string): Promise<Rows>;
  checksum(): Promise<string>;
  teardown(): Promise<void>;
  /** A PascalCase (MariaDB/SQLite) name as this engine spells it. */
  n(name: string): string;
}

export interface ServerEngineOptions {
  /** How PascalCase names become this engine's names (PostgreSQL's Chinook is snake_case). */
  snake?: (s: string) => string;
  /** Runs after Chinook is loaded, e.g. to give a table an auto-increment key. */
  prepare?: (sql: (text: string) => Promise<Rows>) => Promise<void>;
}

export const snakeCase = (s: string): string => s.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

const passwordRef = (env: string, has: boolean) => (has ? `, password: process.env.${env}` : '');

export function pgChinookEngine(options: ServerEngineOptions = {}): ServerEngine {
  let db: TestDatabase;
  const sql = (text: string) => pgAdmin(async (c) => (await c.query(text)).rows as Rows, db.name);
  return {
    name: 'postgres',
    async setup() {
      db = await loadChinookPostgres();
      await options.prepare?.(sql);
      const auth = passwordRef('PGPASSWORD', 'password' in PG);
      return { datasource: `{ name: 'chinook', driver: 'postgres', config: { host: '${PG.host}', port: ${PG.port}, user: '${PG.user}'${auth}, database: '${db.name}' }, readOnly: false, allowWrites: true }`, snakeCase: true };
    },
    sql,
    checksum: () =>
      pgAdmin(async (c) => {
        const tables = (await c.query(`select tablename from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.tablename as string);
        const h = createHash('sha256');
        for (const t of tables) h.update(`${t}:${(await c.query(`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as m from "${t}" x`)).rows[0].m}\n`);
        return h.digest('hex');
      }, db.name),
    teardown: async () => db?.drop(),
    n: options.snake ?? snakeCase,
  };
}

export function mariaChinookEngine(options: ServerEngineOptions = {}): ServerEngine {
  let db: TestDatabase;
  const sql = async (text: string): Promise<Rows> => {
    const c = await mysql.createConnection({ ...MY, database: db.name });
    try {
      return (await c.query(text))[0] as Rows;
    } finally {
      await c.end();
    }
  };
  return {
    name: 'mariadb',
    async setup() {
      db = await loadChinookMysql();
      await options.prepare?.(sql);
      const auth = passwordRef('MYSQL_PASSWORD', 'password' in MY);
      return { datasource: `{ name: 'chinook', driver: 'mysql', config: { host: '${MY.host}', port: ${MY.port}, user: '${MY.user}'${auth}, database: '${db.name}' }, readOnly: false, allowWrites: true }`, snakeCase: false };
    },
    sql,
    async checksum() {
      const tables = (await sql('SHOW TABLES')) as Record<string, string>[];
      const names = tables.map((r) => Object.values(r)[0]!).sort();
      const sums = (await sql(`CHECKSUM TABLE ${names.map((t) => `\`${t}\``).join(', ')} EXTENDED`)) as unknown as { Table: string; Checksum: number }[];
      return JSON.stringify(sums.map((s) => [s.Table.split('.').pop(), s.Checksum]));
    },
    teardown: async () => db?.drop(),
    n: (s) => s,
  };
}

/** Awaits a call that must be refused and returns its ApiError. */
export async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a refusal');
}
