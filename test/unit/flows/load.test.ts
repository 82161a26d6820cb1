/**
 * Flow files are validated like object files: strict keys, and every step, query and reference checked
 * against the objects the owner can see when the workspace loads — each problem naming file, line, step
 * and key with what to do.
 */
import { afterEach, describe, expect, test } from 'vitest';
import path from 'node:path';
import { openTestApp } from '../../helpers/app';
import { loadedFlows } from '../../../src/main/flows';
import { flowFile, flowWorkspace } from './workspace';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function problemsOf(body: string) {
  const ws = flowWorkspace({ 'f.flow.ts': flowFile(body) });
  const t = await openTestApp({ workspaceDir: ws.dir });
  cleanups.push(() => t.dispose(), ws.cleanup);
  const r = await loadedFlows(t.app);
  return { ...r, file: path.join(ws.dir, 'flows', 'f.flow.ts') };
}

const q = (extra = '') => `{ id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'total', 'billing_country'], where: { total: { $gt: 20 } } }${extra} }`;

describe('flow files', () => {
  test('the demo flows load without problems', async () => {
    const t = await openTestApp();
    cleanups.push(() => t.dispose());
    const { flows, problems } = await loadedFlows(t.app);
    expect(problems).toEqual([]);
    expect([...flows.keys()].sort()).toEqual(['big_invoices_without_postal_code', 'top_customers_per_agent']);
  });

  test('an unknown key in a step names the file, line, step and key', async () => {
    const { problems, file } = await problemsOf(`{
  name: 'f', owner: 'andrew.adams',
  steps: [
    ${q(", colour: 'red'")},
  ],
}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'unknown-key', file, line: 6, path: 'steps.0.colour', step: 'big', flow: 'f' });
    expect(problems[0]!.message).toMatch(/unknown key "colour" — remove it/);
  });

  test('an unknown step type lists the step types', async () => {
    const { problems } = await problemsOf(`{ name: 'f', owner: 'andrew.adams', steps: [{ id: 'x', type: 'email', to: 'a' }] }`);
    expect(problems[0]!.message).toMatch(/unknown step type — use one of: query, aggregate, condition, loop, ai, notify, export, update, create, http/);
    expect(problems[0]!.path).toBe('steps.0.type');
  });

  test('references must name an earlier step and a key it produces', async () => {
    const { problems, flows } = await problemsOf(`{
  name: 'f', owner: 'andrew.adams',
  steps: [
    { id: 'early', type: 'notify', title: 'x', message: '{{big.count}}' },
    ${q()},
    { id: 'tell', type: 'notify', title: '{{big.firts.total}}', message: '{{big.rows.totl}}' },
  ],
}`);
    expect(flows.get('f')!.problems).toBe(flows.get('f')!.problems);
    const msgs = problems.map((p) => `${p.step} ${p.path}: ${p.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(/^early steps\.0\.message: .*reference "big.count": "big" is not an earlier step or loop item here — known here: trigger, run, flow$/),
      expect.stringMatching(/^tell steps\.2\.title: .*"big" is a record and has no "firts" — use one of: rows, count, first/),
      expect.stringMatching(/^tell steps\.2\.message: .*"big\.rows" is a list of invoice records and has no "totl" — use one of: count, first, invoice_id, total, billing_country/),
    ]);
  });

  test('references are typed: compared, filtered and written with values that fit', async () => {
    const { problems } = await problemsOf(`{
  name: 'f', owner: 'ops.olivia',
  steps: [
    ${q()},
    { id: 'c', type: 'condition', if: { ref: 'big.first.billing_country', op: 'gt', value: 3 }, then: [{ id: 'n', type: 'notify', title: 't', message: 'm' }] },
    { id: 'cust', type: 'query', query: { object: 'customer', where: { customer_id: { $ref: 'big.rows.invoice_id' } } } },
    { id: 'cust2', type: 'query', query: { object: 'customer', where: { customer_id: { $in: { $ref: 'big.first.invoice_id' } } } } },
    { id: 'fix', type: 'update', object: 'invoice', records: 'cust.rows', set: { total: '{{big.count}}' } },
  ],
}`);
    const byStep = Object.fromEntries(problems.map((p) => [p.step, p]));
    expect(byStep.c!.message).toMatch(/"big.first.billing_country" is a text but the value is a number — compare like with like/);
    expect(byStep.c!.path).toBe('steps.1.if.value');
    expect(byStep.cust!.message).toMatch(/"big.rows.invoice_id" is a list of numbers, but a filter compares with one value/);
    expect(byStep.cust2!.message).toMatch(/"big.first.invoice_id" is a number, but \$in takes a list of values/);
    expect(problems.filter((p) => p.step === 'fix').map((p) => p.message)).toEqual([
      expect.stringMatching(/a \{\{…\}\} template makes text, but "invoice.total" takes a number — use \{ \$ref: '…' \} instead/),
      expect.stringMatching(/"cust.rows" is a list of customer records — give invoice records/),
    ]);
  });

  test('queries are validated by ObjectQL against the owner\'s view: a field hidden from the owner is unknown', async () => {
    const { problems } = await problemsOf(`{
  name: 'f', owner: 'jane.peacock',
  steps: [{ id: 'c', type: 'query', query: { object: 'customer', fields: ['first_name', 'email'] } }],
}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'flow-query', step: 'c', path: 'steps.0.query.fields.1' });
    expect(problems[0]!.message).toMatch(/unknown field "email"/);
  });

  test('write steps: read-only and key fields, unknown fields, missing required values', async () => {
    const { problems } = await problemsOf(`{
  name: 'f', owner: 'ops.olivia',
  steps: [
    ${q()},
    { id: 'u', type: 'update', object: 'invoice', records: 'big.rows', set: { invoice_id: 1, colour: 'x' } },
    { id: 'c', type: 'create', object: 'invoice', values: { total: 1 } },
  ],
}`);
    const msgs = problems.map((p) => `${p.path}: ${p.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^steps\.1\.set\.invoice_id: .*part of the primary key/),
        expect.stringMatching(/^steps\.1\.set\.colour: .*unknown field "colour" on "invoice"/),
        expect.stringMatching(/^steps\.2\.values: .*required field\(s\) of "invoice" missing: customer_id, invoice_date/),
      ]),
    );
  });

  test('trigger, owner, duplicate steps and loops are checked', async () => {
    const { problems } = await problemsOf(`{
  name: 'f', owner: 'nobody', trigger: { type: 'schedule', cron: '61 * * * *' },
  steps: [
    ${q()},
    { id: 'big', type: 'loop', over: 'big.count', as: 'x', max: 10, steps: [{ id: 'n', type: 'notify', title: '{{x.total}}', message: '' }] },
  ],
}`);
    const msgs = problems.map((p) => `${p.kind} ${p.path}: ${p.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^flow-owner owner: .*unknown owner "nobody" — a flow runs as a workspace user: ops.olivia, jane.peacock, nancy.edwards, andrew.adams/),
        expect.stringMatching(/^flow-trigger trigger.cron: .*bad cron expression "61 \* \* \* \*": Invalid value for minute: 61/),
        expect.stringMatching(/^flow-duplicate-step steps\.1\.id: .*step id "big" is already used at steps\.0/),
      ]),
    );
  });

  test('a flow with problems is listed but refuses to run; the other flows are fine', async () => {
    const ws = flowWorkspace({
      'bad.flow.ts': flowFile(`{ name: 'bad', owner: 'andrew.adams', steps: [{ id: 'n', type: 'notify', title: '{{nope}}', message: '' }] }`),
    });
    const t = await openTestApp({ workspaceDir: ws.dir });
    cleanups.push(() => t.dispose(), ws.cleanup);
    const { createApi } = await import('../../../src/main/api');
    const api = createApi(t.app);
    const s = { user: 'andrew.adams', via: 'ui' as const };
    const list = (await api.call('flows.list', {}, s)) as { flows: { name: string; problems: unknown[] }[] };
    expect(list.flows.map((f) => [f.name, f.problems.length])).toEqual([
      ['bad', 1],
      ['big_invoices_without_postal_code', 0],
      ['top_customers_per_agent', 0],
    ]);
    const run = (await api.call('flows.run', { flow: 'bad' }, s)) as { status: string; error: string };
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/the flow has 1 problem\(s\) and cannot run: flow "bad", step "n": reference "nope"/);
  });
});
