/**
 * The differential test across all engines: random valid queries over Chinook run on PostgreSQL and MariaDB
 * (test databases loaded from the vendored Chinook scripts), SQLite, the Mongo pipeline in mingo, and the
 * reference evaluator; the results must be identical. FUZZ_RUNS sets the number of queries (default 1000;
 * `npm run test:fuzz` is meant to use 10,000).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '../../../src/main/drivers';
import type { SqlDriver } from '../../../src/main/drivers/types';
import type { SqlDialect } from '../../../src/main/objectql/compile/sql';
import { QueryError } from '../../../src/main/objectql/errors';
import { shapeOf, type BoundQuery } from '../../../src/main/objectql/ir';
import { evaluate, type RawRow } from '../../../src/main/objectql/reference/evaluator';
import { shapeRows, type ResultRow } from '../../../src/main/objectql/result';
import { validateQuery } from '../../../src/main/objectql/validate';
import { loadChinookMysql, loadChinookPostgres, mysqlDatasource, pgDatasource, type TestDatabase } from '../../helpers/databases';
import { queryArb, universe } from '../../unit/objectql/fixtures/arbitrary';
import { chinookObjects } from '../../unit/objectql/fixtures/chinook';
import { chinookContext, chinookJson, runMingo, runSql, runSqlObjectRows, sqliteChinook, type ChinookJson, type SqliteChinook } from '../../unit/objectql/fixtures/engines';
import { NAMED_QUERIES } from '../../unit/objectql/fixtures/queries';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const ctx = { resolve: { pascal: chinookContext('pascal'), snake: chinookContext('snake') } };

let lite: SqliteChinook;
let json: ChinookJson;
let pgDb: TestDatabase;
let myDb: TestDatabase;
let pg: SqlDriver;
let my: SqlDriver;
/**
 * The servers' own rows. The vendored scripts do not load exactly the SQLite data: PostgreSQL reads N'...'
 * literals as `character` and drops trailing spaces ('Edinburgh ' → 'Edinburgh'); MySQL reads "\ " in a
 * literal as an escape and drops the backslash. So each server is checked against the reference evaluator over
 * its own rows; SQLite and mingo hold identical data and are checked against the reference over SQLite.
 */
const pgTables = new Map<string, RawRow[]>();
const myTables = new Map<string, RawRow[]>();

beforeAll(async () => {
  lite = sqliteChinook();
  json = chinookJson();
  [pgDb, myDb] = await Promise.all([loadChinookPostgres(), loadChinookMysql()]);
  const dctx = { workspaceRoot: process.cwd(), resolveSecret: async () => '' };
  pg = createDriver(pgDatasource(pgDb.name), dctx) as SqlDriver;
  my = createDriver(mysqlDatasource(myDb.name), dctx) as SqlDriver;
  for (const o of chinookObjects('snake').values()) {
    const table = o.external!.table;
    pgTables.set(table, (await pg.query<RawRow>({ sql: `select * from "${table}"`, parameters: [] })).rows);
  }
  for (const o of chinookObjects('pascal').values()) {
    const table = o.external!.table;
    myTables.set(table, (await my.query<RawRow>({ sql: `select * from \`${table}\``, parameters: [] })).rows);
  }
});

afterAll(async () => {
  await Promise.allSettled([pg?.close(), my?.close(), lite?.cleanup()]);
  await Promise.allSettled([pgDb?.drop(), myDb?.drop()]);
});

function bindFor(raw: unknown, style: 'pascal' | 'snake'): BoundQuery {
  const { bound } = validateQuery(raw, ctx.resolve[style]);
  shapeOf(bound);
  return bound;
}

async function runOn(driver: SqlDriver, dialect: SqlDialect, q: BoundQuery): Promise<ResultRow[]> {
  const rows = await runSql(driver, dialect, q);
  // Object rows (the drivers' default mode) must decode to the same result as the engine's array rows.
  expect(await runSqlObjectRows(driver, dialect, q), `${dialect}, object rows`).toEqual(rows);
  return rows;
}

/** Every engine's answer to one raw query, keyed by engine. */
async function answers(raw: unknown): Promise<Record<string, ResultRow[]>> {
  const pascal = bindFor(raw, 'pascal');
  const snake = bindFor(raw, 'snake');
  return {
    reference: lite.reference(pascal),
    sqlite: await lite.run(pascal),
    postgres: await runOn(pg, 'postgres', snake),
    referenceOverPostgres: shapeRows(snake, evaluate(snake, (_o, t) => pgTables.get(t) ?? [])),
    mariadb: await runOn(my, 'mysql', pascal),
    referenceOverMariadb: shapeRows(pascal, evaluate(pascal, (_o, t) => myTables.get(t) ?? [])),
    mingo: runMingo(pascal, json),
  };
}

function agree(a: Record<string, ResultRow[]>): void {
  for (const engine of ['sqlite', 'mingo']) expect(a[engine], engine).toEqual(a.reference);
  expect(a.postgres, 'postgres').toEqual(a.referenceOverPostgres);
  expect(a.mariadb, 'mariadb').toEqual(a.referenceOverMariadb);
}

describe.each(Object.entries(NAMED_QUERIES))('%s', (_name, raw) => {
  it('PostgreSQL, MariaDB, SQLite, mingo and the reference evaluator agree', async () => {
    const a = await answers(raw);
    agree(a);
  });
});

it(`${RUNS} random queries agree on every engine`, async () => {
  const u = universe(chinookObjects('pascal'), lite.tables);
  let ran = 0;
  let rejected = 0;
  await fc.assert(
    fc.asyncProperty(queryArb(u, { lookupWhere: true }), async (raw) => {
      try {
        validateQuery(raw, ctx.resolve.pascal);
      } catch (e) {
        if (!(e instanceof QueryError)) throw e;
        rejected++;
        return;
      }
      ran++;
      agree(await answers(raw));
    }),
    { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
  );
  expect(rejected).toBeLessThan(RUNS * 0.1);
  expect(ran).toBeGreaterThan(0);
}, 1_800_000);
