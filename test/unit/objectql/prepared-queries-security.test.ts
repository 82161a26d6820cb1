/**
 * Prepared queries under the permission layer (src/main/security through AppContext.engineFor, the demo
 * workspace): an entry never answers for another user's permissions, and a warm engine for a user returns
 * exactly what a fresh one returns, for random queries and variants of them.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/main/app/context';
import { ObjectQL } from '../../../src/main/objectql/engine';
import { QueryError } from '../../../src/main/objectql/errors';
import type { QueryObjectDef } from '../../../src/main/objectql/ir';
import type { RawRow } from '../../../src/main/objectql/reference/evaluator';
import { applyPermissions, scopedResolver } from '../../../src/main/security';
import type { Session } from '../../../src/shared/api/session';
import { DEMO_WORKSPACE, openTestApp } from '../../helpers/app';
import { queryArb, universe } from './fixtures/arbitrary';
import { variant } from './fixtures/variants';

const RUNS = Math.max(100, Math.floor(Number(process.env.FUZZ_RUNS ?? 1000) / 4));
const jane: Session = { user: 'jane.peacock', via: 'cli' };
const andrew: Session = { user: 'andrew.adams', via: 'cli' };

let t: Awaited<ReturnType<typeof openTestApp>>;
let app: AppContext;
beforeAll(async () => {
  t = await openTestApp();
  app = t.app;
});
afterAll(async () => t.dispose());

async function outcome(engine: ObjectQL, raw: unknown, session: Session): Promise<unknown> {
  try {
    const res = await engine.query(raw, { session });
    const { elapsedMs: _e, cached: _c, ...plan } = res.plan;
    return { rows: res.rows, nextCursor: res.nextCursor, plan: JSON.parse(JSON.stringify(plan)) };
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    return { error: e.toJSON() };
  }
}

const customers = (country: string) => ({ object: 'customer', fields: ['customer_id', 'country', 'support_rep_id'], where: { country }, limit: 100 });

describe('users never share an entry', () => {
  it('each engine from engineFor has its own entries; a warm engine answers as a fresh one, per user', async () => {
    const janes = app.engineFor(jane);
    await janes.query(customers('USA'), { session: jane });
    const warmJane = await outcome(janes, customers('Canada'), jane);
    expect(janes.preparedQueryStats().hits).toBe(1);
    expect(warmJane).toEqual(await outcome(app.engineFor(jane), customers('Canada'), jane));
    const janeRows = (warmJane as { rows: Array<{ support_rep_id: number }> }).rows;
    expect(janeRows.length).toBeGreaterThan(0);
    expect(new Set(janeRows.map((r) => r.support_rep_id))).toEqual(new Set([3]));

    const andrews = app.engineFor(andrew);
    const first = await outcome(andrews, customers('Canada'), andrew);
    expect(andrews.preparedQueryStats()).toMatchObject({ hits: 0, misses: 1 });
    expect(first).toEqual(await outcome(app.engineFor(andrew), customers('Canada'), andrew));
    const andrewRows = (first as { rows: Array<{ support_rep_id: number }> }).rows;
    expect(new Set(andrewRows.map((r) => r.support_rep_id)).size).toBeGreaterThan(1);
    // Jane's rule is in her plan, not in Andrew's.
    expect(JSON.stringify((warmJane as { plan: { ast: unknown } }).plan.ast)).toContain('support_rep_id');
    expect(JSON.stringify((first as { plan: { ast: unknown } }).plan.ast)).not.toContain('$and');
  });

  it('one engine used for two sessions keeps their entries apart', async () => {
    const ws = app.requireWorkspace();
    const all = (name: string) => ws.objects.get(name);
    const engine = new ObjectQL({
      objects: all,
      drivers: (name) => app.drivers.get(name),
      timezone: ws.timezone,
      applyPermissions: async (ast, session) => {
        const s = session as Session;
        const user = app.governor.userOf(ws, s);
        return applyPermissions(ast, { ws, scope: await app.governor.scopeOf(ws, user, s), resolve: scopedResolver(ws, app.governor.visibilityOf(ws, user)) });
      },
    });
    const j = { ...jane };
    const a = { ...andrew };
    await engine.query(customers('USA'), { session: j });
    const asAndrew = await engine.query(customers('Canada'), { session: a });
    expect(engine.preparedQueryStats()).toMatchObject({ hits: 0, misses: 2 });
    expect(new Set(asAndrew.rows.map((r) => r.support_rep_id)).size).toBeGreaterThan(1);
    const asJane = await engine.query(customers('Canada'), { session: j });
    expect(engine.preparedQueryStats().hits).toBe(1);
    expect(new Set(asJane.rows.map((r) => r.support_rep_id))).toEqual(new Set([3]));
    // A session that is not an object cannot key entries: no cache for it.
    await engine.query(customers('USA'), { session: 'jane.peacock' as never }).catch(() => undefined);
    expect(engine.preparedQueryStats().bypassed).toBe(1);
  });
});

describe('random queries as Jane: a warm engine = a fresh engine per query', () => {
  it(`${RUNS} queries, each then with other values`, async () => {
    const ws = app.requireWorkspace();
    const raw = new Database(path.join(DEMO_WORKSPACE, 'data/chinook.sqlite'), { readonly: true });
    const tables = new Map<string, RawRow[]>();
    for (const o of ws.objects.values()) {
      const table = o.external?.table ?? o.name;
      if (!tables.has(table)) tables.set(table, raw.prepare(`select * from "${table}"`).all() as RawRow[]);
    }
    raw.close();
    const u = universe(ws.objects as unknown as Map<string, QueryObjectDef>, tables);
    const warm = app.engineFor(jane);
    await fc.assert(
      fc.asyncProperty(queryArb(u), fc.array(fc.nat(), { minLength: 24, maxLength: 24 }), async (q, picks) => {
        for (const x of [q, variant(u, q, picks), variant(u, q, picks.map((p) => p * 13 + 5))]) {
          expect(await outcome(warm, x, jane), JSON.stringify(x)).toEqual(await outcome(app.engineFor(jane), x, jane));
        }
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    expect(warm.preparedQueryStats().hits).toBeGreaterThan(RUNS / 2);
  }, 600_000);
});
