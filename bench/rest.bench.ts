/**
 * REST streaming cost: a list of 10,000 rows as NDJSON over HTTP (`GET /api/v1/data/item`, token auth,
 * the `data.stream` operation, audit) against the same ObjectQL call in process (`data.query` through
 * the API, audited too), both measured in this run. Prints medians and the ratio. Correctness (the stream
 * carries exactly the in-process rows) is checked once before timing, and by
 * test/integration/rest/ndjson-throughput.test.ts.
 * Run: npx tsx bench/rest.bench.ts   (OBJECTDESK_BENCH_QUICK=1 for a short run)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { createApi } from '../src/main/api';
import { AppContext } from '../src/main/app/context';
import { startApiServer } from '../src/main/rest/api-server';
import { closeTokens, tokensFor } from '../src/main/tokens';
import { writeItemsWorkspace } from './fixtures/items-workspace';

const ROWS = 10_000;
const quick = process.env.OBJECTDESK_BENCH_QUICK === '1';
const rounds = quick ? 3 : 11;

const root = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-rest-bench-'));
const ws = path.join(root, 'ws');
writeItemsWorkspace(ws, ROWS);
const app = await AppContext.open({ workspaceDir: ws, dataDir: path.join(root, 'data'), mode: 'cli' });
try {
  if (!app.workspace) throw new Error(`The benchmark workspace did not load: ${JSON.stringify(app.problems)}`);
  const api = createApi(app);
  // The server as shipped (its rate limit's burst of 120 covers the 2 × rounds + 1 requests).
  const server = await startApiServer({ api });
  const token = tokensFor(app).create({ user: app.user.name, name: 'bench', createdBy: app.user.name }).token;
  try {
    const ast = { object: 'item', orderBy: [{ field: 'id', order: 'asc' }], limit: ROWS };
    const session = { user: app.user.name, via: 'rest' as const };
    const inProcess = async () => ((await api.call('data.query', { query: ast }, session)) as { rows: Record<string, unknown>[] }).rows;
    const overHttp = async () => {
      const res = await fetch(`${server.origin}/api/v1/data/item?sort=id&limit=${ROWS}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' } });
      if (res.status !== 200) throw new Error(`REST answered ${res.status}: ${await res.text()}`);
      return res.text();
    };

    const expected = await inProcess();
    const got = (await overHttp()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    if (expected.length !== ROWS || !isDeepStrictEqual(got, expected)) throw new Error(`NDJSON differs from the in-process rows (${got.length} vs ${expected.length} rows): not timing a wrong answer.`);

    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate the order so neither side always runs on a warmer machine.
      for (const side of i % 2 ? (['http', 'local'] as const) : (['local', 'http'] as const)) {
        const t = performance.now();
        if (side === 'local') await inProcess();
        else await overHttp();
        (side === 'local' ? a : b).push(performance.now() - t);
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const [local, http] = [median(a), median(b)];
    console.log(`rows: ${ROWS.toLocaleString('en')}, rounds: ${rounds} (medians)`);
    console.log(`  ObjectQL in process (data.query):   ${local.toFixed(1)} ms`);
    console.log(`  REST NDJSON over HTTP:              ${http.toFixed(1)} ms  (${((ROWS / http) * 1000).toFixed(0)} rows/s)`);
    console.log(`  ratio REST / in process:            ${(http / local).toFixed(2)}x`);
  } finally {
    await server.close();
  }
} finally {
  closeTokens(app);
  await app.close();
  rmSync(root, { recursive: true, force: true });
}
