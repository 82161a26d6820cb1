import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AuditInput } from '../../../src/main/audit';

export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const entry = (over: Partial<AuditInput> = {}): AuditInput => ({
  user: 'alice',
  via: 'ui',
  operation: 'query',
  object: 'Invoice',
  ast: { object: 'Invoice', where: { InvoiceId: 5 } },
  rowCount: 1,
  outcome: 'ok',
  ...over,
});

/** A raw connection with the append-only triggers dropped — what a tamperer with a SQLite tool does. */
export function tamper(file: string, sql: (db: Database.Database) => void): void {
  const db = new Database(file);
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  sql(db);
  db.close();
}
