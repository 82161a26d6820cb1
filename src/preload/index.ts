/** Preload: exposes the typed API (and nothing else) to the sandboxed renderer as `window.objectdesk`. */
import { contextBridge, ipcRenderer } from 'electron';
import { createIpcClient } from './ipc-client';

contextBridge.exposeInMainWorld('objectdesk', createIpcClient(ipcRenderer));
