/**
 * The flow editor's renderer: every rendered definition, loaded back through the real flow loader (jiti,
 * strict schema), is exactly the definition the schema reads from the editor's input — for the demo
 * flows, a flow with every step type, and random definitions with awkward text and JSON (quotes,
 * backslashes, `${`, line breaks, lone surrogates, keys that are not identifiers, `__proto__`).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { FlowSchema, loadFlows, loadedFlows, renderFlowFile, leadingComment, UnrenderableValueError } from '../../../src/main/flows';
import { flowLoadContext } from '../../../src/main/flows/registry';
import { openTestApp } from '../../helpers/app';
import { flowWorkspace } from './workspace';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Writes each definition as `flows/<i>.flow.ts` and loads the workspace's flows with the real loader. */
async function roundTrip(definitions: Record<string, unknown>[]) {
  const ws = flowWorkspace({});
  const t = await openTestApp({ workspaceDir: ws.dir, user: 'ops.olivia' });
  cleanups.push(ws.cleanup, () => t.dispose());
  const texts: string[] = [];
  for (const [i, d] of definitions.entries()) {
    const text = await renderFlowFile(d);
    texts.push(text);
    writeFileSync(path.join(ws.dir, 'flows', `f${i}.flow.ts`), text);
  }
  const { flows, problems } = await loadFlows(flowLoadContext(t.app)!, { cacheDir: false });
  return { flows, problems, texts, dir: ws.dir };
}

