/** Entry point of the `objectdesk` binary (bin/objectdesk.mjs loads the built copy; `npm run cli` runs this source). */
import { processIO } from './io';
import { runCli } from './program';

runCli(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`objectdesk: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
