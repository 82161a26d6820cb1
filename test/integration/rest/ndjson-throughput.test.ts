// 10,000 rows over REST as NDJSON against the same ObjectQL call in process: the stream must carry exactly
// the rows the engine returns; the time ratio (medians, same run) is printed, not asserted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
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
  mkdirSync(path.join(ws, 'objects'), { recursive: true });
  const db = new Database(path.join(ws, 'items.sqlite'));
  db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price NUMERIC NOT NULL, qty INTEGER, created TEXT)');
  const insert = db.prepare('INSERT INTO item VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) insert.run(i, `item ${i} ${'x'.repeat(i % 30)}`, (i % 997) + 0.5, i % 13, `2024-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00`);
  })();
  db.close();
  writeFileSync(
    path.join(ws, 'objectdesk.config.ts'),
    `import { defineWorkspace } from 'objectdesk';
export default defineWorkspace({
  name: 'Items',
  datasources: [{ name: 'main', driver: 'sqlite', config: { filename: 'items.sqlite' }, readOnly: true }],
  datasourceMapping: [{ default: true, datasource: 'main' }],
  query: { defaultLimit: 1000, maxLimit: 20000 },
});
`,
  );
  writeFileSync(
    path.join(ws, 'objects', 'item.object.ts'),
    `import { ObjectSchema, Field } from 'objectdesk';
export const Item = ObjectSchema.create({
  name: 'item',
  primaryKey: 'id',
  fields: {
    id: Field.number({ label: 'ID' }),
    name: Field.text({ label: 'Name' }),
    price: Field.currency({ label: 'Price', scale: 2 }),
    qty: Field.number({ label: 'Qty' }),
    created: Field.datetime({ label: 'Created' }),
  },
});
`,
  );
  app = await AppContext.open({ workspaceDir: ws, dataDir: path.join(root, 'data'), mode: 'cli' });
  if (!app.workspace) throw new Error(JSON.stringify(app.problems));
  api = createApi(app);
  server = await startApiServer({ api });
  token = tokensFor(app).create({ user: app.user.name, name: 'bench', createdBy: app.user.name }).token;
});

afterAll(async () => {
  await server?.close();
  if (app) {
    closeTokens(app);
    await app.close();
  }
  rmSync(root, { recursive: true, force: true });
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('NDJSON over HTTP carries exactly the in-process rows; ratio printed', async () => {
  const ast = { object: 'item', orderBy: [{ field: 'id', order: 'asc' }], limit: ROWS };
  const session = { user: app.user.name, via: 'rest' as const };
  const inProcess = async () => ((await api.call('data.query', { query: ast }, session)) as { rows: Record<string, unknown>[] }).rows;
  const overHttp = async () => {
    const res = await fetch(`${server.origin}/api/v1/data/item?sort=id&limit=${ROWS}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' } });
    expect(res.status).toBe(200);
    return res.text();
  };

  const expected = await inProcess();
  const text = await overHttp();
  const got = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(expected.length).toBe(ROWS);
  expect(got).toEqual(expected);

  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    await inProcess();
    a.push(performance.now() - t);
    t = performance.now();
    await overHttp();
    b.push(performance.now() - t);
  }
  const ratio = median(b) / median(a);
  console.log(`REST NDJSON of ${ROWS} rows: ${median(b).toFixed(1)} ms; ObjectQL in process: ${median(a).toFixed(1)} ms; ratio ${ratio.toFixed(2)}x`);
});
