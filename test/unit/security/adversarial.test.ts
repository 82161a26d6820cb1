/**
 * The adversarial suite: every crafted input (test/unit/security/adversarial-inputs.ts, > 200) through the
 * API as the support agent on a WRITABLE copy of Chinook (so a smuggled write would land), and a sample
 * through the CLI. Each must be a clear error (never `internal`, never a crash) or a correct,
 * permission-filtered result — no hidden value in any answer — and the database checksum is unchanged.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { ApiError } from '../../../src/shared/api/errors';
import { openTestApp } from '../../helpers/app';
import { cli } from '../../helpers/cli';
import { craftedInputs } from './adversarial-inputs';
import { sqliteChecksum } from './checksum';
import { governanceWorkspace } from './workspace';

const jane = { user: 'jane.peacock', via: 'rest' as const, reason: 'adversarial suite' };
const inputs = craftedInputs();

let ws: ReturnType<typeof governanceWorkspace>;
let t: Awaited<ReturnType<typeof openTestApp>>;
let api: Api;
let before: string;
const secrets: string[] = [];
const mine = { customer: new Set<unknown>(), invoice: new Set<unknown>(), invoice_line: new Set<unknown>() };

beforeAll(async () => {
  ws = governanceWorkspace({ writable: ['customer', 'invoice', 'invoice_line', 'playlist_track'], janeWrites: true });
  t = await openTestApp({ workspaceDir: ws.dir });
  api = createApi(t.app);
  const andrew = { user: 'andrew.adams', via: 'cli' as const };
  const all = (await api.call('data.query', { query: { object: 'customer', fields: ['email', 'phone'], limit: 1000 } }, andrew)) as { rows: { email: string; phone: string | null }[] };
  for (const r of all.rows) secrets.push(r.email, ...(r.phone ? [r.phone] : []));
  for (const object of ['customer', 'invoice', 'invoice_line'] as const) {
    const key = `${object}_id`;
    const res = (await api.call('data.query', { query: { object, fields: [key], limit: 100_000 } }, jane)) as { rows: Record<string, unknown>[] };
    for (const r of res.rows) mine[object].add(r[key]);
  }
  expect(mine.customer.size).toBe(21);
  before = sqliteChecksum(ws.sqliteFile!);
});

afterAll(async () => {
  await t.dispose();
  ws.cleanup();
});

function noSecrets(text: string) {
  for (const s of secrets) expect(text.includes(s), `leaked ${s}`).toBe(false);
}

function checkRows(query: { object?: unknown; aggregations?: unknown; groupBy?: unknown }, rows: Record<string, unknown>[]) {
  const object = query.object;
  const json = JSON.stringify(rows);
  noSecrets(json);
  // Aggregate rows are keyed by the caller's own aliases (an alias may well be "email").
  if (!query.aggregations && !query.groupBy) expect(json).not.toMatch(/"(email|phone)":/);
  if (object === 'customer' || object === 'invoice' || object === 'invoice_line') {
    for (const r of rows) {
      const id = r[`${object}_id`];
      if (id !== undefined) expect(mine[object].has(id), `${object} ${String(id)} is not one of Jane's`).toBe(true);
    }
  }
}

describe('adversarial inputs through the API', () => {
  test('there are at least 200 of them', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(200);
  });

  test.each(inputs.map((c, i) => [i, c.name, c] as const))('#%i %s', async (_i, _name, c) => {
    let result: unknown;
    try {
      result = await api.call(c.op, c.input, jane);
    } catch (e) {
      expect(e, String(e)).toBeInstanceOf(ApiError);
      const err = e as ApiError;
      expect(err.code, err.message).not.toBe('internal');
      expect(err.message.length).toBeGreaterThan(10);
      noSecrets(JSON.stringify({ m: err.message, d: err.details ?? null }));
      return;
    }
    if (c.op === 'data.query') {
      const q = (c.input as { query: { object?: unknown } }).query;
      checkRows(q, (result as { rows: Record<string, unknown>[] }).rows);
    } else {
      noSecrets(JSON.stringify(result));
      expect(c.op, `a crafted ${c.op} succeeded`).not.toMatch(/^data\.(update|delete|create)$/);
    }
  });

  test('nothing was written: the database checksum is unchanged, no file was attached', () => {
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
    expect(existsSync('/tmp/x.db')).toBe(false);
  });

  test('every one of them is on the audit record, and the chain verifies', () => {
    const entries = t.app.audit.list({ user: 'jane.peacock' });
    expect(entries.length).toBeGreaterThanOrEqual(inputs.length);
    expect(t.app.audit.verify().ok).toBe(true);
    noSecrets(JSON.stringify(entries));
  });
});

describe('adversarial inputs through the CLI', () => {
  const sample = inputs.filter((c, i) => c.op === 'data.query' && i % 6 === 0).filter((c) => {
    const text = JSON.stringify((c.input as { query: unknown }).query);
    return text !== undefined && text.length < 20_000;
  });
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-adv-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('a sample of 30+', () => {
    expect(sample.length).toBeGreaterThanOrEqual(30);
  });

  test.each(sample.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const query = (c.input as { query: { object?: unknown } }).query;
    const r = await cli(['query', JSON.stringify(query), '--workspace', ws.dir, '--user', 'jane.peacock', '--data-dir', dataDir, '--format', 'json']);
    expect([0, 1], r.err).toContain(r.code);
    noSecrets(r.out + r.err);
    if (r.code === 0) checkRows(query, JSON.parse(r.out));
    else {
      expect(r.err).toMatch(/^Query refused \((bad_request|not_found|forbidden)\): /);
    }
  });

  test('nothing was written through the CLI either', () => {
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
  });
});
