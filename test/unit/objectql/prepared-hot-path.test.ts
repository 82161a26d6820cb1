/**
 * The hot path of a repeated query shape (structure.ts, structure-matcher.ts, cursor.ts, SQLite querySync):
 * a structure's matcher accepts exactly the queries that walk to its tokens; a hit through it still checks
 * every value and answers with a complete plan; cursors are the same text as before; and a SQLite read
 * answered synchronously still waits for an open transaction.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, type SqlDriver } from '../../../src/main/drivers';
import type { FieldDefinition } from '../../../src/main/metadata/field';
import { decodeCursor, encodeCursor } from '../../../src/main/objectql/cursor';
import { ObjectQL, type ObjectQLOptions } from '../../../src/main/objectql/engine';
import type { QueryObjectDef } from '../../../src/main/objectql/ir';
import { astBuilder } from '../../../src/main/objectql/prepared-ast';
import { PreparedStore, structureOf } from '../../../src/main/objectql/structure';
import { compileMatcher } from '../../../src/main/objectql/structure-matcher';
import { noSecrets, sqliteDatasource, tempSqlite, type TempSqlite } from '../../helpers/databases';
import { queryArb, universe } from './fixtures/arbitrary';
import { chinookObjects } from './fixtures/chinook';
import { NOW, sqliteChinook, type SqliteChinook } from './fixtures/engines';
import { outcome } from './fixtures/outcome';
import { variant } from './fixtures/variants';

const RUNS = Math.max(100, Math.floor(Number(process.env.FUZZ_RUNS ?? 1000) / 2));

/** The matcher of `template`'s structure applied to `raw`, next to what the walk says. */
function both(template: unknown, raw: unknown): { matcher: unknown[] | undefined; walk: unknown[] | undefined } {
  const t = structureOf(template, false, 'q');
  if (!t) throw new Error('template is not a candidate');
  const r = structureOf(raw, false, 'q');
  return { matcher: compileMatcher(t.signature)!(raw), walk: r && r.key === t.key ? r.values : undefined };
}

