#!/usr/bin/env node
// The installed `objectdesk` command: runs the built CLI (out/main/cli.js, made by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'out', 'main', 'cli.js');
if (!existsSync(built)) {
  process.stderr.write(`objectdesk: the CLI is not built yet (${built} is missing). Run \`npm run build\` in ${root}, or use \`npm run cli -- <args>\`.\n`);
  process.exit(1);
}
await import(pathToFileURL(built).href);
