/**
 * The audit log as the engine uses it. `append()` formats the entry on the spot (so later mutation of
 * the caller's AST cannot change the record) and queues it; the queue is committed as one transaction
 * when it reaches `maxBatch` entries or at the next turn of the event loop, whichever comes first. Every
 * entry of a batch shares one promise, which resolves once the batch is committed and rejects with an
 * AuditUnavailableError when it cannot be — the engine awaits it before returning rows, so nothing is
 * served that is not on the record (fail closed), while many concurrent reads share one commit.
 * Once a batch has failed every append is refused until `ensureWritable()` manages to reopen the file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { describeZodError } from '../../shared/api/errors';
import { appStorePath, openAppStore } from '../store/app-store';
import { inlineWriter, threadWriter, writerThreadAvailable, type BatchWriter, type WriterMode } from './batch-writer';
import { entryLine } from './chain';
import { AuditInputSchema, type AuditEntry, type AuditFilter, type AuditInput } from './entry';
import { AuditInputError, AuditUnavailableError } from './errors';
import { exportCsv } from './export-csv';
import { listEntries } from './list';
import { canonicalAst } from './sanitize-ast';
import { migrateAudit } from './schema';
import { verifyChain, type VerifyReport } from './verify';
import { checkFile } from './writer-core.mjs';

export interface AuditLogOptions {
  /** The app data folder; the log is `<dataDir>/objectdesk.sqlite`. It must exist (AppContext creates it). */
  dataDir: string;
  /** `thread` (default) commits in a worker thread; `inline` on the calling thread. */
  mode?: WriterMode;
  /** Commit as soon as this many entries are queued (default 64). */
  maxBatch?: number;
}

interface Batch {
  lines: string[];
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class AuditLog {
  readonly path: string;
  private readonly maxBatch: number;
  private db: Database.Database | null = null;
  private writer: BatchWriter | null = null;
  private current: Batch | null = null;
  private scheduled = false;
  private readonly inflight = new Set<Promise<void>>();
  private failure: AuditUnavailableError | null = null;
  private closed = false;
  private lastMs = -1;
  private lastIso = '';

  private constructor(private readonly options: AuditLogOptions) {
    this.path = appStorePath(options.dataDir);
    this.maxBatch = options.maxBatch ?? 64;
  }

  /** Never throws for an unwritable log: it opens in the failed state and `ensureWritable()` says why. */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const log = new AuditLog(options);
    try {
      await log.connect();
    } catch (e) {
      log.fail(e);
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

  /**
   * Queues one entry. The promise resolves when its batch is committed and rejects with
   * AuditUnavailableError (fail the read) or AuditInputError (the entry itself was refused).
   */
  append(input: AuditInput): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailableError(this.path, 'the audit log was closed'));
    if (this.failure) return Promise.reject(this.failure);
    let line: string;
    try {
      line = this.format(input);
    } catch (e) {
      return Promise.reject(e);
    }
    const batch = (this.current ??= newBatch());
    batch.lines.push(line);
    if (batch.lines.length >= this.maxBatch) this.dispatch();
    else if (!this.scheduled) {
      this.scheduled = true;
      // Inline commits are cheap (WAL, synchronous=NORMAL: no fsync per commit), so a lone read should not
      // wait a whole event-loop turn for company; appends made in the same tick still share one commit.
      // The thread writer pays a message round trip per batch, so it waits a turn to collect more.
      const later = this.writer?.mode === 'inline' ? queueMicrotask : setImmediate;
      later(() => {
        this.scheduled = false;
        this.dispatch();
      });
    }
    return batch.promise;
  }

  /** Commits everything appended so far; rejects if any of it could not be written. */
  async flush(): Promise<void> {
    this.dispatch();
    const results = await Promise.allSettled([...this.inflight]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Resolves when entries can be written. Costs nothing while healthy; after a failure it reopens the
   * file and the writer, so reads resume as soon as the cause (permissions, a missing folder) is fixed.
   */
  ensureWritable(): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailableError(this.path, 'the audit log was closed'));
    if (!this.failure) return HEALTHY;
    return this.recover();
  }

  private async recover(): Promise<void> {
    await this.disconnect();
    try {
      await this.connect();
      this.failure = null;
    } catch (e) {
      this.failure = null;
      this.fail(e);
      throw this.failure;
    }
  }

  list(filter: AuditFilter = {}): AuditEntry[] {
    return listEntries(this.requireDb(), filter);
  }

  /** Streams the filtered entries as CSV; resolves with the number of entries written. */
  exportCsv(filter: AuditFilter, out: NodeJS.WritableStream): Promise<number> {
    return exportCsv(this.requireDb(), filter, out);
  }

  verify(): VerifyReport {
    return verifyChain(this.requireDb());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } catch {
      /* those entries' callers were already told */
    }
    this.closed = true;
    await this.disconnect();
  }

  private format(input: AuditInput): string {
    const parsed = AuditInputSchema.safeParse(input);
    if (!parsed.success) {
      const { message, path: at } = describeZodError(parsed.error, 'entry');
      throw new AuditInputError(message, at);
    }
    const e = parsed.data;
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return entryLine({
      at: this.lastIso,
      user: e.user,
      via: e.via,
      operation: e.operation,
      object: e.object,
      ast: e.ast === undefined ? undefined : canonicalAst(e.ast),
      rowCount: e.rowCount,
      outcome: e.outcome,
      errorCode: e.errorCode,
      reason: e.reason,
      durationMs: e.durationMs === undefined ? undefined : Math.round(e.durationMs * 1000) / 1000,
    });
  }

  private dispatch(): void {
    const batch = this.current;
    if (!batch) return;
    this.current = null;
    if (this.failure || !this.writer) {
      batch.reject(this.failure ?? new AuditUnavailableError(this.path, 'the audit log is not open'));
      return;
    }
    const done = this.writer.commit(batch.lines).then(
      () => batch.resolve(),
      (e: unknown) => {
        this.fail(e);
        batch.reject(this.failure!);
      },
    );
    this.inflight.add(batch.promise);
    void done.finally(() => this.inflight.delete(batch.promise));
  }

  private fail(e: unknown): void {
    if (this.failure) return;
    this.failure = e instanceof AuditUnavailableError ? e : new AuditUnavailableError(this.path, reasonOf(e));
  }

  private async connect(): Promise<void> {
    const dir = path.dirname(this.path);
    if (!existsSync(dir)) throw new Error(`its folder ${dir} does not exist`);
    const db = openAppStore(this.path);
    try {
      migrateAudit(db);
      checkFile(this.path, null);
      probeWrite(db);
      const mode = this.options.mode ?? 'thread';
      this.writer = mode === 'thread' && writerThreadAvailable() ? await threadWriter(this.path) : inlineWriter(db, this.path);
      this.db = db;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private async disconnect(): Promise<void> {
    const writer = this.writer;
    const db = this.db;
    this.writer = null;
    this.db = null;
    await writer?.close().catch(() => {});
    try {
      db?.close();
    } catch {
      /* already broken; nothing to release */
    }
  }

  private requireDb(): Database.Database {
    if (!this.db) throw this.failure ?? new AuditUnavailableError(this.path, 'the audit log is not open');
    return this.db;
  }
}

const HEALTHY = Promise.resolve();

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers that fire and forget must not crash the process with an unhandled rejection; callers that
  // await still receive it.
  promise.catch(() => {});
  return { lines: [], promise, resolve, reject };
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