describe('a structure matcher accepts exactly what walks to its structure', () => {
  const base = { object: 'a', where: { x: 1, $or: [{ y: { $in: ['p', 'q'] } }, { z: null }] }, fields: ['x', 'y'], limit: 5, offset: 10 };
  const cases: Array<[string, unknown]> = [
    ['other values', { ...base, where: { x: 9, $or: [{ y: { $in: ['r', 's'] } }, { z: null }] }, limit: 7, offset: 3 }],
    ['a zero offset (structure, not a value)', { ...base, offset: 0 }],
    ['a negative zero offset', { ...base, offset: -0 }],
    ['a fractional offset', { ...base, offset: 1.5 }],
    ['a fractional number where an integer was', { ...base, where: { ...base.where, x: 1.5 } }],
    ['a string where a number was', { ...base, where: { ...base.where, x: '1' } }],
    ['null where a value was', { ...base, where: { ...base.where, x: null } }],
    ['undefined where a value was', { ...base, where: { ...base.where, x: undefined } }],
    ['a shorter $in list', { ...base, where: { x: 1, $or: [{ y: { $in: ['p'] } }, { z: null }] } }],
    ['keys in another order', (({ limit, ...rest }) => ({ limit, ...rest }))(base)],
    ['one more key', { ...base, search: undefined }],
    ['another field name of the same length', { ...base, fields: ['x', 'w'] }],
    ['another object', { ...base, object: 'b' }],
    ['a Date (not JSON-like)', { ...base, where: { ...base.where, x: new Date(0) } }],
    ['an object with a null prototype', Object.assign(Object.create(null), base)],
    ['an array instead of the query', [base]],
    ['a class instance', new (class Q { object = 'a'; })()],
  ];
  it.each(cases)('%s', (_name, raw) => {
    const { matcher, walk } = both(base, raw);
    expect(matcher).toEqual(walk);
  });

  it('zero offset as a template: only a zero offset matches', () => {
    const zero = { object: 'a', limit: 5, offset: 0 };
    expect(both(zero, { object: 'a', limit: 6, offset: 0 }).matcher).toEqual([6]);
    expect(both(zero, { object: 'a', limit: 6, offset: 3 }).matcher).toBeUndefined();
    expect(both(zero, { object: 'a', limit: 6, offset: -0 }).matcher).toBeUndefined();
  });

  it(`random Chinook queries and variants of them (${RUNS} runs)`, () => {
    const db = sqliteChinook();
    try {
      const u = universe(chinookObjects('pascal'), db.tables);
      fc.assert(
        fc.property(queryArb(u), queryArb(u), fc.array(fc.nat(), { minLength: 24, maxLength: 24 }), (a, other, picks) => {
          if (!structureOf(a)) return;
          for (const b of [a, variant(u, a, picks), variant(u, a, picks.map((x) => x * 31 + 7)), other]) {
            const { matcher, walk } = both(a, b);
            expect(matcher, JSON.stringify(b)).toEqual(walk);
          }
        }),
        { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
      );
    } finally {
      void db.cleanup();
    }
  });
});

describe('the store', () => {
  it('finds a structure by the walk, then by its matcher, and forgets a deleted one', () => {
    const store = new PreparedStore<string>();
    const q = (id: unknown) => ({ object: 'a', where: { id }, limit: 1 });
    const first = store.probe(q(1), 'q')!;
    expect(first.found).toBeUndefined();
    store.set(first.signature, 'entry');
    for (let i = 2; i < 6; i++) expect(store.probe(q(i), 'q')).toMatchObject({ found: 'entry', values: [i, 1] });
    // The other scope (streams) and other structures are not this entry.
    expect(store.probe(q(7), 's')?.found).toBeUndefined();
    expect(store.probe(q('7'), 'q')?.found).toBeUndefined();
    store.delete(first.signature);
    expect(store.probe(q(8), 'q')?.found).toBeUndefined();
  });

  it('keeps shapes whose digests collide apart (same lengths, same first and last characters)', () => {
    const store = new PreparedStore<string>();
    const shapes = ['axb', 'ayb', 'azb', 'a_b', 'a$b', 'aXb'];
    for (const f of shapes) {
      const p = store.probe({ object: 'o', where: { [f]: 1 } }, 'q')!;
      expect(p.found).toBeUndefined();
      store.set(p.signature, f);
    }
    for (let round = 0; round < 3; round++) {
      for (const f of shapes) expect(store.probe({ object: 'o', where: { [f]: round } }, 'q')?.found).toBe(f);
    }
  });

  it('evicts the oldest structure past its bound', () => {
    const store = new PreparedStore<number>(3);
    for (let i = 0; i < 5; i++) store.set(store.probe({ object: `o${i}` }, 'q')!.signature, i);
    expect(store.size).toBe(3);
    expect(store.probe({ object: 'o0' }, 'q')?.found).toBeUndefined();
    expect(store.probe({ object: 'o4' }, 'q')?.found).toBe(4);
  });
});

describe('the AST of a hit', () => {
  /** The plain statement: a deep copy of the template with the values set at their paths. */
  function reference(template: unknown, paths: (string | number)[][], values: unknown[]): unknown {
    const copy = structuredClone(template) as Record<string | number, unknown>;
    paths.forEach((p, i) => {
      let holder = copy;
      for (const seg of p.slice(0, -1)) holder = holder[seg] as Record<string | number, unknown>;
      holder[p[p.length - 1]!] = values[i];
    });
    return copy;
  }
  const freeze = <T>(v: T): T => {
    if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) freeze((v as Record<string, unknown>)[k]);
      Object.freeze(v);
    }
    return v;
  };

  it('is the template with the new values: same keys in the same order, fresh containers on the paths, the rest shared', () => {
    const template = freeze({
      object: 'track', fields: ['name', 'album_id.title'],
      where: { $and: [{ milliseconds: { $gt: 1, $lt: 2 } }, { name: { $in: ['a', 'b'] } }], '10': { $eq: 3 }, '2': 'x' },
      orderBy: [{ field: 'name', order: 'asc' }], limit: 5, offset: 7,
    });
    const paths: (string | number)[][] = [['where', '$and', 0, 'milliseconds', '$gt'], ['where', '$and', 1, 'name', '$in', 1], ['where', '10', '$eq'], ['limit'], ['offset']];
    const build = astBuilder(template as never, paths);
    const values = [100, 'zz', 9, 50, 60];
    const ast = build(values);
    const at = (v: unknown, ...path: (string | number)[]): unknown => path.reduce((x, seg) => (x as Record<string | number, unknown>)[seg], v);
    expect(JSON.stringify(ast)).toBe(JSON.stringify(reference(template, paths, values)));
    expect(Object.isFrozen(ast)).toBe(false);
    expect(Object.isFrozen(at(ast, 'where', '$and', 0, 'milliseconds'))).toBe(false);
    expect(at(ast, 'fields')).toBe(template.fields);
    expect(at(ast, 'orderBy')).toBe(template.orderBy);
    expect(at(ast, 'where', '$and', 1, 'name', '$in')).not.toBe(at(template, 'where', '$and', 1, 'name', '$in'));
    // The template is untouched, and two builds share no container on a path.
    expect(at(template, 'where', '$and', 0, 'milliseconds', '$gt')).toBe(1);
    expect(build([1, 2, 3, 4, 5])).not.toBe(ast);
    expect(at(build([1, 2, 3, 4, 5]), 'where')).not.toBe(at(ast, 'where'));
  });

  it('writes a "__proto__" key as a property, and refuses a path the template does not have', () => {
    const template = freeze(JSON.parse('{"object":"a","where":{"__proto__":{"$eq":1}}}'));
    const ast = astBuilder(template, [['where', '__proto__', '$eq']])([2]) as { where: Record<string, unknown> };
    expect(Object.getPrototypeOf(ast.where)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(ast.where, '__proto__')?.value).toEqual({ $eq: 2 });
    expect(() => astBuilder(template, [['where', 'x']])).toThrow();
    expect(() => astBuilder(template, [['object', 'x']])).toThrow();
  });

  it('random Chinook queries: the builder gives what copying gives', () => {
    const db = sqliteChinook();
    try {
      const u = universe(chinookObjects('pascal'), db.tables);
      fc.assert(
        fc.property(queryArb(u), fc.array(fc.nat(), { minLength: 24, maxLength: 24 }), (a, picks) => {
          const s = structureOf(a, true);
          if (!s || s.paths!.length === 0) return;
          const template = freeze(structuredClone(a));
          const other = structureOf(variant(u, a, picks), true);
          if (!other || other.key !== s.key) return;
          expect(JSON.stringify(astBuilder(template as never, s.paths!)(other.values))).toBe(JSON.stringify(reference(template, s.paths!, other.values)));
        }),
        { numRuns: RUNS },
      );
    } finally {
      void db.cleanup();
    }
  });
});

