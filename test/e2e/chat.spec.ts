// The Chat screen in Debian's Chromium against `objectdesk serve`, whose Ollama endpoint is a loopback server
// playing scripted model turns (OBJECTDESK_OLLAMA_HOST): the streamed answer, the tool call with its SQL, Stop.
import { expect, test } from '@playwright/test';
import { serveApp, type ServedApp } from './host';
import { startFakeOllama, type FakeOllama } from '../helpers/fake-ollama';

let served: ServedApp;
let fake: FakeOllama;

const BRAZIL = {
  name: 'aggregate_data',
  arguments: {
    objectName: 'invoice',
    aggregations: [{ function: 'sum', field: 'total', alias: 'spent' }],
    groupBy: ['customer_id.first_name', 'customer_id.last_name', 'customer_id.support_rep_id.first_name'],
    where: { 'customer_id.country': 'Brazil' },
    orderBy: [{ field: 'spent', order: 'desc' }],
    limit: 5,
  },
};

test.beforeAll(async () => {
  fake = await startFakeOllama();
  process.env.OBJECTDESK_OLLAMA_HOST = fake.url;
  served = await serveApp();
});
test.afterAll(async () => {
  await served?.stop();
  await fake?.close();
});

test('asks a question: the answer streams in, the tool call shows its SQL and rows', async ({ page }, testInfo) => {
  fake.setScript((req, i) => {
    if (i === 0) return { content: 'Adding up the invoices of Brazilian customers.', toolCalls: [BRAZIL] };
    const rows = (JSON.parse(req.messages.filter((m) => m.role === 'tool').at(-1)!.content) as { rows: Record<string, string>[] }).rows;
    const top = rows[0]!;
    return { content: `${top['customer_id.first_name']} ${top['customer_id.last_name']} spent the most in Brazil: $${top.spent}, supported by ${top['customer_id.support_rep_id.first_name']}.` };
  });
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(page.getByLabel('Model')).toHaveValue('qwen2.5:7b');
  await page.getByLabel('Question').fill('Which customers in Brazil spent the most, and who supports them?');
  await page.getByRole('button', { name: 'Ask' }).click();

  await expect(page.getByTestId('chat-answer')).toContainText('Luís Gonçalves spent the most in Brazil: $39.62, supported by Jane.');
  const call = page.getByTestId('tool-call');
  await expect(call).toContainText('aggregate_data');
  await expect(call).toContainText('5 groups from invoice');
  await call.locator('summary').first().click();
  await expect(call.getByTestId('tool-sql')).toContainText('group by');
  await expect(call.locator('table')).toContainText('Gonçalves');
  await expect(page.getByTestId('chat-answer')).toContainText('Computed by 1 query in the database');
  await page.screenshot({ path: testInfo.outputPath('chat.png'), fullPage: true });
  await testInfo.attach('chat', { path: testInfo.outputPath('chat.png'), contentType: 'image/png' });
  await page.getByRole('button', { name: 'Show prompt' }).click();
  await expect(page.getByTestId('chat-prompt')).toContainText('"role": "system"');
  expect(consoleErrors).toEqual([]);
});

test('Stop cancels a model that is still writing', async ({ page }) => {
  fake.setScript([{ content: 'Let me think about this for a very long time', hang: true }]);
  const aborted = fake.nextAbort();
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await page.getByLabel('Question').fill('Think slowly');
  await page.getByRole('button', { name: 'Ask' }).click();
  await expect(page.getByText('Let me think about this')).toBeVisible();
  await page.getByRole('button', { name: 'Stop' }).click();
  await aborted; // the HTTP stream to Ollama was closed by the app, not only the UI
  await expect(page.getByTestId('chat-stopped').last()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ask' })).toBeVisible();
});

test('says what to do when the chosen model cannot call tools', async ({ page }) => {
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await page.getByLabel('Model').selectOption('gemma:2b');
  await expect(page.getByTestId('model-problem')).toContainText('does not support tool calling');
  await expect(page.getByTestId('model-problem')).toContainText('ollama pull');
  await page.getByLabel('Model').selectOption('qwen2.5:7b');
  await expect(page.getByTestId('model-problem')).toHaveCount(0);
});
