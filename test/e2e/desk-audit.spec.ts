// The audit viewer as the support-agent user: her denied read shows up with its query, the chain verifies.
import { expect, test } from '@playwright/test';
import { serveApp, type ServedApp } from './host';
import { shoot } from './screenshots';

let served: ServedApp;
test.beforeAll(async () => {
  served = await serveApp(['--user', 'jane.peacock']);
});
test.afterAll(async () => {
  await served?.stop();
});


test('a denied read by the support agent appears in the audit viewer', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await expect(page.getByTestId('signed-in-user')).toContainText('Jane Peacock');
  // Browsing works (her customers only)…
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Customers', exact: true }).click();
  await expect(page.getByTestId('row-count')).toContainText(/\d+ customers/);
  // …but customer e-mail addresses are not hers to read: the API refuses, and says so.
  const res = await page.evaluate(async () => {
    const r = await fetch('/api/rpc/data.query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ input: { query: { object: 'customer', fields: ['first_name', 'email'] } }, reason: 'e2e: read e-mails' }),
    });
    return { status: r.status, body: await r.json() };
  });
  expect(res.status).toBeGreaterThanOrEqual(400);

  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Audit', exact: true }).click();
  await page.getByLabel('Outcome').selectOption('denied');
  const table = page.getByRole('table', { name: 'Audit entries' });
  const denied = table.getByRole('row').filter({ hasText: 'denied' }).filter({ hasText: 'customer' }).first();
  await expect(denied).toBeVisible();
  await expect(denied).toContainText('jane.peacock');
  await denied.click();
  await expect(page.getByRole('complementary', { name: 'Audit entry' })).toContainText('e2e: read e-mails');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('verify-result')).toContainText(/Chain intact|administrators/);
  await shoot(page, testInfo, 'audit-denied');
});
