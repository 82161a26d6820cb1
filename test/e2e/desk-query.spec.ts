// The query builder in browser mode: "total sales per country per year" built visually, run, charted,
// with the ObjectQL and the generated SQL shown; saved and reopened.
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


test('total sales per country per year: chart, SQL, save and reopen', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Query', exact: true }).click();
  await expect(page.getByLabel('Object', { exact: true })).toHaveValue('invoice');

  // Group by country, then by invoice date bucketed by year.
  await page.getByRole('button', { name: '+ Group' }).click();
  await page.getByLabel('Group 1 field').selectOption('billing_country');
  await page.getByRole('button', { name: '+ Group' }).click();
  await page.getByLabel('Group 2 field').selectOption('invoice_date');
  await expect(page.getByLabel('Group 2 date bucket')).toHaveValue('year');
  // Sum of total instead of the default count.
  await page.getByLabel('Aggregation 1 function').selectOption('sum');
  await page.getByLabel('Aggregation 1 field').selectOption('total');
  // Only three countries, so the chart stays readable.
  await page.getByRole('button', { name: '+ Filter' }).click();
  await page.getByLabel('Filter 1 field').selectOption('billing_country');
  await page.getByLabel('Filter 1 operator').selectOption('in');
  await page.getByLabel('Filter 1 value').fill('USA, Canada, Brazil');

  await expect(page.getByTestId('objectql-json')).toContainText('"dateGranularity": "year"');
  await expect(page.getByTestId('generated-sql')).toContainText(/group by/i);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('run-status')).toContainText(/\d+ rows · [\d.]+ ms/);
  await expect(page.getByTestId('chart')).toBeVisible();
  await expect(page.getByTestId('chart').locator('canvas')).toHaveCount(1);
  await expect(page.getByTestId('plan')).toContainText('group');
  await expect(page.getByTestId('plan')).toContainText('database');
  await expect(page.getByTestId('generated-sql')).toContainText('parameters: ["USA","Canada","Brazil"');
  await shoot(page, testInfo, 'query-builder-chart');

  // The same result as a table.
  await page.getByRole('tab', { name: 'Table' }).click();
  await expect(page.getByRole('columnheader', { name: 'Invoice Date (year)' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Brazil' }).first()).toBeVisible();

  // Save, start over, reopen.
  await page.getByRole('tab', { name: 'Line' }).click();
  await page.getByLabel('Query name').fill('Sales per country per year');
  await page.getByRole('button', { name: 'Save as' }).click();
  await expect(page.getByText('Saved “Sales per country per year”.')).toBeVisible();
  await page.getByLabel('Object', { exact: true }).selectOption('customer');
  await expect(page.getByLabel('Group 1 field')).toHaveCount(0);
  await page.getByLabel('Open saved query').selectOption({ label: 'Sales per country per year' });
  await expect(page.getByLabel('Object', { exact: true })).toHaveValue('invoice');
  await expect(page.getByLabel('Group 2 date bucket')).toHaveValue('year');
  await expect(page.getByRole('tab', { name: 'Line' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('chart')).toBeVisible();
  expect(errors).toEqual([]);
});
