/**
 * `npm run eval:ai` (`tsx src/main/ai/eval/run.ts`): asks every question of the evaluation set through the
 * API (ai.chat, as the demo's general manager) on the model at OLLAMA_HOST, compares each answer with the
 * ground truth from hand-written SQL, and prints accuracy and tokens. Exits 0 without running when no
 * Ollama answers — there is nothing to evaluate on this machine.
 * Options: OBJECTDESK_EVAL_MODEL=<name> picks the model; --json prints a machine-readable report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createApi } from '../../api';
import { AppContext } from '../../app/context';
import { defaultWorkspaceDir } from '../../app/paths';
import type { ChatEvent } from '../../../shared/api/contract-ai';
import { listModels } from '../ollama/models';
import { defaultEndpoint } from '../store/ai-store';
import { answerContains, EVAL_QUESTIONS } from './questions';

export interface EvalResult {
  id: string;
  question: string;
  expected: unknown[];
  answer: string;
  correct: boolean;
  queries: number;
  tokens: number;
  error?: string;
}

export async function runEval(opts: { endpoint: string; model?: string; workspaceDir?: string; onResult?: (r: EvalResult) => void }): Promise<{ model: string; results: EvalResult[] }> {
  const workspaceDir = opts.workspaceDir ?? defaultWorkspaceDir();
  const truthDb = new Database(path.join(workspaceDir, 'data/chinook.sqlite'), { readonly: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-eval-'));
  const app = await AppContext.open({ workspaceDir, dataDir, mode: 'cli', user: 'andrew.adams' });
  try {
    const api = createApi(app);
    const session = { user: app.user.name, via: 'cli' as const, reason: 'eval:ai' };
    const settings = (await api.call('ai.settings.set', { endpoint: opts.endpoint, ...(opts.model ? { model: opts.model } : {}), maxSteps: 8 }, session)) as { model: string };
    const results: EvalResult[] = [];
    let model = settings.model;
    for (const q of EVAL_QUESTIONS) {
      const expected = Object.values(truthDb.prepare(q.sql).raw(false).get() as Record<string, unknown>);
      let answer = '';
      let queries = 0;
      let tokens = 0;
      let error: string | undefined;
      for await (const raw of api.stream('ai.chat', { message: q.question }, session)) {
        const e = raw as ChatEvent;
        if (e.type === 'start') model = e.model;
        if (e.type === 'final') {
          answer = e.text;
          queries = e.queries.length;
          tokens = e.tokens.prompt + e.tokens.completion;
        }
        if (e.type === 'error') error = `${e.message} ${e.hint ?? ''}`.trim();
      }
      const r = { id: q.id, question: q.question, expected, answer, correct: !error && expected.every((v) => answerContains(answer, v)), queries, tokens, ...(error ? { error } : {}) };
      results.push(r);
      opts.onResult?.(r);
      if (error) break;
    }
    return { model, results };
  } finally {
    truthDb.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const endpoint = defaultEndpoint();
  const json = process.argv.includes('--json');
  try {
    const models = await listModels(endpoint);
    if (!models.some((m) => m.tools !== false)) {
      process.stdout.write(`eval:ai skipped: Ollama at ${endpoint} has no model with tool support (pull one: ollama pull qwen2.5:7b).\n`);
      return 0;
    }
  } catch {
    process.stdout.write(`eval:ai skipped: no Ollama answers at ${endpoint} (set OLLAMA_HOST).\n`);
    return 0;
  }
  const { model, results } = await runEval({
    endpoint,
    model: process.env.OBJECTDESK_EVAL_MODEL,
    onResult: (r) => !json && process.stdout.write(`${r.correct ? 'ok  ' : 'FAIL'} ${r.id.padEnd(22)} ${r.tokens.toString().padStart(6)} tok  ${r.error ?? r.answer.replace(/\s+/g, ' ').slice(0, 100)}\n`),
  });
  const correct = results.filter((r) => r.correct).length;
  const tokens = results.reduce((s, r) => s + r.tokens, 0);
  const summary = { model, endpoint, questions: EVAL_QUESTIONS.length, answered: results.length, correct, accuracy: correct / EVAL_QUESTIONS.length, tokens, tokensPerQuestion: Math.round(tokens / Math.max(1, results.length)) };
  process.stdout.write(json ? `${JSON.stringify({ ...summary, results }, null, 2)}\n` : `\n${model}: ${correct}/${EVAL_QUESTIONS.length} correct (${(summary.accuracy * 100).toFixed(0)}%), ${tokens} tokens (${summary.tokensPerQuestion} per question)\n`);
  return 0;
}

if (process.argv[1] && /eval[\\/]run\.ts$/.test(process.argv[1])) {
  main().then((c) => (process.exitCode = c));
}
