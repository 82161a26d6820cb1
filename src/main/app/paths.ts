/** Where the app keeps its own state (settings, chat, audit) when no --data-dir / OBJECTDESK_DATA_DIR is given. */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OBJECTDESK_DATA_DIR) return path.resolve(env.OBJECTDESK_DATA_DIR);
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'ObjectDesk');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'ObjectDesk');
  // Same folder Electron's app.getPath('userData') uses on Linux, so the CLI and the app share state.
  return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'ObjectDesk');
}

/** The bundled demo workspace: `objects/` at the repository (or packaged app) root. */
export function defaultWorkspaceDir(cwd: string = process.cwd()): string {
  return path.resolve(cwd, 'objects');
}
