/** Opens an AppContext on a workspace (the demo by default) with a throwaway app data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppContext, type AppMode } from '../../src/main/app/context';

export const DEMO_WORKSPACE = path.resolve(__dirname, '../../objects');

export async function openTestApp(opts: { workspaceDir?: string; user?: string; mode?: AppMode } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-data-'));
  const app = await AppContext.open({
    workspaceDir: opts.workspaceDir ?? DEMO_WORKSPACE,
    dataDir,
    user: opts.user,
    mode: opts.mode ?? 'cli',
  });
  return {
    app,
    dataDir,
    async dispose() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
