/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after another (these machines have
 * two cores; parallel benchmarks would measure each other). Each benchmark prints ratios against a
 * baseline it measures in the same run, because absolute times mean little on shared machines.
 * `npm run bench -- introspect` runs only the files whose name contains "introspect".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No benchmark matches "${filter ?? ''}". Available: ${readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(dir, f)], { stdio: 'inherit', env: { ...process.env, OBJECTDESK_BENCH: '1' } });
  if (r.status !== 0) {
    failed++;
    console.log(`!!! ${f} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
