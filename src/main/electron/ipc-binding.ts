/**
 * Binds the API to Electron IPC. Written against minimal structural types instead of 'electron' so the
 * same binding runs in unit tests with an in-process channel pair.
 */
import { IPC, type IpcResult } from '../../shared/api/bridge';
import type { Api } from '../api';
import { toApiError } from '../api';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): void;
  removeHandler(channel: string): void;
  removeAllListeners(channel: string): void;
}
export interface IpcEventLike {
  sender: { send(channel: string, ...args: unknown[]): void; id: number };
  senderFrame?: { url: string } | null;
}

export function bindIpc(ipcMain: IpcMainLike, api: Api, isTrustedSender: (url: string | undefined) => boolean): () => void {
  const running = new Map<string, AbortController>();
  const session = (reason: unknown) => ({
    user: api.app.user.name,
    via: 'ui' as const,
    ...(typeof reason === 'string' && reason ? { reason: reason.slice(0, 2000) } : {}),
  });
  const trusted = (event: IpcEventLike) => isTrustedSender(event.senderFrame?.url);

  ipcMain.handle(IPC.call, async (event, op, input, reason): Promise<IpcResult<unknown>> => {
    if (!trusted(event)) return { ok: false, error: { error: { code: 'forbidden', message: 'IPC from an untrusted frame was refused.' } } };
    try {
      return { ok: true, value: await api.call(String(op), input, session(reason)) };
    } catch (e) {
      return { ok: false, error: toApiError(e).toBody() };
    }
  });

  ipcMain.on(IPC.streamStart, (event, id, op, input, reason) => {
    const streamId = String(id);
    const key = `${event.sender.id}:${streamId}`;
    if (!trusted(event)) {
      event.sender.send(IPC.streamEnd, streamId, { error: { code: 'forbidden', message: 'IPC from an untrusted frame was refused.' } });
      return;
    }
    const abort = new AbortController();
    running.set(key, abort);
    void (async () => {
      try {
        for await (const ev of api.stream(String(op), input, session(reason), abort.signal)) {
          event.sender.send(IPC.streamEvent, streamId, ev);
        }
        event.sender.send(IPC.streamEnd, streamId, null);
      } catch (e) {
        event.sender.send(IPC.streamEnd, streamId, toApiError(e).toBody());
      } finally {
        running.delete(key);
      }
    })();
  });

  ipcMain.on(IPC.streamCancel, (event, id) => {
    running.get(`${event.sender.id}:${String(id)}`)?.abort();
  });

  return () => {
    for (const a of running.values()) a.abort();
    ipcMain.removeHandler(IPC.call);
    ipcMain.removeAllListeners(IPC.streamStart);
    ipcMain.removeAllListeners(IPC.streamCancel);
  };
}
