// The Flows screen in browser mode, on a writable COPY of the demo workspace (objects/ is never written):
// list the flows, dry-run one and read its preview, run it for real, find the approval in the inbox, approve
// it and see exactly the previewed records written, the run history and the notification in the inbox.
// Then the step editor: build a read-only flow, see a load problem refused (nothing written), fix it, save,
// run it, and follow the run's audit link to the audit viewer filtered to that run.
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
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

async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include('.flow-editor').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the step editor writes a read-only flow; it runs; its audit link opens the audit viewer filtered to the run', async ({ page }, testInfo) => {
  const flowFile = path.join(dir, 'flows', 'usa_big_totals.flow.ts');
  const flowsBefore = readdirSync(path.join(dir, 'flows')).sort();
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Flows', exact: true }).click();
  await page.getByRole('button', { name: 'New flow' }).click();

  const editor = page.getByRole('form', { name: 'New flow' });
  await expect(editor).toBeVisible();
  // The name field has the focus: the form is filled from the keyboard.
  await expect(editor.getByLabel('Name (snake_case, unique)')).toBeFocused();
  await page.keyboard.type('usa_big_totals');
  await editor.getByLabel('Label', { exact: true }).fill('US invoices over 15 (read-only)');
  // Olivia is not an admin: the flow runs as her.
  await expect(editor.getByLabel('Owner (the flow runs as this user)')).toHaveValue('ops.olivia');

  const first = editor.getByRole('group', { name: /^Step 1:/ });
  await first.getByLabel(/^Step name/).fill('big');
  await first.getByLabel('Object', { exact: true }).selectOption('invoice');
  const fields = first.getByRole('group', { name: /^Fields/ });
  await fields.getByLabel('invoice_id', { exact: true }).check();
  await fields.getByLabel('total', { exact: true }).check();
  await first.getByLabel(/^Rest of the query/).fill('{ "where": { "billing_country": "USA", "total": { "$gt": 15 } } }');

  await editor.getByLabel('New step of type').selectOption('notify');
  await editor.getByRole('button', { name: 'Add step' }).click();
  const second = editor.getByRole('group', { name: /^Step 2:/ });
  await expect(second.getByLabel(/^Step name/)).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('tell');
  // A misspelt reference: the flow loader refuses it, naming the step and the key, and nothing is written.
  await second.getByLabel('Title', { exact: true }).fill('{{big.cuont}} big US invoices');
  await second.getByLabel('Message', { exact: true }).fill('ids {{big.rows.invoice_id}}');
  await second.getByLabel('Also as a desktop notification').uncheck();
  await editor.getByRole('button', { name: 'Save' }).click();
  const problems = editor.getByRole('alert', { name: 'Problems' });
  await expect(problems).toContainText('step tell');
  await expect(problems).toContainText('steps.1.title');
  await expect(problems).toContainText('"big" is a record and has no "cuont" — use one of: rows, count, first');
  await expect(second.getByLabel('Title', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  expect(existsSync(flowFile)).toBe(false);
  expect(readdirSync(path.join(dir, 'flows')).sort()).toEqual(flowsBefore);
  await shoot(page, testInfo, 'flows-editor-problem');
  // Labelled controls, readable problems: no serious or critical axe violation in either theme.
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    expect(await axeViolations(page)).toEqual([]);
  }

  // Fixed and saved: the file is written and the flow is listed, with no writes.
  await second.getByLabel('Title', { exact: true }).fill('{{big.count}} big US invoices');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toBeHidden();
  const list = page.getByRole('list', { name: 'Flows' });
  await expect(list.getByRole('button', { name: /US invoices over 15 \(read-only\)/ })).toBeVisible();
  const source = readFileSync(flowFile, 'utf8');
  expect(source).toContain("name: 'usa_big_totals'");
  expect(source).toContain("owner: 'ops.olivia'");
  expect(source).toContain("where: { billing_country: 'USA', total: { $gt: 15 } }");
  const detail = page.getByRole('region', { name: 'Flow' });
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText('US invoices over 15 (read-only)');
  await expect(detail).toContainText('no (reads, notifies, exports)');
  await expect(detail.getByRole('list').filter({ hasText: 'big' })).toContainText('tell');

  // Edit shows what was saved.
  await detail.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit flow usa_big_totals' });
  await expect(edit.getByRole('group', { name: 'Step 1: big' }).getByLabel(/^Rest of the query/)).toHaveValue(/"billing_country": "USA"/);
  await edit.getByRole('button', { name: 'Cancel' }).click();

  // Run it: reads only, so it succeeds at once.
  await detail.getByRole('button', { name: 'Run now' }).click();
  const run = page.getByRole('region', { name: 'Run' });
  await expect(run.getByRole('heading', { level: 2 })).toContainText('usa_big_totals');
  await expect(run.getByRole('heading', { level: 2 })).toContainText('Succeeded');
  const reason = (await run.locator('p code').first().textContent())!;
  expect(reason).toMatch(/^flow usa_big_totals run [0-9a-f-]{36}$/);

  // The audit link: the audit viewer, filtered to exactly this run's calls, all made as Olivia via the flow.
  await run.getByRole('button', { name: 'Audit entries' }).click();
  const filters = page.getByRole('search', { name: 'Filter audit entries' });
  await expect(filters.getByLabel('Reason contains')).toHaveValue(reason);
  const table = page.getByRole('table', { name: 'Audit entries' });
  await expect(table).toBeVisible();
  const rows = table.locator('tbody tr');
  await expect(rows.filter({ hasText: 'data.query' })).toHaveCount(1);
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    await expect(rows.nth(i).getByRole('cell').nth(2)).toHaveText('ops.olivia');
    await expect(rows.nth(i).getByRole('cell').nth(3)).toHaveText('flow');
  }
  await rows.filter({ hasText: 'data.query' }).click();
  await expect(page.getByRole('complementary', { name: 'Audit entry' })).toContainText(reason);
  await shoot(page, testInfo, 'flows-audit-link');
  // Clearing the filter shows more than this run (the first test's runs, the reads of the screens).
  await filters.getByRole('button', { name: 'Clear' }).click();
  await expect(filters.getByLabel('Reason contains')).toHaveValue('');
  await expect.poll(() => rows.count()).toBeGreaterThan(count);
});
