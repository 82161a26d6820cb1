/**
 * Flows against a real MariaDB Chinook (PascalCase tables, like the demo): dry run and approval change exactly
 * the previewed rows; a run whose 4th write is refused, and a run whose write fails in the database, leave the
 * database exactly as it was (CHECKSUM TABLE) — the run's writes are one data.batch transaction; a change
 * trigger picks an inserted row up exactly once. Nothing of ours is created in the database.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import type { AppContext } from '../../../src/main/app/context';
import { FlowScheduler, FlowService } from '../../../src/main/flows';
import type { RunDto } from '../../../src/shared/api/contract-flows';
import { openTestApp } from '../../helpers/app';
import { loadChinookMysql, MY, type TestDatabase } from '../../helpers/databases';
import { flowFile, flowWorkspace, WRITE_FLOWS } from '../../unit/flows/workspace';

const OLIVIA = { user: 'ops.olivia', via: 'ui' as const };
let db: TestDatabase;
let app: AppContext;
let api: Api;
let cleanup: () => Promise<void>;
let now = new Date('2025-01-01T00:00:00Z');

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = await mysql.createConnection({ ...MY, database: db.name, dateStrings: true });
  try {
    return (await c.query(text, params))[0] as T[];
  } finally {
    await c.end();
  }
}

/** Every table's CHECKSUM plus the list of tables and triggers: equal = nothing written, nothing of ours created. */
async function checksum(): Promise<string> {
  const tables = (await sql<Record<string, string>>('SHOW TABLES')).map((r) => Object.values(r)[0]!).sort();
  const sums = await sql<{ Table: string; Checksum: number }>(`CHECKSUM TABLE ${tables.map((t) => `\`${t}\``).join(', ')} EXTENDED`);
  const triggers = await sql<{ n: number }>('SELECT count(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?', [db.name]);
  return JSON.stringify([sums.map((s) => [s.Table.split('.').pop(), s.Checksum]), triggers[0]!.n]);
}

beforeAll(async () => {
  db = await loadChinookMysql();
  const ws = flowWorkspace(
    {
      ...WRITE_FLOWS,
      // Two updates, then a create whose key already exists: the database refuses the 3rd write.
      'dup.flow.ts': flowFile(`{
  name: 'dup', owner: 'ops.olivia', approval: 'never',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id'], where: { invoice_id: { $in: [103, 201] } } } },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_city: 'Nowhere' } },
    { id: 'add', type: 'create', object: 'invoice', values: { invoice_id: 1, customer_id: 1, invoice_date: '2031-05-01T10:00:00', billing_country: 'USA', total: 1 } },
  ],
}`),
      'watch.flow.ts': flowFile(`{
  name: 'watch', owner: 'ops.olivia', trigger: { type: 'change', object: 'invoice', watermark: 'invoice_date', every: 30 },
  steps: [{ id: 'n', type: 'notify', title: '{{trigger.count}} new', message: '{{trigger.rows.invoice_id}}' }],
}`),
    },
    {
      datasource: `{ name: 'chinook', driver: 'mysql', config: { host: '${MY.host}', port: ${MY.port}, user: '${MY.user}', database: '${db.name}'${'password' in MY ? `, password: process.env.MYSQL_PASSWORD` : ''} }, readOnly: false, allowWrites: true }`,
    },
  );
  const t = await openTestApp({ workspaceDir: ws.dir, user: 'ops.olivia' });
  expect(t.app.problems).toEqual([]);
  app = t.app;
  api = createApi(app);
  cleanup = async () => {
    await t.dispose();
    ws.cleanup();
    await db.drop();
  };
}, 120_000);

afterAll(async () => cleanup?.());

describe('flows on MariaDB', () => {
  test('dry run and approval change exactly the previewed rows and nothing else', async () => {
    const before = await checksum();
    const dry = (await api.call('flows.run', { flow: 'stamp_usa', dryRun: true }, OLIVIA)) as RunDto;
    const records = dry.preview!.changes[0]!.records;
    expect(records.map((r) => r.key!.invoice_id)).toEqual([103, 201, 299]);
    const r = (await api.call('flows.run', { flow: 'stamp_usa' }, OLIVIA)) as RunDto;
    expect(r.status).toBe('awaiting_approval');
    expect(await checksum()).toBe(before);
    const done = (await api.call('flows.approve', { runId: r.id }, OLIVIA)) as RunDto;
    expect(done.status).toBe('succeeded');
    expect(await sql('SELECT InvoiceId, BillingState FROM Invoice WHERE BillingState = ? ORDER BY 1', ['ZZ'])).toEqual([
      { InvoiceId: 103, BillingState: 'ZZ' },
      { InvoiceId: 201, BillingState: 'ZZ' },
      { InvoiceId: 299, BillingState: 'ZZ' },
    ]);
    for (const rec of records) await sql('UPDATE Invoice SET BillingState = ? WHERE InvoiceId = ?', [rec.before!.billing_state, rec.key!.invoice_id]);
    expect(await checksum()).toBe(before);
  });

  test('a run whose 4th write is refused leaves no half-written rows', async () => {
    const before = await checksum();
    const r = (await api.call('flows.run', { flow: 'mixed' }, OLIVIA)) as RunDto;
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/writing invoice \{"invoice_id":404\} failed .*nothing was written: the run's 4 write\(s\) are one transaction/);
    expect(r.preview!.changes[0]!.records.map((x) => x.status)).toEqual(['undone', 'undone', 'undone', 'failed']);
    expect(await checksum()).toBe(before);
    await app.audit.flush();
    const writes = app.audit.list({ user: 'ops.olivia' }).filter((e) => e.reason === `flow mixed run ${r.id}` && e.operation.startsWith('data.') && e.operation !== 'data.query');
    expect(writes.map((e) => [e.operation, e.outcome, e.errorCode ?? null])).toEqual([
      ['data.update', 'error', 'cancelled.rolled_back'],
      ['data.update', 'error', 'cancelled.rolled_back'],
      ['data.update', 'error', 'cancelled.rolled_back'],
      ['data.update', 'denied', 'not_found.not_writable'],
      ['data.batch', 'denied', 'not_found.not_writable'],
    ]);
  });

  test('a run whose 3rd write fails in the database (duplicate key) leaves no half-written rows', async () => {
    const before = await checksum();
    const r = (await api.call('flows.run', { flow: 'dup' }, OLIVIA)) as RunDto;
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/step "add" \(steps\.2\): writing a new invoice record failed \(internal: .*Duplicate entry.*\); nothing was written/);
    expect(r.preview!.changes.map((c) => c.records.map((x) => x.status))).toEqual([['undone', 'undone'], ['failed']]);
    expect(await checksum()).toBe(before);
  });

  test('a change-polling flow picks up an inserted row exactly once', async () => {
    const service = new FlowService(app, api, { clock: () => now });
    const scheduler = new FlowScheduler(service);
    const tick = async () => (await scheduler.tick()).ran.filter((r) => r.flow === 'watch');
    const before = await checksum();
    expect(await tick()).toEqual([]); // baseline
    expect(await checksum()).toBe(before);
    await sql(`INSERT INTO Invoice (InvoiceId, CustomerId, InvoiceDate, BillingCountry, Total) VALUES (5001, 1, '2031-05-01 10:00:00', 'Brazil', 3.96)`);
    now = new Date(now.getTime() + 31_000);
    expect(await tick()).toMatchObject([{ status: 'succeeded', rows: 1 }]);
    now = new Date(now.getTime() + 31_000);
    expect(await tick()).toEqual([]);
    const inbox = (await api.call('inbox.list', {}, OLIVIA)) as { items: { message: string }[] };
    expect(inbox.items.map((i) => i.message)).toContain('[5001]');
    await sql('DELETE FROM Invoice WHERE InvoiceId = 5001');
  });
});
