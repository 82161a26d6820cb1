// A screenshot of every screen in light and dark (test-results/desk-screenshots/), the command palette,
// screen shortcuts, settings, and no console errors on the way.
import { expect, test } from '@playwright/test';
import { serveApp, type ServedApp } from './host';
import { shoot } from './screenshots';

let served: ServedApp;
test.beforeAll(async () => {
  served = await serveApp();
});
test.afterAll(async () => {
  await served?.stop();
});


test('every screen, light and dark', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(served.url);
  await expect(page.getByTestId('home-workspace-name')).toBeVisible();
  await expect(page.getByTestId('datasource-health')).toContainText('Chinook (SQLite)');
  await shoot(page, testInfo, 'home');
  const nav = page.getByRole('navigation', { name: 'Workspace' });
  const screens = await nav.getByRole('list').first().getByRole('button').allInnerTexts();
  expect(screens.slice(0, 1)).toEqual(['Query']);
  expect(screens).toEqual(expect.arrayContaining(['Query', 'Modeler', 'Audit', 'Settings']));
  for (const label of screens) {
    await nav.getByRole('button', { name: label, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible();
    await page.waitForTimeout(300);
    await shoot(page, testInfo, `screen-${label.toLowerCase()}`);
  }
  await nav.getByRole('button', { name: 'Tracks', exact: true }).click();
  await expect(page.getByTestId('row-count')).toContainText('3,503 tracks');
  await shoot(page, testInfo, 'browser-tracks');
  expect(errors).toEqual([]);
});

test('command palette and screen shortcuts', async ({ page }, testInfo) => {
  await page.goto(served.url);
  await expect(page.getByTestId('workspace-name')).toBeVisible();
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette.getByLabel('Find object or command')).toBeFocused();
  await page.keyboard.type('query inv');
  await expect(palette.getByRole('option').first()).toContainText('Query Invoices');
  await shoot(page, testInfo, 'palette');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Query' })).toBeVisible();
  await expect(page.getByLabel('Object', { exact: true })).toHaveValue('invoice');
  await page.keyboard.press('Control+0');
  await expect(page.getByTestId('home-workspace-name')).toBeVisible();
  await page.keyboard.press('Control+1');
  await expect(page.getByRole('heading', { level: 1, name: 'Query' })).toBeVisible();
  // The place is remembered across a reload.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Query' })).toBeVisible();
});

test('settings show the workspace time zone, limits and data folder; theme follows', async ({ page }) => {
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByText('Time zone')).toBeVisible();
  await expect(page.getByText('UTC', { exact: false }).first()).toBeVisible();
  await expect(page.getByText(/objectdesk-e2e-/)).toBeVisible();
  await page.getByLabel('Dark', { exact: true }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByLabel('Light', { exact: true }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});
