/** The app's package root and version, found once by walking up from this module (src/main/app or out/main). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

let cached: { root: string; version: string } | undefined;

function locate(): { root: string; version: string } {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'objectdesk' && pkg.version) return (cached = { root: dir, version: pkg.version });
    } catch {
      /* keep walking */
    }
    dir = path.dirname(dir);
  }
  return (cached = { root: process.cwd(), version: '0.0.0' });
}

export const appVersion = (): string => locate().version;
export const packageRoot = (): string => locate().root;
/** Where `electron-vite build` puts the renderer. */
export const rendererBuildDir = (): string => path.join(packageRoot(), 'out', 'renderer');
