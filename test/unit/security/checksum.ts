/** A checksum of every row of every table of a SQLite file: equal before and after = nothing was written. */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

export function sqliteChecksum(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const hash = createHash('sha256');
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
    for (const { name } of tables) {
      hash.update(`#${name}\n`);
      for (const row of db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}" ORDER BY rowid`).iterate()) hash.update(`${JSON.stringify(row)}\n`);
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}
