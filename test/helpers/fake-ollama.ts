/**
 * A loopback server that speaks Ollama's real HTTP protocol — `GET /api/tags`, `POST /api/show`, streaming
 * NDJSON `POST /api/chat` with `message.tool_calls`, `done` and `done_reason` — and answers chat from a script
 * of model turns. It records every request so tests can assert on exactly what the "model" received, and it
 * checks each chat request's shape (the wire format of the `ollama` package's ChatRequest/Message/Tool), so a
 * client that sends something a real Ollama would reject fails here too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatRequest, ChatResponse, ListResponse, ShowResponse } from 'ollama';
import { z } from 'zod';

export interface FakeModel {
  name: string;
  capabilities: string[];
  family?: string;
  parameterSize?: string;
}

export interface ScriptedTurn {
  /** Text the model writes, streamed in these chunks (a string is split into words). */
  content?: string | string[];
  toolCalls?: { name: string; arguments: Record<string, unknown> | string }[];
  /** Answer with an HTTP error instead, like Ollama does (`{"error": "..."}`). */
  error?: { status: number; message: string };
  /** Stream the content, then keep the connection open until the client goes away. */
  hang?: boolean;
  doneReason?: string;
}

export type Script = ScriptedTurn[] | ((request: RecordedChat, index: number) => ScriptedTurn);

export interface RecordedChat {
  model: string;
  messages: { role: string; content: string; tool_calls?: { function: { name: string; arguments: unknown } }[]; tool_name?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  stream?: boolean;
  options?: Record<string, unknown>;
}

export interface FakeOllama {
  url: string;
  /** Every request: method, path and parsed body. */
  requests: { method: string; path: string; body: unknown }[];
  /** The /api/chat bodies, in order. */
  chats: RecordedChat[];
  /** Chat streams the client closed before `done` (Stop / cancellation). */
  abortedStreams: number;
  /** Resolves when the next chat stream is closed early by the client. */
  nextAbort(): Promise<void>;
  setScript(script: Script): void;
  close(): Promise<void>;
}

export const DEFAULT_MODELS: FakeModel[] = [
  { name: 'qwen2.5:7b', capabilities: ['completion', 'tools'], family: 'qwen2', parameterSize: '7.6B' },
  { name: 'gemma:2b', capabilities: ['completion'], family: 'gemma', parameterSize: '3B' },
];

// The wire shape of ollama's ChatRequest as the client must send it.
const ToolCallWire = z.looseObject({ function: z.looseObject({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) }) });
const MessageWire = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  tool_calls: z.array(ToolCallWire).optional(),
  tool_name: z.string().optional(),
});
const ToolWire = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), description: z.string().optional(), parameters: z.looseObject({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()).optional() }) }),
});
const ChatRequestWire = z.looseObject({ model: z.string().min(1), messages: z.array(MessageWire), tools: z.array(ToolWire).optional(), stream: z.boolean().optional() });

const now = () => new Date().toISOString();

function modelEntry(m: FakeModel) {
  const details = { parent_model: '', format: 'gguf', family: m.family ?? 'llama', families: [m.family ?? 'llama'], parameter_size: m.parameterSize ?? '7B', quantization_level: 'Q4_K_M' };
  return { name: m.name, model: m.name, modified_at: now(), size: 4_683_087_332, digest: 'f'.repeat(64), details };
}

