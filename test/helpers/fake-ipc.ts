/**
 * An in-process stand-in for Electron's ipcMain/ipcRenderer pair, so the real IPC binding and the real
 * preload client can be tested together. Arguments are structured-cloned, as Electron does.
 */
import type { IpcEventLike, IpcMainLike } from '../../src/main/electron/ipc-binding';
import type { IpcRendererLike } from '../../src/preload/ipc-client';

type Listener = (event: unknown, ...args: unknown[]) => void;

export function createFakeIpc(frameUrl = 'file:///opt/objectdesk/out/renderer/index.html') {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  const mainListeners = new Map<string, Listener[]>();
  const rendererListeners = new Map<string, Listener[]>();
  const event: IpcEventLike = {
    sender: {
      id: 1,
      send: (channel, ...args) => {
        const cloned = structuredClone(args);
        queueMicrotask(() => rendererListeners.get(channel)?.forEach((l) => l({}, ...cloned)));
      },
    },
    senderFrame: { url: frameUrl },
  };
  const main: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    on: (channel, listener) => void mainListeners.set(channel, [...(mainListeners.get(channel) ?? []), listener as Listener]),
    removeHandler: (channel) => void handlers.delete(channel),
    removeAllListeners: (channel) => void mainListeners.delete(channel),
  };
  const renderer: IpcRendererLike = {
    async invoke(channel, ...args) {
      const h = handlers.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await h(event, ...structuredClone(args)));
    },
    send(channel, ...args) {
      const cloned = structuredClone(args);
      mainListeners.get(channel)?.forEach((l) => l(event, ...cloned));
    },
    on(channel, listener) {
      rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener]);
    },
  };
  return { main, renderer };
}
