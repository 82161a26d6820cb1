// The agent end to end: the real API on the demo workspace, the `ollama` package talking to a loopback
// server that speaks Ollama's protocol and plays scripted model turns. Numbers are checked against
// hand-written SQL on the same SQLite file, and privacy against what the "model" actually received.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import type { ChatEvent } from '../../../src/shared/api/contract-ai';
import type { Session } from '../../../src/shared/api/session';
import { DEMO_WORKSPACE, openTestApp } from '../../helpers/app';
import { deadEndpoint, startFakeOllama, type FakeOllama, type RecordedChat } from '../../helpers/fake-ollama';

let env: Awaited<ReturnType<typeof openTestApp>>;
let api: Api;
let fake: FakeOllama;
const ui = (): Session => ({ user: env.app.user.name, via: 'ui' });

beforeAll(async () => {
  env = await openTestApp();
  api = createApi(env.app);
  fake = await startFakeOllama();
  await api.call('ai.settings.set', { endpoint: fake.url, model: 'qwen2.5:7b', privacyMode: false, maxSteps: 8 }, ui());
});
afterAll(async () => {
  await fake?.close();
  await env?.dispose();
});
afterEach(async () => {
  fake.requests.length = 0;
  fake.chats.length = 0;
  await api.call('ai.settings.set', { endpoint: fake.url, model: 'qwen2.5:7b', privacyMode: false, maxSteps: 8 }, ui());
});

async function ask(message: string, opts: { conversationId?: string; signal?: AbortSignal; onEvent?: (e: ChatEvent) => void } = {}): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const e of api.stream('ai.chat', { message, ...(opts.conversationId ? { conversationId: opts.conversationId } : {}) }, ui(), opts.signal)) {
    events.push(e as ChatEvent);
    opts.onEvent?.(e as ChatEvent);
  }
  return events;
}
const ofType = <T extends ChatEvent['type']>(events: ChatEvent[], type: T) => events.filter((e): e is Extract<ChatEvent, { type: T }> => e.type === type);
const toolMessages = (chat: RecordedChat) => chat.messages.filter((m) => m.role === 'tool');

