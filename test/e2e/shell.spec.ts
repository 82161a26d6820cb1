// Browser mode in Debian's Chromium: the printed link opens the app shell on the demo workspace.
import { expect, test } from '@playwright/test';
import { serveApp, type ServedApp } from './host';

let served: ServedApp;
test.beforeAll(async () => {
  served = await serveApp();
});
test.afterAll(async () => {
  await served?.stop();
});

test('opens the app shell with the workspace name and the signed-in user', async ({ page }, testInfo) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(served.url);
  // The token was traded for a cookie and is no longer in the address bar.
  await expect(page).toHaveURL(`${served.origin}/`);
  await expect(page.getByTestId('workspace-name')).toHaveText('Chinook demo');
  await expect(page.getByTestId('home-workspace-name')).toHaveText('Chinook demo');
  await expect(page.getByTestId('signed-in-user')).toContainText('Andrew Adams');
  await expect(page.getByRole('button', { name: 'Customers' }).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('app-shell.png'), fullPage: true });
  await testInfo.attach('app-shell', { path: testInfo.outputPath('app-shell.png'), contentType: 'image/png' });
  expect(consoleErrors).toEqual([]);
});

test('Ctrl+K focuses the object search and Enter opens the first match', async ({ page }) => {
  await page.goto(served.url);
  await expect(page.getByTestId('workspace-name')).toBeVisible();
  await page.keyboard.press('Control+k');
  await expect(page.getByLabel('Find object')).toBeFocused();
  await page.keyboard.type('invoice line');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: /Invoice Line/ })).toBeVisible();
});

test('without the token the host refuses to serve the app', async ({ page }) => {
  const res = await page.goto(`${served.origin}/`);
  expect(res?.status()).toBe(401);
});
