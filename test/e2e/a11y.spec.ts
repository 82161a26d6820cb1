// axe-core on every screen of the desk, in light and dark: no serious or critical violation (labels,
// contrast, roles, names). Each screen is brought into a state that shows its interesting parts (a record
// open, a chart drawn, a preview in the modeler, an audit entry open, the palette over the shell).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { serveApp, type ServedApp } from './host';

let served: ServedApp;
test.beforeAll(async () => {
  served = await serveApp();
});
test.afterAll(async () => {
  await served?.stop();
});

const nav = (page: Page) => page.getByRole('navigation', { name: 'Workspace' });

/** Switches the theme the way a user does (the top bar's toggle), so everything that follows the theme re-renders. */
async function setTheme(page: Page, theme: 'light' | 'dark') {
  if ((await page.locator('html').getAttribute('data-theme')) !== theme) {
    await page.getByRole('button', { name: `Switch to ${theme} theme` }).click();
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** Serious and critical violations, one line each with the offending elements, so a failure says what to fix. */
async function check(page: Page, what: string): Promise<string[]> {
  // Let transitions and charts settle: axe reads computed colours.
  await page.waitForTimeout(200);
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: [${v.impact}] ${v.id} — ${v.help}\n    ${v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` (${n.failureSummary.split('\n').slice(1, 2).join('').trim()})` : ''}`).join('\n    ')}`);
}

const screens: Array<{ name: string; open(page: Page): Promise<void> }> = [
  {
    name: 'home',
    open: async (page) => {
      await page.keyboard.press('Control+0');
      await expect(page.getByTestId('home-workspace-name')).toBeVisible();
      await expect(page.getByTestId('datasource-health')).toContainText('Chinook');
    },
  },
  {
    name: 'object browser with a record open',
    open: async (page) => {
      await nav(page).getByRole('button', { name: 'Invoices', exact: true }).click();
      await expect(page.getByTestId('row-count')).toContainText('412 invoices');
      await page.getByRole('grid').getByRole('row').nth(1).click();
      await expect(page.getByRole('complementary', { name: /record/i }).or(page.locator('.record-panel'))).toBeVisible();
      await expect(page.locator('.record-panel .related').first()).toBeVisible();
    },
  },
  {
    name: 'query with a chart',
    open: async (page) => {
      await nav(page).getByRole('button', { name: 'Query', exact: true }).click();
      await expect(page.getByLabel('Object', { exact: true })).toHaveValue('invoice');
      if ((await page.getByLabel('Group 1 field').count()) === 0) {
        await page.getByRole('button', { name: '+ Group' }).click();
        await page.getByLabel('Group 1 field').selectOption('billing_country');
        await page.getByRole('button', { name: '+ Filter' }).click();
        await page.getByLabel('Filter 1 field').selectOption('billing_country');
        await page.getByLabel('Filter 1 operator').selectOption('in');
        await page.getByLabel('Filter 1 value').fill('USA, Canada, Brazil');
      }
      await page.getByRole('tab', { name: 'Bar' }).click();
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await expect(page.getByTestId('run-status')).toContainText(/\d+ rows/);
      await expect(page.getByTestId('chart').locator('canvas')).toHaveCount(1);
      await expect(page.getByTestId('generated-sql')).toContainText(/group by/i);
    },
  },
  {
    name: 'chat',
    open: async (page) => {
      await nav(page).getByRole('button', { name: 'Chat', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Chat' })).toBeVisible();
      await page.waitForTimeout(500);
    },
  },
  {
    name: 'datasources',
    open: async (page) => {
      await nav(page).getByRole('button', { name: 'Datasources', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Datasources' })).toBeVisible();
      await expect(page.getByText('chinook', { exact: false }).first()).toBeVisible();
      await page.waitForTimeout(500);
    },
  },
  {
    name: 'modeler with a preview',
    open: async (page) => {
      await nav(page).getByRole('button', { name: 'Modeler', exact: true }).click();
      if ((await page.getByTestId('file-preview').count()) === 0) {
        await page.getByRole('button', { name: 'Read schema' }).click();
        await page.getByLabel('Select table Genre').check();
        await page.getByRole('button', { name: /Preview 1 table/ }).click();
      }
      await expect(page.getByTestId('file-preview')).toBeVisible();
      await expect(page.getByRole('img', { name: /ER diagram/ })).toBeVisible();
    },
  },
  {
    name: 'audit with an entry open',
    open: async (page) => {
      await nav(page).getByRole('button', { name: 'Audit', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeVisible();
      const firstEntry = page.locator('tr.clickable').first();
      await expect(firstEntry).toBeVisible();
      await firstEntry.click();
      await expect(page.locator('.detail')).toBeVisible();
    },
  },
  {
    name: 'settings',
    open: async (page) => {
      await nav(page).getByRole('button', { name: 'Settings', exact: true }).click();
      await expect(page.getByText('Time zone')).toBeVisible();
      await page.waitForTimeout(300);
    },
  },
  {
    name: 'command palette',
    open: async (page) => {
      await page.keyboard.press('Control+0');
      await page.keyboard.press('Control+k');
      const palette = page.getByRole('dialog', { name: 'Command palette' });
      await expect(palette.getByLabel('Find object or command')).toBeFocused();
      await page.keyboard.type('inv');
      await expect(palette.getByRole('option').first()).toBeVisible();
    },
  },
];

for (const theme of ['light', 'dark'] as const) {
  test(`no serious or critical accessibility violations on any screen (${theme})`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(served.url);
    await expect(page.getByTestId('workspace-name')).toBeVisible();
    await setTheme(page, theme);
    const found: string[] = [];
    for (const s of screens) {
      await test.step(s.name, async () => {
        await s.open(page);
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        found.push(...(await check(page, s.name)));
        if (s.name === 'command palette') await page.keyboard.press('Escape');
      });
    }
    expect(found, found.join('\n')).toEqual([]);
  });
}
