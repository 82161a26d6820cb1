/**
 * Schema versions for the app's own SQLite file. Each area (audit, settings, chat, saved queries) owns an
 * ordered list of migrations and its own row in `schema_version`, so areas written by different people
 * never have to agree on one global number. Migrations of an area run in one IMMEDIATE transaction: a
 * second process opening the same file waits instead of migrating twice.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  /** 1, 2, 3 … without gaps, in the order they must run. */
  version: number;
  name: string;
  /** SQL run with `exec`; may hold several statements. */
  sql: string;
}

const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS schema_version (
  area TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL
) STRICT`;

export class NewerSchemaError extends Error {
  constructor(area: string, found: number, known: number, file: string) {
    super(
      `${file} holds ${area} schema version ${found}, but this ObjectDesk only knows up to version ${known}. ` +
        `It was written by a newer ObjectDesk: upgrade, or point --data-dir at another folder.`,
    );
    this.name = 'NewerSchemaError';
  }
}

/** Brings `area` up to the last migration; returns the version it found before. */
export function migrate(db: Database.Database, area: string, migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migrations of "${area}" must be numbered 1, 2, 3 … in order; found ${m.version} at position ${i + 1}.`);
  });
  const run = db.transaction(() => {
    db.exec(BOOTSTRAP);
    const row = db.prepare('SELECT version FROM schema_version WHERE area = ?').get(area) as { version: number } | undefined;
    const from = row?.version ?? 0;
    if (from > migrations.length) throw new NewerSchemaError(area, from, migrations.length, db.name);
    for (const m of migrations.slice(from)) db.exec(m.sql);
    if (from < migrations.length) {
      db.prepare(
        `INSERT INTO schema_version (area, version, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(area) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
      ).run(area, migrations.length, new Date().toISOString());
    }
    return from;
  });
  return run.immediate();
}

/** The version an area is at, or 0 when it was never migrated (or the file has no schema_version yet). */
export function schemaVersion(db: Database.Database, area: string): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM schema_version WHERE area = ?').get(area) as { version: number } | undefined;
  return row?.version ?? 0;
}