describe('cursors', () => {
  it('are base64url of JSON.stringify({ o, v }), whatever the values', () => {
    const value = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constant(null), fc.constant(undefined), fc.boolean());
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), fc.string({ minLength: 1, maxLength: 40 }), (values, fingerprint) => {
        const c = encodeCursor(values, fingerprint);
        const text = Buffer.from(c, 'base64url').toString('utf8');
        const { o } = JSON.parse(text) as { o: string };
        expect(text).toBe(JSON.stringify({ o, v: values }));
        expect(c).toBe(Buffer.from(JSON.stringify({ o, v: values }), 'utf8').toString('base64url'));
        expect(decodeCursor(c, fingerprint, values.length)).toEqual(JSON.parse(JSON.stringify(values)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a hit through the matcher', () => {
  let db: SqliteChinook;
  const objects = chinookObjects('pascal');
  beforeAll(() => {
    db = sqliteChinook();
  });
  afterAll(async () => db.cleanup());
  const options = (): ObjectQLOptions => ({ objects: (n) => objects.get(n), drivers: () => db.driver, now: () => NOW, maxLimit: 5000 });

  const cases: Array<[string, (v: number) => unknown, unknown]> = [
    ['NaN for a number', (v) => ({ object: 'track', where: { milliseconds: { $gt: v + 0.5 } }, limit: 2 }), { object: 'track', where: { milliseconds: { $gt: Number.NaN } }, limit: 2 }],
    ['a limit above the maximum', (v) => ({ object: 'track', where: { track_id: v }, limit: 1 }), { object: 'track', where: { track_id: 3 }, limit: 5001 }],
    ['a negative offset', (v) => ({ object: 'track', where: { track_id: { $gt: v } }, limit: 2, offset: 1 }), { object: 'track', where: { track_id: { $gt: 3 } }, limit: 2, offset: -4 }],
    ['an impossible date-time', (v) => ({ object: 'invoice', where: { invoice_date: { $gte: `2021-0${v}-01T00:00:00` } }, limit: 2 }), { object: 'invoice', where: { invoice_date: { $gte: '2021-02-30T00:00:00' } }, limit: 2 }],
    ['a malformed money value', (v) => ({ object: 'invoice', where: { total: { $gte: `${v}.50` } }, limit: 2 }), { object: 'invoice', where: { total: { $gte: '1.2.3' } }, limit: 2 }],
  ];
  it.each(cases)('still refuses %s with the cold engine\'s error, and answers like it otherwise', async (_name, good, bad) => {
    const warm = new ObjectQL(options());
    const cold = new ObjectQL({ ...options(), preparedQueries: false });
    for (let v = 1; v <= 4; v++) expect(await outcome(warm, good(v))).toEqual(await outcome(cold, good(v)));
    expect(warm.preparedQueryStats()).toMatchObject({ hits: 3, misses: 1 });
    const refused = await outcome(warm, bad);
    expect(refused).toMatchObject({ error: { code: expect.any(String), path: expect.any(String) } });
    expect(refused).toEqual(await outcome(cold, bad));
    expect(warm.preparedQueryStats()).toMatchObject({ hits: 3, misses: 1, bypassed: 1 });
    // The entry is intact after the refusal.
    expect(await outcome(warm, good(5))).toEqual(await outcome(cold, good(5)));
    expect(warm.preparedQueryStats().hits).toBe(4);
  });

  it('carries a complete plan of its own: AST with the new values, SQL and parameters, steps, counts, time', async () => {
    const warm = new ObjectQL(options());
    const results = [];
    for (let id = 1; id <= 4; id++) results.push(await warm.query({ object: 'track', where: { track_id: id }, limit: 1 }));
    const [, , third, fourth] = results;
    const cold = await new ObjectQL({ ...options(), preparedQueries: false }).query({ object: 'track', where: { track_id: 4 }, limit: 1 });
    expect(fourth!.plan.cached).toBe(true);
    expect(fourth!.plan.elapsedMs).toBeGreaterThanOrEqual(0);
    const { elapsedMs: _a, cached: _b, ...plan } = fourth!.plan;
    const { elapsedMs: _c, cached: _d, ...coldPlan } = cold.plan;
    expect(plan).toEqual(coldPlan);
    expect(fourth!.rows).toEqual(cold.rows);
    expect(fourth!.nextCursor).toBe(cold.nextCursor);
    expect(fourth!.plan).toMatchObject({ datasource: 'chinook', driver: 'sqlite', rowsRead: 1, rowsReturned: 1, ast: { where: { track_id: 4 }, limit: 1 } });
    expect(fourth!.plan.sql?.[0]?.parameters).toContain(4);
    // Each result has its own AST: the earlier one still shows its own value.
    expect(third!.plan.ast.where).toEqual({ track_id: 3 });
    expect(third!.plan.sql?.[0]?.parameters).toContain(3);
  });

  it('alternating more shapes than the recent matchers hold: every answer as a cold engine gives it', async () => {
    const warm = new ObjectQL(options());
    const cold = new ObjectQL({ ...options(), preparedQueries: false });
    const shapes = [
      (v: number) => ({ object: 'track', where: { track_id: v }, limit: 1 }),
      (v: number) => ({ object: 'track', where: { album_id: v }, limit: 3 }),
      (v: number) => ({ object: 'track', where: { genre_id: v }, limit: 3, offset: v }),
      (v: number) => ({ object: 'album', where: { album_id: v }, limit: 1 }),
      (v: number) => ({ object: 'album', where: { artist_id: v }, limit: 2 }),
      (v: number) => ({ object: 'track', where: { track_id: { $in: [v, v + 1] } }, limit: 2 }),
    ];
    for (let round = 1; round <= 4; round++) {
      for (const s of shapes) expect(await outcome(warm, s(round))).toEqual(await outcome(cold, s(round)));
    }
    expect(warm.preparedQueryStats()).toMatchObject({ misses: shapes.length, hits: shapes.length * 3 });
  });
});

describe('SQLite querySync', () => {
  let tmp: TempSqlite;
  let driver: SqlDriver;
  const F = (f: Record<string, unknown>) => f as unknown as FieldDefinition;
  const item = {
    name: 'item', datasource: 'sqlite_test', primaryKey: ['id'], external: { table: 'item', writable: false },
    fields: { id: F({ type: 'number' }), name: F({ type: 'text' }) },
  } as unknown as QueryObjectDef;
  beforeAll(() => {
    tmp = tempSqlite();
    tmp.exec("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO item VALUES (1, 'one'), (2, 'two');");
    driver = createDriver(sqliteDatasource('db.sqlite', { readOnly: false, allowWrites: true }), { workspaceRoot: tmp.dir, ...noSecrets }) as SqlDriver;
  });
  afterAll(async () => {
    await driver.close();
    tmp.cleanup();
  });

  it('answers a read at once outside a transaction, and not at all inside one (the engine then waits for it)', async () => {
    const engine = new ObjectQL({ objects: (n) => (n === 'item' ? item : undefined), drivers: () => driver });
    const q = (id: number) => ({ object: 'item', where: { id: { $gte: id } }, limit: 10 });
    for (let i = 0; i < 3; i++) expect((await engine.query(q(1))).rows).toHaveLength(2);
    const read = { sql: 'SELECT count(*) AS n FROM item', parameters: [] };
    expect(driver.querySync!(read)).toEqual({ rows: [{ n: 2 }], rowCount: 1 });
    let inside: Promise<unknown> | undefined;
    await driver.transaction(async (tx) => {
      await tx.write({ sql: "INSERT INTO item VALUES (3, 'three')", parameters: [] });
      expect(driver.querySync!(read)).toBeUndefined();
      // A hit of a known shape: prepared synchronously, and still not run before the transaction ends.
      inside = engine.query(q(1));
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(((await inside) as { rows: unknown[] }).rows).toHaveLength(3);
    expect(driver.querySync!(read)).toEqual({ rows: [{ n: 3 }], rowCount: 1 });
  });
});
