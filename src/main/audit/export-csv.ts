/**
 * CSV export of the audit, streamed page by page (keyset on seq), honouring the writer's back-pressure.
 * Pages instead of one long-lived iterator, so an inline writer can commit on the same connection
 * while the export waits for the stream to drain.
 */
import { once } from 'node:events';
import type Database from 'better-sqlite3';
import type { AuditFilter } from './entry';
import { csvRecord } from './csv';
import { AUDIT_COLUMNS, whereClause, type AuditRow } from './list';

export const CSV_HEADER = ['seq', 'at', 'user', 'via', 'operation', 'object', 'rowCount', 'outcome', 'errorCode', 'reason', 'durationMs', 'ast', 'prev_hash', 'hash'] as const;
const PAGE = 1000;

export async function exportCsv(db: Database.Database, filter: AuditFilter, out: NodeJS.WritableStream): Promise<number> {
  const { sql, params } = whereClause(filter);
  const and = sql ? `${sql} AND` : 'WHERE';
  let after = 0;
  if (filter.limit) {
    const first = db.prepare(`SELECT seq FROM audit_log ${sql} ORDER BY seq DESC LIMIT 1 OFFSET ?`).get(...params, filter.limit - 1) as { seq: number } | undefined;
    after = first ? first.seq - 1 : 0;
  }
  const page = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${and} seq > ? ORDER BY seq LIMIT ${PAGE}`);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(csvRecord(CSV_HEADER));
  let count = 0;
  for (;;) {
    const rows = page.all(...params, after) as AuditRow[];
    for (const r of rows) {
      await write(csvRecord([r.seq, r.at, r.user, r.via, r.operation, r.object, r.row_count, r.outcome, r.error_code, r.reason, r.duration_ms, r.ast, r.prev_hash, r.hash]));
    }
    count += rows.length;
    if (rows.length < PAGE) return count;
    after = rows[rows.length - 1].seq;
  }
}
