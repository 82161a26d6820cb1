/**
 * The one interface the renderer (and any other in-app caller) uses to reach the API. Implemented over
 * IPC in Electron and over HTTP in browser mode; both carry the same operations unchanged.
 */
import type { EventOf, InputOf, OutputOf, QueryName, StreamName } from './contract';

export interface StreamHandle {
  /** Stops the stream; the main process stops producing (and cancels database work) too. */
  cancel(): void;
  /** Resolves when the stream ends normally; rejects with an ApiError. */
  done: Promise<void>;
}

export interface Bridge {
  call<K extends QueryName>(op: K, input: InputOf<K>, reason?: string): Promise<OutputOf<K>>;
  stream<K extends StreamName>(op: K, input: InputOf<K>, onEvent: (event: EventOf<K>) => void, reason?: string): StreamHandle;
}

/** Channel names shared by main and preload. */
export const IPC = {
  call: 'objectdesk:call',
  streamStart: 'objectdesk:stream:start',
  streamCancel: 'objectdesk:stream:cancel',
  streamEvent: 'objectdesk:stream:event',
  streamEnd: 'objectdesk:stream:end',
} as const;

/** What crosses the IPC boundary for a call: never throws across it, always one of these. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: import('./errors').ApiErrorBody };
