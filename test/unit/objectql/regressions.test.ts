/**
 * Counterexamples the differential test found (shrunk by fast-check), kept as named tests: each ran
 * differently on at least one engine before its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bind, chinookJson, runMingo, runReferenceJson, sqliteChinook, type ChinookJson, type SqliteChinook } from './fixtures/engines';

let db: SqliteChinook;
let json: ChinookJson;
beforeAll(() => {
  db = sqliteChinook();
  json = chinookJson();
});
afterAll(async () => db.cleanup());

async function agree(raw: unknown) {
  const q = bind(raw);
  const want = db.reference(q);
  expect(await db.run(q)).toEqual(want);
  expect(runReferenceJson(q, json)).toEqual(want);
  expect(runMingo(q, json)).toEqual(want);
  return want;
}

const REGRESSIONS: Record<string, unknown> = {
  // Mongo's $sort object kept only the last direction of a repeated key.
  'a field sorted twice: the first direction decides': {
    object: 'artist', fields: ['name'], orderBy: [{ field: 'artist_id', order: 'desc' }, { field: 'artist_id', order: 'asc' }],
  },
  // mingo's $month throws on a missing date where MongoDB returns null: buckets of NULL dates are guarded.
  'quarter buckets of a date through a lookup that is sometimes missing': {
    object: 'employee', aggregations: [{ function: 'count', field: 'employee_id', alias: 'a0' }], groupBy: [{ field: 'reports_to.hire_date', dateGranularity: 'quarter' }],
  },
};

describe.each(Object.entries(REGRESSIONS))('%s', (_name, raw) => {
  it('every engine agrees', async () => {
    expect((await agree(raw)).length).toBeGreaterThan(0);
  });
});

// The decimal fast path (no decimal.js per row on large reads) must decode exactly as decimal.js does.
// (The primary-key ORDER BY without a NULLS clause, so PostgreSQL walks the index, is pinned by the
// compile-sql snapshots.)
import { describe as describeShape, expect as expectShape, it as itShape } from 'vitest';
import { canonical as canonicalValue, Dec as DecimalCtor } from '../../../src/main/objectql/values';

describeShape('decimal decoding fast path', () => {
  itShape('gives exactly what decimal.js gives, for the shapes drivers return', () => {
    const inputs: unknown[] = ['1', '1.5', '-0.00', '-0', '0.1', '12.345', '99999999999.99', '-12.30', '007.10', 3, -7, 0, 12.5, 0.1, 1e21, '1e3', '-0.001'];
    for (const scale of [0, 2, 4]) {
      for (const raw of inputs) expectShape(canonicalValue('decimal', scale, raw)).toBe(new DecimalCtor(raw as never).toFixed(scale));
    }
  });
});
