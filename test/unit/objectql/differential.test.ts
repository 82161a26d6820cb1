/**
 * Differential test (no servers): random valid queries over Chinook run on SQLite (through the driver), as a
 * Mongo pipeline in mingo over the Chinook JSON, and in the reference evaluator; all must agree row for row.
 * FUZZ_RUNS sets the number of queries (default 1000). PostgreSQL and MariaDB join in the integration twin.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueryError } from '../../../src/main/objectql/errors';
import { shapeOf } from '../../../src/main/objectql/ir';
import { validateQuery } from '../../../src/main/objectql/validate';
import { queryArb, universe } from './fixtures/arbitrary';
import { chinookObjects } from './fixtures/chinook';
import { chinookContext, chinookJson, runMingo, runReferenceJson, sqliteChinook, type ChinookJson, type SqliteChinook } from './fixtures/engines';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
let db: SqliteChinook;
let json: ChinookJson;

beforeAll(() => {
  db = sqliteChinook();
  json = chinookJson();
});
afterAll(async () => db.cleanup());

it(`${RUNS} random queries: SQLite = mingo pipeline = reference evaluator`, async () => {
  const u = universe(chinookObjects('pascal'), db.tables);
  const ctx = chinookContext();
  let ran = 0;
  let rejected = 0;
  let nonEmpty = 0;
  await fc.assert(
    fc.asyncProperty(queryArb(u, { lookupWhere: true }), async (raw) => {
      let bound;
      try {
        bound = validateQuery(raw, ctx).bound;
      } catch (e) {
        if (!(e instanceof QueryError)) throw e;
        rejected++;
        return;
      }
      shapeOf(bound);
      ran++;
      const want = db.reference(bound);
      if (want.length) nonEmpty++;
      expect(await db.run(bound), 'SQLite').toEqual(want);
      expect(await db.runObjectRows(bound), 'SQLite, object rows').toEqual(want);
      expect(runReferenceJson(bound, json), 'reference over the JSON').toEqual(want);
      expect(runMingo(bound, json), 'mingo').toEqual(want);
    }),
    { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
  );
  // The generator must mostly produce valid, non-trivial queries, or the test proves little.
  expect(rejected).toBeLessThan(RUNS * 0.15);
  expect(nonEmpty).toBeGreaterThan(ran * 0.3);
}, 600_000);
