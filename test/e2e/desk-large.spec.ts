// The object browser on 150,000 rows (a workspace generated at test time, see
// test/fixtures/workspaces/large/generate.ts): the count, the middle and the end of the table show the right
// rows, a sort deep in the table starts again at its first row, and the network shows that only the
// 100-row pages under the visible rows were fetched — never the whole table.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { generateLargeWorkspace, saleRow } from '../fixtures/workspaces/large/generate';
import { serveApp, type ServedApp } from './host';

const ROWS = 150_000;
const PAGE_SIZE = 100;
const ROW_HEIGHT = 32;

let served: ServedApp;
let dir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-e2e-large-'));
  generateLargeWorkspace(dir, ROWS);
  served = await serveApp(['--workspace', dir]);
});

test.afterAll(async () => {
  await served?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface PageRequest {
  limit: unknown;
  offset: unknown;
  order: string;
}

/** Records every `data.query` the renderer sends for the `sale` object, split into counts and row reads. */
function watchQueries(page: Page) {
  const reads: PageRequest[] = [];
  const counts: unknown[] = [];
  page.on('request', (req) => {
    if (req.method() !== 'POST' || !new URL(req.url()).pathname.endsWith('/api/rpc/data.query')) return;
    const query = (req.postDataJSON() as { input: { query: Record<string, unknown> } }).input.query;
    if (query.object !== 'sale') return;
    if (query.aggregations) counts.push(query);
    else reads.push({ limit: query.limit, offset: query.offset, order: JSON.stringify(query.orderBy ?? []) });
  });
  return { reads, counts };
}

const grid = (page: Page) => page.getByRole('grid', { name: 'Sales' });
/** The grid row showing the row at this 0-based index (the header is aria-rowindex 1). */
const rowAt = (page: Page, index: number) => grid(page).locator(`[role="row"][aria-rowindex="${index + 2}"]`);
const idCell = (page: Page, index: number) => rowAt(page, index).getByRole('gridcell').first();

/** Every rendered data row with content: its index and the id it shows. */
async function shownRows(page: Page): Promise<Array<{ index: number; id: number }>> {
  return grid(page).evaluate((el) =>
    [...el.querySelectorAll('[role="row"][aria-rowindex]')]
      .map((r) => ({ index: Number(r.getAttribute('aria-rowindex')) - 2, text: r.querySelector('[role="gridcell"]')?.textContent ?? '' }))
      .filter((r) => r.index >= 0 && r.text !== '')
      .map((r) => ({ index: r.index, id: Number(r.text) })),
  );
}

/** Waits until the row at `index` shows `id` and is on screen, then checks every other row drawn around it. */
async function expectRowsAround(page: Page, index: number, id: (i: number) => number) {
  await expect(idCell(page, index)).toHaveText(String(id(index)), { timeout: 15_000 });
  await expect(rowAt(page, index)).toBeInViewport();
  const shown = await shownRows(page);
  expect(shown.length).toBeGreaterThan(10);
  // Virtualised: only a screenful plus overscan is in the DOM, whatever the table's size.
  expect(shown.length).toBeLessThan(100);
  for (const r of shown) expect(r, `row ${r.index}`).toEqual({ index: r.index, id: id(r.index) });
}

test('150,000 rows: count, middle, end and a deep sort fetch only the pages on screen', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  const { reads, counts } = watchQueries(page);
  const byId = (i: number) => i + 1;

  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Sales', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Sales', exact: true })).toBeVisible();
  await expect(page.getByTestId('row-count')).toContainText('150,000 sales');
  await expect(grid(page)).toHaveAttribute('aria-rowcount', String(ROWS + 1));
  await expectRowsAround(page, 0, byId);
  // The values are the generated ones (date, money and select formatted for the grid).
  const first = saleRow(1);
  await expect(rowAt(page, 0).getByRole('gridcell')).toHaveText([
    '1', first.reference, first.customer, first.region, first.sold_on, first.amount.toFixed(2), String(first.quantity), 'Yes',
  ]);

  // The middle: put row 75,000 at the top of the viewport.
  const middle = ROWS / 2;
  await grid(page).evaluate((el, top) => (el.scrollTop = top), middle * ROW_HEIGHT);
  await expectRowsAround(page, middle, byId);

  // The end, by keyboard: End on a focused row scrolls the grid to its last row.
  await rowAt(page, middle).focus();
  await page.keyboard.press('End');
  await expectRowsAround(page, ROWS - 1, byId);
  await expect(idCell(page, ROWS - 1)).toHaveText(String(ROWS));

  // Back to the top: page 0 is still cached, so it is not fetched again.
  const readsBeforeHome = reads.length;
  await grid(page).evaluate((el) => (el.scrollTop = 0));
  await expectRowsAround(page, 0, byId);
  expect(reads.slice(readsBeforeHome).filter((r) => r.offset === 0)).toEqual([]);

  // Deep in the table again, then sort by Amount, descending: the grid starts over at the new first row.
  await grid(page).evaluate((el, top) => (el.scrollTop = top), 120_000 * ROW_HEIGHT);
  await expectRowsAround(page, 120_000, byId);
  const amount = grid(page).getByRole('columnheader', { name: /Amount/ });
  await amount.getByRole('button', { name: /^Amount/ }).click();
  await expect(amount).toHaveAttribute('aria-sort', 'ascending');
  await amount.getByRole('button', { name: /^Amount/ }).click();
  await expect(amount).toHaveAttribute('aria-sort', 'descending');
  // Amount descending, then id ascending (the key is always the last sort key).
  const sorted = Array.from({ length: ROWS }, (_, i) => saleRow(i + 1)).sort((a, b) => b.amount - a.amount || a.id - b.id);
  await expectRowsAround(page, 0, (i) => sorted[i]!.id);
  await expect(rowAt(page, 0).getByRole('gridcell').nth(5)).toHaveText(sorted[0]!.amount.toFixed(2));
  await expect(page.getByTestId('row-count')).toContainText('150,000 sales');

  await page.screenshot({ path: testInfo.outputPath('large-sorted.png') });

  // The network: every row read is one bounded page, on a page boundary; nothing asked for the whole table.
  expect(reads.length).toBeGreaterThan(0);
  for (const r of reads) {
    expect(r.limit, JSON.stringify(r)).toBe(PAGE_SIZE);
    expect(typeof r.offset === 'number' && r.offset % PAGE_SIZE === 0 && r.offset < ROWS, JSON.stringify(r)).toBe(true);
  }
  // After a sort the grid starts at the top: no page deep in a new order is read (they would be slow
  // OFFSET scans on a server, for rows nobody sees).
  const deepSorted = reads.filter((r) => r.order.includes('"amount"') && (r.offset as number) >= 2 * PAGE_SIZE);
  expect(deepSorted, 'pages of the sorted order away from its top').toEqual([]);
  // No page of the same order was fetched twice (the cache holds every page this walk touched).
  const keys = reads.map((r) => `${r.order}@${String(r.offset)}`);
  expect(new Set(keys).size).toBe(keys.length);
  const fetched = reads.length * PAGE_SIZE;
  expect(fetched).toBeLessThanOrEqual(50 * PAGE_SIZE);
  // One count per query shape: unsorted, ascending, descending (a sort does not change the count's AST).
  expect(counts.length).toBeLessThanOrEqual(3);
  testInfo.annotations.push({ type: 'network', description: `${reads.length} page requests, ${fetched} rows fetched of ${ROWS}; ${counts.length} counts; pages: ${keys.join(' ')}` });
  console.log(`desk-large: ${reads.length} page requests, ${fetched} rows fetched of ${ROWS}, ${counts.length} count queries`);
  expect(errors).toEqual([]);
});
