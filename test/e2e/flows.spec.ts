// The Flows screen in browser mode, on a writable COPY of the demo workspace (objects/ is never written):
// list the flows, dry-run one and read its preview, run it for real, find the approval in the inbox, approve
// it and see exactly the previewed records written, the run history and the notification in the inbox.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { serveApp, type ServedApp } from './host';
import { shoot } from './screenshots';

const DEMO_DB = path.resolve('objects', 'data', 'chinook.sqlite');
const fileHash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const STAMP = `import { Flow } from 'objectdesk';

export default Flow.create({
  name: 'stamp_usa',
  label: 'Stamp big US invoices',
  owner: 'ops.olivia',
  trigger: { type: 'manual' },
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id', 'billing_state'], where: { billing_country: 'USA', total: { $gt: 15 } } } },
    { id: 'fix', type: 'update', object: 'invoice', records: 'big.rows', set: { billing_state: 'ZZ' } },
    { id: 'tell', type: 'notify', title: 'Stamped {{fix.changed}} invoices', message: 'ids {{big.rows.invoice_id}}', desktop: false },
  ],
});
`;

let served: ServedApp;
let dir: string;
let copy: string;
let demoHash: string;

test.beforeAll(async () => {
  demoHash = fileHash(DEMO_DB);
  dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-e2e-flows-'));
  cpSync(path.resolve('objects'), dir, { recursive: true });
  copy = path.join(dir, 'data', 'chinook-copy.sqlite');
  copyFileSync(DEMO_DB, copy);
  // The copy is writable, invoices are writable, and Olivia may edit US invoices.
  const configFile = path.join(dir, 'objectdesk.config.ts');
  let config = readFileSync(configFile, 'utf8');
  config = config.replace("config: { filename: 'data/chinook.sqlite' },\n      readOnly: true,", "config: { filename: 'data/chinook-copy.sqlite' },\n      readOnly: false,\n      allowWrites: true,");
  config = config.replace('  permissionSets: [', `  permissionSets: [
    {
      name: 'invoice_editor',
      objects: { invoice: { allowRead: true, allowEdit: true, viewAllRecords: true } },
      recordRules: [{ object: 'invoice', operation: 'edit', using: { billing_country: 'USA' } }],
    },`);
  config = config.replace('  users: [', "  users: [\n    { name: 'ops.olivia', label: 'Olivia Ops', permissionSets: ['general_manager', 'invoice_editor'], admin: false },");
  if (!config.includes('chinook-copy.sqlite') || !config.includes('ops.olivia')) throw new Error('the demo config changed: could not make the writable copy');
  writeFileSync(configFile, config);
  const invoiceFile = path.join(dir, 'chinook', 'invoice.object.ts');
  writeFileSync(invoiceFile, readFileSync(invoiceFile, 'utf8').replace(/external: \{ table: 'Invoice' \}/, "external: { table: 'Invoice', writable: true }"));
  mkdirSync(path.join(dir, 'flows'), { recursive: true });
  writeFileSync(path.join(dir, 'flows', 'stamp_usa.flow.ts'), STAMP);
  served = await serveApp(['--workspace', dir, '--user', 'ops.olivia']);
});

test.afterAll(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
  // The demo workspace's database was never touched.
  expect(fileHash(DEMO_DB)).toBe(demoHash);
});

const states = () => {
  const db = new Database(copy, { readonly: true });
  try {
    return db.prepare("SELECT InvoiceId, BillingState FROM Invoice WHERE BillingState = 'ZZ' ORDER BY InvoiceId").all();
  } finally {
    db.close();
  }
};

test('list flows, dry-run with a preview, approve a write run from the inbox, see history and inbox', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Flows', exact: true }).click();

  // The list: the demo's two read-only flows and ours, with trigger and owner.
  const list = page.getByRole('list', { name: 'Flows' });
  await expect(list.getByRole('button', { name: /Stamp big US invoices/ })).toBeVisible();
  await expect(list.getByRole('button', { name: /Invoices over 20 with no billing postal code/ })).toBeVisible();
  await expect(list.getByRole('button', { name: /Top customers per support agent/ })).toBeVisible();
  await list.getByRole('button', { name: /Stamp big US invoices/ }).click();
  const detail = page.getByRole('region', { name: 'Flow' });
  await expect(detail).toContainText('ops.olivia');
  await expect(detail).toContainText('each run waits for your approval');

  // Dry run: the preview names exactly the three invoices and their old → new values; nothing is written.
  await detail.getByRole('button', { name: 'Dry run' }).click();
  const run = page.getByRole('region', { name: 'Run' });
  await expect(run.getByRole('heading', { level: 2 })).toContainText('Dry run');
  const preview = run.getByRole('table', { name: 'update invoice' });
  await expect(preview.getByRole('row')).toHaveCount(4);
  await expect(preview).toContainText('billing_state: IL → ZZ');
  await expect(preview).toContainText('billing_state: WI → ZZ');
  await expect(preview).toContainText('billing_state: TX → ZZ');
  await expect(run).toContainText('Would change 3 record(s)');
  expect(states()).toEqual([]);
  await shoot(page, testInfo, 'flows-dry-run');

  // A real run stops for approval; the approval waits in the inbox.
  await page.getByRole('tab', { name: 'Flows', exact: true }).click();
  await list.getByRole('button', { name: /Stamp big US invoices/ }).click();
  await expect(list.getByRole('button', { name: /Stamp big US invoices/ })).toContainText('last Dry run');
  await detail.getByRole('button', { name: 'Run now' }).click();
  await expect(run.getByRole('heading', { level: 2 })).toContainText('Awaiting approval');
  expect(states()).toEqual([]);
  await page.getByRole('tab', { name: /^Inbox/ }).click();
  const inbox = page.getByRole('region', { name: 'Inbox' });
  const approval = inbox.getByRole('listitem').filter({ hasText: 'Approve "Stamp big US invoices"' });
  await expect(approval).toContainText('would change 3 record(s)');
  await approval.getByRole('button', { name: 'Open run' }).click();

  // Approve: exactly the previewed records are written, in one transaction; then the notification is sent.
  await run.getByRole('button', { name: 'Approve' }).click();
  await expect(run.getByRole('heading', { level: 2 })).toContainText('Succeeded');
  await expect(run.getByRole('table', { name: 'update invoice' }).getByRole('cell', { name: 'written', exact: true })).toHaveCount(3);
  await expect(run.getByRole('table', { name: 'Steps' })).toContainText('wrote 3 record(s)');
  expect(states()).toEqual([
    { InvoiceId: 103, BillingState: 'ZZ' },
    { InvoiceId: 201, BillingState: 'ZZ' },
    { InvoiceId: 299, BillingState: 'ZZ' },
  ]);

  // The history: newest first, the succeeded run and the dry run.
  const runs = page.getByRole('list', { name: 'Runs' });
  await expect(runs.getByRole('button')).toHaveCount(2);
  await expect(runs.getByRole('button').nth(0)).toContainText('Succeeded');
  await expect(runs.getByRole('button').nth(1)).toContainText('Dry run');
  await shoot(page, testInfo, 'flows-approved-run');

  // The inbox has the flow's notification (and the approval request).
  await page.getByRole('tab', { name: /^Inbox/ }).click();
  await expect(inbox.getByRole('listitem').filter({ hasText: 'Stamped 3 invoices' })).toContainText('ids [103,201,299]');
  await expect(inbox.getByRole('listitem')).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath('flows-inbox.png') });
});
