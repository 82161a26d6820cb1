// 10,000 rows over REST as NDJSON carry exactly the rows the same ObjectQL call returns in process. The
// time ratio of the two is measured by bench/rest.bench.ts (`npx tsx bench/rest.bench.ts`).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeItemsWorkspace } from '../../../bench/fixtures/items-workspace';
import { createApi, type Api } from '../../../src/main/api';
import { AppContext } from '../../../src/main/app/context';
import { startApiServer, type RunningApiServer } from '../../../src/main/rest/api-server';
import { closeTokens, tokensFor } from '../../../src/main/tokens';

const ROWS = 10_000;
let root: string;
let app: AppContext;
let api: Api;
let server: RunningApiServer;
let token: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-ndjson-'));
  const ws = path.join(root, 'ws');
  writeItemsWorkspace(ws, ROWS);
  app = await AppContext.open({ workspaceDir: ws, dataDir: path.join(root, 'data'), mode: 'cli' });
  if (!app.workspace) throw new Error(JSON.stringify(app.problems));
  api = createApi(app);
  server = await startApiServer({ api });
  token = tokensFor(app).create({ user: app.user.name, name: 'ndjson', createdBy: app.user.name }).token;
});

afterAll(async () => {
  await server?.close();
  if (app) {
    closeTokens(app);
    await app.close();
  }
  rmSync(root, { recursive: true, force: true });
});

test('NDJSON over HTTP carries exactly the in-process rows, in order', async () => {
  const ast = { object: 'item', orderBy: [{ field: 'id', order: 'asc' }], limit: ROWS };
  const expected = ((await api.call('data.query', { query: ast }, { user: app.user.name, via: 'rest' })) as { rows: Record<string, unknown>[] }).rows;
  const res = await fetch(`${server.origin}/api/v1/data/item?sort=id&limit=${ROWS}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/ndjson/);
  const got = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(expected.length).toBe(ROWS);
  expect(got).toEqual(expected);
});
