// The Datasources screen in Debian's Chromium against `objectdesk serve` on a temporary COPY of the demo
// workspace, with a real throwaway keychain (run under scripts/with-keychain.sh):
//   scripts/with-keychain.sh npx playwright test test/e2e/datasources.spec.ts
// PostgreSQL here trusts every 127.0.0.1 login and cannot reject a wrong password, so the wrong-password
// case uses MariaDB (which checks passwords) with a user created for the test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveApp, type ServedApp } from './host';
import { KeychainSecretStore } from '../../src/main/secrets';
import { scanForSecret } from '../helpers/leak-scan';
import { copyDemoWorkspace, grantReadInCopy } from '../unit/datasources/workspace-copy';
import { MY_ADMIN, PG_ADMIN, createMysqlTenant, createPgTenant, itemObjectSource, scramMatches, unique } from '../integration/datasources/servers';

const hasKeychain = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
test.skip(!hasKeychain, 'needs a keychain: run under scripts/with-keychain.sh');

const pgPassword = `pg-${unique('pw')}-'"$\\ é`;
const myRight = `my-${unique('pw')}-ok`;
const myWrong = `my-${unique('pw')}-wrong`;
let served: ServedApp;
let workspace: string;
let dataDir: string;
let pg: Awaited<ReturnType<typeof createPgTenant>>;
let my: Awaited<ReturnType<typeof createMysqlTenant>>;
const keychain = new KeychainSecretStore();
const names: string[] = [];
/** Every /api/rpc answer the page received, for the leak scan. */
const responses: string[] = [];

test.beforeAll(async () => {
  workspace = copyDemoWorkspace();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-e2e-ds-data-'));
  pg = await createPgTenant(pgPassword);
  my = await createMysqlTenant(myRight);
  served = await serveApp(['--workspace', workspace, '--data-dir', dataDir]);
});

test.afterAll(async () => {
  await served?.stop();
  for (const n of names) await keychain.delete(n).catch(() => false);
  await pg?.drop();
  await my?.drop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function openScreen(page: Page) {
  page.on('response', async (r) => {
    if (r.url().includes('/api/rpc/')) responses.push(`${r.url()} ${await r.text().catch(() => '')}`);
  });
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Datasources', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Datasources' })).toBeVisible();
}

async function fillNetworkForm(page: Page, o: { type: string; name: string; host: string; port: number; database: string; user: string; password: string }) {
  await page.getByRole('button', { name: /Add datasource/ }).click();
  const form = page.getByRole('form', { name: 'Add datasource' });
  await expect(form.getByLabel('Type')).toBeFocused();
  await form.getByLabel('Type').selectOption({ label: o.type });
  await form.getByLabel('Name', { exact: true }).fill(o.name);
  await form.getByLabel('Host').fill(o.host);
  await form.getByLabel('Port').fill(String(o.port));
  await form.getByLabel('Database', { exact: true }).fill(o.database);
  await form.getByLabel('User', { exact: true }).fill(o.user);
  await form.getByTestId('ds-password').fill(o.password);
  return form;
}

test('adds the test PostgreSQL from the UI and sees it connect', async ({ page }, testInfo) => {
  const name = unique('e2e_pg');
  names.push(name);
  await openScreen(page);
  const form = await fillNetworkForm(page, { type: 'PostgreSQL', name, host: PG_ADMIN.host, port: PG_ADMIN.port, database: pg.database, user: pg.role, password: pgPassword });

  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByTestId('ds-test-result')).toContainText(/Connected — PostgreSQL \d+/);

  await form.getByRole('button', { name: 'Save datasource' }).click();
  await expect(page.getByTestId('ds-notice')).toContainText(`Saved ${name} to datasources/${name}.datasource.ts. Password stored in the OS keychain.`);
  const status = page.getByTestId(`ds-status-${name}`);
  await expect(status).toContainText(/Connected · pool [1-9]\d* · PostgreSQL \d+/);
  await expect(page.getByTestId(`ds-row-${name}`)).toContainText('OS keychain · stored');
  await page.screenshot({ path: testInfo.outputPath('datasource-postgres-connected.png'), fullPage: true });

  // The file holds a reference, the keychain holds the value, and that value is the role's password
  // (the SCRAM verifier in pg_authid — this server would accept any password from 127.0.0.1).
  const file = readFileSync(path.join(workspace, 'datasources', `${name}.datasource.ts`), 'utf8');
  expect(file).toContain(`password: secret('${name}')`);
  expect(file).not.toContain(pgPassword);
  const stored = await keychain.get(name);
  expect(stored).toBe(pgPassword);
  expect(scramMatches(await pg.verifier(), stored!)).toBe(true);
});

