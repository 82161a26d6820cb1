/**
 * Test-owned databases on the real servers (PostgreSQL 127.0.0.1:5432 as postgres/trust, MariaDB
 * 127.0.0.1:3306 as root/no password): unique names, created and dropped by the tests, loaded from the
 * vendored Chinook scripts with their own DROP/CREATE/\c (USE) preamble stripped.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { DatasourceSchema, type DatasourceDefinition } from '../../src/main/metadata/datasource';

// scripts/ensure-services.sh exports PG*/MYSQL_* when a machine's servers need a test login other than
// the documented postgres/trust and root/no-password; the defaults are those documented logins.
const env = process.env;
export const PG = {
  host: env.PGHOST || '127.0.0.1',
  port: Number(env.PGPORT || 5432),
  user: env.PGUSER || 'postgres',
  ...(env.PGPASSWORD ? { password: env.PGPASSWORD } : {}),
};
export const MY = {
  host: env.MYSQL_HOST || '127.0.0.1',
  port: Number(env.MYSQL_PORT || 3306),
  user: env.MYSQL_USER || 'root',
  ...(env.MYSQL_PASSWORD ? { password: env.MYSQL_PASSWORD } : {}),
};

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '../fixtures');
export const CHINOOK_DIR = path.join(FIXTURES, 'chinook');
export const REPO_ROOT = path.resolve(here, '../..');

export function uniqueName(prefix: string): string {
  return `od_${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`.toLowerCase();
}

/** Runs SQL text through psql against a database; stops at the first error. */
export function psql(database: string, sql: string): string {
  return execFileSync('psql', ['-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', database, '-v', 'ON_ERROR_STOP=1', '-q', '-X', '-f', '-'], {
    input: sql,
    env: { ...process.env, ...('password' in PG ? { PGPASSWORD: PG.password } : {}) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Runs SQL text through the mysql client against a database. */
export function mysqlCli(database: string | null, sql: string): string {
  const args = [`-h${MY.host}`, `-P${MY.port}`, `-u${MY.user}`, '--default-character-set=utf8mb4'];
  if (database) args.push(database);
  return execFileSync('mysql', args, {
    input: sql,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...('password' in MY ? { MYSQL_PWD: MY.password } : {}) },
  });
}

export async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const c = new pg.Client({ ...PG, database, application_name: 'objectdesk-test-admin' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface TestDatabase {
  name: string;
  drop(): Promise<void>;
}

export async function createPgDatabase(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await pgAdmin((c) => c.query(`create database "${name}"`));
  return {
    name,
    drop: () => pgAdmin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

export async function createMysqlDatabase(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  const c = await mysql.createConnection({ ...MY });
  await c.query(`create database \`${name}\` character set utf8mb4`);
  await c.end();
  return {
    name,
    drop: async () => {
      const d = await mysql.createConnection({ ...MY });
      await d.query(`drop database if exists \`${name}\``);
      await d.end();
    },
  };
}

/** The vendored script minus everything up to and including its `\c chinook;` line. */
export function chinookPostgresSql(): string {
  const text = readFileSync(path.join(CHINOOK_DIR, 'Chinook_PostgreSql.sql'), 'utf8');
  const i = text.indexOf('\\c chinook;');
  if (i < 0) throw new Error('Chinook_PostgreSql.sql changed: no "\\c chinook;" line to cut at');
  return text.slice(i + '\\c chinook;'.length);
}

export function chinookMysqlSql(): string {
  const text = readFileSync(path.join(CHINOOK_DIR, 'Chinook_MySql.sql'), 'utf8');
  const i = text.indexOf('USE `Chinook`;');
  if (i < 0) throw new Error('Chinook_MySql.sql changed: no "USE `Chinook`;" line to cut at');
  return text.slice(i + 'USE `Chinook`;'.length);
}

export async function loadChinookPostgres(): Promise<TestDatabase> {
  const db = await createPgDatabase('chinook');
  psql(db.name, chinookPostgresSql());
  return db;
}

export async function loadChinookMysql(): Promise<TestDatabase> {
  const db = await createMysqlDatabase('chinook');
  mysqlCli(db.name, chinookMysqlSql());
  return db;
}

/** Datasource keys for tests; validated by DatasourceSchema, so a wrong key fails loudly. */
export type DatasourceOverrides = { config?: Record<string, unknown> } & Record<string, unknown>;

export function pgDatasource(database: string, extra: DatasourceOverrides = {}): DatasourceDefinition {
  const { config, ...rest } = extra;
  return DatasourceSchema.parse({ name: 'pg_test', driver: 'postgres', ...rest, config: { host: PG.host, port: PG.port, user: PG.user, ...('password' in PG ? { password: PG.password } : {}), database, ...config } });
}

export function mysqlDatasource(database: string, extra: DatasourceOverrides = {}): DatasourceDefinition {
  const { config, ...rest } = extra;
  return DatasourceSchema.parse({ name: 'my_test', driver: 'mysql', ...rest, config: { host: MY.host, port: MY.port, user: MY.user, ...('password' in MY ? { password: MY.password } : {}), database, ...config } });
}

export function sqliteDatasource(filename: string, extra: Record<string, unknown> = {}): DatasourceDefinition {
  return DatasourceSchema.parse({ name: 'sqlite_test', driver: 'sqlite', ...extra, config: { filename } });
}

export const noSecrets = {
  resolveSecret: async (ref: { $secret: string }): Promise<string> => {
    throw new Error(`test asked for secret "${ref.$secret}"`);
  },
};

/** Server sessions opened with this application_name (pg_stat_activity). */
export async function pgSessions(applicationName: string): Promise<number> {
  return pgAdmin(async (c) => Number((await c.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [applicationName])).rows[0].n));
}

export const CHINOOK_SQLITE = path.join(REPO_ROOT, 'objects', 'data', 'chinook.sqlite');

export interface TempSqlite {
  dir: string;
  file: string;
  exec(sql: string): void;
  cleanup(): void;
}

/** A SQLite database in a temp folder, optionally built from test/fixtures/sql/<fixture>. */
export function tempSqlite(fixture?: string): TempSqlite {
  const dir = mkdtempSync(path.join(tmpdir(), 'objectdesk-sqlite-'));
  const file = path.join(dir, 'db.sqlite');
  const exec = (sql: string) => {
    const db = new Database(file);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  exec(fixture ? readFileSync(path.join(FIXTURES, 'sql', fixture), 'utf8') : '');
  return { dir, file, exec, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDir(prefix = 'objectdesk-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
