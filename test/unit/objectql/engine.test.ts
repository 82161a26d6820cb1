/** The engine end to end on the SQLite driver: plans, limits, paging, streaming, fallback, cancellation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver, SqlDriver } from '../../../src/main/drivers/types';
import { ObjectQL } from '../../../src/main/objectql/engine';
import { QueryError } from '../../../src/main/objectql/errors';
import { chinookObjects } from './fixtures/chinook';
import { NOW, sqliteChinook, type SqliteChinook } from './fixtures/engines';

let db: SqliteChinook;
const objects = chinookObjects('pascal');
beforeAll(() => {
  db = sqliteChinook();
});
afterAll(async () => db.cleanup());

function engine(extra: Partial<ConstructorParameters<typeof ObjectQL>[0]> = {}, driver?: Driver): ObjectQL {
  return new ObjectQL({ objects: (n) => objects.get(n), drivers: () => driver ?? db.driver, now: () => NOW, maxLimit: 5000, ...extra });
}

describe('results and plans', () => {
  it('a grouped aggregation reads only the groups from the database, and says so', async () => {
    const res = await engine().query({ object: 'invoice', groupBy: ['billing_country'], aggregations: [{ function: 'sum', field: 'total', alias: 'revenue' }] });
    expect(res.rows).toHaveLength(24);
    expect(res.plan.rowsRead).toBe(24);
    expect(res.plan.strategy).toBe('pushdown');
    expect(res.plan.steps.find((s) => s.step === 'aggregate')?.ran).toBe('database');
    expect(res.plan.sql?.[0]?.text).toMatch(/^select .* group by/);
    expect(res.plan.datasource).toBe('chinook');
    expect(res.plan.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(res.rows.find((r) => r.billing_country === 'USA')?.revenue).toBe('523.06');
  });

  it('the plan carries the AST after the permissions hook, and the rows obey it', async () => {
    const e = engine({ applyPermissions: (ast) => ({ ...ast, where: { $and: [ast.where ?? {}, { country: 'Canada' }] } }) });
    const res = await e.query({ object: 'customer', fields: ['country'] });
    expect(new Set(res.rows.map((r) => r.country))).toEqual(new Set(['Canada']));
    expect(res.plan.ast.where).toEqual({ $and: [{}, { country: 'Canada' }] });
  });

  it('default limit when none is given, hard maximum otherwise', async () => {
    const res = await engine({ defaultLimit: 7 }).query({ object: 'track', fields: ['name'] });
    expect(res.rows).toHaveLength(7);
    await expect(engine().query({ object: 'track', limit: 5001 })).rejects.toMatchObject({ code: 'limit_exceeded', path: 'limit' });
  });

  it('repeated queries of one shape skip compilation', async () => {
    const e = engine();
    await e.query({ object: 'album', fields: ['title'], where: { album_id: { $lt: 5 } } });
    const again = await e.query({ object: 'album', fields: ['title'], where: { album_id: { $lt: 9 } } });
    expect(again.plan.cached).toBe(true);
    expect(again.rows).toHaveLength(8);
  });

  it('explain plans without running', async () => {
    const plan = await engine().explain({ object: 'invoice', where: { invoice_date: 'this_year' } });
    expect(plan.rowsRead).toBeNull();
    expect(plan.sql?.[0]?.parameters.slice(0, 2)).toEqual(['2025-01-01 00:00:00', '2026-01-01 00:00:00']);
  });
});

describe('paging', () => {
  it('keyset pages equal offset pages, across ties and NULLs', async () => {
    const e = engine();
    const base = { object: 'customer', fields: ['customer_id', 'company'], orderBy: [{ field: 'company', order: 'desc' as const }], limit: 7 };
    const all = (await e.query({ ...base, limit: 100 })).rows;
    const pages: unknown[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await e.query(cursor ? { ...base, cursor } : base);
      pages.push(...res.rows);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    expect(pages).toEqual(all);
    expect(all.filter((r) => r.company === null).length).toBeGreaterThan(10);
  });

  it('a cursor from another orderBy is refused', async () => {
    const e = engine();
    const first = await e.query({ object: 'customer', fields: ['customer_id'], limit: 2 });
    await expect(e.query({ object: 'customer', orderBy: [{ field: 'city' }], cursor: first.nextCursor, limit: 2 })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });
});

describe('streaming and cancellation', () => {
  it('stream yields the same rows as query, with rows read in the plan', async () => {
    const e = engine();
    const q = { object: 'invoice_line', fields: ['invoice_line_id', 'track_id.name', 'unit_price'], limit: 3000 };
    const s = await e.stream(q);
    const rows = [];
    for await (const r of s) rows.push(r);
    expect(rows).toEqual((await e.query(q)).rows);
    expect(s.plan.rowsRead).toBe(2240);
  });

  it('streams are not held to the query limit (exports), but to their own maximum', async () => {
    const s = await engine({ maxStreamLimit: 3000 }).stream({ object: 'track', fields: ['track_id'] });
    let n = 0;
    for await (const _ of s) n++;
    expect(n).toBe(3000);
  });

  it('an aborted signal stops the query before it reaches the driver', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(engine().query({ object: 'track' }, { signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('the signal and timeout reach the driver', async () => {
    const seen: unknown[] = [];
    const spy: SqlDriver = new Proxy(db.driver, {
      get(target, prop, recv) {
        // SQLite answers through querySync when it can; either way the options must arrive.
        if (prop === 'query') return (c: unknown, o: unknown) => (seen.push(o), target.query(c as never, o as never));
        if (prop === 'querySync') return (c: unknown, o: unknown) => (seen.push(o), target.querySync!(c as never, o as never));
        return Reflect.get(target, prop, recv);
      },
    });
    const ac = new AbortController();
    await engine({}, spy).query({ object: 'genre' }, { signal: ac.signal, timeoutMs: 1234 });
    expect(seen).toEqual([{ signal: ac.signal, timeoutMs: 1234, rowMode: 'array' }]);
  });
});

describe('fallback to the reference evaluator', () => {
  const noJoins = (): SqlDriver => new Proxy(db.driver, {
    get(target, prop, recv) {
      if (prop === 'capabilities') return { ...target.capabilities, joins: false };
      return Reflect.get(target, prop, recv);
    },
  });

  it('a driver without joins gets table scans; the evaluator joins, visibly in the plan', async () => {
    const q = { object: 'album', fields: ['title', 'artist_id.name'], where: { 'artist_id.name': { $startsWith: 'Led' } } };
    const pushed = await engine().query(q);
    const fell = await engine({}, noJoins()).query(q);
    expect(fell.rows).toEqual(pushed.rows);
    expect(fell.plan.strategy).toBe('fallback');
    expect(fell.plan.fallback?.reason).toContain('joins');
    expect(fell.plan.steps.every((s) => s.ran === 'reference-evaluator')).toBe(true);
    expect(fell.plan.rowsRead).toBe(347 + 275);
  });

  it('the fallback is bounded by a row cap', async () => {
    const err = await engine({ fallbackRowCap: 100 }, noJoins()).query({ object: 'album', fields: ['artist_id.name'] }).catch((e) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect(err.code).toBe('fallback_row_cap');
  });
});
