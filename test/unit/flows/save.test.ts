/**
 * The step editor's write path through the API: `flows.save` renders the definition, loads it with the
 * real flow loader and writes `flows/<name>.flow.ts` only when it has no problems; refused flows come back
 * with their problems (file, step, key, what to do) and leave the workspace as it was. Owner or admin only.
 * `flows.get` gives the editor a flow's definition; `flows.nextRuns` previews a schedule.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createApi } from '../../../src/main/api';
import { renderFlowFile } from '../../../src/main/flows';
import type { FlowProblemDto, FlowSummary, RunDto } from '../../../src/shared/api/contract-flows';
import { ApiError } from '../../../src/shared/api/errors';
import { openTestApp } from '../../helpers/app';
import { flowFile, flowWorkspace } from './workspace';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OLIVIA = { user: 'ops.olivia', via: 'ui' as const, reason: 'test' };
const ANDREW = { user: 'andrew.adams', via: 'ui' as const, reason: 'test' };

const READ_ONLY = {
  name: 'usa_totals',
  label: 'US invoices over 15',
  owner: 'ops.olivia',
  trigger: { type: 'manual' },
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'total'], where: { billing_country: 'USA', total: { $gt: 15 } } } },
    { id: 'tell', type: 'notify', title: '{{big.count}} big US invoices', message: 'ids {{big.rows.invoice_id}}', desktop: false },
  ],
};

const HAND_WRITTEN = `import { Flow } from 'objectdesk';

/** Olivia's own check, written by hand. */
export default Flow.create({
  name: 'mine', owner: 'ops.olivia',
  steps: [{ id: 'q', type: 'query', query: { object: 'invoice', fields: ['invoice_id'], limit: 5 } }],
});
`;

async function open(user = 'ops.olivia', flows: Record<string, string> = {}) {
  const ws = flowWorkspace(flows);
  const t = await openTestApp({ workspaceDir: ws.dir, user });
  cleanups.push(ws.cleanup, () => t.dispose());
  const api = createApi(t.app);
  const flowsDir = path.join(ws.dir, 'flows');
  const scratch = path.join(t.dataDir, 'cache', 'flow-editor');
  return { ws, app: t.app, api, flowsDir, listing: () => readdirSync(flowsDir).sort(), scratchLeft: () => (existsSync(scratch) ? readdirSync(scratch) : []) };
}

async function refusal(p: Promise<unknown>): Promise<ApiError & { problems: FlowProblemDto[] }> {
  const e = await p.then(
    () => {
      throw new Error('expected the save to be refused');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  const problems = ((e as ApiError).details as { problems?: FlowProblemDto[] } | undefined)?.problems ?? [];
  return Object.assign(e as ApiError, { problems });
}

describe('flows.save', () => {
  test('a new read-only flow is written as flows/<name>.flow.ts, listed without problems, and runs', async () => {
    const { api, flowsDir, app } = await open();
    const saved = await api.call('flows.save', { definition: READ_ONLY }, OLIVIA);
    expect(saved).toEqual({ name: 'usa_totals', file: 'flows/usa_totals.flow.ts', created: true, written: true });
    const file = path.join(flowsDir, 'usa_totals.flow.ts');
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(await renderFlowFile({ ...READ_ONLY, approval: 'writes', limits: { maxRecords: 100, maxSeconds: 60 }, enabled: true }));
    // No scratch or temp file is left next to it.
    expect(readdirSync(flowsDir).filter((f) => f.startsWith('.'))).toEqual([]);

    const { flows } = (await api.call('flows.list', {}, OLIVIA)) as { flows: FlowSummary[] };
    const listed = flows.find((f) => f.name === 'usa_totals');
    expect(listed).toMatchObject({ label: 'US invoices over 15', owner: 'ops.olivia', file, writes: false, problems: [], mine: true });
    const run = (await api.call('flows.run', { flow: 'usa_totals' }, OLIVIA)) as RunDto;
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([
      ['big', 'ok'],
      ['tell', 'done'],
    ]);
    expect(app.problems).toEqual([]);
  });

  test('validateOnly checks and writes nothing', async () => {
    const { api, listing } = await open();
    const before = listing();
    expect(await api.call('flows.save', { definition: READ_ONLY, validateOnly: true }, OLIVIA)).toEqual({ name: 'usa_totals', file: 'flows/usa_totals.flow.ts', created: true, written: false });
    expect(listing()).toEqual(before);
  });

  test('a flow with load problems is refused with them — step, key path and fix — and nothing is written', async () => {
    const { api, listing, scratchLeft, flowsDir } = await open();
    const before = listing();
    const bad = {
      ...READ_ONLY,
      steps: [
        { ...READ_ONLY.steps[0], colour: 'red' },
        { id: 'tell', type: 'notify', title: '{{big.cuont}}', message: '' },
      ],
    };
    const e = await refusal(api.call('flows.save', { definition: bad }, OLIVIA));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/^The flow was not saved: it has a problem — flow "usa_totals", step "big": .*colour/);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ kind: 'unknown-key', file: path.join(flowsDir, 'usa_totals.flow.ts'), flow: 'usa_totals', step: 'big', path: 'steps.0.colour' });
    expect(e.problems[0]!.line).toBeGreaterThan(1);

    // Schema-valid but wrong against the metadata and the earlier steps: every problem, each with what to do.
    const wrong = {
      ...READ_ONLY,
      steps: [
        { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'totl'] } },
        { id: 'tell', type: 'notify', title: '{{big.cuont}}', message: '' },
      ],
    };
    const e2 = await refusal(api.call('flows.save', { definition: wrong }, OLIVIA));
    expect(e2.message).toMatch(/it has 2 problems/);
    expect(e2.problems.map((p) => [p.step, p.path])).toEqual([
      ['big', 'steps.0.query.fields.1'],
      ['tell', 'steps.1.title'],
    ]);
    expect(e2.problems[1]!.message).toMatch(/reference "big.cuont": "big" is a record and has no "cuont" — use one of: rows, count, first/);
    expect(e2.path).toBe('definition.steps.0.query.fields.1');

    // Not a flow at all.
    const e3 = await refusal(api.call('flows.save', { definition: { name: 'Bad Name', owner: 'ops.olivia', steps: [] } }, OLIVIA));
    expect(e3.problems.map((p) => p.path).sort()).toEqual(['name', 'steps']);

    expect(listing()).toEqual(before);
    expect(scratchLeft()).toEqual([]);
  });

  test('owner or admin only: a non-admin cannot save a flow for someone else or change their flow', async () => {
    const { api, listing, flowsDir } = await open('ops.olivia', { 'andrews.flow.ts': flowFile(`{ name: 'andrews', owner: 'andrew.adams', steps: [{ id: 'q', type: 'query', query: { object: 'invoice', fields: ['invoice_id'] } }] }`) });
    const before = listing();
    const e = await refusal(api.call('flows.save', { definition: { ...READ_ONLY, owner: 'andrew.adams' } }, OLIVIA));
    expect(e.code).toBe('forbidden');
    expect(e.message).toMatch(/only an admin can save a flow owned by someone else .* set owner to "ops.olivia"/);
    const e2 = await refusal(api.call('flows.save', { file: 'flows/andrews.flow.ts', definition: READ_ONLY }, OLIVIA));
    expect(e2.code).toBe('forbidden');
    expect(e2.message).toMatch(/belongs to andrew.adams/);
    await expect(api.call('flows.get', { flow: 'andrews' }, OLIVIA)).rejects.toMatchObject({ code: 'forbidden' });
    expect(listing()).toEqual(before);
    expect(readFileSync(path.join(flowsDir, 'andrews.flow.ts'), 'utf8')).toContain("owner: 'andrew.adams'");

    // An admin may save a flow that runs as another user.
    expect(await api.call('flows.save', { definition: READ_ONLY }, ANDREW)).toMatchObject({ file: 'flows/usa_totals.flow.ts', written: true });
  });

  test('editing: flows.get gives the definition; saving it to its file rewrites that file and keeps its comment', async () => {
    const { api, flowsDir, listing } = await open('ops.olivia', { 'mine.flow.ts': HAND_WRITTEN });
    const got = (await api.call('flows.get', { flow: 'mine' }, OLIVIA)) as { file: string; definition: Record<string, unknown> };
    expect(got.file).toBe(path.join(flowsDir, 'mine.flow.ts'));
    expect(got.definition).toMatchObject({ name: 'mine', owner: 'ops.olivia', approval: 'writes', trigger: { type: 'manual' } });
    const saved = await api.call('flows.save', { file: got.file, definition: { ...got.definition, label: 'Mine, edited' } }, OLIVIA);
    expect(saved).toEqual({ name: 'mine', file: 'flows/mine.flow.ts', created: false, written: true });
    const text = readFileSync(got.file, 'utf8');
    expect(text).toContain("/** Olivia's own check, written by hand. */\nexport default Flow.create({");
    expect(text).toContain("label: 'Mine, edited'");
    const again = (await api.call('flows.get', { flow: 'mine' }, OLIVIA)) as { definition: Record<string, unknown> };
    expect(again.definition).toEqual({ ...got.definition, label: 'Mine, edited' });

    // Renaming in place is fine; taking the name of a flow in another file is not, nor a second file for one name.
    await api.call('flows.save', { file: 'flows/mine.flow.ts', definition: { ...got.definition, name: 'mine_renamed' } }, OLIVIA);
    await api.call('flows.save', { definition: READ_ONLY }, OLIVIA);
    const e = await refusal(api.call('flows.save', { file: 'flows/mine.flow.ts', definition: { ...got.definition, name: 'usa_totals' } }, OLIVIA));
    expect(e.message).toMatch(/a flow named "usa_totals" already exists in flows\/usa_totals.flow.ts/);
    const e2 = await refusal(api.call('flows.save', { file: 'flows/other.flow.ts', definition: READ_ONLY }, OLIVIA));
    expect(e2.message).toMatch(/already exists/);
    expect(listing()).toEqual(['big_invoices_without_postal_code.flow.ts', 'mine.flow.ts', 'top_customers_per_agent.flow.ts', 'usa_totals.flow.ts']);
  });

  test('files outside the workspace, hidden, not *.flow.ts, or holding no loadable flow are refused', async () => {
    const { api, flowsDir, listing } = await open();
    writeFileSync(path.join(flowsDir, 'broken.flow.ts'), "export default { name: 'broken' ");
    const before = listing();
    for (const [file, message] of [
      ['../outside.flow.ts', /outside the workspace folder/],
      ['/tmp/x.flow.ts', /outside the workspace folder/],
      ['.hidden/x.flow.ts', /does not read/],
      ['flows/x.object.ts', /must end in .flow.ts/],
      ['flows/broken.flow.ts', /holds no flow that loads/],
    ] as const) {
      const e = await refusal(api.call('flows.save', { file, definition: READ_ONLY }, OLIVIA));
      expect(e.message, file).toMatch(message);
      expect(e.path).toBe('file');
    }
    expect(listing()).toEqual(before);
  });
});

describe('flows.nextRuns', () => {
  test('previews a schedule in the workspace time zone or the given one, and explains a bad expression', async () => {
    const { api, app } = await open();
    const r = (await api.call('flows.nextRuns', { cron: '0 8 * * *', timezone: 'UTC', count: 3 }, OLIVIA)) as { timezone: string; runs: string[] };
    expect(r.timezone).toBe('UTC');
    expect(r.runs).toHaveLength(3);
    expect(r.runs.every((s) => s.endsWith('T08:00:00.000Z'))).toBe(true);
    expect(new Date(r.runs[1]!).getTime() - new Date(r.runs[0]!).getTime()).toBe(86_400_000);
    const local = (await api.call('flows.nextRuns', { cron: '0 8 * * *' }, OLIVIA)) as { timezone: string; runs: string[] };
    expect(local.timezone).toBe(app.partial.timezone);
    expect(local.runs).toHaveLength(5);
    await expect(api.call('flows.nextRuns', { cron: 'every day' }, OLIVIA)).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/a cron schedule has 5 fields/) });
  });
});
