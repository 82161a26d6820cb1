/**
 * Electron entry: one hardened window, the menu, and the API bound to IPC. With src/main/electron/ the
 * only code that imports 'electron'; everything else is the plain-Node engine.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, Notification, screen, session, shell } from 'electron';
import { createApi } from './api';
import { AppContext } from './app/context';
import { CONTENT_SECURITY_POLICY } from './app/csp';
import { defaultWorkspaceDir } from './app/paths';
import { packageRoot } from './app/version';
import { bindIpc } from './electron/ipc-binding';
import { hardenedWindowOptions, isAppUrl } from './electron/window-options';
import { loadWindowState, saveWindowState } from './electron/window-state';
import { setDesktopNotifier, startFlowScheduler } from './flows';

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  await app.whenReady();
  const ctx = await AppContext.open({
    workspaceDir: argValue('--workspace') ?? process.env.OBJECTDESK_WORKSPACE ?? defaultWorkspaceDir(packageRoot()),
    dataDir: argValue('--data-dir') ?? process.env.OBJECTDESK_DATA_DIR ?? app.getPath('userData'),
    user: argValue('--user'),
    mode: 'electron',
    watch: true,
  });
  const api = createApi(ctx);
  const unbind = bindIpc(ipcMain, api, (url) => url !== undefined && isAppUrl(url, devServerUrl));
  setDesktopNotifier({ notify: (title, body) => new Notification({ title, body }).show() });
  const flows = startFlowScheduler(ctx, api);

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // No remote content, ever: refuse permission prompts outright.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));

  const saved = loadWindowState(ctx.options.dataDir, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...hardenedWindowOptions(path.join(here, '../preload/index.cjs'), saved),
    ...(saved?.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
  });
  if (saved?.maximized) win.maximize();
  win.on('close', () => saveWindowState(ctx.options.dataDir, { ...win.getNormalBounds(), maximized: win.isMaximized() }));
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, devServerUrl)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    // External links open in the user's browser, never inside the app.
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  if (devServerUrl) await win.loadURL(devServerUrl);
  else await win.loadFile(path.join(here, '../renderer/index.html'));

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    unbind();
    void flows.stop().finally(() => ctx.close());
  });
}

main().catch((e: unknown) => {
  console.error(e);
  app.exit(1);
});
