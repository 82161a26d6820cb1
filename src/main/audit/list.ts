/** Reading entries back: filters become bound parameters on the indexed columns; rows become AuditEntry. */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { ApiError } from '../../shared/api/errors';
import { AuditFilterSchema, type AuditEntry } from './entry';

/**
 * The stored filter plus `reason`: a piece of text the entry's reason must contain, e.g. the
 * `flow <name> run <id>` every call of one flow run carries. Matched with instr(), so `%` and `_` mean
 * themselves, and case counts (reasons are written by the app, not typed by hand).
 */
export const AuditListFilterSchema = AuditFilterSchema.extend({
  reason: z.string().min(1).max(2000).optional(),
});
export type AuditListFilter = z.infer<typeof AuditListFilterSchema>;

export interface AuditRow {
  seq: number;
  at: string;
  user: string;
  via: string;
  operation: string;
  object: string | null;
  ast: string | null;
  row_count: number | null;
  outcome: string;
  error_code: string | null;
  reason: string | null;
  duration_ms: number | null;
  prev_hash: string;
  hash: string;
}

export const AUDIT_COLUMNS = 'seq, at, user, via, operation, object, ast, row_count, outcome, error_code, reason, duration_ms, prev_hash, hash';

/** `2024-05-01` (start of that day, UTC) or any date-time with a zone → the ISO UTC text stored in `at`. */
export function toInstant(value: string, name: string): string {
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const ms = dateOnly ? Date.parse(`${text}T00:00:00Z`) : withZone ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new ApiError('bad_request', `${name} "${value}" is not a date: use YYYY-MM-DD (UTC) or a date-time with a zone, e.g. 2024-05-01T09:00:00Z.`, name);
  }
  return new Date(ms).toISOString();
}

export interface WhereClause {
  sql: string;
  params: unknown[];
}

export function whereClause(filter: AuditListFilter): WhereClause {
  const f = AuditListFilterSchema.parse(filter);
  const parts: string[] = [];
  const params: unknown[] = [];
  const eq = (column: string, value: unknown) => {
    parts.push(`${column} = ?`);
    params.push(value);
  };
  if (f.user !== undefined) eq('user', f.user);
  if (f.object !== undefined) eq('object', f.object);
  if (f.via !== undefined) eq('via', f.via);
  if (f.outcome !== undefined) eq('outcome', f.outcome);
  if (f.reason !== undefined) {
    parts.push('instr(reason, ?) > 0');
    params.push(f.reason);
  }
  if (f.since !== undefined) {
    parts.push('at >= ?');
    params.push(toInstant(f.since, 'since'));
  }
  if (f.until !== undefined) {
    parts.push('at < ?');
    params.push(toInstant(f.until, 'until'));
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** Oldest first; with `limit`, the newest `limit` entries (still oldest first). */
export function listEntries(db: Database.Database, filter: AuditListFilter): AuditEntry[] {
  const { sql, params } = whereClause(filter);
  const rows = filter.limit
    ? (db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${sql} ORDER BY seq DESC LIMIT ?`).all(...params, filter.limit) as AuditRow[]).reverse()
    : (db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${sql} ORDER BY seq`).all(...params) as AuditRow[]);
  return rows.map(toEntry);
}

export function toEntry(r: AuditRow): AuditEntry {
  const e: Record<string, unknown> = { seq: r.seq, at: r.at, user: r.user, via: r.via, operation: r.operation };
  if (r.object !== null) e.object = r.object;
  if (r.ast !== null) e.ast = r.ast;
  if (r.row_count !== null) e.rowCount = r.row_count;
  e.outcome = r.outcome;
  if (r.error_code !== null) e.errorCode = r.error_code;
  if (r.reason !== null) e.reason = r.reason;
  if (r.duration_ms !== null) e.durationMs = r.duration_ms;
  e.prev_hash = r.prev_hash;
  e.hash = r.hash;
  return e as AuditEntry;
}
