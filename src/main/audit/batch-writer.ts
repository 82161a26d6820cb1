/**
 * Where batches are committed: in a worker thread (the default — canonicalising the AST, hashing and
 * inserting happen on another core, so the main thread only checks and snapshots entries), or inline on
 * the main thread when asked for or when the worker file is not there (a bundle that did not ship
 * writer-thread.mjs).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { EncodedBatch } from './batch-codec.mjs';
import { createCommitter } from './writer-core.mjs';

export type WriterMode = 'thread' | 'inline';

export interface BatchWriter {
  readonly mode: WriterMode;
  /** Commits a batch (batch-codec.mjs); resolves with the last seq written, rejects with an Error saying why. */
  commit(batch: EncodedBatch): Promise<number>;
  /** Inline writers only: commits at once; throws an Error whose message says why. */
  commitSync?(batch: EncodedBatch): number;
  /**
   * Thread writers only, for process exit: blocks until every posted batch has been answered, and returns
   * how many batches were committed since the writer started (in posting order: after a failed batch the
   * thread refuses the rest); undefined when `timeoutMs` passed first.
   */
  waitSync?(timeoutMs: number): number | undefined;
  /**
   * Thread writers only: batches committed since the writer started, read from shared memory — lets a
   * caller that never yields to the event loop see commits before their messages arrive.
   */
  committedSoFar?(): number;
  close(): Promise<void>;
}

export const WRITER_THREAD_URL = new URL('./writer-thread.mjs', import.meta.url);

export function writerThreadAvailable(): boolean {
  return WRITER_THREAD_URL.protocol === 'file:' && existsSync(fileURLToPath(WRITER_THREAD_URL));
}

export function inlineWriter(db: Database.Database, file: string): BatchWriter {
  const committer = createCommitter(db, file);
  return {
    mode: 'inline',
    commitSync: (batch) => committer.commit(batch),
    commit(batch) {
      try {
        return Promise.resolve(committer.commit(batch));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    close: async () => {},
  };
}

type Out =
  | { type: 'ready' }
  | { type: 'committed'; id: number; lastSeq: number }
  | { type: 'failed'; id?: number; reason: string }
  | { type: 'closed' };

export async function threadWriter(file: string): Promise<BatchWriter> {
  // [0] batches answered by the worker, [1] batches committed: lets process exit wait for the batches in
  // flight without the event loop (Atomics.wait).
  const progress = new Int32Array(new SharedArrayBuffer(8));
  let posted = 0;
  const worker = new Worker(WRITER_THREAD_URL, { workerData: { file, progress } });
  const pending = new Map<number, { resolve: (seq: number) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stopped: Error | null = null;
  let onReady: { resolve: () => void; reject: (e: Error) => void } | null = null;
  let onClosed: (() => void) | null = null;

  const stop = (e: Error) => {
    stopped ??= e;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
    onReady?.reject(stopped);
  };
  worker.on('message', (m: Out) => {
    if (m.type === 'ready') onReady?.resolve();
    else if (m.type === 'committed') {
      pending.get(m.id)?.resolve(m.lastSeq);
      pending.delete(m.id);
      settle();
    } else if (m.type === 'failed') {
      const e = new Error(m.reason);
      if (m.id === undefined) stop(e);
      else {
        pending.get(m.id)?.reject(e);
        pending.delete(m.id);
        settle();
      }
    } else if (m.type === 'closed') onClosed?.();
  });
  worker.on('error', (e) => stop(new Error(`the audit writer thread failed: ${e.message}`)));
  worker.on('exit', (code) => {
    stop(new Error(`the audit writer thread stopped (exit code ${code})`));
    onClosed?.();
  });
  // An idle writer must not keep a CLI process alive, but one with commits in flight must.
  const settle = () => (pending.size ? worker.ref() : worker.unref());

  await new Promise<void>((resolve, reject) => (onReady = { resolve, reject }));
  onReady = null;
  settle();

  return {
    mode: 'thread',
    commit(batch) {
      if (stopped) return Promise.reject(stopped);
      const id = nextId++;
      return new Promise<number>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        posted++;
        settle();
        worker.postMessage({ type: 'commit', id, batch });
      });
    },
    committedSoFar: () => Atomics.load(progress, 1),
    waitSync(timeoutMs) {
      const until = performance.now() + timeoutMs;
      for (;;) {
        const answered = Atomics.load(progress, 0);
        if (answered >= posted) return Atomics.load(progress, 1);
        const left = until - performance.now();
        if (left <= 0 || stopped) return undefined;
        Atomics.wait(progress, 0, answered, left);
      }
    },
    async close() {
      if (stopped) return;
      worker.ref();
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        worker.postMessage({ type: 'close' });
      });
      await worker.terminate();
    },
  };
}
