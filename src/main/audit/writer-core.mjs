/**
 * Commits a batch of audit lines as one IMMEDIATE transaction: reads the chain's tail inside the
 * transaction (so two processes appending to the same file still form one chain), hashes each line onto
 * it and inserts the columns. Plain JavaScript because it also runs in the writer thread, which Node 20
 * starts without a TypeScript loader. Keep the column order in step with LINE_FIELDS in chain.ts.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { statSync } from 'node:fs';

export const GENESIS_HASH = '0'.repeat(64);
const LINE_FORMAT = 1;

const sha256 = typeof oneShotHash === 'function'
  ? (text) => oneShotHash('sha256', text)
  : (text) => createHash('sha256').update(text).digest('hex');

/** Throws a sentence saying why the file at `file` is no longer the one we opened, or not writable. */
export function checkFile(file, identity) {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if (e && e.code === 'ENOENT') throw new Error('the file was deleted, or its folder was removed');
    throw e;
  }
  if (identity && (st.ino !== identity.ino || st.dev !== identity.dev)) throw new Error('the file was replaced by another file');
  // Root ignores permission bits; a file marked read-only is read-only to us whoever we run as.
  if ((st.mode & 0o222) === 0) throw new Error('the file is read-only');
  return { ino: st.ino, dev: st.dev };
}

export function createCommitter(db, file) {
  const identity = checkFile(file, null);
  const tail = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(
    `INSERT INTO audit_log (seq, at, user, via, operation, object, ast, row_count, outcome, error_code, reason, duration_ms, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const tx = db.transaction((lines) => {
    const last = tail.get();
    let seq = last ? last.seq : 0;
    let prev = last ? last.hash : GENESIS_HASH;
    for (const line of lines) {
      const f = JSON.parse(line);
      if (f[0] !== LINE_FORMAT) throw new Error(`audit line format ${f[0]} is not ${LINE_FORMAT}`);
      const h = sha256(prev + line);
      insert.run(++seq, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], prev, h);
      prev = h;
    }
    return seq;
  });
  return {
    /** Returns the seq of the last entry written. */
    commit(lines) {
      checkFile(file, identity);
      return tx.immediate(lines);
    },
  };
}