test('a wrong password gets a clear error (MariaDB, which checks passwords), and the right one connects', async ({ page }, testInfo) => {
  const name = unique('e2e_my');
  names.push(name);
  await openScreen(page);
  const form = await fillNetworkForm(page, { type: 'MySQL / MariaDB', name, host: MY_ADMIN.host, port: MY_ADMIN.port, database: my.database, user: my.user, password: myWrong });
  await form.getByRole('button', { name: 'Test connection' }).click();
  const result = form.getByTestId('ds-test-result');
  await expect(result).toContainText('Connection failed');
  await expect(form.getByTestId('ds-test-code')).toHaveText('auth_failed');
  await expect(result).toContainText(`the server rejected user "${my.user}" — check the user name and the password`);
  await page.screenshot({ path: testInfo.outputPath('datasource-mariadb-wrong-password.png'), fullPage: true });

  // Saved with the wrong password, the list says the same; after typing the right one it connects.
  await form.getByRole('button', { name: 'Save datasource' }).click();
  await expect(page.getByTestId(`ds-status-${name}`)).toContainText('auth_failed');
  await expect(page.getByTestId(`ds-status-${name}`)).toContainText('rejected user');
  await page.getByRole('button', { name: `Edit ${name}` }).click();
  const edit = page.getByRole('form', { name: `Edit datasource ${name}` });
  await edit.getByTestId('ds-password').fill(myRight);
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId(`ds-status-${name}`)).toContainText(/Connected · pool [1-9]\d* · MariaDB/);
  expect(await keychain.get(name)).toBe(myRight);
});

test('bad input keeps what was typed and says what to fix', async ({ page }) => {
  await openScreen(page);
  await page.keyboard.press('Alt+n');
  const form = page.getByRole('form', { name: 'Add datasource' });
  await form.getByLabel('Type').selectOption({ label: 'MongoDB' });
  await form.getByLabel('Name', { exact: true }).fill('Events DB');
  await form.getByLabel('Connection string').fill('mongodb://reader:hunter2hunter2@127.0.0.1:27017');
  await form.getByLabel('Database', { exact: true }).fill('events');
  await form.getByRole('button', { name: 'Save datasource' }).click();
  await expect(form.getByTestId('ds-form-error')).toBeVisible();
  await expect(form).toContainText('lower snake_case');
  await expect(form).toContainText('the connection string contains a password');
  // Nothing typed was lost, and nothing was written.
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('Events DB');
  await expect(form.getByLabel('Connection string')).toHaveValue('mongodb://reader:hunter2hunter2@127.0.0.1:27017');
  await page.keyboard.press('Escape');
  await expect(form).toBeHidden();
});

test('a full add / test / query / remove flow leaves the password nowhere', async ({ page }) => {
  const name = unique('e2e_leak');
  names.push(name);
  await openScreen(page);
  const form = await fillNetworkForm(page, { type: 'PostgreSQL', name, host: PG_ADMIN.host, port: PG_ADMIN.port, database: pg.database, user: pg.role, password: pgPassword });
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByTestId('ds-test-result')).toContainText('Connected');
  await form.getByRole('button', { name: 'Save datasource' }).click();
  await expect(page.getByTestId(`ds-status-${name}`)).toContainText('Connected');

  // Query through the API as the signed-in user: an object on the new datasource.
  const objectName = `leak_item_${name.slice(-6)}`;
  writeFileSync(path.join(workspace, `${objectName}.object.ts`), itemObjectSource(objectName, name));
  grantReadInCopy(workspace, objectName);
  await expect
    .poll(
      async () => {
        const r = await page.evaluate(async (o) => {
          const res = await fetch('/api/rpc/data.query', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ input: { query: { object: o, fields: ['id', 'name'] } } }) });
          return res.text();
        }, objectName);
        responses.push(`data.query ${r}`);
        return r;
      },
      { timeout: 20_000 },
    )
    .toContain('"name":"third"');

  // Remove, with the confirmation (an object still reads from it).
  await page.reload();
  await page.getByRole('button', { name: 'Datasources', exact: true }).click();
  await page.getByRole('button', { name: `Remove ${name}` }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText(`1 object read from it (${objectName})`);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Remove datasource' }).click();
  await expect(page.getByTestId('ds-notice')).toContainText(`Removed ${name}: deleted datasources/${name}.datasource.ts and its keychain entry.`);
  expect(await keychain.get(name)).toBeNull();

  const dom = await page.content();
  const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
  const inputs = await page.evaluate(() => [...document.querySelectorAll('input')].map((i) => i.value).join('\n'));
  const hits = await scanForSecret(pgPassword, [workspace, dataDir], {
    extra: { 'renderer DOM': dom, 'renderer storage': storage, 'renderer input values': inputs, 'API responses': responses.join('\n') },
  });
  expect(hits).toEqual([]);
  expect(responses.length).toBeGreaterThan(5);
});
