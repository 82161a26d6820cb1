/**
 * The `ai` step against the scripted Ollama server: the flow asks the local model through `ai.chat` as its
 * owner; the model's tool calls run with the owner's permissions (Jane sees only her customers), the answer
 * flows on to the next step, and the calls are audited (the step via 'flow', the tools via 'ai').
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import type { RunDto } from '../../../src/shared/api/contract-flows';
import { openTestApp } from '../../helpers/app';
import { startFakeOllama, type FakeOllama } from '../../helpers/fake-ollama';
import { flowFile, flowWorkspace } from '../../unit/flows/workspace';

let fake: FakeOllama;
let api: Api;
let dispose: () => Promise<void>;
let app: Awaited<ReturnType<typeof openTestApp>>['app'];
const JANE = { user: 'jane.peacock', via: 'ui' as const };

beforeAll(async () => {
  const ws = flowWorkspace({
    'ask.flow.ts': flowFile(`{
  name: 'ask', owner: 'jane.peacock',
  steps: [
    { id: 'big', type: 'query', query: { object: 'invoice', fields: ['invoice_id'], where: { total: { $gt: 10 } } } },
    { id: 'q', type: 'ai', prompt: 'I have {{big.count}} invoices over 10. Which countries are my customers in?' },
    { id: 'n', type: 'notify', title: 'AI summary', message: '{{q.answer}}' },
  ],
}`),
  });
  const t = await openTestApp({ workspaceDir: ws.dir, user: 'jane.peacock' });
  app = t.app;
  api = createApi(app);
  fake = await startFakeOllama();
  await api.call('ai.settings.set', { endpoint: fake.url, model: 'qwen2.5:7b', privacyMode: false, maxSteps: 4 }, JANE);
  dispose = async () => {
    await fake.close();
    await t.dispose();
    ws.cleanup();
  };
});
afterAll(async () => dispose?.());

test('an ai step asks the local model as the owner and passes its answer on', async () => {
  fake.setScript((_req, i) =>
    i === 0
      ? { toolCalls: [{ name: 'aggregate_data', arguments: { objectName: 'customer', groupBy: ['country'], aggregations: [{ function: 'count', alias: 'n' }] } }] }
      : { content: 'Your customers are in the USA and Canada.' },
  );
  const run = (await api.call('flows.run', { flow: 'ask' }, JANE)) as RunDto;
  expect(run.status).toBe('succeeded');
  expect(run.steps.find((s) => s.id === 'q')).toMatchObject({ status: 'ok', operation: 'ai.chat', summary: expect.stringMatching(/after 1 tool call/) });
  expect(fake.chats[0]!.messages.at(-1)!.content).toContain('I have');
  // The tool ran under Jane's record rules: the model saw only her customers' countries.
  const toolMessage = fake.chats[1]!.messages.find((m) => m.role === 'tool')!.content;
  expect(toolMessage).toContain('USA');
  expect(toolMessage).not.toContain('Norway'); // only customers of other agents live there
  const inbox = (await api.call('inbox.list', {}, JANE)) as { items: { title: string; message: string }[] };
  expect(inbox.items[0]).toMatchObject({ title: 'AI summary', message: 'Your customers are in the USA and Canada.' });
  await app.audit.flush();
  const entries = app.audit.list({ user: 'jane.peacock' });
  expect(entries.find((e) => e.operation === 'ai.chat')).toMatchObject({ via: 'flow', reason: run.auditReason });
  // The model's tool ran as Jane via 'ai' (its own reason: the chat turn), between the flow's query and the flow's ai.chat.
  expect(entries.map((e) => [e.via, e.operation]).filter(([v]) => v !== 'ui')).toEqual([
    ['flow', 'data.query'],
    ['ai', 'workspace.objects'],
    ['ai', 'data.query'],
    ['flow', 'ai.chat'],
    ['flow', 'flow.notify'],
  ]);
});

test('a model error stops the run with the model\'s message', async () => {
  fake.setScript([{ error: { status: 500, message: 'model crashed' } }]);
  const run = (await api.call('flows.run', { flow: 'ask' }, JANE)) as RunDto;
  expect(run.status).toBe('failed');
  expect(run.error).toMatch(/step "q" \(steps\.1\): the model could not answer/);
  expect(run.steps.find((s) => s.id === 'n')).toBeUndefined();
});