function brazilGroundTruth() {
  const db = new Database(path.join(DEMO_WORKSPACE, 'data/chinook.sqlite'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT c.FirstName || ' ' || c.LastName AS name, ROUND(SUM(i.Total), 2) AS spent, e.FirstName || ' ' || e.LastName AS rep
         FROM Invoice i JOIN Customer c ON c.CustomerId = i.CustomerId LEFT JOIN Employee e ON e.EmployeeId = c.SupportRepId
         WHERE c.Country = 'Brazil' GROUP BY c.CustomerId ORDER BY SUM(i.Total) DESC, c.CustomerId LIMIT 3`,
      )
      .all() as { name: string; spent: number; rep: string }[];
  } finally {
    db.close();
  }
}

const BRAZIL_CALL = {
  name: 'aggregate_data',
  arguments: {
    objectName: 'invoice',
    aggregations: [{ function: 'sum', field: 'total', alias: 'spent' }],
    groupBy: ['customer_id', 'customer_id.first_name', 'customer_id.last_name', 'customer_id.support_rep_id.first_name', 'customer_id.support_rep_id.last_name'],
    where: { 'customer_id.country': 'Brazil' },
    orderBy: [{ field: 'spent', order: 'desc' }],
    limit: 3,
  },
};

describe('ai.chat against a scripted Ollama', () => {
  it('answers "which customers in Brazil spent the most?" with the sums computed in the database, and cites the query', async () => {
    const truth = brazilGroundTruth();
    fake.setScript((req, i) => {
      if (i === 0) return { content: 'Let me add up the invoices. ', toolCalls: [BRAZIL_CALL] };
      // The second turn answers from what the tool returned, as a model would.
      const result = JSON.parse(toolMessages(req).at(-1)!.content) as { rows: Record<string, string>[] };
      const top = result.rows[0]!;
      return { content: `${top['customer_id.first_name']} ${top['customer_id.last_name']} spent the most: $${top.spent} (supported by ${top['customer_id.support_rep_id.first_name']}).` };
    });
    const events = await ask('Which customers in Brazil spent the most, and who supports them?');

    expect(events.map((e) => e.type)).toEqual(['start', 'model_request', ...Array(6).fill('text'), 'tool_call', 'tool_result', 'model_request', ...ofType(events, 'text').slice(6).map(() => 'text'), 'final']);
    const call = ofType(events, 'tool_call')[0]!;
    expect(call).toMatchObject({ name: 'aggregate_data', callId: '1', arguments: BRAZIL_CALL.arguments });
    const result = ofType(events, 'tool_result')[0]!;
    expect(result.ok).toBe(true);
    expect(result.rows!.map((r) => [`${String(r['customer_id.first_name'])} ${String(r['customer_id.last_name'])}`, Number(r.spent), `${String(r['customer_id.support_rep_id.first_name'])} ${String(r['customer_id.support_rep_id.last_name'])}`])).toEqual(
      truth.map((t) => [t.name, t.spent, t.rep]),
    );
    // The work ran in the database: one grouped SQL statement with the country as a bound parameter.
    expect(result.query!.sql).toHaveLength(1);
    expect(result.query!.sql[0]!.text).toMatch(/group by/i);
    expect(result.query!.sql[0]!.parameters).toContain('Brazil');

    const final = ofType(events, 'final')[0]!;
    expect(final.stopped).toBe('answer');
    expect(final.text).toBe(`${truth[0]!.name} spent the most: $${truth[0]!.spent.toFixed(2)} (supported by ${truth[0]!.rep.split(' ')[0]}).`);
    expect(final.queries).toEqual([result.query]);
    expect(final.steps).toBe(2);
    expect(final.tokens).toEqual({ prompt: 240, completion: 24 });

    // What the model was sent: the system prompt with the objects, the tools as JSON Schema, then the result.
    expect(fake.chats).toHaveLength(2);
    expect(fake.chats[0]!.messages[0]!.role).toBe('system');
    expect(fake.chats[0]!.messages[0]!.content).toContain('- invoice (Invoice)');
    expect(fake.chats[0]!.tools!.map((t) => t.function.name)).toEqual(['list_objects', 'describe_object', 'query_records', 'aggregate_data']);
    expect(fake.chats[1]!.messages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ function: { name: 'aggregate_data' } }] });
    expect(toolMessages(fake.chats[1]!)[0]).toMatchObject({ role: 'tool', tool_name: 'aggregate_data' });
    // "Show prompt" shows exactly what was sent.
    expect(ofType(events, 'model_request').map((e) => e.request)).toEqual(fake.chats.map((c) => ({ ...c })));
  });

  it('runs every tool as the user via "ai", with the question and the chat turn as the reason', async () => {
    const seen: Session[] = [];
    const spy: Api = { ...api, call: (op, input, session, signal) => (seen.push(session), api.call(op, input, session, signal)) };
    const { chatTurn } = await import('../../../src/main/ai/chat-turn');
    fake.setScript([{ toolCalls: [{ name: 'describe_object', arguments: { objectName: 'customer' } }] }, { content: 'Done.' }]);
    const events: ChatEvent[] = [];
    for await (const e of chatTurn({ message: 'What do we know about customers?' }, { app: env.app, session: ui(), signal: new AbortController().signal, api: spy })) events.push(e);
    const start = ofType(events, 'start')[0]!;
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const s of seen) expect(s).toEqual({ user: 'andrew.adams', via: 'ai', reason: `What do we know about customers? (chat ${start.conversationId.slice(0, 8)}, turn 1)` });
  });

  it('sends an invalid argument back to the model, which corrects itself', async () => {
    fake.setScript((req, i) => {
      if (i === 0) return { toolCalls: [{ name: 'aggregate_data', arguments: { objectName: 'invoice', aggregations: [{ function: 'total', field: 'total', alias: 'all' }] } }] };
      if (i === 1) {
        expect(toolMessages(req).at(-1)!.content).toMatch(/aggregations\[0\]\.function/);
        return { toolCalls: [{ name: 'aggregate_data', arguments: { objectName: 'invoice', aggregations: [{ function: 'sum', field: 'total', alias: 'all' }], where: { country: 'Brazil' } } }] };
      }
      if (i === 2) {
        // The engine's own error names the field and lists what is allowed.
        expect(toolMessages(req).at(-1)!.content).toMatch(/where\.country/);
        expect(toolMessages(req).at(-1)!.content).toMatch(/billing_country/);
        return { toolCalls: [{ name: 'aggregate_data', arguments: { objectName: 'invoice', aggregations: [{ function: 'sum', field: 'total', alias: 'all' }], where: { billing_country: 'Brazil' } } }] };
      }
      return { content: `Brazil: ${JSON.parse(toolMessages(req).at(-1)!.content).rows[0].all}` };
    });
    const events = await ask('Total sales in Brazil?');
    const results = ofType(events, 'tool_result');
    expect(results.map((r) => [r.ok, r.error?.code])).toEqual([
      [false, 'invalid_arguments'],
      [false, 'bad_request'],
      [true, undefined],
    ]);
    expect(results[0]!.sentToModel).toBe(
      'Error: Invalid arguments for aggregate_data: aggregations[0].function: Invalid option: expected one of "count"|"count_distinct"|"sum"|"avg"|"min"|"max". Fix the arguments and call aggregate_data again.',
    );
    const db = new Database(path.join(DEMO_WORKSPACE, 'data/chinook.sqlite'), { readonly: true });
    const total = (db.prepare(`SELECT printf('%.2f', SUM(Total)) AS t FROM Invoice WHERE BillingCountry = 'Brazil'`).get() as { t: string }).t;
    db.close();
    const final = ofType(events, 'final')[0]!;
    expect(final.text).toBe(`Brazil: ${total}`);
    // Only the query that ran is cited.
    expect(final.queries).toHaveLength(1);
  });

  it('tells the model about an unknown tool and names the real ones', async () => {
    fake.setScript([{ toolCalls: [{ name: 'run_sql', arguments: { sql: 'select * from Customer' } }] }, { content: 'I cannot run SQL directly.' }]);
    const events = await ask('Run select * from Customer');
    const r = ofType(events, 'tool_result')[0]!;
    expect(r).toMatchObject({ ok: false, name: 'run_sql', error: { code: 'unknown_tool' } });
    expect(toolMessages(fake.chats[1]!)[0]!.content).toBe('Error: Unknown tool "run_sql". The tools are: list_objects, describe_object, query_records, aggregate_data.');
    expect(ofType(events, 'final')[0]!.queries).toEqual([]);
  });

  it('stops an endless tool loop at the step bound', async () => {
    await api.call('ai.settings.set', { maxSteps: 3 }, ui());
    fake.setScript(() => ({ toolCalls: [{ name: 'list_objects', arguments: {} }] }));
    const events = await ask('Loop forever');
    expect(fake.chats).toHaveLength(3);
    expect(ofType(events, 'tool_call')).toHaveLength(2);
    const final = ofType(events, 'final')[0]!;
    expect(final).toMatchObject({ stopped: 'step_limit', steps: 3 });
    expect(final.text).toMatch(/step limit/);
  });

  it('Stop cancels the model mid-stream: the HTTP stream to Ollama is closed and the turn is kept as cancelled', async () => {
    fake.setScript([{ content: 'Thinking very hard about your question', hang: true }]);
    const controller = new AbortController();
    const aborted = fake.nextAbort();
    const events = await ask('Take your time', {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'text') controller.abort();
      },
    });
    await aborted;
    expect(fake.abortedStreams).toBeGreaterThanOrEqual(1);
    expect(ofType(events, 'text').length).toBeGreaterThanOrEqual(1);
    const start = ofType(events, 'start')[0]!;
    const history = (await api.call('ai.history', { conversationId: start.conversationId }, ui())) as { current: { turns: { stopped: string }[] } };
    expect(history.current.turns.map((t) => t.stopped)).toEqual(['cancelled']);
  });

  it('says clearly when Ollama is not running, with how to install it and pull a model', async () => {
    await api.call('ai.settings.set', { endpoint: await deadEndpoint() }, ui());
    const events = await ask('Anything');
    expect(events).toHaveLength(1);
    const err = events[0] as Extract<ChatEvent, { type: 'error' }>;
    expect(err.type).toBe('error');
    expect(err.code).toBe('ollama_unavailable');
    expect(err.message).toMatch(/Ollama is not running at http:\/\/127\.0\.0\.1:\d+/);
    expect(err.hint).toMatch(/ollama\.com\/download/);
    expect(err.hint).toMatch(/ollama pull/);
    const models = (await api.call('ai.models', {}, ui())) as { reachable: boolean; problem?: { code: string } };
    expect(models).toMatchObject({ reachable: false, problem: { code: 'ollama_unavailable' } });
  });

  it('refuses a model without tool support before asking it anything', async () => {
    await api.call('ai.settings.set', { model: 'gemma:2b' }, ui());
    const events = await ask('Anything');
    expect(events).toEqual([
      {
        type: 'error',
        code: 'model_without_tools',
        message: 'The model "gemma:2b" does not support tool calling (its capabilities: completion), so it cannot query your data.',
        hint: 'Pick a model with tools in the model picker, or pull one: `ollama pull qwen2.5:7b` (or llama3.1, qwen3, mistral-nemo).',
      },
    ]);
    expect(fake.chats).toHaveLength(0);
    const models = (await api.call('ai.models', {}, ui())) as { models: { name: string; tools: boolean | null }[]; problem?: { code: string } };
    expect(models.models).toEqual([
      { name: 'qwen2.5:7b', family: 'qwen2', parameterSize: '7.6B', sizeBytes: 4_683_087_332, tools: true },
      { name: 'gemma:2b', family: 'gemma', parameterSize: '3B', sizeBytes: 4_683_087_332, tools: false },
    ]);
    expect(models.problem?.code).toBe('model_without_tools');
  });

  it('names a model that is not installed and lists the installed ones', async () => {
    await api.call('ai.settings.set', { model: 'llama3.1:8b' }, ui());
    const [err] = await ask('Anything');
    expect(err).toMatchObject({ type: 'error', code: 'model_not_found', hint: 'Run `ollama pull llama3.1:8b`, or pick an installed one: qwen2.5:7b, gemma:2b.' });
  });

  it('privacy mode: the model receives shapes and ungrouped aggregates but no row values; the UI still gets the rows', async () => {
    await api.call('ai.settings.set', { privacyMode: true }, ui());
    fake.setScript([
      { toolCalls: [{ name: 'query_records', arguments: { objectName: 'customer', where: { country: 'Brazil' }, fields: ['first_name', 'last_name', 'email'] } }] },
      { toolCalls: [BRAZIL_CALL] },
      { toolCalls: [{ name: 'aggregate_data', arguments: { objectName: 'invoice', aggregations: [{ function: 'sum', field: 'total', alias: 'all_sales' }] } }] },
      { content: 'Five Brazilian customers; totals are in the table.' },
    ]);
    const events = await ask('Show me Brazilian customers and what they spent');
    const results = ofType(events, 'tool_result');
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    const shownToUser = JSON.stringify(results.map((r) => r.rows));
    expect(shownToUser).toContain('Gonçalves');
    expect(shownToUser).toContain('@');

    const sent = JSON.stringify(fake.requests.map((r) => r.body));
    for (const value of ['Gonçalves', 'Luís', 'Eduardo', 'Martins', 'luisg@embraer.com.br', '39.62', 'Jane']) expect(sent).not.toContain(value);
    const privacyMessage = JSON.parse(toolMessages(fake.chats[1]!)[0]!.content) as { rowCount: number; columns: { name: string; type: string }[] };
    expect(privacyMessage.rowCount).toBe(5);
    expect(privacyMessage.columns).toEqual([
      { name: 'first_name', type: 'string' },
      { name: 'last_name', type: 'string' },
      { name: 'email', type: 'string' },
    ]);
    // An aggregate over the whole set is not a row value: it is sent.
    expect(JSON.parse(toolMessages(fake.chats[3]!)[2]!.content)).toMatchObject({ rows: [{ all_sales: '2328.60' }] });
    expect(fake.chats[0]!.messages[0]!.content).toMatch(/Privacy mode is on/);
  });

  it('keeps the history per user and workspace, and continues a conversation with its earlier turns', async () => {
    await api.call('ai.history.clear', {}, ui());
    fake.setScript([{ content: 'There are 59 customers.' }, { content: 'And 8 employees.' }]);
    const first = await ask('How many customers?');
    const { conversationId } = ofType(first, 'start')[0]!;
    const second = await ask('And employees?', { conversationId });
    expect(ofType(second, 'start')[0]).toMatchObject({ conversationId, turn: 2 });
    expect(fake.chats[1]!.messages.slice(1).map((m) => [m.role, m.content])).toEqual([
      ['user', 'How many customers?'],
      ['assistant', 'There are 59 customers.'],
      ['user', 'And employees?'],
    ]);
    const history = (await api.call('ai.history', {}, ui())) as { conversations: { id: string; title: string; turns: number }[]; current: { id: string; turns: { question: string; answer: string }[] } };
    expect(history.conversations[0]).toMatchObject({ id: conversationId, title: 'How many customers?', turns: 2 });
    expect(history.current.turns.map((t) => [t.question, t.answer])).toEqual([
      ['How many customers?', 'There are 59 customers.'],
      ['And employees?', 'And 8 employees.'],
    ]);
    // Another user of the same workspace does not see it.
    const other = (await api.call('ai.history', {}, { user: 'jane.peacock', via: 'ui' })) as { conversations: unknown[] };
    expect(other.conversations).toEqual([]);
  });
});
