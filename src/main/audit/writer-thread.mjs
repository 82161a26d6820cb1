/**
 * The audit writer thread: owns one write connection and commits batches posted by AuditLog, so hashing
 * and inserting run on another core while the main thread serves reads. Messages, in order:
 *   in:  { type: 'commit', id, batch: string }   (records, each ending with "\n": writer-core.mjs)
 *        { type: 'close' }
 *   out: { type: 'ready' } | { type: 'committed', id, lastSeq } | { type: 'failed', id?, reason } | { type: 'closed' }
 */
import { readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createCommitter } from './writer-core.mjs';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3');
const port = parentPort;
/** Shared with the main thread: [0] batches answered, [1] batches committed. */
const progress = workerData.progress;
const answered = (ok) => {
  if (!progress) return;
  if (ok) Atomics.add(progress, 1, 1);
  Atomics.add(progress, 0, 1);
  Atomics.notify(progress, 0);
};
/**
 * Several batches may be in flight. Once one fails, every later one is refused too, so nothing is
 * committed out of order; the main thread puts them all back, in order, and opens a new writer.
 */
let broken = null;
let db = null;
let committer = null;

/**
 * Commits are background work. When every core is busy, the threads that serve reads go first: the main
 * thread and V8's garbage-collector helpers, which a busy writer on a 2-core machine measurably slows
 * (docs/audit.md, "Performance"). On Linux a thread has its own nice value, so this one takes the lowest
 * priority; an idle core still runs it at full speed. Elsewhere (no /proc) it keeps the process's priority.
 */
function lowerPriority() {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, constants.priority.PRIORITY_LOW);
  } catch {
    /* not Linux, or no /proc: the thread keeps the process's priority */
  }
}
lowerPriority();

try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The tail pages of the table stay hot; a bigger cache keeps long runs from re-reading them.
  db.pragma('cache_size = -16000');
  committer = createCommitter(db, workerData.file);
  port.postMessage({ type: 'ready' });
} catch (e) {
  port.postMessage({ type: 'failed', reason: String(e && e.message ? e.message : e) });
}

port.on('message', (m) => {
  if (m.type === 'close') {
    try { db?.close(); } catch { /* closing is best effort; the main thread is shutting down */ }
    port.postMessage({ type: 'closed' });
    port.close();
    return;
  }
  if (!committer || broken) {
    answered(false);
    port.postMessage({ type: 'failed', id: m.id, reason: broken ?? 'the writer could not open the file' });
    return;
  }
  try {
    const lastSeq = committer.commit(m.batch);
    answered(true);
    port.postMessage({ type: 'committed', id: m.id, lastSeq });
  } catch (e) {
    broken = String(e && e.message ? e.message : e);
    answered(false);
    port.postMessage({ type: 'failed', id: m.id, reason: broken });
  }
});
