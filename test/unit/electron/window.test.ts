// The Electron entry creates its window hardened: checked where the window is really created, by running
// src/main/index.ts against a recording stand-in for the 'electron' module.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src/main/app/csp';

const recorded = vi.hoisted(() => ({
  windowOptions: undefined as Record<string, unknown> | undefined,
  windowOpenHandler: undefined as ((d: { url: string }) => { action: string }) | undefined,
  willNavigate: undefined as ((e: { preventDefault(): void }, url: string) => void) | undefined,
  headersHook: undefined as ((d: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined,
  permissionHook: undefined as ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined,
  loaded: undefined as string | undefined,
  ready: undefined as Promise<void> | undefined,
  resolveReady: undefined as (() => void) | undefined,
  opened: [] as string[],
}));

vi.mock('electron', () => {
  recorded.ready = new Promise<void>((r) => (recorded.resolveReady = r));
  class BrowserWindow {
    webContents = {
      on: (ev: string, fn: never) => {
        if (ev === 'will-navigate') recorded.willNavigate = fn;
      },
      setWindowOpenHandler: (fn: never) => (recorded.windowOpenHandler = fn),
    };
    constructor(opts: Record<string, unknown>) {
      recorded.windowOptions = opts;
    }
    once() {}
    on() {}
    show() {}
    maximize() {}
    async loadFile(file: string) {
      recorded.loaded = file;
      recorded.resolveReady?.();
    }
    async loadURL(url: string) {
      recorded.loaded = url;
      recorded.resolveReady?.();
    }
  }
  const noop = () => undefined;
  return {
    app: { whenReady: async () => undefined, getPath: () => '/tmp/objectdesk-electron-test', on: noop, quit: noop, exit: noop },
    BrowserWindow,
    Notification: class {
      show() {}
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    ipcMain: { handle: noop, on: noop, removeHandler: noop, removeAllListeners: noop },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: never) => (recorded.headersHook = fn) },
        setPermissionRequestHandler: (fn: never) => (recorded.permissionHook = fn),
      },
    },
    shell: { openExternal: async (url: string) => void recorded.opened.push(url) },
  };
});

describe('Electron window', () => {
  it('is created hardened, with a CSP, and refuses navigation, new windows and permissions', async () => {
    process.argv.push('--workspace', path.resolve(__dirname, '../../../objects'), '--data-dir', '/tmp/objectdesk-electron-test');
    await import('../../../src/main/index');
    await recorded.ready;

    const prefs = recorded.windowOptions?.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(recorded.loaded).toMatch(/renderer[\\/]index\.html$/);

    // window.open is always denied; web links go to the system browser instead.
    expect(recorded.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(recorded.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(recorded.opened).toEqual(['https://example.com/']);

    // Navigation away from the bundled renderer is prevented.
    const prevent = vi.fn();
    recorded.willNavigate?.({ preventDefault: prevent }, 'https://evil.example/');
    expect(prevent).toHaveBeenCalledTimes(1);

    // Every response carries the strict CSP.
    let headers: unknown;
    recorded.headersHook?.({ responseHeaders: {} }, (r) => (headers = r));
    expect(headers).toEqual({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:/);

    const granted = vi.fn();
    recorded.permissionHook?.({}, 'geolocation', granted);
    expect(granted).toHaveBeenCalledWith(false);
  });
});
