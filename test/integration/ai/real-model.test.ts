// A real model, when one is reachable: runs only if OLLAMA_HOST (or OBJECTDESK_OLLAMA_HOST) answers and has a
// model with tool support (OBJECTDESK_EVAL_MODEL picks one). Elsewhere it reports itself skipped.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { listModels } from '../../../src/main/ai/ollama/models';
import type { ChatEvent } from '../../../src/shared/api/contract-ai';
import { openTestApp } from '../../helpers/app';

const host = process.env.OBJECTDESK_OLLAMA_HOST || process.env.OLLAMA_HOST;
const endpoint = host ? (/^https?:\/\//.test(host) ? host : `http://${host}`) : undefined;
let model: string | undefined;
let env: Awaited<ReturnType<typeof openTestApp>> | undefined;
let api: Api;

beforeAll(async () => {
  if (!endpoint) return;
  const models = await listModels(endpoint).catch(() => []);
  model = process.env.OBJECTDESK_EVAL_MODEL ?? models.find((m) => m.tools === true)?.name;
  if (!model) return;
  env = await openTestApp();
  api = createApi(env.app);
  await api.call('ai.settings.set', { endpoint, model, maxSteps: 8 }, { user: env.app.user.name, via: 'ui' });
}, 60_000);
afterAll(async () => env?.dispose());

it('a real model counts the customers with a tool call and cites the query', { timeout: 300_000 }, async (ctx) => {
  if (!endpoint || !model || !env) ctx.skip('no Ollama with a tool-capable model at OLLAMA_HOST');
  const events: ChatEvent[] = [];
  for await (const e of api.stream('ai.chat', { message: 'How many customers are there? Use the tools.' }, { user: env!.app.user.name, via: 'ui' })) events.push(e as ChatEvent);
  const final = events.find((e): e is Extract<ChatEvent, { type: 'final' }> => e.type === 'final');
  expect(events.find((e) => e.type === 'error')).toBeUndefined();
  expect(final?.queries.length).toBeGreaterThanOrEqual(1);
  expect(final?.text).toMatch(/\b59\b/);
});
