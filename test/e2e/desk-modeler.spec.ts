// The modeler on a copy of the demo workspace without Genre and MediaType objects: import both tables,
// edit a label in the form, and the new objects appear in the sidebar. Drift is checked too.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { serveApp, type ServedApp } from './host';
import { shoot } from './screenshots';

let served: ServedApp;
let dir: string;
test.beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-e2e-ws-'));
  cpSync(path.resolve('objects'), dir, { recursive: true });
  rmSync(path.join(dir, 'chinook', 'genre.object.ts'));
  rmSync(path.join(dir, 'chinook', 'media_type.object.ts'));
  served = await serveApp(['--workspace', dir]);
});
test.afterAll(async () => {
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
});


test('import two tables in the modeler and see the new objects appear', async ({ page }, testInfo) => {
  await page.goto(served.url);
  const nav = page.getByRole('navigation', { name: 'Workspace' });
  await expect(nav.getByRole('button', { name: 'Invoices', exact: true })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Genres', exact: true })).toHaveCount(0);
  await nav.getByRole('button', { name: 'Modeler', exact: true }).click();
  await page.getByRole('button', { name: 'Read schema' }).click();
  await page.getByLabel('Select table Genre').check();
  await page.getByLabel('Select table MediaType').check();
  await page.getByRole('button', { name: /Preview 2 table/ }).click();
  await expect(page.getByRole('tab', { name: /genre \(create\)/ })).toBeVisible();
  await expect(page.getByTestId('file-preview')).toContainText("ObjectSchema.create");
  await page.getByLabel('Label', { exact: true }).fill('Music genre');
  await page.getByRole('button', { name: /Preview 2 table/ }).click();
  await expect(page.getByTestId('file-preview')).toContainText("label: 'Music genre'");
  // Select options for media_type.name, edited in the form before writing.
  await page.getByRole('tab', { name: /media_type \(create\)/ }).click();
  await expect(page.getByLabel('media_type_id lookup to')).toHaveValue('');
  await page.getByLabel('name options', { exact: true }).fill('MPEG audio file = MP3\nProtected AAC audio file = Protected AAC\nAAC audio file = AAC\nPurchased AAC audio file = Purchased AAC\nProtected MPEG-4 video file = Protected video');
  await page.getByRole('button', { name: /Preview 2 table/ }).click();
  await expect(page.getByRole('tab', { name: /media_type \(create\)/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('file-preview')).toContainText("label: 'MP3'");
  await expect(page.getByLabel('name lookup to')).toHaveValue('');
  await page.getByRole('tab', { name: /genre \(create\)/ }).click();
  await expect(page.getByRole('img', { name: /ER diagram/ })).toBeVisible();
  await shoot(page, testInfo, 'modeler-preview');
  await page.getByRole('button', { name: 'Write files' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Wrote 2 file/ })).toBeVisible();
  expect(readFileSync(path.join(dir, 'chinook', 'genre.object.ts'), 'utf8')).toContain("label: 'Music genre'");
  expect(readFileSync(path.join(dir, 'chinook', 'media_type.object.ts'), 'utf8')).toMatch(/select[\s\S]*label: 'Protected video'/);
  await expect(nav.getByRole('button', { name: 'Genres', exact: true })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Media Types', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Check drift' }).click();
  await expect(page.getByRole('region', { name: 'Schema drift' })).toContainText('none');
  // The new object is browsable at once.
  await nav.getByRole('button', { name: 'Genres', exact: true }).click();
  await expect(page.getByTestId('row-count')).toContainText('25');
});
