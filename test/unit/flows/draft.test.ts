/**
 * The step editor's form model: a loaded flow opened in the form and saved unchanged is the same
 * definition; empty optional inputs are absent; JSON and number mistakes are caught before sending; the
 * server's problems land next to the control their key path names.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { loadedFlows } from '../../../src/main/flows';
import { controlPathOf, definitionOf, draftOf, emptyFlow, emptyStep, moveStep, problemsAt } from '../../../src/renderer/src/flows/draft';
import { openTestApp } from '../../helpers/app';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const EVERY_STEP = {
  name: 'every_step',
  label: 'Every step type',
  description: 'All of them.',
  owner: 'ops.olivia',
  trigger: { type: 'change', object: 'invoice', watermark: 'invoice_id', every: 120, batch: 50 },
  approval: 'never',
  limits: { maxRecords: 10, maxSeconds: 30 },
  enabled: false,
  steps: [
    { id: 'big', type: 'query', label: 'Big ones', query: { object: 'invoice', fields: ['invoice_id', 'total'], where: { total: { $gt: 15 } }, limit: 20 } },
    { id: 'all', type: 'query', query: { object: 'invoice' } },
    { id: 'per', type: 'aggregate', query: { object: 'invoice', groupBy: [{ field: 'billing_country', alias: 'country' }], aggregations: [{ function: 'sum', field: 'total', alias: 'sum' }] } },
    { id: 'any', type: 'condition', if: { ref: 'big.count', op: 'gt', value: 0 }, then: [{ id: 'say', type: 'notify', title: 't', message: '' }], else: [{ id: 'no', type: 'notify', title: 'n', message: 'm' }] },
    { id: 'each', type: 'loop', over: 'big.rows', as: 'inv', max: 100, steps: [{ id: 'mark', type: 'notify', title: '{{inv.total}}', message: '' }] },
    { id: 'ask', type: 'ai', prompt: 'Summarise', model: 'llama3.2' },
    { id: 'file', type: 'export', rows: 'big.rows', format: 'xlsx', filename: 'big', folder: '/tmp', columns: ['invoice_id', 'total'] },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_state: 'ZZ' } },
    { id: 'fix2', type: 'update', object: 'invoice', where: { invoice_id: 1 }, set: { billing_state: { $ref: 'big.first.total' } } },
    { id: 'add', type: 'create', object: 'invoice', values: { customer_id: 1 } },
    { id: 'hook', type: 'http', url: 'https://hooks.example.com/x', body: { n: [1, 'two', null] } },
    { id: 'tell', type: 'notify', title: 'done', message: 'x', desktop: false },
  ],
};

describe('step editor form', () => {
  test('a flow opened and saved unchanged is the same definition (demo flows, every step type)', async () => {
    const t = await openTestApp();
    cleanups.push(() => t.dispose());
    const demo = [...(await loadedFlows(t.app)).flows.values()].map((f) => f.definition as unknown as Record<string, unknown>);
    expect(demo).toHaveLength(2);
    for (const d of [...demo, EVERY_STEP]) {
      const { definition, errors } = definitionOf(draftOf(d));
      expect(errors).toEqual({});
      expect(definition).toEqual(d);
    }
  });

  test('a new flow: empty optional inputs are absent, steps get unique ids, and move up/down', () => {
    const d = emptyFlow('ops.olivia');
    d.name = 'new_one';
    d.steps[0]!.object = 'invoice';
    d.steps.push(emptyStep('notify', d.steps.map((s) => s.id)));
    d.steps[1]!.text.title = 'Hi';
    expect(d.steps.map((s) => s.id)).toEqual(['query_1', 'notify_1']);
    expect(emptyStep('query', ['query_1', 'query_2']).id).toBe('query_3');
    expect(definitionOf(d)).toEqual({
      errors: {},
      definition: {
        name: 'new_one',
        owner: 'ops.olivia',
        trigger: { type: 'manual' },
        approval: 'writes',
        limits: { maxRecords: 100, maxSeconds: 60 },
        enabled: true,
        steps: [
          { id: 'query_1', type: 'query', query: { object: 'invoice' } },
          { id: 'notify_1', type: 'notify', title: 'Hi', message: '' },
        ],
      },
    });
    const moved = moveStep(d.steps, 1, -1);
    expect(moved.map((s) => s.id)).toEqual(['notify_1', 'query_1']);
    expect(moveStep(moved, 0, -1)).toBe(moved);
    expect(moveStep(moved, 1, 1)).toBe(moved);
    d.trigger = { ...d.trigger, type: 'schedule', cron: '0 8 * * *', timezone: '' };
    expect(definitionOf(d).definition.trigger).toEqual({ type: 'schedule', cron: '0 8 * * *' });
  });

  test('JSON and number mistakes are reported at their key path before anything is sent', () => {
    const d = draftOf(EVERY_STEP);
    d.steps[7]!.text.set = '{ "billing_state": ZZ }';
    d.steps[0]!.text.query = '[1]';
    d.maxRecords = 'ten';
    const { errors } = definitionOf(d);
    expect(Object.keys(errors).sort()).toEqual(['limits.maxRecords', 'steps.0.query', 'steps.7.set']);
    expect(errors['steps.7.set']).toMatch(/^not valid JSON/);
    expect(errors['steps.0.query']).toMatch(/must be a JSON object/);
    expect(errors['limits.maxRecords']).toBe('"ten" is not a number');
  });

  test('server problems go next to the control their key path names', () => {
    const steps = draftOf(EVERY_STEP).steps;
    expect(controlPathOf('steps.0.query.fields.1', steps)).toBe('steps.0.fields');
    expect(controlPathOf('steps.0.query.object', steps)).toBe('steps.0.object');
    expect(controlPathOf('steps.0.query.where.totl', steps)).toBe('steps.0.query');
    expect(controlPathOf('steps.2.query.object', steps)).toBe('steps.2.object');
    expect(controlPathOf('steps.3.then.0.title', steps)).toBe('steps.3.then');
    expect(controlPathOf('steps.7.colour', steps)).toBe('steps.7');
    expect(controlPathOf('steps.7.id', steps)).toBe('steps.7.id');
    expect(controlPathOf('trigger.watermark', steps)).toBe('trigger.watermark');
    expect(controlPathOf('owner', steps)).toBe('owner');
    expect(controlPathOf(undefined, steps)).toBe('');
    const problems = [
      { kind: 'x', file: 'f', path: 'steps.0.query.fields.1', message: 'a' },
      { kind: 'x', file: 'f', path: 'steps.0.query.where', message: 'b' },
      { kind: 'x', file: 'f', path: 'steps.01', message: 'c' },
    ];
    expect(problemsAt(problems, 'steps.0.query', ['steps.0.query.fields', 'steps.0.query.object']).map((p) => p.message)).toEqual(['b']);
    expect(problemsAt(problems, 'steps.0').map((p) => p.message)).toEqual(['a', 'b']);
  });
});
