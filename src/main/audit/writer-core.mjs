/**
 * Turns queued records into chained audit entries and commits a batch of them as one IMMEDIATE
 * transaction: reads the chain's tail inside the transaction (so two processes appending to the same file
 * still form one chain), builds each entry's line, hashes it onto the chain and inserts the columns.
 * Plain JavaScript because it also runs in the writer thread, which Node 20 starts without a TypeScript
 * loader. Keep the line's field order in step with LINE_FIELDS / entryLine in chain.ts.
 *
 * A batch is what AuditLog queued (batch-codec.mjs), already validated on the caller's thread: each
 * entry's AST is either JSON text of a checked AST object, put in canonical form here, or canonical text
 * rendered from a template. The size cap and the hashed line are built here, off the read path when the
 * writer is a thread. The stored entry is exactly what it was when the caller formatted the line itself
 * (LINE_FORMAT 1).
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { visitBatch } from './batch-codec.mjs';

export const GENESIS_HASH = '0'.repeat(64);
const LINE_FORMAT = 1;
/** An AST whose canonical text is larger is stored as its size and SHA-256 (docs/audit.md). */
export const AST_MAX_BYTES = 64 * 1024;

const sha256 = typeof oneShotHash === 'function'
  ? (text) => oneShotHash('sha256', text)
  : (text) => createHash('sha256').update(text).digest('hex');

/**
 * The canonical JSON text of a plain JSON value: object keys sorted (by UTF-16 code units), no
 * whitespace, keys whose value is undefined left out. The value must already be checked (finite numbers,
 * plain objects and arrays only).
 */
export function canonicalJson(value) {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = value[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** The stored AST text: canonical JSON, or its size and digest when it is larger than AST_MAX_BYTES. */
export function storedAst(value) {
  return storedText(canonicalJson(value));
}

/** An AST's canonical text as stored: itself, or its size and digest when it is larger than AST_MAX_BYTES. */
function storedText(text) {
  if (text.length <= AST_MAX_BYTES && Buffer.byteLength(text) <= AST_MAX_BYTES) return text;
  const bytes = Buffer.byteLength(text);
  return canonicalJson({ $omitted: `ast larger than ${AST_MAX_BYTES} bytes`, bytes, sha256: sha256(text) });
}

const json = JSON.stringify;

/**
 * Calls `onLine(line, at, who, how, ast, rowCount, durationMs)` for each entry of a queued batch, where
 * `ast` is the stored AST text or null, who/how are as in visitBatch, and `line` (the text that is hashed)
 * is exactly `JSON.stringify([LINE_FORMAT, at, ...who, ast, rowCount, ...how, durationMs])`. The line is put together from pieces kept
 * once per batch (the user, via, operation and object; the outcome, error code and reason) rather than
 * by building each entry's fields and stringifying them: the writer does this for every entry, and on a
 * machine with few cores its time is taken from the reads (docs/audit.md, "Performance").
 */
export function forEachLine(batch, onLine) {
  const pieces = new Map();
  let lastAt = '';
  let atJson = '';
  visitBatch(batch, (at, who, how, rowCount, durationMs, astText, canonical) => {
    if (at !== lastAt) {
      lastAt = at;
      atJson = json(at);
    }
    let w = pieces.get(who);
    if (w === undefined) pieces.set(who, (w = `${json(who[0])},${json(who[1])},${json(who[2])},${json(who[3])}`));
    let h = pieces.get(how);
    if (h === undefined) pieces.set(how, (h = `${json(how[0])},${json(how[1])},${json(how[2])}`));
    const ast = astText === null ? null : canonical ? storedText(astText) : storedAst(JSON.parse(astText));
    const line = `[${LINE_FORMAT},${atJson},${w},${json(ast)},${json(rowCount)},${h},${json(durationMs)}]`;
    onLine(line, at, who, how, ast, rowCount, durationMs);
  });
}

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
  const tx = db.transaction((batch) => {
    const last = tail.get();
    let seq = last ? last.seq : 0;
    let prev = last ? last.hash : GENESIS_HASH;
    forEachLine(batch, (line, at, who, how, ast, rowCount, durationMs) => {
      const h = sha256(prev + line);
      insert.run(++seq, at, who[0], who[1], who[2], who[3], ast, rowCount, how[0], how[1], how[2], durationMs, prev, h);
      prev = h;
    });
    return seq;
  });
  return {
    /** Commits a batch's records in order; returns the seq of the last entry written. */
    commit(batch) {
      checkFile(file, identity);
      // Lines are built inside the write transaction, as they are hashed: building them first would keep
      // every entry's text for the batch. The lock is held a few ms longer per 4,096 entries; another
      // process appending to the same file waits for it (busy_timeout).
      return tx.immediate(batch);
    },
  };
}
