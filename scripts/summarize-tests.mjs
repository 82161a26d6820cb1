// Adds up the vitest and Playwright JSON reports into the one closing line CI reads:
// "N passed, N failed, N skipped". Exits non-zero when anything failed or a report is missing.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0, failed = 0, skipped = 0, missing = [];
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) { missing.push(file); continue; }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (r.stats && 'expected' in r.stats) { // Playwright
    passed += r.stats.expected + (r.stats.flaky ?? 0);
    failed += r.stats.unexpected;
    skipped += r.stats.skipped;
  } else { // vitest (jest-compatible JSON)
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    if (r.numFailedTestSuites && !r.numFailedTests) failed += r.numFailedTestSuites;
  }
}
for (const m of missing) { console.log(`missing test report: ${m} (that stage did not run to the end)`); failed += 1; }
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
