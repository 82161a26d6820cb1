// Runs `runMcp` on this process's stdio, as `objectdesk mcp` does once the command is wired
// (argv: --workspace DIR --user NAME --data-dir DIR [--privacy]).
import { runMcp } from '../../../src/main/cli/commands/mcp';
import { processIO } from '../../../src/main/cli/io';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
runMcp({ workspace: arg('--workspace'), user: arg('--user'), dataDir: arg('--data-dir'), privacy: process.argv.includes('--privacy') || undefined }, processIO()).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