function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export async function startFakeOllama(opts: { models?: FakeModel[]; script?: Script } = {}): Promise<FakeOllama> {
  const models = opts.models ?? DEFAULT_MODELS;
  let script: Script = opts.script ?? [];
  let turnIndex = 0;
  const waiters: (() => void)[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const state: FakeOllama = {
    url: '',
    requests: [],
    chats: [],
    abortedStreams: 0,
    nextAbort: () => new Promise<void>((resolve) => waiters.push(resolve)),
    setScript(s) {
      script = s;
      turnIndex = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += String(d)));
    req.on('end', () => {
      let body: unknown = undefined;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return json(res, 400, { error: 'invalid character in request body' });
      }
      const path = (req.url ?? '/').split('?')[0]!;
      state.requests.push({ method: req.method ?? 'GET', path, body });

      if (req.method === 'GET' && path === '/api/tags') {
        const out: ListResponse = { models: models.map(modelEntry) as unknown as ListResponse['models'] };
        return json(res, 200, out);
      }
      if (req.method === 'GET' && path === '/api/version') return json(res, 200, { version: '0.9.6' });
      if (req.method === 'POST' && path === '/api/show') {
        const name = (body as { model?: string } | undefined)?.model;
        const m = models.find((x) => x.name === name || x.name === `${name}:latest`);
        if (!m) return json(res, 404, { error: `model '${name}' not found` });
        const entry = modelEntry(m);
        const out = {
          license: '',
          modelfile: `FROM ${m.name}`,
          parameters: 'temperature 0.7',
          template: '{{ .Prompt }}',
          details: entry.details,
          model_info: { 'general.architecture': m.family ?? 'llama' },
          capabilities: m.capabilities,
          modified_at: entry.modified_at,
        } satisfies Omit<ShowResponse, 'model_info' | 'modified_at' | 'system' | 'messages' | 'details'> & Record<string, unknown>;
        return json(res, 200, out);
      }
      if (req.method === 'POST' && path === '/api/chat') return chat(body, req, res);
      json(res, 404, { error: `404 page not found` });
    });
  });

  function chat(body: unknown, req: http.IncomingMessage, res: http.ServerResponse) {
    const parsed = ChatRequestWire.safeParse(body);
    if (!parsed.success) return json(res, 400, { error: `invalid chat request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    const request = parsed.data as unknown as RecordedChat & ChatRequest;
    state.chats.push(request);
    const m = models.find((x) => x.name === request.model || x.name === `${request.model}:latest`);
    if (!m) return json(res, 404, { error: `model "${request.model}" not found, try pulling it first` });
    if (request.tools?.length && !m.capabilities.includes('tools')) return json(res, 400, { error: `registry.ollama.ai/library/${request.model} does not support tools` });

    const index = turnIndex++;
    const turn: ScriptedTurn = typeof script === 'function' ? script(request, index) : (script[index] ?? { content: 'I have nothing more to say.' });
    if (turn.error) return json(res, turn.error.status, { error: turn.error.message });

    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    const chunk = (message: ChatResponse['message'], done = false, extra: Partial<ChatResponse> = {}) =>
      res.write(`${JSON.stringify({ model: request.model, created_at: now(), message, done, ...extra })}\n`);
    const stream = request.stream !== false;
    const pieces = typeof turn.content === 'string' ? words(turn.content) : (turn.content ?? []);
    let finished = false;
    res.on('close', () => {
      if (!finished) {
        state.abortedStreams += 1;
        waiters.splice(0).forEach((w) => w());
      }
    });
    const toolCalls = (turn.toolCalls ?? []).map((c, i) => ({ id: `call_${index}_${i}`, function: { index: i, name: c.name, arguments: c.arguments as Record<string, unknown> } }));

    if (!stream) {
      finished = true;
      res.end(
        JSON.stringify({
          model: request.model,
          created_at: now(),
          message: { role: 'assistant', content: pieces.join(''), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
          done: true,
          done_reason: turn.doneReason ?? 'stop',
          total_duration: 1, load_duration: 1, prompt_eval_count: 100, prompt_eval_duration: 1, eval_count: 10, eval_duration: 1,
        }),
      );
      return;
    }
    (async () => {
      for (const p of pieces) {
        if (res.destroyed) return;
        chunk({ role: 'assistant', content: p });
        await new Promise((r) => setImmediate(r));
      }
      if (toolCalls.length) chunk({ role: 'assistant', content: '', tool_calls: toolCalls as never });
      if (turn.hang) {
        req.socket.setKeepAlive(true);
        return; // the client must close it
      }
      finished = true;
      chunk({ role: 'assistant', content: '' }, true, {
        done_reason: turn.doneReason ?? 'stop',
        total_duration: 1_000_000, load_duration: 1_000, prompt_eval_count: 120, prompt_eval_duration: 1_000, eval_count: 12, eval_duration: 1_000,
      });
      res.end();
    })();
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A URL where nothing listens (a port that was just freed): "Ollama is not running". */
export async function deadEndpoint(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
