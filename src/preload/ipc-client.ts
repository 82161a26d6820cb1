/**
 * The renderer-facing API over IPC, written against a minimal ipcRenderer shape so it is testable
 * without Electron. Exposed to the page by src/preload/index.ts through contextBridge — nothing else is.
 */
import { IPC, type IpcResult } from '../shared/api/bridge';
import type { ApiErrorBody } from '../shared/api/errors';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** What the page sees as `window.objectdesk`: plain functions and data, no Electron objects. */
export interface ExposedApi {
  call(op: string, input: unknown, reason?: string): Promise<IpcResult<unknown>>;
  stream(
    op: string,
    input: unknown,
    handlers: { onEvent(event: unknown): void; onEnd(error: ApiErrorBody | null): void },
    reason?: string,
  ): { cancel(): void };
}

export function createIpcClient(ipc: IpcRendererLike): ExposedApi {
  let nextId = 0;
  const listeners = new Map<string, { onEvent(event: unknown): void; onEnd(error: ApiErrorBody | null): void }>();
  ipc.on(IPC.streamEvent, (_e, id, event) => listeners.get(String(id))?.onEvent(event));
  ipc.on(IPC.streamEnd, (_e, id, error) => {
    const l = listeners.get(String(id));
    listeners.delete(String(id));
    l?.onEnd((error as ApiErrorBody | null) ?? null);
  });
  return {
    call: (op, input, reason) => ipc.invoke(IPC.call, op, input, reason) as Promise<IpcResult<unknown>>,
    stream(op, input, handlers, reason) {
      const id = `s${++nextId}`;
      listeners.set(id, handlers);
      ipc.send(IPC.streamStart, id, op, input, reason);
      return { cancel: () => ipc.send(IPC.streamCancel, id) };
    },
  };
}
