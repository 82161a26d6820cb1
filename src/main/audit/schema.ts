/**
 * The audit's tables in the app store. Triggers refuse UPDATE and DELETE — defence in depth against a
 * casual edit in a SQLite browser; anyone who can write the file can drop them, which is why verify()
 * recomputes the chain and never trusts the triggers.
 * No secondary indexes: each one roughly doubles the writer's cost per entry (measured: ~4 µs without,
 * 7–13 µs with user/object/at indexes), and list filters scanning a few million rows is fine for an
 * audit query. Add them in a later migration if list ever needs to be interactive on huge logs.
 */
import type Database from 'better-sqlite3';
import { migrate, type Migration } from '../store/migrations';

export const AUDIT_AREA = 'audit';
export const AUDIT_TABLE = 'audit_log';

export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create audit_log',
    sql: `
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        via TEXT NOT NULL,
        operation TEXT NOT NULL,
        object TEXT,
        ast TEXT,
        row_count INTEGER,
        outcome TEXT NOT NULL,
        error_code TEXT,
        reason TEXT,
        duration_ms REAL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
    `,
  },
];

export function migrateAudit(db: Database.Database): void {
  migrate(db, AUDIT_AREA, AUDIT_MIGRATIONS);
}
