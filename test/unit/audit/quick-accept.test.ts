/**
 * quickAccept (the hot path's hand-written check) may only ever say "certainly valid": for every input it
 * accepts, AuditInputSchema (the one definition of what an entry may hold) must accept it unchanged. And it
 * must accept the entries the API really writes, or the hot path would always fall back to zod.
 */
import { describe, expect, it, vi } from 'vitest';
import { AuditInputSchema, quickAccept } from '../../../src/main/audit/entry';
import { entryFor } from '../../../src/main/security/audit-call';
import { VIA } from '../../../src/shared/api/session';

const base = { user: 'jane.peacock', via: 'ui', reason: 'who are my customers?', operation: 'data.query', object: 'customer', ast: { object: 'customer' }, rowCount: 3, outcome: 'ok', durationMs: 1.5 };

const strings = ['', 'a', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(199), 'x'.repeat(200), 'x'.repeat(201), 'y'.repeat(2000), 'y'.repeat(2001), 'bad\nname', 'tab\there', 'del\u007f', 'é ü 漢', 'query', 'ai.tool', 'ai.tool.query_records', 'Query', 'a..b', '.a', 'a.', 'a_b.c1', '1a', 'not_found', 'sqlite.busy', 'duplicate key value "x"', 'UPPER', 'x'.repeat(64) + '.y'];
const numbers = [0, -0, 1, 2.5, -1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, Number.NaN, Infinity, -Infinity, 1e-9];
const others = [undefined, null, true, false, {}, [], '1', 1n, Symbol('s'), new Date(0), new String('ui')];
const values = [...strings, ...numbers, ...others];
const keys = ['user', 'via', 'reason', 'operation', 'object', 'rowCount', 'outcome', 'errorCode', 'durationMs', 'ast'];

function* inputs(): Generator<unknown> {
  yield base;
  for (const k of keys) {
    for (const v of [...values, ...VIA, 'denied', 'error', 'nope']) yield { ...base, [k]: v };
    const { [k]: _drop, ...rest } = base as Record<string, unknown>;
    yield rest;
  }
  for (const extra of ['rows', 'result', 'password', 'message', 'values', '__proto__x']) yield { ...base, [extra]: 1 };
  yield Object.assign(Object.create({ inherited: 1 }), base);
  yield Object.create(null);
  yield null;
  yield 'entry';
  yield [base];
  yield new Map(Object.entries(base));
}

describe('quickAccept never accepts what AuditInputSchema refuses', () => {
  it('agrees with the schema on every generated input it accepts', () => {
    let accepted = 0;
    let total = 0;
    for (const input of inputs()) {
      total++;
      if (!quickAccept(input)) continue;
      accepted++;
      const parsed = AuditInputSchema.safeParse(input);
      expect(parsed.success, `quickAccept accepted ${JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))} which the schema refuses`).toBe(true);
      // Accepted unchanged: the hot path uses the input itself, not a parsed copy.
      const { data } = parsed as { data: Record<string, unknown> };
      for (const k of Object.keys(input as object)) expect(data[k]).toEqual((input as Record<string, unknown>)[k]);
    }
    expect(total).toBeGreaterThan(500);
    expect(accepted).toBeGreaterThan(50); // the check is not vacuous
  });

  it('accepts the entries the API writes for reads, refusals and writes', () => {
    const s = { user: 'jane.peacock', via: 'ai' as const, reason: 'why' };
    const entries = [
      entryFor(s, 'data.query', { query: { object: 'customer' } }, 'ok', { ast: { object: 'customer' }, rowCount: 2, durationMs: 0.1234 }),
      entryFor(s, 'data.query', { query: { object: 'secret_table' } }, 'denied', { errorCode: 'not_found.unknown_object', durationMs: 3 }),
      entryFor({ user: 'u', via: 'rest' }, 'data.update', { object: 'customer', key: 1, values: { city: 'x' } }, 'ok', { ast: { object: 'customer', id: 1, changedFields: ['city'] }, rowCount: 1 }),
      entryFor(s, 'auth.switchUser', {}, 'ok'),
    ];
    for (const e of entries) {
      expect(AuditInputSchema.safeParse(e).success).toBe(true);
      expect(quickAccept(e)).toBe(true);
    }
  });

  it('remembers only what it accepted: a fresh check refuses empty and malformed names first, and after a valid entry', async () => {
    vi.resetModules();
    const fresh = await import('../../../src/main/audit/entry');
    const bad = [{ ...base, user: '' }, { ...base, object: '' }, { ...base, operation: '' }, { ...base, user: 'a\nb' }, { ...base, operation: 'Bad' }];
    for (const e of bad) expect(fresh.quickAccept(e)).toBe(false);
    expect(fresh.quickAccept(base)).toBe(true);
    for (const e of bad) expect(fresh.quickAccept(e)).toBe(false);
    expect(fresh.quickAccept({ ...base, user: 'someone.else' })).toBe(true);
    expect(fresh.quickAccept({ ...base, user: 'jane.peacock\u0000' })).toBe(false);
  });
});
