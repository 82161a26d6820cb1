/**
 * The audit log as the engine uses it. Every entry is checked and snapshotted on the spot (so later
 * mutation of the caller's AST cannot change the record; an AST the engine built from a prepared template
 * is recorded as built: ast-text.ts) and queued, in order, before the caller goes on (record.ts); the queue
 * is committed in the background as one WAL transaction per batch (after the batch window, or as soon as
 * `maxBatch` entries wait). Up to MAX_INFLIGHT batches may be at the writer thread; it
 * commits them in order and refuses every batch after a failed one, so the chain keeps the queue's order
 * even when a commit fails.
 *
 * Two ways to hand over an entry:
 *  - `enqueue()` ("answer, then commit"): resolves as soon as the entry is queued. Reads use it: rows are
 *    returned without waiting for the commit. It rejects with AuditUnavailableError while the log is known
 *    to be unwritable, so reads fail closed; it waits for the writer when `maxQueue` entries are waiting.
 *  - `append()` (strict): resolves once the entry is committed. Writes, and reads in `audit.waitForCommit`
 *    mode, use it.
 *
 * Fail closed: a failed commit, or a change to the file noticed by a watch on its folder (deleted,
 * moved, replaced) or by a cheap re-check (one stat at most every `recheckMs` while calls arrive), puts
 * the log in the failed state: every new entry is refused until `ensureWritable()` manages to reopen the file. Entries already
 * queued are never dropped: a failed batch goes back to the head of the queue and is committed first,
 * in order, once the log recovers; `close()` and process exit flush what is queued.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { describeZodError } from '../../shared/api/errors';
import { appStorePath, openAppStore } from '../store/app-store';
import { inlineWriter, threadWriter, writerThreadAvailable, type BatchWriter, type WriterMode } from './batch-writer';
import { AuditInputSchema, quickAccept, type AuditEntry, type AuditFilter, type AuditInput } from './entry';
import { AuditInputError, AuditUnavailableError } from './errors';
import { exportCsv } from './export-csv';
import { listEntries } from './list';
import { RecordFormatter } from './record';
import { RecordQueue, type Batch } from './record-queue';
import { migrateAudit } from './schema';
import { verifyChain, type VerifyReport } from './verify';
import { checkFile, createCommitter, type FileIdentity } from './writer-core.mjs';

export interface AuditLogOptions {
  /** The app data folder; the log is `<dataDir>/objectdesk.sqlite`. It must exist (AppContext creates it). */
  dataDir: string;
  /**
   * `thread` (default) commits in a worker thread, so canonicalising, hashing and inserting stay off the
   * thread that serves reads; `inline` commits on the calling thread (also used when the worker file is
   * missing from a bundle).
   */
  mode?: WriterMode;
  /**
   * Commit as soon as this many entries are queued, without waiting for the batch window (default 4096).
   * A batch costs the reading thread about the same whatever its size (see `batchWindowMs`), so under a
   * steady stream of reads, or a caller that never yields to the event loop (the window's timer cannot
   * fire), bigger batches mean fewer of them.
   */
  maxBatch?: number;
  /** Queued (uncommitted) entries beyond which `enqueue()` waits for the writer (default 10,000). */
  maxQueue?: number;
  /**
   * While healthy, the file is stat()ed at most once per this many ms as calls arrive (default 20). The
   * writer checks it before every batch anyway; this catches a chmod on the reading thread too. A stat
   * measured ~2 µs alone but ~40 µs while the writer thread was committing to the same file.
   */
  recheckMs?: number;
  /**
   * Answered entries wait up to this many ms for company before their batch is committed (default 50; 0 =
   * the next turn of the event loop). Each batch handed to the writer thread cost the reading thread
   * ~0.1–0.3 ms on a 2-core VM, however small (posting it wakes the thread; its answer comes back as an
   * event): at 5 ms, one HTTP call at a time paid ~5 % for it, at 50 ms ~2 % (docs/audit.md,
   * "Performance"). The window bounds how long an answered read is only in memory (docs/audit.md, "The
   * window"). Strict entries never wait for it.
   */
  batchWindowMs?: number;
}

