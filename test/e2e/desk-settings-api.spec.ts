// Settings → REST & GraphQL API in browser mode: create a token (shown once), switch the API server on
// (127.0.0.1, its port shown), call GET /api/v1/objects with the token from the test, revoke it in
// Settings, and the same call is 401; switching the server off closes the port.
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

test('create a token, start the API, call it, revoke the token: 401', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Settings', exact: true }).click();
  const section = page.getByRole('region', { name: 'REST & GraphQL API' });
  await expect(section.getByTestId('api-server-status')).toHaveText('Off');
  await expect(section.getByText('No tokens yet')).toBeVisible();

  await section.getByLabel('Name').fill('e2e notebook');
  await section.getByLabel('Expires in days').fill('7');
  await section.getByRole('button', { name: 'Create token' }).click();
  const tokenInput = section.getByRole('textbox', { name: 'New token' });
  await expect(tokenInput).toHaveValue(/^odp_[a-z0-9]{12}_/);
  const token = await tokenInput.inputValue();
  const id = token.split('_')[1]!;
  const row = section.getByRole('table', { name: 'Tokens' }).getByRole('row', { name: /e2e notebook/ });
  await expect(row).toContainText(`odp_${id}_`);
  await expect(row).not.toContainText(token);

  const toggle = section.getByRole('switch', { name: 'API server' });
  await toggle.click(); // a controlled switch: it turns on once the server answers
  await expect(toggle).toBeChecked();
  await expect(section.getByTestId('api-server-status')).toContainText('Running on http://127.0.0.1:');
  const port = Number(await section.getByTestId('api-port').innerText());
  expect(port).toBeGreaterThan(0);
  await shoot(page, testInfo, 'settings-api');

  const url = `http://127.0.0.1:${port}/api/v1/objects`;
  const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status).toBe(200);
  const names = ((await ok.json()) as { objects: Array<{ name: string }> }).objects.map((o) => o.name);
  expect(names).toEqual(expect.arrayContaining(['invoice', 'customer']));
  expect((await fetch(url)).status).toBe(401);

  // "Done" hides the token for good: the page no longer holds it.
  await section.getByRole('button', { name: 'Done' }).click();
  await expect(page.locator('body')).not.toContainText(token);
  await row.getByRole('button', { name: 'Revoke e2e notebook' }).click();
  await expect(row).toContainText('revoked');
  const refused = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

  // The server's own calls are in the audit as via rest.
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Audit', exact: true }).click();
  await page.getByLabel('Via').selectOption('rest');
  await expect(page.locator('tr.clickable').first()).toContainText('workspace.objects');

  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Settings', exact: true }).click();
  await section.getByRole('switch', { name: 'API server' }).click();
  await expect(section.getByTestId('api-server-status')).toHaveText('Off');
  await expect(fetch(url, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
  expect(errors).toEqual([]);
});
