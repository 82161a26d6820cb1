/** Electron: the Bridge over the preload's `window.objectdesk` (IPC to the main process). */
import type { Bridge } from '../../../shared/api/bridge';
import { ApiError } from '../../../shared/api/errors';
import type { ExposedApi } from '../../../preload/ipc-client';

export function createIpcBridge(exposed: ExposedApi): Bridge {
  return {
    async call(op, input, reason) {
      const r = await exposed.call(op, input, reason);
      if (!r.ok) throw ApiError.fromBody(r.error);
      return r.value as never;
    },
    stream(op, input, onEvent, reason) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const handle = exposed.stream(
        op,
        input,
        {
          onEvent: (e) => onEvent(e as never),
          onEnd: (error) => (error ? reject(ApiError.fromBody(error)) : resolve()),
        },
        reason,
      );
      return {
        cancel: () => {
          handle.cancel();
        },
        done,
      };
    },
  };
}
