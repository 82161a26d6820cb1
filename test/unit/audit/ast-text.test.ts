/**
 * A prepared hit's AST is recorded from its template (src/main/audit/ast-text.ts): the text is exactly
 * what checking and canonicalising the AST object gives, on random Chinook queries and through the API as
 * Jane; the provenance it relies on is invisible and does not travel with copies; and what the fast way
 * cannot promise (a value the audit refuses, a copy, a hand-made AST) takes the general way.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../src/main/api';
import { AuditLog } from '../../../src/main/audit';
import { visitBatch } from '../../../src/main/audit/batch-codec.mjs';
import { RecordFormatter } from '../../../src/main/audit/record';
import { RecordQueue } from '../../../src/main/audit/record-queue';
import { canonicalAst } from '../../../src/main/audit/sanitize-ast';
import { recipeOf } from '../../../src/main/objectql/ast-provenance';
import { astBuilder } from '../../../src/main/objectql/prepared-ast';
import { structureOf } from '../../../src/main/objectql/structure';
import { openTestApp } from '../../helpers/app';
import { queryArb, universe } from '../objectql/fixtures/arbitrary';
import { chinookObjects } from '../objectql/fixtures/chinook';
import { sqliteChinook } from '../objectql/fixtures/engines';
import { variant } from '../objectql/fixtures/variants';
import { entry, tempDataDir } from './helpers';

const RUNS = Math.max(100, Math.floor(Number(process.env.FUZZ_RUNS ?? 1000) / 2));

const deepFreeze = <T>(v: T): T => {
  if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
};
/**
 * The AST text the writer gets when `ast` is queued as an entry's AST and came rendered from its template
 * (record.ts → batch-codec.mjs); undefined when it took the general way or was refused.
 */
function builtAstText(ast: unknown): string | undefined {
  const q = new RecordQueue();
  try {
    new RecordFormatter().write(q, { user: 'u', via: 'ui', operation: 'query', outcome: 'ok', ast }, 0);
  } catch {
    return undefined;
  }
  q.added();
  let text: string | undefined;
  visitBatch(q.take(), (_at, _who, _how, _rowCount, _durationMs, ast, canonical) => {
    text = canonical ? (ast ?? undefined) : undefined;
  });
  return text;
}

/** What the general way stores for `ast`, or undefined when it refuses it. */
const general = (ast: unknown): string | undefined => {
  try {
    return canonicalAst(ast);
  } catch {
    return undefined;
  }
};

describe('the text of a built AST', () => {
  it(`equals the checked canonical text on random Chinook queries and variants (${RUNS} runs)`, () => {
    const db = sqliteChinook();
    let rendered = 0;
    try {
      const u = universe(chinookObjects('pascal'), db.tables);
      fc.assert(
        fc.property(queryArb(u, { lookupWhere: true }), fc.array(fc.nat(), { minLength: 24, maxLength: 24 }), (a, picks) => {
          const s = structureOf(a, true);
          if (!s) return;
          const template = deepFreeze(structuredClone(a));
          const build = astBuilder(template as never, s.paths!);
          const other = structureOf(variant(u, a, picks), true);
          const values = other && other.key === s.key ? other.values : s.values;
          const ast = build(values);
          const text = builtAstText(ast);
          const expected = general(ast);
          if (general(template) === undefined) expect(text).toBeUndefined();
          else expect(text).toBe(expected);
          if (text !== undefined) rendered++;
        }),
        { numRuns: RUNS },
      );
    } finally {
      void db.cleanup();
    }
    // Most generated queries take the fast way (the rest hold junk values such as NaN).
    expect(rendered).toBeGreaterThan(RUNS / 2);
  });

  it('a value the audit refuses (a URL with a password, a non-finite number) sends the AST the general way', () => {
    const template = deepFreeze({ object: 'customer', where: { $and: [{ email: 'a@b.c' }, { support_rep_id: 3 }] }, limit: 5 });
    const build = astBuilder(template as never, [['where', '$and', 0, 'email'], ['limit']]);
    expect(builtAstText(build(['x@y.z', 7]))).toBe('{"limit":7,"object":"customer","where":{"$and":[{"email":"x@y.z"},{"support_rep_id":3}]}}');
    expect(builtAstText(build(['postgres://u:secret@host/db', 7]))).toBeUndefined();
    expect(builtAstText(build(['x', Number.NaN]))).toBeUndefined();
    expect(builtAstText(build([{ nested: 1 }, 7]))).toBeUndefined();
    expect(builtAstText(build(['quote " backslash \\ tab \t é 😀', 7]))).toBe(general(build(['quote " backslash \\ tab \t é 😀', 7])));
  });

  it('a template the audit refuses never takes the fast way; one without values is rendered whole', () => {
    const secret = deepFreeze({ object: 'customer', where: { token: { $secret: 'k' }, id: 1 } });
    expect(builtAstText(astBuilder(secret as never, [['where', 'id']])([2]))).toBeUndefined();
    const fixed = deepFreeze({ object: 'customer', fields: ['b', 'a'], where: { z: 1, a: null } });
    const ast = astBuilder(fixed as never, [])([]);
    expect(builtAstText(ast)).toBe(general(fixed));
  });

  it('the provenance is invisible and stays with the object it was stamped on', () => {
    const template = deepFreeze({ object: 'customer', where: { customer_id: 1 } });
    const ast = astBuilder(template as never, [['where', 'customer_id']])([42]) as Record<string, unknown>;
    expect(recipeOf(ast)).toBeDefined();
    expect(Object.keys(ast)).toEqual(['object', 'where']);
    expect(Object.getOwnPropertySymbols(ast)).toEqual([]);
    expect(JSON.stringify(ast)).toBe('{"object":"customer","where":{"customer_id":42}}');
    expect(ast).toEqual({ object: 'customer', where: { customer_id: 42 } });
    expect(Object.getPrototypeOf(ast)).toBe(Object.prototype);
    // Copies — changed or not — are recorded from what they hold.
    for (const copy of [{ ...ast }, { ...ast, where: { customer_id: 43 } }, structuredClone(ast), JSON.parse(JSON.stringify(ast))]) {
      expect(recipeOf(copy)).toBeUndefined();
      expect(builtAstText(copy)).toBeUndefined();
    }
    expect(builtAstText({ object: 'customer', where: { customer_id: 42 } })).toBeUndefined();
  });
});

