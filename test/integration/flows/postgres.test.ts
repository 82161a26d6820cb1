/**
 * Flows against a real PostgreSQL Chinook (snake_case): a change-polling flow picks an inserted row up
 * exactly once; an approved update changes exactly the previewed rows; a batch refused half-way leaves the
 * database as it was (checksum: the run's writes are one data.batch transaction). The app never creates a table, trigger or row of its own there.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import type { AppContext } from '../../../src/main/app/context';
import { FlowScheduler, FlowService } from '../../../src/main/flows';
import type { RunDto } from '../../../src/shared/api/contract-flows';
import { openTestApp } from '../../helpers/app';
import { loadChinookPostgres, pgAdmin, PG, type TestDatabase } from '../../helpers/databases';
import { flowFile, flowWorkspace, WRITE_FLOWS } from '../../unit/flows/workspace';

const OLIVIA = { user: 'ops.olivia', via: 'ui' as const };
let db: TestDatabase;
let app: AppContext;
let api: Api;
let cleanup: () => Promise<void>;
let now = new Date('2025-01-01T00:00:00Z');

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => pgAdmin(async (c) => (await c.query(text, params)).rows as T[], db.name);

async function checksum(): Promise<string> {
  return pgAdmin(async (c) => {
    const tables = (await c.query(`select tablename from pg_tables where schemaname = 'public' order by 1`)).rows.map((r) => r.tablename as string);
    const h = createHash('sha256');
    h.update(tables.join(','));
    for (const t of tables) h.update(`${t}:${(await c.query(`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as m from "${t}" x`)).rows[0].m}\n`);
    const triggers = (await c.query(`select count(*)::int as n from pg_trigger where not tgisinternal`)).rows[0].n;
    h.update(`triggers:${triggers}`);
    return h.digest('hex');
  }, db.name);
}

beforeAll(async () => {
  db = await loadChinookPostgres();
  const ws = flowWorkspace(
    {
      'watch.flow.ts': flowFile(`{
  name: 'watch', owner: 'ops.olivia', trigger: { type: 'change', object: 'invoice', watermark: 'invoice_date', every: 30 },
  steps: [{ id: 'n', type: 'notify', title: '{{trigger.count}} new', message: '{{trigger.rows.invoice_id}}' }],
}`),
      ...WRITE_FLOWS,
    },
    {
      snakeCase: true,
      datasource: `{ name: 'chinook', driver: 'postgres', config: { host: '${PG.host}', port: ${PG.port}, user: '${PG.user}', database: '${db.name}'${'password' in PG ? `, password: process.env.PGPASSWORD` : ''} }, readOnly: false, allowWrites: true }`,
    },
  );
  const t = await openTestApp({ workspaceDir: ws.dir, user: 'ops.olivia' });
  app = t.app;
  api = createApi(app);
  cleanup = async () => {
    await t.dispose();
    ws.cleanup();
    await db.drop();
  };
}, 120_000);

afterAll(async () => cleanup?.());

describe('flows on PostgreSQL', () => {
  test('a change-polling flow picks up an inserted row exactly once', async () => {
    const service = new FlowService(app, api, { clock: () => now });
    const scheduler = new FlowScheduler(service);
    const tick = async () => (await scheduler.tick()).ran.filter((r) => r.flow === 'watch');
    const before = await checksum();
    expect(await tick()).toEqual([]); // baseline
    expect(await checksum()).toBe(before); // polling created nothing in the user's database
    await sql(`insert into invoice (invoice_id, customer_id, invoice_date, billing_country, total) values (5001, 1, '2031-05-01 10:00:00', 'Brazil', 3.96)`);
    now = new Date(now.getTime() + 31_000);
    expect(await tick()).toMatchObject([{ status: 'succeeded', rows: 1 }]);
    now = new Date(now.getTime() + 31_000);
    expect(await tick()).toEqual([]);
    now = new Date(now.getTime() + 31_000);
    expect(await tick()).toEqual([]);
    const inbox = (await api.call('inbox.list', {}, OLIVIA)) as { items: { message: string }[] };
    expect(inbox.items.map((i) => i.message)).toEqual(['[5001]']);
    await sql('delete from invoice where invoice_id = 5001');
  });

  test('dry run and approval change exactly the previewed rows and nothing else', async () => {
    const before = await checksum();
    const dry = (await api.call('flows.run', { flow: 'stamp_usa', dryRun: true }, OLIVIA)) as RunDto;
    const keys = dry.preview!.changes[0]!.records.map((r) => r.key!.invoice_id);
    expect(keys).toEqual([103, 201, 299]);
    const r = (await api.call('flows.run', { flow: 'stamp_usa' }, OLIVIA)) as RunDto;
    expect(r.status).toBe('awaiting_approval');
    expect(await checksum()).toBe(before);
    const done = (await api.call('flows.approve', { runId: r.id }, OLIVIA)) as RunDto;
    expect(done.status).toBe('succeeded');
    expect(await sql(`select invoice_id, billing_state from invoice where billing_state = 'ZZ' order by 1`)).toEqual([
      { invoice_id: 103, billing_state: 'ZZ' },
      { invoice_id: 201, billing_state: 'ZZ' },
      { invoice_id: 299, billing_state: 'ZZ' },
    ]);
    const restore = dry.preview!.changes[0]!.records;
    for (const rec of restore) await sql('update invoice set billing_state = $1 where invoice_id = $2', [rec.before!.billing_state, rec.key!.invoice_id]);
    expect(await checksum()).toBe(before);
  });

  test('a batch refused half-way leaves no half-written rows', async () => {
    const before = await checksum();
    const r = (await api.call('flows.run', { flow: 'mixed' }, OLIVIA)) as RunDto;
    expect(r.status).toBe('failed');
    expect(r.preview!.changes[0]!.records.map((x) => x.status)).toEqual(['undone', 'undone', 'undone', 'failed']);
    expect(await checksum()).toBe(before);
    await app.audit.flush();
    const denied = app.audit.list({ user: 'ops.olivia', outcome: 'denied' });
    // The refused write and the batch it belonged to; the three before it ran in the transaction and were rolled back.
    expect(denied.map((e) => [e.operation, e.via, e.reason])).toEqual([
      ['data.update', 'flow', `flow mixed run ${r.id}`],
      ['data.batch', 'flow', `flow mixed run ${r.id}`],
    ]);
    expect(r.error).toMatch(/nothing was written: the run's 4 write\(s\) are one transaction/);
  });
});
