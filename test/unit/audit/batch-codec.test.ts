/**
 * The queued form of entries (record.ts → batch-codec.mjs → writer-core.mjs `forEachLine`): whatever the
 * entries and however the queue is cut into batches — batches put back after a failure and merged with
 * newer ones included — the writer gets exactly the fields of each entry, in order, and hashes exactly
 * their JSON text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditInput } from '../../../src/main/audit';
import { visitBatch, type EncodedBatch } from '../../../src/main/audit/batch-codec.mjs';
import { RecordFormatter } from '../../../src/main/audit/record';
import { RecordQueue, type Batch } from '../../../src/main/audit/record-queue';
import { forEachLine, storedAst } from '../../../src/main/audit/writer-core.mjs';
import { astBuilder } from '../../../src/main/objectql/prepared-ast';
import { VIA } from '../../../src/shared/api/session';

const text = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('jane.peacock', 'a "quoted" \\ name', 'é ü 漢 😀', 'x'.repeat(200)));
const noControl = text.filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const scalar = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null), fc.constant(-0));

/** A built AST (prepared-ast.ts): a fixed template with values at two paths. */
const template = Object.freeze({ object: 'invoice', where: Object.freeze({ $and: Object.freeze([Object.freeze({ total: Object.freeze({ $gt: 0 }) }), Object.freeze({ billing_city: 'x' })]) }), limit: 5 });
const build = astBuilder(template as never, [['where', '$and', 0, 'total', '$gt'], ['where', '$and', 1, 'billing_city']]);

const astArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ object: fc.constantFrom('customer', 'invoice'), where: fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 3 }) }),
  fc.tuple(scalar, scalar).map(([a, b]) => build([a, b])),
);

const entryArb: fc.Arbitrary<AuditInput> = fc.record(
  {
    user: fc.constantFrom('jane.peacock', 'andrew.adams', 'a "quoted" \\ name'),
    via: fc.constantFrom(...VIA),
    operation: fc.constantFrom('data.query', 'data.explain', 'ai.tool.query_records'),
    object: fc.option(noControl, { nil: undefined }),
    ast: astArb,
    rowCount: fc.option(fc.nat(), { nil: undefined }),
    outcome: fc.constantFrom('ok', 'denied', 'error'),
    errorCode: fc.option(fc.constantFrom('forbidden', 'not_found.unknown_object', 'sqlite.busy'), { nil: undefined }),
    reason: fc.option(fc.oneof(text, fc.constant('line\nbreak\ttab')), { nil: undefined }),
    durationMs: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
  },
  { requiredKeys: ['user', 'via', 'operation', 'outcome'] },
);

/** What the line holds for an entry written at `ms` (the fields as writer-core.mjs orders them). */
const expected = (e: AuditInput, ms: number): unknown[] => [
  1, new Date(ms).toISOString(), e.user, e.via, e.operation, e.object ?? null,
  e.ast === undefined ? null : storedAst(JSON.parse(JSON.stringify(e.ast))),
  e.rowCount ?? null, e.outcome, e.errorCode ?? null, e.reason ?? null,
  e.durationMs === undefined ? null : Math.round(e.durationMs * 1000) / 1000,
];

/** The columns the writer stores for each entry of a batch, format number first; checks each hashed line is their JSON text. */
function written(batch: EncodedBatch): unknown[][] {
  const out: unknown[][] = [];
  forEachLine(batch, (line, at, who, how, ast, rowCount, durationMs) => {
    const fields = [1, at, ...who, ast, rowCount, ...how, durationMs];
    expect(line).toBe(JSON.stringify(fields));
    out.push(fields);
  });
  return out;
}

const entriesIn = (batch: EncodedBatch): number => {
  let n = 0;
  visitBatch(batch, () => n++);
  return n;
};

describe('queued batches', () => {
  it('give the writer each entry as it was, however the queue is cut, put back and merged', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(entryArb, fc.nat({ max: 9 })), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), (steps, t0) => {
        const f = new RecordFormatter();
        const q = new RecordQueue();
        const committed: unknown[][] = [];
        const want: unknown[][] = [];
        let held: Batch[] = [];
        steps.forEach(([e, action], i) => {
          const ms = t0 + Math.floor(i / 3);
          f.write(q, e, ms);
          q.added();
          want.push(expected(e, ms));
          if (action === 0) {
            // a batch goes to the writer and fails: it comes back, ahead of what is queued
            held.push(q.take());
            q.putBack(held.splice(0));
          } else if (action === 1) {
            const b = q.take();
            expect(b.count).toBe(entriesIn(b));
            committed.push(...written(b));
          }
        });
        const rest = q.take();
        committed.push(...written(rest));
        expect(committed).toEqual(want);
        held = [];
      }),
      { numRuns: 300 },
    );
  });

  it('a batch defines what it uses: the second of two batches decodes alone', () => {
    const f = new RecordFormatter();
    const q = new RecordQueue();
    const e: AuditInput = { user: 'jane.peacock', via: 'ui', operation: 'data.query', object: 'invoice', ast: build([5, 'Oslo']), rowCount: 1, outcome: 'ok', reason: 'r' };
    f.write(q, e, 1_700_000_000_000);
    q.added();
    q.take();
    f.write(q, { ...e, ast: build([6, 'Bergen']) }, 1_700_000_000_001);
    q.added();
    const [line] = written(q.take());
    expect(line).toEqual(expected({ ...e, ast: build([6, 'Bergen']) }, 1_700_000_000_001));
    expect(line![6]).toBe('{"limit":5,"object":"invoice","where":{"$and":[{"total":{"$gt":6}},{"billing_city":"Bergen"}]}}');
  });

  it('a taken batch owns just its numbers, after the queue grew for a burst too (posting copies the whole buffer)', () => {
    const f = new RecordFormatter();
    const q = new RecordQueue();
    const e: AuditInput = { user: 'jane.peacock', via: 'ui', operation: 'data.query', object: 'invoice', ast: build([5, 'Oslo']), outcome: 'ok' };
    const fill = (n: number) => {
      for (let i = 0; i < n; i++) {
        f.write(q, e, 1_700_000_000_000 + i);
        q.added();
      }
    };
    fill(3000); // past the queue's first 4,096 numbers: it grows
    const burst = q.take();
    fill(2);
    const small = q.take();
    for (const b of [burst, small]) expect(b.nums.buffer.byteLength).toBe(b.nums.byteLength);
    expect(entriesIn(burst)).toBe(3000);
    expect(entriesIn(small)).toBe(2);
  });

  it('a malformed batch is refused with a reason, not half-read', () => {
    expect(() => entriesIn({ nums: new Float64Array([0, 1, 1, 1, -1, -1, 0]), others: [] })).toThrow(/undefined who-id/);
    expect(() => entriesIn({ nums: new Float64Array([9]), others: [] })).toThrow(/malformed/);
    expect(() => entriesIn({ nums: new Float64Array([]), others: ['left over'] })).toThrow(/left over/);
  });
});
