/**
 * The audit writer thread: owns one write connection and commits batches posted by AuditLog, so hashing
 * and inserting run on another core while the main thread serves reads. Messages, in order:
 *   in:  { type: 'commit', id, lines: string }   (lines joined by "\n"; JSON never contains a raw newline)
 *        { type: 'close' }
 *   out: { type: 'ready' } | { type: 'committed', id, lastSeq } | { type: 'failed', id?, reason } | { type: 'closed' }
 */
import { createRequire } from 'node:module';
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
    const lastSeq = committer.commit(m.lines.split('\n'));
    answered(true);
    port.postMessage({ type: 'committed', id: m.id, lastSeq });
  } catch (e) {
    broken = String(e && e.message ? e.message : e);
    answered(false);
    port.postMessage({ type: 'failed', id: m.id, reason: broken });
  }
});
