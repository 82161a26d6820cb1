/** Screenshots in both themes, kept per test and copied to test-results/desk-screenshots for review. */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';

export async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const stable = path.resolve('test-results/desk-screenshots');
  mkdirSync(stable, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, theme);
    const file = testInfo.outputPath(`${name}-${theme}.png`);
    await page.screenshot({ path: file });
    copyFileSync(file, path.join(stable, `${name}-${theme}.png`));
  }
}
