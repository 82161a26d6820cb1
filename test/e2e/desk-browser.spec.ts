// The object browser in browser mode on the Chinook demo: sort, typed filters, record panel with related
// lists, lookups followed by title, CSV export with the file's content checked.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { serveApp, type ServedApp } from './host';
import { shoot } from './screenshots';

let served: ServedApp;
test.beforeAll(async () => {
  served = await serveApp();
});
test.afterAll(async () => {
  await served?.stop();
});

async function open(page: Page, pluralLabel: string) {
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: pluralLabel, exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: pluralLabel })).toBeVisible();
}

/** A screenshot in the test's output and, under a stable name, in test-results/desk-screenshots/ (light and dark). */

const grid = (page: Page) => page.getByRole('grid');
const firstCells = (page: Page) => grid(page).getByRole('row').nth(1).getByRole('gridcell');

test('browse invoices sorted and filtered', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await open(page, 'Invoices');
  await expect(page.getByTestId('row-count')).toContainText('412 invoices');
  // Sort by Total, descending (two clicks).
  const total = grid(page).getByRole('columnheader', { name: /Total/ });
  await total.getByRole('button', { name: /^Total/ }).click();
  await total.getByRole('button', { name: /^Total/ }).click();
  await expect(total).toHaveAttribute('aria-sort', 'descending');
  await expect(firstCells(page).last()).toHaveText('25.86');
  // Numeric range filter on Total, then a text filter on Billing Country.
  await total.getByRole('button', { name: 'Filter Total' }).click();
  await page.getByLabel('Total from').fill('10');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('row-count')).toContainText('64 invoices');
  const country = grid(page).getByRole('columnheader', { name: /Billing Country/ });
  await country.getByRole('button', { name: 'Filter Billing Country' }).click();
  await page.getByLabel('Billing Country operator').selectOption('equals');
  await page.getByLabel('Billing Country value').fill('USA');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('row-count')).toContainText(/\d+ invoices/);
  const n = Number((await page.getByTestId('row-count').innerText()).match(/(\d+) invoices/)![1]);
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThan(64);
  await expect(page.getByText('Billing Country: = USA')).toBeVisible();
  // Every shown invoice is from the USA, with a total of at least 10.
  const rows = grid(page).getByRole('row');
  for (let i = 1; i <= Math.min(n, 5); i++) {
    const cells = rows.nth(i).getByRole('gridcell');
    await expect(cells.nth(6)).toHaveText('USA');
    expect(Number(await cells.last().innerText())).toBeGreaterThanOrEqual(10);
  }
  // Lookups show the customer's title, not the key.
  await expect(rows.nth(1).getByRole('gridcell').nth(1).getByRole('link')).toHaveText(/\p{L}+/u);
  await shoot(page, testInfo, 'browser-invoices');
  expect(errors).toEqual([]);
});

test('date range filter on invoices', async ({ page }) => {
  await open(page, 'Invoices');
  const date = grid(page).getByRole('columnheader', { name: /Invoice Date/ });
  await date.getByRole('button', { name: 'Filter Invoice Date' }).click();
  await page.getByLabel('Invoice Date from').fill('2022-01-01');
  await page.getByLabel('Invoice Date to').fill('2022-01-31');
  await page.getByRole('button', { name: 'Apply' }).click();
  // The unfiltered count also reads "N invoices", and "Counting…" comes between: wait for the filtered count.
  const count = async () => Number((await page.getByTestId('row-count').innerText()).match(/^(\d+) invoices/)?.[1]);
  await expect.poll(count).toBeLessThan(20);
  await expect(firstCells(page).nth(2)).toContainText('2022-01');
});

test('open a customer, see their invoices, follow a lookup back', async ({ page }, testInfo) => {
  await open(page, 'Customers');
  await expect(page.getByTestId('row-count')).toContainText('59 customers');
  await grid(page).getByRole('row').nth(1).click();
  const panel = page.getByRole('complementary', { name: 'Customer 1' });
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('Gonçalves');
  const related = panel.getByRole('region', { name: 'Invoices' });
  await expect(related.locator('.badge')).toHaveText('7');
  await expect(related.getByRole('row')).toHaveCount(1 + 7);
  await shoot(page, testInfo, 'browser-customer-panel');
  // Open all: the invoice browser filtered to this customer.
  await related.getByRole('button', { name: 'Open all' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Invoices' })).toBeVisible();
  await expect(page.getByTestId('row-count')).toContainText('7 invoices');
  // The customer lookup in the grid navigates back to the customer record.
  await grid(page).getByRole('row').nth(1).getByRole('link', { name: 'Gonçalves' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Customers' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Customer 1' })).toBeVisible();
});

test('export the filtered customers as CSV', async ({ page }) => {
  await open(page, 'Customers');
  const country = grid(page).getByRole('columnheader', { name: /^Country/ });
  await country.getByRole('button', { name: 'Filter Country' }).click();
  await page.getByLabel('Country operator').selectOption('equals');
  await page.getByLabel('Country value').fill('Brazil');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('row-count')).toContainText('5 customers');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('customers.csv');
  const text = readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]!.split(',').slice(0, 3)).toEqual(['Customer ID', 'First Name', 'Last Name']);
  expect(lines).toHaveLength(6);
  expect(lines[1]).toMatch(/^1,Luís,Gonçalves,/);
  expect(lines.slice(1).every((l) => l.includes(',Brazil,'))).toBe(true);
  await expect(page.getByRole('status').filter({ hasText: 'Exported 5 rows' })).toBeVisible();
});
