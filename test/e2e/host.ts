/** Starts browser mode (`objectdesk serve --json`) from the built CLI and returns the URL it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ServedApp {
  url: string;
  origin: string;
  stop(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function serveApp(args: string[] = []): Promise<ServedApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'out/main/cli.js'), 'serve', '--json', '--data-dir', dataDir, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const first = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`objectdesk serve exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`objectdesk serve printed no URL within 30 s: ${stderr}`)), 30_000);
  });
  const info = JSON.parse(first) as { url: string; origin: string };
  return {
    ...info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