interface Waiter {
  /** Resolved once this many entries (counted since open) are committed. */
  upTo: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** Logs still open, flushed synchronously if the process exits without closing them. */
const live = new Set<AuditLog>();
let exitHook = false;

export class AuditLog {
  readonly path: string;
  private readonly maxBatch: number;
  private readonly batchWindowMs: number;
  private readonly maxQueue: number;
  private readonly recheckMs: number;
  private db: Database.Database | null = null;
  private writer: BatchWriter | null = null;
  private identity: FileIdentity | null = null;
  private watchers: FSWatcher[] = [];
  /** Records (record.ts) not yet handed to the writer; a failed batch is put back at the head. */
  private readonly queue = new RecordQueue();
  /**
   * Batches at the writer, oldest first (at most MAX_INFLIGHT; the inline writer never has one). The thread
   * commits them in order and refuses every batch after a failed one, so on a failure all of them go back
   * to the head of the queue in order.
   */
  private inflight: Batch[] = [];
  private inflightDone: Promise<void> = HEALTHY;
  /** Batches the current thread writer has committed, as counted here. */
  private writerCommitted = 0;
  /** Commits on the main connection, for strict callers while nothing is at the thread (thread mode). */
  private onMain: ((batch: Batch) => number) | null = null;
  private enqueued = 0;
  private committed = 0;
  /** strict appends and flushes, in `upTo` order */
  private waiters: Waiter[] = [];
  /** enqueue() calls held back while the queue is over `maxQueue` */
  private roomWaiters: Waiter[] = [];
  private scheduled = false;
  private microScheduled = false;
  private failure: AuditUnavailableError | null = null;
  private recovering: Promise<void> | null = null;
  private closed = false;
  private lastCheck = -Infinity;
  private dirty = false;
  private readonly records = new RecordFormatter();

  private constructor(private readonly options: AuditLogOptions) {
    this.path = appStorePath(options.dataDir);
    this.maxBatch = options.maxBatch ?? 4096;
    this.maxQueue = options.maxQueue ?? 10_000;
    this.recheckMs = options.recheckMs ?? 20;
    this.batchWindowMs = options.batchWindowMs ?? 50;
  }

