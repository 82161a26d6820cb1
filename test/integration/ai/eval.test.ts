// The AI evaluation set and its runner: every question has a single ground-truth row from hand-written SQL,
// and the runner scores answers against it (shown here with a scripted model that gets all but one right).
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerContains, EVAL_QUESTIONS } from '../../../src/main/ai/eval/questions';
import { runEval } from '../../../src/main/ai/eval/run';
import { DEMO_WORKSPACE } from '../../helpers/app';
import { startFakeOllama, type FakeOllama } from '../../helpers/fake-ollama';

const truth = new Map<string, unknown[]>();
beforeAll(() => {
  const db = new Database(path.join(DEMO_WORKSPACE, 'data/chinook.sqlite'), { readonly: true });
  for (const q of EVAL_QUESTIONS) {
    const rows = db.prepare(q.sql).raw(true).all() as unknown[][];
    truth.set(q.question, rows[0] ?? []);
  }
  db.close();
});

describe('eval question set', () => {
  it('has at least 20 questions, each with a one-row, non-null ground truth', () => {
    expect(EVAL_QUESTIONS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(EVAL_QUESTIONS.map((q) => q.id)).size).toBe(EVAL_QUESTIONS.length);
    for (const q of EVAL_QUESTIONS) {
      const row = truth.get(q.question)!;
      expect(row.length, q.id).toBeGreaterThan(0);
      expect(row.every((v) => v !== null && v !== ''), q.id).toBe(true);
    }
    expect(truth.get('How many customers are there?')).toEqual([59]);
  });

  it('scores numbers within 0.01 and text case-insensitively', () => {
    expect(answerContains('Total: $2,328.60.', 2328.6)).toBe(true);
    expect(answerContains('About 5.65 per invoice', 5.65)).toBe(true);
    expect(answerContains('About 5.7 per invoice', 5.65)).toBe(false);
    expect(answerContains('iron maiden has 21', 'Iron Maiden')).toBe(true);
    expect(answerContains('The best year was 2022', '2022')).toBe(true);
  });
});

describe('runEval', () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama();
  });
  afterAll(async () => fake?.close());

  it('asks every question through ai.chat and scores the answers against the SQL ground truth', async () => {
    fake.setScript((req) => {
      const question = req.messages.filter((m) => m.role === 'user').at(-1)!.content;
      if (question === 'What is the longest track?') return { content: 'I think it is Stairway to Heaven.' };
      return { content: `The answer: ${truth.get(question)!.join(', ')}.` };
    });
    const { model, results } = await runEval({ endpoint: fake.url, model: 'qwen2.5:7b', workspaceDir: DEMO_WORKSPACE });
    expect(model).toBe('qwen2.5:7b');
    expect(results).toHaveLength(EVAL_QUESTIONS.length);
    expect(results.filter((r) => !r.correct).map((r) => r.id)).toEqual(['longest-track']);
    expect(results.every((r) => r.tokens === 132)).toBe(true);
  });
});