describe('through the API and the log', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("Jane's repeated queries are prepared hits; each entry stores the canonical text of the AST she got", async () => {
    const api = createApi(t.app, undefined, { waitForCommit: false });
    const jane = { user: 'jane.peacock', via: 'ui' as const, reason: 'ast text "quoted"\ttab' };
    const asked = [3, 4, 5, 'x@y.z'].map((v) => ({
      query: { object: 'customer', fields: ['customer_id', 'city'], where: { $or: [{ customer_id: typeof v === 'number' ? v : 1 }, { city: typeof v === 'string' ? v : 'Oslo' }] }, limit: 10 },
    }));
    const asts: unknown[] = [];
    let hits = 0;
    for (const input of asked) {
      const out = (await api.call('data.query', input, jane)) as { plan: { ast: unknown; cached: boolean } };
      asts.push(out.plan.ast);
      if (out.plan.cached) {
        hits++;
        expect(builtAstText(out.plan.ast)).toBe(general(out.plan.ast));
      }
    }
    expect(hits).toBeGreaterThanOrEqual(3);
    await t.app.audit.flush();
    const stored = t.app.audit.list({ user: 'jane.peacock', limit: asked.length });
    expect(stored.map((e) => e.ast)).toEqual(asts.map((a) => general(a)));
    expect(stored.every((e) => e.reason === jane.reason && e.operation === 'data.query' && e.outcome === 'ok')).toBe(true);
    expect(t.app.audit.verify().ok).toBe(true);
  });
});

describe('the stored entry', () => {
  it('is the same whether the AST came rendered or as an object (both writers)', async () => {
    for (const mode of ['thread', 'inline'] as const) {
      const tmp = tempDataDir();
      const log = await AuditLog.open({ dataDir: tmp.dir, mode });
      try {
        const template = deepFreeze({ object: 'Invoice', where: { InvoiceId: 0, BillingCity: 'x' }, orderBy: [{ field: 'Total', order: 'desc' }] });
        const built = astBuilder(template as never, [['where', 'InvoiceId'], ['where', 'BillingCity']])([5, 'Zürich "Nord"']);
        await log.enqueue(entry({ ast: built, durationMs: 1.23456789, reason: 'a\nb' }));
        await log.enqueue(entry({ ast: structuredClone(built), durationMs: 1.23456789, reason: 'a\nb' }));
        await log.enqueue(entry({ ast: undefined, rowCount: undefined, durationMs: undefined, object: undefined }));
        await log.flush();
        const [a, b, c] = log.list();
        const { seq: _s1, at: _a1, hash: _h1, prev_hash: _p1, ...restA } = a!;
        const { seq: _s2, at: _a2, hash: _h2, prev_hash: _p2, ...restB } = b!;
        expect(restA).toEqual(restB);
        expect(a!.ast).toBe('{"object":"Invoice","orderBy":[{"field":"Total","order":"desc"}],"where":{"BillingCity":"Zürich \\"Nord\\"","InvoiceId":5}}');
        expect(a!.durationMs).toBe(1.235);
        expect(a!.reason).toBe('a\nb');
        expect([c!.ast, c!.rowCount, c!.durationMs, c!.object]).toEqual([undefined, undefined, undefined, undefined]);
        expect(log.verify().ok).toBe(true);
      } finally {
        await log.close();
        tmp.cleanup();
      }
    }
  });
});