  /** Never throws for an unwritable log: it opens in the failed state and `ensureWritable()` says why. */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const log = new AuditLog(options);
    try {
      await log.connect();
    } catch (e) {
      log.fail(e);
    }
    live.add(log);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const l of live) l.flushAtExit();
      });
    }
    return log;
  }

  /** `thread` or `inline` once open; null while the log is unavailable. */
  get mode(): WriterMode | null {
    return this.writer?.mode ?? null;
  }

  /** Null when entries can be written, else the error every read gets. */
  get unavailable(): AuditUnavailableError | null {
    return this.failure;
  }

  /** Entries queued or at the writer and not yet committed. */
  get queued(): number {
    return this.enqueued - this.committed;
  }

  /**
   * "Answer, then commit": formats and queues one entry and resolves as soon as it is queued — the
   * caller may return its rows at once; the entry is committed in the background and never dropped
   * while the process lives. Rejects with AuditUnavailableError when the log is known to be unwritable
   * (fail the read) or AuditInputError (the entry itself was refused, nothing queued). Waits for the
   * writer when more than `maxQueue` entries are uncommitted.
   */
  enqueue(input: AuditInput): Promise<void> {
    try {
      this.put(input, false);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.enqueued - this.committed <= this.maxQueue) return HEALTHY;
    if (this.inflight.length) this.reap();
    if (this.enqueued - this.committed <= this.maxQueue) return HEALTHY;
    // Backpressure: the caller waits until the writer has brought the queue back under the bound.
    return this.wait(this.roomWaiters, this.enqueued - this.maxQueue);
  }

  /**
   * Strict: queues one entry like `enqueue()` and resolves once it is committed. Rejects with
   * AuditUnavailableError (fail the call) when it cannot be — the entry itself stays queued and is
   * committed when the log recovers — or with AuditInputError.
   */
  append(input: AuditInput): Promise<void> {
    try {
      this.put(input, true);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.wait(this.waiters, this.enqueued);
  }

  /** Commits everything queued so far; rejects while the log cannot be written (the entries stay queued). */
  flush(): Promise<void> {
    if (this.enqueued === this.committed) return HEALTHY;
    if (this.failure) return Promise.reject(this.failure);
    this.dispatch();
    return this.wait(this.waiters, this.enqueued);
  }

  /**
   * Resolves when entries can be written. Costs nothing while healthy (a stat at most once per
   * `recheckMs`, or right after the watch saw the file renamed in its folder); after a failure it reopens
   * the file and the writer and commits the entries kept from failed batches first, so reads resume as
   * soon as the cause (permissions, a missing folder) is fixed.
   */
  ensureWritable(): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailableError(this.path, 'the audit log was closed'));
    if (this.failure) return this.recover();
    try {
      this.check();
    } catch {
      return this.recover();
    }
    return HEALTHY;
  }

  /**
   * The entries, oldest first. What is queued is committed first (the thread writer is waited for,
   * blocking, a few ms at most), so an entry shows as soon as its call returned.
   */
  list(filter: AuditFilter = {}): AuditEntry[] {
    return listEntries(this.readDb(), filter);
  }

  /** Streams the filtered entries as CSV; resolves with the number of entries written. */
  exportCsv(filter: AuditFilter, out: NodeJS.WritableStream): Promise<number> {
    return exportCsv(this.readDb(), filter, out);
  }

  verify(): VerifyReport {
    return verifyChain(this.readDb());
  }

  /** Flushes (after one attempt to reopen a failed log) and stops the writer. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.failure && this.queued > 0) await this.recover();
      await this.flush();
    } catch {
      /* the log cannot be written; the callers of strict appends were told */
    }
    this.closed = true;
    live.delete(this);
    await this.disconnect();
  }

  /** Validates, formats and queues one entry (throws when the log is known unwritable or the entry is refused). */
  private put(input: AuditInput, strict: boolean): void {
    if (this.closed) throw new AuditUnavailableError(this.path, 'the audit log was closed');
    const now = Date.now();
    this.check(now);
    this.records.write(this.queue, this.accept(input), now);
    this.queue.added();
    this.enqueued++;
    if (this.queue.size >= this.maxBatch) this.dispatch();
    else if (strict) {
      // A strict caller waits for the commit: do not make it wait a whole turn for company as well;
      // appends made in the same tick still share one commit.
      if (!this.microScheduled) {
        this.microScheduled = true;
        queueMicrotask(() => {
          this.microScheduled = false;
          this.dispatch();
        });
      }
    } else this.schedule();
  }

  /** Commit after the batch window (or at the next turn), so the entries meanwhile share one batch. */
  private schedule(): void {
    if (this.scheduled || this.inflight.length) return; // a batch at the writer dispatches the next when it is done
    this.scheduled = true;
    // Unref'd: a CLI that is done need not wait for the window; the exit hook commits what is queued.
    if (this.batchWindowMs > 0) setTimeout(this.onTurn, this.batchWindowMs).unref();
    else setImmediate(this.onTurn);
  }

  private readonly onTurn = (): void => {
    this.scheduled = false;
    this.dispatch();
  };

  /** Throws the failure when the log is known unwritable; re-checks the file at most once per `recheckMs`. */
  private check(now = Date.now()): void {
    if (this.failure) throw this.failure;
    if (!this.dirty) {
      // The wall clock (read once per entry for its time too): a clock set back re-checks at once.
      if (now - this.lastCheck < this.recheckMs && now >= this.lastCheck) return;
      this.lastCheck = now;
    }
    this.dirty = false;
    try {
      checkFile(this.path, this.identity);
    } catch (e) {
      this.fail(e);
      throw this.failure!;
    }
  }

  /** The entry if AuditInputSchema accepts it (the hand check first: it is on every read); else AuditInputError. */
  private accept(input: AuditInput): AuditInput {
    if (quickAccept(input)) return input;
    const parsed = AuditInputSchema.safeParse(input);
    if (parsed.success) return parsed.data;
    const { message, path: at } = describeZodError(parsed.error, 'entry');
    throw new AuditInputError(message, at);
  }

  private wait(list: Waiter[], upTo: number): Promise<void> {
    if (this.committed >= upTo) return HEALTHY;
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => list.push({ upTo, resolve, reject }));
  }

  /** Hands everything queued to the writer as one batch (the thread writer takes up to MAX_INFLIGHT at once). */
  private dispatch(): void {
    if (this.failure || !this.writer || this.queue.size === 0) return;
    if (this.inflight.length >= MAX_INFLIGHT && !this.reap()) return;
    const batch = this.queue.take();
    const writer = this.writer;
    // A strict caller waits for this commit: with nothing at the thread, committing here on the main
    // connection saves the round trip to the thread (the order holds: nothing else is being committed).
    const commitSync = writer.commitSync ?? (this.waiters.length && !this.inflight.length ? this.onMain : null);
    if (commitSync) {
      try {
        commitSync(batch);
      } catch (e) {
        this.queue.putBack([batch]);
        this.failed(e);
        return;
      }
      this.committedBatch(batch.count);
      return;
    }
    this.inflight.push(batch);
    this.inflightDone = writer.commit(batch).then(
      () => {
        if (this.inflight[0] !== batch) return; // already counted by reap(), or put back after a failure
        this.inflight.shift();
        this.writerCommitted++;
        this.committedBatch(batch.count);
      },
      (e: unknown) => {
        if (this.inflight.includes(batch)) this.failed(e);
      },
    );
  }

  /**
   * Counts the batches the thread has committed whose answers have not arrived yet (a caller that never
   * yields to the event loop holds them back). Returns whether room was made for another batch.
   */
  private reap(): boolean {
    const done = this.writer?.committedSoFar?.() ?? this.writerCommitted;
    let freed = false;
    while (this.writerCommitted < done && this.inflight.length) {
      this.writerCommitted++;
      this.committed += this.inflight.shift()!.count;
      freed = true;
    }
    if (freed) {
      settle(this.waiters, this.committed);
      if (this.roomWaiters.length) settle(this.roomWaiters, this.committed);
    }
    return this.inflight.length < MAX_INFLIGHT;
  }

  private committedBatch(n: number): void {
    this.committed += n;
    settle(this.waiters, this.committed);
    if (this.roomWaiters.length) settle(this.roomWaiters, this.committed);
    // The log failed (a re-check) while this batch was at the writer: the rest cannot be committed now.
    if (this.failure) {
      if (!this.inflight.length) this.rejectWaiters();
    } else if (this.queue.size >= this.maxBatch || this.waiters.length) this.dispatch();
    else if (this.queue.size) this.schedule();
  }

  /** A batch could not be committed: keep it and every later one at the head of the queue, in order, and refuse new entries. */
  private failed(e: unknown): void {
    this.fail(e);
    this.queue.putBack(this.inflight.splice(0));
    this.rejectWaiters();
  }

  private rejectWaiters(): void {
    const err = this.failure!;
    for (const list of [this.waiters, this.roomWaiters]) {
      for (const w of list.splice(0)) w.reject(err);
    }
  }

  private fail(e: unknown): void {
    if (this.failure) return;
    this.failure = e instanceof AuditUnavailableError ? e : new AuditUnavailableError(this.path, reasonOf(e));
    // Strict callers are told at once, unless batches at the writer may still commit their entries.
    if (!this.inflight.length) this.rejectWaiters();
  }

  /** One reopen at a time; concurrent callers share it. */
  private recover(): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailableError(this.path, 'the audit log was closed'));
    return (this.recovering ??= this.reopen().finally(() => (this.recovering = null)));
  }

  private async reopen(): Promise<void> {
    // Let the batches at the writer finish (each commits or comes back to the queue) before a new writer starts.
    while (this.inflight.length) await this.inflightDone;
    await this.disconnect();
    try {
      await this.connect();
      this.failure = null;
    } catch (e) {
      this.failure = null;
      this.fail(e);
      throw this.failure;
    }
    // The entries kept from failed batches go first, in their order; the log is writable once they are in.
    if (this.queued > 0) {
      const done = this.wait(this.waiters, this.enqueued);
      this.dispatch();
      await done;
    }
  }

  private async connect(): Promise<void> {
    const dir = path.dirname(this.path);
    if (!existsSync(dir)) throw new Error(`its folder ${dir} does not exist`);
    const db = openAppStore(this.path);
    try {
      migrateAudit(db);
      const identity = checkFile(this.path, null);
      probeWrite(db);
      const mode = this.options.mode ?? 'thread';
      this.writer = mode === 'thread' && writerThreadAvailable() ? await threadWriter(this.path) : inlineWriter(db, this.path);
      this.writerCommitted = 0;
      // Checked against the same file as the writer: prepared now, while its identity is the one opened.
      const onMain = this.writer.commitSync ? null : createCommitter(db, this.path);
      this.onMain = onMain && ((batch) => onMain.commit(batch));
      this.db = db;
      this.identity = identity;
      this.lastCheck = Date.now();
      this.dirty = false;
      this.watch(dir);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * The file deleted, moved or replaced (a `rename` of its name in the folder) triggers a re-check at once,
   * off the read path, so the next read is refused even if it comes within the re-check interval. `change`
   * events are ignored: every commit makes them, and a chmod is found by the re-check before the next
   * entry (at most `recheckMs` later) and by the writer before every batch.
   */
  private watch(dir: string): void {
    const base = path.basename(this.path);
    const onMoved = () => {
      this.dirty = true;
      if (this.failure || !this.identity) return;
      try {
        this.check();
      } catch {
        /* now in the failed state; the next read is refused with the reason */
      }
    };
    try {
      const w = watch(dir, { persistent: false }, (event, name) => {
        if (event === 'rename' && (name === null || name === base)) onMoved();
      });
      w.on('error', onMoved); // e.g. the folder itself was removed
      this.watchers.push(w);
    } catch {
      /* no watch on this platform or file system: the periodic re-check still runs */
    }
  }

  private async disconnect(): Promise<void> {
    for (const w of this.watchers.splice(0)) w.close();
    const writer = this.writer;
    const db = this.db;
    this.writer = null;
    this.db = null;
    this.identity = null;
    this.onMain = null;
    await writer?.close().catch(() => {});
    try {
      db?.close();
    } catch {
      /* already broken; nothing to release */
    }
  }

  /**
   * The process is exiting without close(): commit what is queued synchronously. A batch at the writer
   * thread is waited for (bounded) first, so the chain keeps its order; entries that cannot be written
   * now are lost with the process — the only window in which a served read can miss its entry.
   */
  private flushAtExit(): void {
    if (this.closed || this.enqueued === this.committed) return;
    try {
      if (this.inflight.length) {
        // Batches at the writer thread: wait (bounded) for its answers, count what it committed, and put
        // the rest back in order; if it does not answer, committing after it could break the chain's order.
        const ok = this.writer?.waitSync?.(2000);
        if (ok === undefined) return;
        const committedNow = ok - this.writerCommitted;
        for (let i = 0; i < committedNow; i++) this.committed += this.inflight.shift()!.count;
        this.queue.putBack(this.inflight.splice(0));
      }
      if (this.queue.size === 0) return;
      const db = openAppStore(this.path);
      try {
        const batch = this.queue.take();
        try {
          createCommitter(db, this.path).commit(batch);
        } catch (e) {
          this.queue.putBack([batch]);
          throw e;
        }
        this.committed += batch.count;
      } finally {
        db.close();
      }
    } catch {
      /* nothing more can be done while exiting */
    }
  }

  /** The connection for reading the log, after committing what is queued (read your own entries). */
  private readDb(): Database.Database {
    const db = this.requireDb();
    const writer = this.writer;
    if (!writer?.waitSync) {
      this.dispatch();
      return db;
    }
    for (let i = 0; i < 1000 && !this.failure && (this.queue.size || this.inflight.length); i++) {
      this.dispatch();
      if (writer.waitSync(5000) === undefined) break;
      const before = this.committed;
      this.reap();
      // A batch failed: the failed state arrives with its answer; list what is committed.
      if (this.committed === before) break;
    }
    return db;
  }

  private requireDb(): Database.Database {
    if (!this.db) throw this.failure ?? new AuditUnavailableError(this.path, 'the audit log is not open');
    return this.db;
  }
}

const HEALTHY = Promise.resolve();
/** Batches that may be at the thread writer at once; more waits in the queue as one bigger batch. */
const MAX_INFLIGHT = 4;

function settle(list: Waiter[], upTo: number): void {
  let i = 0;
  while (i < list.length && list[i]!.upTo <= upTo) list[i++]!.resolve();
  if (i) list.splice(0, i);
}

/** A write the engine will never keep: proves the file takes writes without adding anything to it. */
function probeWrite(db: Database.Database): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.prepare(`UPDATE schema_version SET updated_at = updated_at WHERE area = 'audit'`).run();
  } finally {
    db.exec('ROLLBACK');
  }
}

function reasonOf(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'SQLITE_READONLY' || /readonly database/i.test(err?.message ?? '')) return 'the file is read-only';
  if (err?.code === 'SQLITE_CANTOPEN') return 'the file cannot be opened';
  if (err?.code === 'SQLITE_FULL') return 'the disk is full';
  return err?.message ?? String(e);
}
