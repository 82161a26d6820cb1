// `objectdesk chat` in process against the scripted Ollama: the answer on stdout, the tool calls and the
// SQL on stderr, exit codes that say what happened.
import { PassThrough, Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChat } from '../../../src/main/cli/commands/chat';
import { DEMO_WORKSPACE } from '../../helpers/app';
import { deadEndpoint, startFakeOllama, type FakeOllama } from '../../helpers/fake-ollama';

let fake: FakeOllama;
let dataDir: string;
const saved = process.env.OBJECTDESK_OLLAMA_HOST;
beforeAll(async () => {
  fake = await startFakeOllama();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-chat-cli-'));
});
afterAll(async () => {
  process.env.OBJECTDESK_OLLAMA_HOST = saved;
  if (saved === undefined) delete process.env.OBJECTDESK_OLLAMA_HOST;
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function chat(question: string, extra: Record<string, unknown> = {}) {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const code = await runChat({ workspace: DEMO_WORKSPACE, dataDir, question, ...extra }, { out: sink((s) => (out += s)), err: sink((s) => (err += s)), stdin: new PassThrough(), isTTY: false });
  return { code, out, err };
}

describe('objectdesk chat', () => {
  it('streams the answer to stdout and lists the queries with their SQL on stderr (endpoint from OBJECTDESK_OLLAMA_HOST)', async () => {
    process.env.OBJECTDESK_OLLAMA_HOST = fake.url;
    fake.setScript([
      { toolCalls: [{ name: 'aggregate_data', arguments: { objectName: 'customer', aggregations: [{ function: 'count', alias: 'customers' }] } }] },
      { content: 'There are 59 customers.' },
    ]);
    const r = await chat('How many customers are there?');
    expect(r.code).toBe(0);
    expect(r.out).toBe('There are 59 customers.\n');
    expect(r.err).toContain('→ aggregate_data {"objectName":"customer","aggregations":[{"function":"count","alias":"customers"}]}');
    expect(r.err).toContain('← 1 aggregate row from customer');
    expect(r.err).toMatch(/\[1\] aggregate_data on customer, 1 rows: select count\(\*\)/i);
    expect(r.err).toMatch(/conversation [0-9a-f-]{36}, turn 1/);
  });

  it('--json prints one event per line', async () => {
    process.env.OBJECTDESK_OLLAMA_HOST = fake.url;
    fake.setScript([{ content: 'Hello.' }]);
    const r = await chat('Hi', { json: true });
    const types = r.out.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(['start', 'text', 'final']);
  });

  it('exits 1 with the fix when Ollama is down', async () => {
    process.env.OBJECTDESK_OLLAMA_HOST = await deadEndpoint();
    const r = await chat('Hi');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Ollama is not running at .*\n  Install Ollama from https:\/\/ollama\.com\/download/);
  });
});
