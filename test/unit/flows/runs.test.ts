/**
 * Runs on a writable copy of Chinook (SQLite): manual runs as the owner through the API, dry-run previews
 * that name every record and value, the approval gate, stale previews, limits, an all-or-nothing batch when
 * one write is refused half-way (checksums), a read-only datasource refusing with a denial in the audit,
 * and every call audited via 'flow' with the run's reason.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, copyFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { FlowService } from '../../../src/main/flows';
import type { RunDto } from '../../../src/shared/api/contract-flows';
import { ApiError } from '../../../src/shared/api/errors';
import { openTestApp } from '../../helpers/app';
import { sqliteChecksum } from '../security/checksum';
import { DEMO } from '../security/workspace';
import { flowFile, flowWorkspace } from './workspace';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OLIVIA = { user: 'ops.olivia', via: 'ui' as const, reason: 'test' };

const STAMP_USA = flowFile(`{
  name: 'stamp_usa', owner: 'ops.olivia',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'billing_state'], where: { billing_country: 'USA', total: { $gt: 15 } } } },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_state: 'ZZ' } },
    { id: 'tell', type: 'notify', title: 'Stamped {{fix.changed}} invoices', message: 'ids {{big.rows.invoice_id}}' },
  ],
}`);

async function open(flows: Record<string, string>, opts: Parameters<typeof flowWorkspace>[1] = {}, user = 'ops.olivia') {
  const ws = flowWorkspace(flows, opts);
  const t = await openTestApp({ workspaceDir: ws.dir, user });
  cleanups.push(ws.cleanup, () => t.dispose());
  const api = createApi(t.app);
  const db = ws.sqliteFile ? new Database(ws.sqliteFile, { readonly: true }) : undefined;
  if (db) cleanups.push(() => void db.close());
  return { ws, app: t.app, api, db, run: (flow: string, dryRun = false) => api.call('flows.run', { flow, dryRun }, OLIVIA) as Promise<RunDto> };
}

const states = (db: Database.Database) => db.prepare('SELECT InvoiceId, BillingState FROM Invoice WHERE InvoiceId IN (103, 201, 299) ORDER BY 1').all();

describe('flow runs', () => {
  test('dry run: the preview shows exactly which records would change and how, and nothing is written or sent', async () => {
    const { run, ws, api } = await open({ 'stamp.flow.ts': STAMP_USA });
    const before = sqliteChecksum(ws.sqliteFile!);
    const r = await run('stamp_usa', true);
    expect(r.status).toBe('dry_run');
    expect(r.preview!.changes).toEqual([
      {
        step: 'fix',
        path: 'steps.1',
        object: 'invoice',
        kind: 'update',
        records: [
          { key: { invoice_id: 103 }, before: { billing_state: 'IL' }, after: { billing_state: 'ZZ' }, status: 'pending' },
          { key: { invoice_id: 201 }, before: { billing_state: 'WI' }, after: { billing_state: 'ZZ' }, status: 'pending' },
          { key: { invoice_id: 299 }, before: { billing_state: 'TX' }, after: { billing_state: 'ZZ' }, status: 'pending' },
        ],
      },
    ]);
    expect(r.preview!.recordCount).toBe(3);
    expect(r.preview!.effects).toMatchObject([{ type: 'notify', status: 'pending', payload: { title: 'Stamped 3 invoices', message: 'ids [103,201,299]' } }]);
    expect(r.steps.map((s) => [s.id, s.status])).toEqual([
      ['big', 'ok'],
      ['fix', 'ok'],
      ['tell', 'deferred'],
    ]);
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
    expect(((await api.call('inbox.list', {}, OLIVIA)) as { items: unknown[] }).items).toEqual([]);
  });

  test('approval gate: the run pauses, changes nothing until approved, then writes exactly the previewed records', async () => {
    const { run, ws, api, db, app } = await open({ 'stamp.flow.ts': STAMP_USA });
    const before = sqliteChecksum(ws.sqliteFile!);
    const r = await run('stamp_usa');
    expect(r.status).toBe('awaiting_approval');
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
    const inbox = (await api.call('inbox.list', {}, OLIVIA)) as { items: { title: string; runId?: string }[]; unread: number };
    expect(inbox.items).toMatchObject([{ title: 'Approve "stamp_usa"', runId: r.id }]);

    // Only the owner decides.
    await expect(api.call('flows.approve', { runId: r.id }, { user: 'andrew.adams', via: 'ui' })).rejects.toMatchObject({ code: 'not_found' });

    const done = (await api.call('flows.approve', { runId: r.id }, OLIVIA)) as RunDto;
    expect(done.status).toBe('succeeded');
    expect(done.preview!.changes[0]!.records.map((x) => x.status)).toEqual(['written', 'written', 'written']);
    expect(states(db!)).toEqual([
      { InvoiceId: 103, BillingState: 'ZZ' },
      { InvoiceId: 201, BillingState: 'ZZ' },
      { InvoiceId: 299, BillingState: 'ZZ' },
    ]);
    // Nothing else changed: restoring the three values gives back the original checksum.
    const copy = path.join(ws.dir, 'restore.sqlite');
    copyFileSync(ws.sqliteFile!, copy);
    const w = new Database(copy);
    w.prepare("UPDATE Invoice SET BillingState = CASE InvoiceId WHEN 103 THEN 'IL' WHEN 201 THEN 'WI' WHEN 299 THEN 'TX' END WHERE InvoiceId IN (103, 201, 299)").run();
    w.close();
    expect(sqliteChecksum(copy)).toBe(before);

    const items = ((await api.call('inbox.list', {}, OLIVIA)) as { items: { title: string }[] }).items.map((i) => i.title);
    expect(items).toContain('Stamped 3 invoices');
    await expect(api.call('flows.approve', { runId: r.id }, OLIVIA)).rejects.toMatchObject({ code: 'bad_request' });

    // Every data call of the run is audited as the owner, via flow, with the run's reason.
    await app.audit.flush();
    const entries = app.audit.list({ user: 'ops.olivia' }).filter((e) => e.reason === done.auditReason);
    expect(entries.filter((e) => e.operation === 'data.update').map((e) => [e.via, e.outcome])).toEqual([
      ['flow', 'ok'],
      ['flow', 'ok'],
      ['flow', 'ok'],
    ]);
    expect(entries.filter((e) => e.operation === 'data.batch').map((e) => e.outcome)).toEqual(['ok']);
    expect(entries.some((e) => e.operation === 'data.query' && e.via === 'flow')).toBe(true);
    expect(entries.some((e) => e.operation === 'flow.notify')).toBe(true);
    expect(done.auditReason).toBe(`flow stamp_usa run ${r.id}`);
  });

  test('reject: nothing is written or sent', async () => {
    const { run, ws, api } = await open({ 'stamp.flow.ts': STAMP_USA });
    const before = sqliteChecksum(ws.sqliteFile!);
    const r = await run('stamp_usa');
    const rejected = (await api.call('flows.reject', { runId: r.id, reason: 'not today' }, OLIVIA)) as RunDto;
    expect(rejected.status).toBe('rejected');
    expect(rejected.error).toMatch(/rejected by ops.olivia: not today/);
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
    const runs = (await api.call('flows.runs', { flow: 'stamp_usa' }, OLIVIA)) as { runs: RunDto[] };
    expect(runs.runs.map((x) => x.status)).toEqual(['rejected']);
  });

  test('a record changed after the preview: approval writes nothing and says so', async () => {
    const { run, ws, api } = await open({ 'stamp.flow.ts': STAMP_USA });
    const r = await run('stamp_usa');
    const w = new Database(ws.sqliteFile!);
    w.prepare("UPDATE Invoice SET BillingState = 'WY' WHERE InvoiceId = 201").run();
    w.close();
    const before = sqliteChecksum(ws.sqliteFile!);
    const done = (await api.call('flows.approve', { runId: r.id }, OLIVIA)) as RunDto;
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/invoice \{"invoice_id":201\} was changed by someone else since the preview; nothing was written/);
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
  });

  test('a write refused half-way leaves no half-written batch: the one transaction is rolled back', async () => {
    // Olivia may edit only USA invoices; 404 (Czech Republic) is readable to her but refused on write.
    const { run, ws, app } = await open({
      'mixed.flow.ts': flowFile(`{
  name: 'mixed', owner: 'ops.olivia', approval: 'never',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id'], where: { $or: [{ billing_country: 'USA', total: { $gt: 15 } }, { invoice_id: 404 }] }, orderBy: [{ field: 'invoice_id', order: 'asc' }] } },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_state: 'ZZ' } },
    { id: 'tell', type: 'notify', title: 'done', message: '' },
  ],
}`),
    });
    const before = sqliteChecksum(ws.sqliteFile!);
    const r = await run('mixed');
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/step "fix" \(steps\.1\): writing invoice \{"invoice_id":404\} failed \(not_found: no record of "invoice" .* that you may edit\); nothing was written: the run's 4 write\(s\) are one transaction/);
    expect(r.preview!.changes[0]!.records.map((x) => [x.key!.invoice_id, x.status])).toEqual([
      [103, 'undone'],
      [201, 'undone'],
      [299, 'undone'],
      [404, 'failed'],
    ]);
    expect(r.preview!.effects[0]!.status).toBe('skipped');
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
    await app.audit.flush();
    const denied = app.audit.list({ user: 'ops.olivia', outcome: 'denied' });
    expect(denied.map((e) => [e.operation, e.via, e.reason])).toEqual([
      ['data.update', 'flow', `flow mixed run ${r.id}`],
      ['data.batch', 'flow', `flow mixed run ${r.id}`],
    ]);
    // The three updates that ran inside the transaction are recorded as rolled back, not as changes.
    const writes = app.audit.list({ user: 'ops.olivia' }).filter((e) => e.operation === 'data.update');
    expect(writes.map((e) => [JSON.parse(e.ast!).id.invoice_id, e.outcome, e.errorCode ?? null])).toEqual([
      [103, 'error', 'cancelled.rolled_back'],
      [201, 'error', 'cancelled.rolled_back'],
      [299, 'error', 'cancelled.rolled_back'],
      [404, 'denied', 'not_found.not_writable'],
    ]);
  });

  test('on a read-only datasource the update is refused: 0 rows changed and a denial in the audit', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flows-ro-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'chinook.sqlite');
    copyFileSync(path.join(DEMO, 'data', 'chinook.sqlite'), file);
    const { run, app } = await open(
      { 'stamp.flow.ts': STAMP_USA.replace("owner: 'ops.olivia',", "owner: 'ops.olivia', approval: 'never',") },
      { datasource: `{ name: 'chinook', driver: 'sqlite', config: { filename: ${JSON.stringify(file)} }, readOnly: true }` },
    );
    const before = sqliteChecksum(file);
    const r = await run('stamp_usa');
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/forbidden: update refused: the datasource "chinook" does not allow writes/);
    expect(r.error).toMatch(/nothing was written/);
    expect(r.preview!.changes[0]!.records.map((x) => x.status)).toEqual(['failed', 'pending', 'pending']);
    expect(sqliteChecksum(file)).toBe(before);
    await app.audit.flush();
    expect(app.audit.list({ outcome: 'denied' }).map((e) => [e.user, e.via, e.operation, e.reason])).toEqual([
      ['ops.olivia', 'flow', 'data.update', `flow stamp_usa run ${r.id}`],
      ['ops.olivia', 'flow', 'data.batch', `flow stamp_usa run ${r.id}`],
    ]);
  });

  test('limits: more records than maxRecords, or more time than maxSeconds, stop the run before anything is written', async () => {
    const { ws, app, api } = await open({
      'stamp.flow.ts': STAMP_USA.replace("owner: 'ops.olivia',", "owner: 'ops.olivia', approval: 'never', limits: { maxRecords: 2, maxSeconds: 60 },"),
    });
    const before = sqliteChecksum(ws.sqliteFile!);
    const r = (await api.call('flows.run', { flow: 'stamp_usa' }, OLIVIA)) as RunDto;
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/step "fix" \(steps\.1\): the run would change more than limits.maxRecords \(2\) records; nothing was written/);

    // A clock that moves 45 s per reading: the second step starts past the 60 s limit.
    let t = Date.parse('2025-01-06T10:00:00Z');
    const service = new FlowService(app, api, { clock: () => new Date((t += 45_000)) });
    const slow = await service.run('stamp_usa', 'ops.olivia', { trigger: 'manual', dryRun: false });
    expect(slow.status).toBe('failed');
    expect(slow.error).toMatch(/exceeded limits.maxSeconds \(60 s\) and was stopped before step "fix"; nothing was written/);
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
  });

  test('a loop is bounded: a longer list stops the run', async () => {
    const { run } = await open({
      'loop.flow.ts': flowFile(`{
  name: 'each', owner: 'ops.olivia',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'total'], where: { total: { $gt: 15 } } } },
    { id: 'each', type: 'loop', over: 'big.rows', as: 'inv', max: 5, steps: [{ id: 'n', type: 'notify', title: '{{inv.invoice_id}}', message: '{{inv.total}}' }] },
  ],
}`),
    });
    const r = await run('each');
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/"big.rows" has 11 items, more than this loop's max of 5; nothing was written/);
  });

  test('permissions: only the owner runs a flow; the run sees only what the owner may see', async () => {
    const { api } = await open({
      'jane.flow.ts': flowFile(`{
  name: 'janes', owner: 'jane.peacock',
  steps: [
    { id: 'mine', type: 'query', query: { object: 'customer', fields: ['customer_id', 'support_rep_id'] } },
    { id: 'n', type: 'notify', title: '{{mine.count}} customers', message: 'reps {{mine.rows.support_rep_id}}' },
  ],
}`),
    });
    await expect(api.call('flows.run', { flow: 'janes' }, OLIVIA)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/only the owner of "janes" \(jane.peacock\) can run it/) });
    const jane = { user: 'jane.peacock', via: 'ui' as const };
    const r = (await api.call('flows.run', { flow: 'janes' }, jane)) as RunDto;
    expect(r.status).toBe('succeeded');
    const [item] = ((await api.call('inbox.list', {}, jane)) as { items: { title: string; message: string }[] }).items;
    expect(item!.title).toBe('21 customers');
    expect(new Set(JSON.parse(item!.message.slice('reps '.length)) as number[])).toEqual(new Set([3]));
    // Olivia's inbox and run history do not show Jane's.
    expect(((await api.call('inbox.list', {}, OLIVIA)) as { items: unknown[] }).items).toEqual([]);
    expect(((await api.call('flows.runs', {}, OLIVIA)) as { runs: unknown[] }).runs).toEqual([]);
    await expect(api.call('flows.preview', { runId: r.id }, OLIVIA)).rejects.toMatchObject({ code: 'not_found' });
  });

  test('export writes CSV to the chosen folder; http is off until its origin is allowed, then POSTs to 127.0.0.1', async () => {
    const received: unknown[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const folder = mkdtempSync(path.join(os.tmpdir(), 'flows-export-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const { api, run } = await open({
      'out.flow.ts': flowFile(`{
  name: 'out', owner: 'ops.olivia',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'billing_country', 'total'], where: { total: { $gt: 20 } }, orderBy: [{ field: 'invoice_id', order: 'asc' }] } },
    { id: 'csv', type: 'export', rows: 'big.rows', format: 'csv', filename: 'big-{{run.date}}' },
    { id: 'hook', type: 'http', url: '${url}/hook', body: { count: { $ref: 'big.count' }, text: '{{big.count}} big invoices', file: { $ref: 'csv.file' } } },
  ],
}`),
    });
    const noFolder = await run('out');
    expect(noFolder.error).toMatch(/no export folder: choose one in Flows → Settings/);
    await api.call('flows.settings.set', { exportFolder: folder }, OLIVIA);
    const off = await run('out');
    expect(off.status).toBe('failed');
    expect(off.error).toMatch(new RegExp(`http steps are off for ${url.replace(/\./g, '\\.')}`));
    expect(readdirSync(folder)).toEqual([]);
    expect(received).toEqual([]);

    await api.call('flows.settings.set', { httpAllowed: [url] }, OLIVIA);
    const ok = await run('out');
    expect(ok.status).toBe('succeeded');
    const [file] = readdirSync(folder);
    expect(file).toMatch(new RegExp(`^big-\\d{4}-\\d{2}-\\d{2}-${ok.id.slice(0, 8)}\\.csv$`));
    expect(readFileSync(path.join(folder, file!), 'utf8').trim().split(/\r?\n/)).toEqual(['invoice_id,billing_country,total', '96,Hungary,21.86', '194,Ireland,21.86', '299,USA,23.86', '404,Czech Republic,25.86']);
    expect(received).toEqual([{ count: 4, text: '4 big invoices', file: path.join(folder, file!) }]);
    await expect(api.call('flows.settings.set', { httpAllowed: ['http://127.0.0.1:1/path'] }, OLIVIA)).rejects.toBeInstanceOf(ApiError);
  });
});
