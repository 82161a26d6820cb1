/**
 * Governance overhead on small queries through the API, measured in one run on the demo (Chinook, SQLite):
 *  - audit: the same API calls with the app's audit log vs a no-op audit sink (goal ≤ 1.05), for 64 callers
 *    in flight (batching lets one commit serve many reads) and for one caller awaiting each commit;
 *  - permissions: Jane (record rules + hidden fields) vs the general manager (view all), both audited.
 * Run: npx tsx bench/governance.bench.ts   (OBJECTDESK_BENCH_QUICK=1 for a short run)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppContext } from '../src/main/app/context';
import { createApi, type Api } from '../src/main/api';

const quick = process.env.OBJECTDESK_BENCH_QUICK === '1';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-gov-bench-'));
const app = await AppContext.open({ workspaceDir: path.join(root, 'objects'), dataDir, mode: 'cli' });
const audited = createApi(app);
const unaudited = createApi(app, undefined, { audit: { append: async () => {}, ensureWritable: async () => {} } });
const jane = { user: 'jane.peacock', via: 'ui' as const, reason: 'bench' };
const andrew = { user: 'andrew.adams', via: 'ui' as const, reason: 'bench' };
const small = (id: number) => ({ query: { object: 'customer', fields: ['customer_id', 'first_name', 'city'], where: { customer_id: id } } });

async function run(api: Api, session: typeof jane, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await api.call('data.query', small((i % 59) + 1), session);
      }
    }),
  );
  return (performance.now() - t0) / total;
}

async function compare(label: string, a: () => Promise<number>, b: () => Promise<number>, rounds: number) {
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so warm-up and GC fall on both sides.
    if (r % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const ma = med(as);
  const mb = med(bs);
  console.log(`${label.padEnd(58)} ${(ma * 1000).toFixed(1).padStart(7)} µs vs ${(mb * 1000).toFixed(1).padStart(7)} µs  ratio ${(ma / mb).toFixed(3)}`);
  return ma / mb;
}

const n = quick ? 2000 : 10_000;
const rounds = quick ? 5 : 9;
await run(audited, jane, 2000, 16); // warm-up: statement and plan caches, the writer thread
await run(unaudited, jane, 2000, 16);
console.log(`governance bench: ${n} small API queries per measurement, median of ${rounds} (audit writer: ${app.audit.mode})`);
const concurrent = await compare('audit, 64 callers in flight (audited / not audited)', () => run(audited, jane, n, 64), () => run(unaudited, jane, n, 64), rounds);
await compare('audit, 1 caller awaiting each commit (audited / not audited)', () => run(audited, jane, n / 4, 1), () => run(unaudited, jane, n / 4, 1), rounds);
await compare('permissions: Jane (rules, hidden fields) / Andrew (view all)', () => run(unaudited, jane, n, 64), () => run(unaudited, andrew, n, 64), rounds);
console.log(`audit overhead goal ≤ 1.05 with callers in flight: ${concurrent <= 1.05 ? 'met' : 'NOT met'}`);
await app.close();
rmSync(dataDir, { recursive: true, force: true });
