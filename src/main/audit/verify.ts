/**
 * Walks the hash chain and names what is wrong. A first pass streams the log in constant memory and only
 * answers "intact or not"; when it is not, a second pass loads (seq, prev_hash, hash) of every entry and
 * works out, from which entry each one chains to, what happened:
 *   edited     — the entry's fields no longer give its hash (changed after it was written, or forged);
 *   deleted    — an entry chains to a hash no entry has (the one before it is gone);
 *   inserted   — a side branch of the chain that stops before the log's end (forged entries);
 *   reordered  — an entry sits between entries it was not written between;
 *   renumbered — seq values jump although the chain is intact (only seq was touched).
 * What no hash chain can show on its own: entries cut off the END of the log, or a forger who appends
 * correctly chained entries. Record `head` somewhere else (it is printed) to catch the first.
 */
import type Database from 'better-sqlite3';
import { chainHash, entryLine, GENESIS_HASH } from './chain';
import { AUDIT_COLUMNS, type AuditRow } from './list';

export type ProblemKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'renumbered';

export interface VerifyProblem {
  seq: number;
  kind: ProblemKind;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  /** The last entry: note its seq and hash to detect a truncated log later. */
  head: { seq: number; hash: string } | null;
  problems: VerifyProblem[];
}

interface Link {
  seq: number;
  prev: string;
  hash: string;
  contentOk: boolean;
}

function contentOk(r: AuditRow): boolean {
  const line = entryLine({
    at: r.at,
    user: r.user,
    via: r.via,
    operation: r.operation,
    object: r.object,
    ast: r.ast,
    rowCount: r.row_count,
    outcome: r.outcome,
    errorCode: r.error_code,
    reason: r.reason,
    durationMs: r.duration_ms,
  });
  return chainHash(r.prev_hash, line) === r.hash;
}

export function verifyChain(db: Database.Database): VerifyReport {
  const stmt = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`);
  let entries = 0;
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  let intact = true;
  let head: VerifyReport['head'] = null;
  for (const r of stmt.iterate() as IterableIterator<AuditRow>) {
    entries++;
    if (intact && (r.prev_hash !== prevHash || r.seq !== prevSeq + 1 || !contentOk(r))) intact = false;
    prevHash = r.hash;
    prevSeq = r.seq;
    head = { seq: r.seq, hash: r.hash };
  }
  if (intact) return { ok: true, entries, head, problems: [] };
  const links: Link[] = (stmt.all() as AuditRow[]).map((r) => ({ seq: r.seq, prev: r.prev_hash, hash: r.hash, contentOk: contentOk(r) }));
  const problems = diagnose(links);
  return { ok: problems.length === 0, entries, head, problems };
}

export function diagnose(rows: Link[]): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  const seen = new Set<string>();
  const report = (seq: number, kind: ProblemKind, message: string) => {
    const key = `${seq}:${kind}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push({ seq, kind, message });
    }
  };
  const byHash = new Map<string, number>();
  const byPrev = new Map<string, number[]>();
  rows.forEach((r, i) => {
    if (!byHash.has(r.hash)) byHash.set(r.hash, i);
    const list = byPrev.get(r.prev);
    if (list) list.push(i);
    else byPrev.set(r.prev, [i]);
  });
  const last = rows.length - 1;
  const successorOf = (i: number): number | undefined => {
    const next = byPrev.get(rows[i].hash);
    return next && next.length === 1 ? next[0] : next?.find((j) => j === i + 1) ?? next?.[0];
  };

  // Forks: two entries chaining to the same one. The branch that stops before the end of the log is forged.
  for (const [prev, starts] of byPrev) {
    if (starts.length < 2) continue;
    for (const start of starts) {
      const branch: number[] = [];
      const visited = new Set<number>();
      for (let i: number | undefined = start; i !== undefined && !visited.has(i); i = successorOf(i)) {
        visited.add(i);
        branch.push(i);
      }
      if (branch[branch.length - 1] === last) continue;
      const from = prev === GENESIS_HASH ? 'the start of the log' : `the entry at seq ${rows[byHash.get(prev) ?? 0].seq}`;
      for (const i of branch) {
        report(rows[i].seq, 'inserted', `seq ${rows[i].seq} was inserted: it belongs to a side branch of the chain that starts at ${from} and ends before the end of the log`);
      }
    }
  }

  rows.forEach((r, i) => {
    if (!r.contentOk) {
      report(r.seq, 'edited', `seq ${r.seq} was edited: its fields no longer produce its hash (changed after it was written, or forged)`);
      return;
    }
    const expected = i === 0 ? GENESIS_HASH : rows[i - 1].hash;
    if (r.prev === expected) return;
    const pred = r.prev === GENESIS_HASH ? -1 : byHash.get(r.prev);
    if (pred === undefined) {
      const gapFrom = i === 0 ? 1 : rows[i - 1].seq + 1;
      if (r.seq > gapFrom) {
        const range = r.seq - 1 === gapFrom ? `seq ${gapFrom}` : `seq ${gapFrom}–${r.seq - 1}`;
        report(r.seq, 'deleted', `${range} deleted: seq ${r.seq} chains to an entry that is no longer in the log`);
      } else if (i === 0) {
        report(r.seq, 'deleted', `entries before seq ${r.seq} were deleted: the first entry does not start the chain`);
      } else {
        report(
          r.seq,
          'deleted',
          `the entry written before seq ${r.seq} is missing: it was deleted (and later entries renumbered), or seq ${rows[i - 1].seq} replaced it (edited and re-hashed)`,
        );
      }
      return;
    }
    if (seen.has(`${r.seq}:inserted`)) return;
    if (successorOf(i) === i + 1) return; // it follows a moved or inserted entry but is itself in place
    const after = pred === -1 ? 'as the first entry' : `right after the entry now at seq ${rows[pred].seq}`;
    report(r.seq, 'reordered', `seq ${r.seq} is out of order: it was written ${after}`);
  });

  // Only seq changed: the chain is intact across a jump.
  rows.forEach((r, i) => {
    const expectedSeq = i === 0 ? 1 : rows[i - 1].seq + 1;
    const chained = r.prev === (i === 0 ? GENESIS_HASH : rows[i - 1].hash);
    if (r.seq !== expectedSeq && chained && r.contentOk) {
      report(r.seq, 'renumbered', `seq jumps from ${expectedSeq - 1} to ${r.seq} although the chain is intact: seq values were changed (the entries themselves were not)`);
    }
  });
  return problems.sort((a, b) => a.seq - b.seq);
}
