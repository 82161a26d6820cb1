/** Picks the transport: IPC inside Electron (the preload exposed `window.objectdesk`), HTTP in browser mode. */
import type { Bridge } from '../../../shared/api/bridge';
import type { ExposedApi } from '../../../preload/ipc-client';
import { createHttpBridge } from './http';
import { createIpcBridge } from './ipc';

declare global {
  interface Window {
    objectdesk?: ExposedApi;
  }
}

export function createBridge(): Bridge {
  return window.objectdesk ? createIpcBridge(window.objectdesk) : createHttpBridge();
}
