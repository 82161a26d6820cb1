/**
 * Governance overhead on small queries through the API, measured in one run on the demo (Chinook, SQLite):
 *  - audit: the same API calls with the app's audit log vs a no-op audit sink, in the default mode ("answer,
 *    then commit": a read's entry is queued before its rows are returned and committed in the background;
 *    goal ≤ 1.05) for 64 callers in flight and for one caller at a time; and, for information, the strict
 *    `audit.waitForCommit` mode, where every read awaits its entry's commit;
 *  - permissions: Jane (record rules + hidden fields) vs the general manager (view all), both unaudited.
 * Each comparison runs its two sides as many adjacent pairs, alternating the order, and takes the median
 * of the pairs' wall-clock ratios (the goal; see compare() for why), with its quartiles, and for
 * information the medians of CPU time per call of the whole process — the writer thread's work shows there.
 * Run: npx tsx bench/governance.bench.ts   (OBJECTDESK_BENCH_QUICK=1 for a short run;
 *      OBJECTDESK_AUDIT_WRITER=inline|thread to pick the writer)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppContext } from '../src/main/app/context';
import { createApi, type Api } from '../src/main/api';
import { startHost, type RunningHost } from '../src/main/host/server';

const quick = process.env.OBJECTDESK_BENCH_QUICK === '1';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-gov-bench-'));
const app = await AppContext.open({ workspaceDir: path.join(root, 'objects'), dataDir, mode: 'cli' });
const audited = createApi(app, undefined, { waitForCommit: false });
const strict = createApi(app, undefined, { waitForCommit: true });
const unaudited = createApi(app, undefined, { audit: { append: async () => {}, ensureWritable: async () => {} } });
const jane = { user: 'jane.peacock', via: 'ui' as const, reason: 'bench' };
const andrew = { user: 'andrew.adams', via: 'ui' as const, reason: 'bench' };
const small = (id: number) => ({ query: { object: 'customer', fields: ['customer_id', 'first_name', 'city'], where: { customer_id: id } } });

/** The same small query through the headless host's HTTP RPC — the door the UI uses (client included). */
async function httpQuery(host: RunningHost, i: number): Promise<void> {
  const res = await fetch(`${host.origin}/api/rpc/data.query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input: small((i % 59) + 1), reason: 'bench' }),
  });
  if (res.status !== 200) throw new Error(`the host answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

interface Sample {
  /** wall-clock ms per call */
  wall: number;
  /** CPU ms per call, all threads of the process (the writer thread included) */
  cpu: number;
}

/** `total` calls of `one(i)`, `concurrency` of them in flight: wall-clock and CPU per call. */
async function measure(total: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<Sample> {
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const wall = (performance.now() - t0) / total;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 / total };
}

const run = (api: Api, session: typeof jane, total: number, concurrency: number) =>
  measure(total, concurrency, (i) => api.call('data.query', small((i % 59) + 1), session));
const runHttp = (host: RunningHost, total: number, concurrency: number) => measure(total, concurrency, (i) => httpQuery(host, i));

/**
 * `a` against `b`, run as `pairs` adjacent pairs (the order alternating). This machine's speed drifts by
 * more than the 5 % being measured within seconds, so each pair's ratio is taken on its own and the
 * verdict is the median of those ratios; the quartiles show how noisy the run was. The medians of each
 * side's own times are printed too.
 */
async function compare(label: string, a: () => Promise<Sample>, b: () => Promise<Sample>, pairs: number) {
  const as: Sample[] = [];
  const bs: Sample[] = [];
  for (let r = 0; r < pairs; r++) {
    // Alternate the order so warm-up and GC fall on both sides.
    if (r % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
  const at = (xs: number[], q: number) => sorted(xs)[Math.floor((xs.length - 1) * q)]!;
  const ratios = as.map((s, i) => s.wall / bs[i]!.wall);
  const ratio = at(ratios, 0.5);
  const us = (ms: number) => (ms * 1000).toFixed(1).padStart(6);
  console.log(
    `${label.padEnd(58)} ${us(at(as.map((s) => s.wall), 0.5))} µs vs ${us(at(bs.map((s) => s.wall), 0.5))} µs  ratio ${ratio.toFixed(3)} ` +
      `(quartiles ${at(ratios, 0.25).toFixed(3)}–${at(ratios, 0.75).toFixed(3)})   ` +
      `(CPU, all threads: ${us(at(as.map((s) => s.cpu), 0.5))} vs ${us(at(bs.map((s) => s.cpu), 0.5))} µs)`,
  );
  return ratio;
}

// Many short pairs rather than a few long rounds: see compare().
const n = quick ? 1000 : 3000;
/** Pairs for the in-process goal (the smallest effect, so the most pairs), and for every other comparison. */
const goalPairs = quick ? 15 : 61;
const rounds = quick ? 11 : 31;
await run(audited, jane, 2000, 16); // warm-up: statement and plan caches, the writer thread
await run(strict, jane, 2000, 16);
await run(unaudited, jane, 2000, 16);
console.log(`governance bench: ${n} small API queries per measurement, ${goalPairs} alternating pairs (in process) or ${rounds}, median of the pairs' ratios (audit writer: ${app.audit.mode})`);
const concurrent = await compare('audit, 64 callers in flight (audited / not audited)', () => run(audited, jane, n, 64), () => run(unaudited, jane, n, 64), goalPairs);
const sequential = await compare('audit, 1 caller at a time (audited / not audited)', () => run(audited, jane, n, 1), () => run(unaudited, jane, n, 1), goalPairs);
await app.audit.flush();
// As the UI calls it: HTTP to the headless host, the signed-in user (the same host, token and data; only
// the audit differs). The client runs in this process too, so its cost is in both sides.
const hostAudited = await startHost({ api: audited });
const hostUnaudited = await startHost({ api: unaudited });
await runHttp(hostAudited, 1000, 4);
await runHttp(hostUnaudited, 1000, 4);
const httpN = quick ? 200 : 500;
const httpSeq = await compare('audit through the UI host (HTTP), 1 caller at a time', () => runHttp(hostAudited, httpN, 1), () => runHttp(hostUnaudited, httpN, 1), rounds);
const httpPar = await compare('audit through the UI host (HTTP), 8 callers in flight', () => runHttp(hostAudited, httpN, 8), () => runHttp(hostUnaudited, httpN, 8), rounds);
await hostAudited.close();
await hostUnaudited.close();
await app.audit.flush();
await compare('info: waitForCommit, 64 callers in flight (strict / not)', () => run(strict, jane, n, 64), () => run(unaudited, jane, n, 64), rounds);
await compare('info: waitForCommit, 1 caller at a time (strict / not)', () => run(strict, jane, n, 1), () => run(unaudited, jane, n, 1), rounds);
await compare('permissions: Jane (rules, hidden fields) / Andrew (view all)', () => run(unaudited, jane, n, 64), () => run(unaudited, andrew, n, 64), rounds);
const verdict = (r: number) => (r <= 1.05 ? 'met' : 'NOT met');
console.log(`audit overhead goal ≤ 1.05 (default mode): in process (api.call, no transport) 64 in flight ${verdict(concurrent)}, 1 at a time ${verdict(sequential)}; through the UI host (HTTP) 1 at a time ${verdict(httpSeq)}, 8 in flight ${verdict(httpPar)}`);
await app.audit.flush();
const report = app.audit.verify();
console.log(`audit log after the run: ${report.entries} entries, chain ${report.ok ? 'verifies' : 'BROKEN'}`);
await app.close();
rmSync(dataDir, { recursive: true, force: true });
