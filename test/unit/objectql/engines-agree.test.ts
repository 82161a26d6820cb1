/**
 * The hand-written Chinook queries give the same rows on SQLite (through the real driver), in the Mongo
 * pipeline (mingo over the Chinook JSON) and in the reference evaluator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bind, chinookJson, runMingo, runReferenceJson, sqliteChinook, type ChinookJson, type SqliteChinook } from './fixtures/engines';
import { NAMED_QUERIES } from './fixtures/queries';

let db: SqliteChinook;
let json: ChinookJson;

beforeAll(() => {
  db = sqliteChinook();
  json = chinookJson();
});
afterAll(async () => db.cleanup());

describe.each(Object.entries(NAMED_QUERIES))('%s', (_name, raw) => {
  it('SQLite equals the reference evaluator over the same database', async () => {
    const q = bind(raw);
    const want = db.reference(q);
    expect(await db.run(q)).toEqual(want);
  });

  it('the Mongo pipeline (mingo) equals the reference evaluator over the JSON, and SQLite', async () => {
    const q = bind(raw);
    const got = runMingo(q, json);
    expect(got).toEqual(runReferenceJson(q, json));
    expect(got).toEqual(await db.run(q));
  });
});

it('the named queries are not vacuous: most return rows', async () => {
  let nonEmpty = 0;
  for (const raw of Object.values(NAMED_QUERIES)) if (db.reference(bind(raw)).length > 0) nonEmpty++;
  expect(nonEmpty).toBeGreaterThanOrEqual(Object.keys(NAMED_QUERIES).length - 1);
});
