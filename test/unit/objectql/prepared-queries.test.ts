/**
 * The prepared-query cache (src/main/objectql/prepared-cache.ts) changes nothing a caller can see: for random
 * valid queries over Chinook and variants of them with other values (valid and invalid), an engine that has
 * seen the shape before returns exactly what an engine without the cache returns — rows, cursor, plan (AST
 * after permissions, SQL, parameters, steps) or the error (code, path, message, allowed values).
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '../../../src/main/drivers';
import type { Driver } from '../../../src/main/drivers/types';
import { DatasourceSchema } from '../../../src/main/metadata/datasource';
import type { FieldDefinition } from '../../../src/main/metadata/field';
import { ObjectQL, type ObjectQLOptions } from '../../../src/main/objectql/engine';
import type { QueryObjectDef } from '../../../src/main/objectql/ir';
import { structureOf } from '../../../src/main/objectql/prepared-cache';
import { queryArb, universe } from './fixtures/arbitrary';
import { chinookObjects } from './fixtures/chinook';
import { NOW, sqliteChinook, type SqliteChinook } from './fixtures/engines';
import { outcome } from './fixtures/outcome';
import { variant } from './fixtures/variants';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

let db: SqliteChinook;
beforeAll(() => {
  db = sqliteChinook();
});
afterAll(async () => db.cleanup());

describe('random queries and variants: a warm engine = an engine without the cache', () => {
  it(`${RUNS} queries, 3 variants each`, async () => {
    const objects = chinookObjects('pascal');
    const u = universe(objects, db.tables);
    const options: ObjectQLOptions = { objects: (n) => objects.get(n), drivers: () => db.driver, now: () => NOW, maxLimit: 5000 };
    const warm = new ObjectQL(options);
    const cold = new ObjectQL({ ...options, preparedQueries: false });
    await fc.assert(
      fc.asyncProperty(queryArb(u), fc.array(fc.nat(), { minLength: 24, maxLength: 24 }), async (raw, picks) => {
        const queries = [raw, variant(u, raw, picks), variant(u, raw, picks.map((x) => x * 31 + 7)), variant(u, raw, picks.map((x) => x * 17 + 3))];
        for (const q of queries) {
          expect(await outcome(warm, q), JSON.stringify(q)).toEqual(await outcome(cold, q));
        }
        expect(await outcome(warm, queries[1], 'explain')).toEqual(await outcome(cold, queries[1], 'explain'));
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    const stats = warm.preparedQueryStats();
    // The cache must actually have answered, or this test proves nothing about it.
    expect(stats.hits).toBeGreaterThan(RUNS);
    expect(stats.bypassed).toBeGreaterThan(0);
    expect(cold.preparedQueryStats().hits).toBe(0);
  }, 600_000);
});

describe('values refused on a known shape give the cold engine\'s error', () => {
  let dir: string;
  let driver: Driver;
  const F = (f: Record<string, unknown>) => f as unknown as FieldDefinition;
  const item: QueryObjectDef = {
    name: 'item', datasource: 'items', primaryKey: ['id'], external: { table: 'item', writable: false },
    fields: {
      id: F({ type: 'number' }), status: F({ type: 'select', options: [{ value: 'new', label: 'New' }, { value: 'paid', label: 'Paid' }] }),
      day: F({ type: 'date' }), at: F({ type: 'time' }), created: F({ type: 'datetime' }), flag: F({ type: 'boolean' }),
      amount: F({ type: 'currency', scale: 2 }), note: F({ type: 'text' }),
    },
  } as unknown as QueryObjectDef;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'prepared-'));
    const file = path.join(dir, 'items.sqlite');
    const raw = new Database(file);
    raw.exec(`create table item (id integer primary key, status text, day text, at text, created text, flag integer, amount numeric, note text);
      insert into item values (1, 'new', '2024-01-02', '10:00:00', '2024-01-02T10:00:00', 1, 12.5, 'a'), (2, 'paid', '2024-02-03', '11:30:00', '2024-02-03T11:30:00', 0, 3, 'b');`);
    raw.close();
    driver = createDriver(DatasourceSchema.parse({ name: 'items', driver: 'sqlite', config: { filename: file } }), { workspaceRoot: dir, resolveSecret: async () => '' });
  });
  afterAll(async () => {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ['NaN for a number', { where: { id: { $gt: 1.5 } } }, { where: { id: { $gt: Number.NaN } } }],
    ['Infinity for a number', { where: { id: { $lt: 0.5 } } }, { where: { id: { $lt: Number.NEGATIVE_INFINITY } } }],
    ['not an option of a select', { where: { status: 'new' } }, { where: { status: 'lost' } }],
    ['an option in a list', { where: { status: { $in: ['new', 'paid'] } } }, { where: { status: { $in: ['new', 'nope'] } } }],
    ['an impossible date', { where: { day: '2024-01-02' } }, { where: { day: '2024-02-30' } }],
    ['a date-time with an offset', { where: { created: { $gte: '2024-01-01T00:00:00' } } }, { where: { created: { $gte: '2024-01-01T00:00:00Z' } } }],
    ['a time out of range', { where: { at: { $lt: '12:00' } } }, { where: { at: { $lt: '25:00' } } }],
    ['a malformed decimal', { where: { amount: { $gte: '3.00' } } }, { where: { amount: { $gte: '1.2.3' } } }],
    ['an empty pattern', { where: { note: { $contains: 'a' } } }, { where: { note: { $contains: '' } } }],
    ['a limit above the maximum', { limit: 10 }, { limit: 5001 }],
    ['an offset above the maximum', { offset: 1 }, { offset: 100_000_001 }],
    ['a relative date where a date was (bound another way, not refused)', { where: { day: { $gte: '2024-01-01' } } }, { where: { day: { $gte: 'last_year' } } }],
    ['a relative date in a list', { where: { created: { $in: ['2024-01-02T10:00:00'] } } }, { where: { created: { $in: ['today'] } } }],
    ['a number for text in the same tag (still valid)', { where: { note: { $ne: 'x' } } }, { where: { note: { $ne: 'y' } } }],
  ];
  it.each(cases)('%s', async (_name, good, bad) => {
    const options: ObjectQLOptions = { objects: (n) => (n === 'item' ? item : undefined), drivers: () => driver, now: () => NOW, maxLimit: 5000 };
    const warm = new ObjectQL(options);
    const cold = new ObjectQL({ ...options, preparedQueries: false });
    const q = (x: Record<string, unknown>) => ({ object: 'item', ...x });
    expect(await outcome(warm, q(good))).toEqual(await outcome(cold, q(good)));
    // Same structure key: the second query reaches the entry and its checks.
    expect(structureOf(q(bad))?.key).toBe(structureOf(q(good))?.key);
    const before = warm.preparedQueryStats();
    expect(await outcome(warm, q(bad))).toEqual(await outcome(cold, q(bad)));
    const after = warm.preparedQueryStats();
    expect(after.misses).toBe(before.misses);
    expect(after.hits + after.bypassed).toBe(before.hits + before.bypassed + 1);
  });
});

describe('structure keys', () => {
  it('keep key order, list lengths, operators, $null flags and integer vs fractional numbers apart', () => {
    const key = (q: unknown) => structureOf(q)?.key;
    const base = key({ object: 'a', where: { x: 1, y: 'b' }, limit: 5 });
    expect(key({ object: 'a', where: { x: 9, y: 'zz' }, limit: 6 })).toBe(base);
    expect(key({ object: 'a', where: { y: 'b', x: 1 }, limit: 5 })).not.toBe(base);
    expect(key({ object: 'a', where: { x: 1.5, y: 'b' }, limit: 5 })).not.toBe(base);
    expect(key({ object: 'a', where: { x: '1', y: 'b' }, limit: 5 })).not.toBe(base);
    expect(key({ object: 'a', where: { x: null, y: 'b' }, limit: 5 })).not.toBe(base);
    expect(key({ object: 'a', where: { x: { $in: [1, 2] } } })).not.toBe(key({ object: 'a', where: { x: { $in: [1] } } }));
    expect(key({ object: 'a', where: { x: { $null: true } } })).not.toBe(key({ object: 'a', where: { x: { $null: false } } }));
    expect(key({ object: 'a', fields: ['x'] })).not.toBe(key({ object: 'a', fields: ['y'] }));
    expect(key({ object: 'a', where: { x: { $eq: 1 } } })).not.toBe(key({ object: 'a', where: { x: { $ne: 1 } } }));
  });

  it('leave out queries that cannot be rebound by value', () => {
    expect(structureOf({ object: 'a', search: 'rock' })).toBeUndefined();
    expect(structureOf({ object: 'a', cursor: 'abc' })).toBeUndefined();
    expect(structureOf({ object: 'a', where: { x: new Date() } })).toBeUndefined();
    expect(structureOf('a')).toBeUndefined();
  });
});