/** fast-check builds some objects without a prototype; the editor's JSON never does. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const EVERY_STEP = {
  name: 'every_step',
  label: 'Every step type',
  description: "A flow with one step of each type, 'quoted' and \"double-quoted\"\nand a second line.",
  owner: 'ops.olivia',
  trigger: { type: 'change', object: 'invoice', watermark: 'invoice_id', every: 120, batch: 50 },
  approval: 'never',
  limits: { maxRecords: 10, maxSeconds: 30 },
  enabled: false,
  steps: [
    { id: 'big', type: 'query', label: 'Big ones', query: { object: 'invoice', fields: ['invoice_id', 'total', 'billing_country'], where: { total: { $gt: 15 }, billing_country: { $in: ['USA', 'Canada'] } }, orderBy: [{ field: 'total', order: 'desc' }], limit: 20 } },
    { id: 'per', type: 'aggregate', query: { object: 'invoice', groupBy: [{ field: 'billing_country', alias: 'country' }], aggregations: [{ function: 'sum', field: 'total', alias: 'sum' }] } },
    {
      id: 'any',
      type: 'condition',
      if: { all: [{ ref: 'big.count', op: 'gt', value: 0 }, { ref: 'big.first.billing_country', op: 'notEmpty' }] },
      then: [{ id: 'say', type: 'notify', title: '{{big.count}} big', message: 'first {{big.first.invoice_id}}', desktop: false }],
      else: [{ id: 'quiet', type: 'notify', title: 'none', message: '' }],
    },
    { id: 'each', type: 'loop', over: 'big.rows', as: 'inv', max: 100, steps: [{ id: 'mark', type: 'update', object: 'invoice', where: { invoice_id: { $ref: 'inv.invoice_id' } }, set: { billing_state: 'ZZ' } }] },
    { id: 'ask', type: 'ai', prompt: 'Summarise {{big.count}} invoices', model: 'llama3.2' },
    { id: 'file', type: 'export', rows: 'big.rows', format: 'csv', filename: 'big-{{run.date}}', folder: '/tmp', columns: ['invoice_id', 'total'] },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_state: 'ZZ', billing_postal_code: { $ref: 'big.first.billing_country' } } },
    { id: 'add', type: 'create', object: 'invoice', values: { customer_id: 1, invoice_date: '2024-01-01', total: 1.5, billing_country: null } },
    { id: 'hook', type: 'http', url: 'https://hooks.example.com/x?y=1', body: { n: { $ref: 'big.count' }, text: 'ids {{big.rows.invoice_id}}', nested: [1, -0, 1e21, null, { 'not-an-id': true, __proto__: 'own key' }] } },
  ],
};
// A `__proto__` key written in a literal sets the prototype; give the test an own key of that name.
const hookBody = (EVERY_STEP.steps[8] as { body: { nested: unknown[] } }).body.nested;
hookBody[4] = JSON.parse('{ "not-an-id": true, "__proto__": "own key" }');

describe('rendering flow files', () => {
  test('the demo flows and a flow with every step type load back exactly as rendered', async () => {
    const demo = await openTestApp();
    cleanups.push(() => demo.dispose());
    const demoFlows = [...(await loadedFlows(demo.app)).flows.values()].map((f) => f.definition as unknown as Record<string, unknown>);
    expect(demoFlows).toHaveLength(2);
    const inputs = [...demoFlows, EVERY_STEP];
    const { flows, texts } = await roundTrip(inputs);
    for (const input of inputs) {
      const back = flows.get(input.name as string);
      expect(back, `flow ${String(input.name)}`).toBeDefined();
      expect(back!.definition).toStrictEqual(FlowSchema.parse(input));
    }
    // Readable: the header, one import, keys in the fixed order, prettier's formatting, single quotes.
    const every = texts[2]!;
    expect(every.startsWith('// Written by the ObjectDesk flow editor')).toBe(true);
    expect(every).toContain("import { Flow } from 'objectdesk';\n\nexport default Flow.create({\n  name: 'every_step',\n  label: 'Every step type',\n");
    expect(every.indexOf('owner:')).toBeLessThan(every.indexOf('trigger:'));
    expect(every.indexOf('trigger:')).toBeLessThan(every.indexOf('steps:'));
    expect(every).toMatch(/\{\s*id: 'hook',\s*type: 'http',\s*url: /);
    expect(every).toContain("['__proto__']: 'own key'");
    expect(every.split('\n').every((l) => l.length <= 110 || /'.{60,}'/.test(l))).toBe(true);
  });

  test('random definitions load back exactly as rendered', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const nonEmpty = fc.string({ unit: 'binary', minLength: 1, maxLength: 30 });
    const ident = fc.stringMatching(/^[a-z_][a-zA-Z0-9_]{0,8}$/);
    const refPath = fc.array(ident, { minLength: 1, maxLength: 3 }).map((s) => s.join('.'));
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), refPath.map(($ref) => ({ $ref })));
    const anyKey = fc.oneof(ident, fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }));
    const json = fc.jsonValue({ maxDepth: 3 });
    const label = text;
    const leaf = fc.oneof(
      fc.record({ id: ident, type: fc.constant('notify'), title: nonEmpty, message: text, desktop: fc.boolean(), label }, { requiredKeys: ['id', 'type', 'title', 'message'] }),
      fc.record({ id: ident, type: fc.constant('http'), url: fc.constantFrom('https://hooks.example.com/a', 'http://127.0.0.1:8080/p?q=1'), body: json }),
      fc.record({ id: ident, type: fc.constant('ai'), prompt: nonEmpty, model: text }, { requiredKeys: ['id', 'type', 'prompt'] }),
      fc.record({ id: ident, type: fc.constant('query'), query: fc.record({ object: fc.constant('invoice'), fields: fc.subarray(['invoice_id', 'total', 'billing_country']), where: fc.dictionary(anyKey, json, { maxKeys: 3 }) }) }),
      fc.record({ id: ident, type: fc.constant('create'), object: fc.constant('invoice'), values: fc.dictionary(anyKey, value, { maxKeys: 4 }) }),
      fc.record({ id: ident, type: fc.constant('update'), object: fc.constant('invoice'), records: refPath, set: fc.dictionary(anyKey, value, { minKeys: 1, maxKeys: 3 }) }),
      fc.record({ id: ident, type: fc.constant('export'), rows: refPath, format: fc.constantFrom('csv', 'xlsx'), filename: nonEmpty, columns: fc.array(nonEmpty, { minLength: 1, maxLength: 3 }) }, { requiredKeys: ['id', 'type', 'rows', 'format', 'filename'] }),
    );
    const step = fc.oneof(
      { weight: 4, arbitrary: leaf },
      fc.record({ id: ident, type: fc.constant('loop'), over: refPath, as: ident, max: fc.integer({ min: 1, max: 10_000 }), steps: fc.array(leaf, { minLength: 1, maxLength: 2 }) }),
      fc.record(
        { id: ident, type: fc.constant('condition'), if: fc.record({ ref: refPath, op: fc.constantFrom('eq', 'gt', 'empty'), value: value }, { requiredKeys: ['ref', 'op'] }), then: fc.array(leaf, { minLength: 1, maxLength: 2 }), else: fc.array(leaf, { minLength: 1, maxLength: 2 }) },
        { requiredKeys: ['id', 'type', 'if', 'then'] },
      ),
    );
    const trigger = fc.oneof(
      fc.constant({ type: 'manual' }),
      fc.record({ type: fc.constant('schedule'), cron: fc.constantFrom('0 8 * * *', '*/5 * * * *', '0 0 7 * * 1'), timezone: fc.constantFrom('Europe/Berlin', 'UTC') }, { requiredKeys: ['type', 'cron'] }),
      fc.record({ type: fc.constant('change'), object: fc.constant('invoice'), watermark: fc.constant('invoice_id'), every: fc.integer({ min: 5, max: 86_400 }), batch: fc.integer({ min: 1, max: 10_000 }) }, { requiredKeys: ['type', 'object', 'watermark'] }),
    );
    const flow = fc.record(
      {
        label,
        description: label,
        owner: fc.constantFrom('ops.olivia', 'andrew.adams'),
        trigger,
        approval: fc.constantFrom('writes', 'never'),
        limits: fc.record({ maxRecords: fc.integer({ min: 0, max: 100_000 }), maxSeconds: fc.integer({ min: 1, max: 3600 }) }, { requiredKeys: [] }),
        enabled: fc.boolean(),
        steps: fc.array(step, { minLength: 1, maxLength: 4 }),
      },
      { requiredKeys: ['owner', 'steps'] },
    );
    const seed = Date.now() ^ 0x5eed;
    const inputs = fc.sample(flow, { numRuns: 40, seed }).map((f, i) => plain({ name: `random_${i}`, ...f }) as Record<string, unknown>);
    // Optional keys are absent, never `undefined` (JSON from the editor cannot carry it).
    // Every generated definition is valid input; the renderer is what is under test.
    for (const d of inputs) expect(FlowSchema.safeParse(d).success, `seed ${seed}: ${JSON.stringify(d)}`).toBe(true);
    const { flows } = await roundTrip(inputs);
    for (const input of inputs) {
      const back = flows.get(input.name as string);
      expect(back, `seed ${seed}: flow ${String(input.name)} did not load`).toBeDefined();
      expect(back!.definition, `seed ${seed}`).toStrictEqual(FlowSchema.parse(input));
    }
  });

  test('values that are not JSON are refused, naming where they are', async () => {
    await expect(renderFlowFile({ name: 'f', steps: [{ id: 'a', type: 'http', url: 'https://x.example', body: { when: new Date(0) } }] })).rejects.toThrow(UnrenderableValueError);
    await expect(renderFlowFile({ name: 'f', steps: [{ id: 'a', type: 'http', url: 'https://x.example', body: { f: () => 1 } }] })).rejects.toThrow(/steps\.0\.body\.f: a function cannot be written/);
    const loop: Record<string, unknown> = { name: 'f' };
    loop.self = loop;
    await expect(renderFlowFile(loop)).rejects.toThrow(/self: a value that contains itself/);
  });

  test('the block comment above a hand-written flow is found (and only that one)', () => {
    const demo = readFileSync(path.resolve('objects/flows/top_customers_per_agent.flow.ts'), 'utf8');
    expect(leadingComment(demo)).toMatch(/^\/\*\*\n \* Every Monday at 07:00[\s\S]*Reads only\.\n \*\/$/);
    expect(leadingComment("/* a */ const x = 1;\nexport default Flow.create({});")).toBeUndefined();
    expect(leadingComment("import { Flow } from 'objectdesk';\nexport default Flow.create({});")).toBeUndefined();
  });
});
