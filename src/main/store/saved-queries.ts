/**
 * Saved queries of the query builder, per user, in the app's own SQLite file (never the user's database).
 * The area has its own migrations and its own row in `schema_version`.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { migrate, type Migration } from './migrations';

export const SAVED_QUERIES_AREA = 'saved_queries';

export const SAVED_QUERIES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create saved_query',
    sql: `
      CREATE TABLE saved_query (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        object TEXT NOT NULL,
        query TEXT NOT NULL,
        chart TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX saved_query_owner ON saved_query (owner, updated_at);
    `,
  },
];

export interface SavedQueryRecord {
  id: string;
  owner: string;
  name: string;
  object: string;
  query: Record<string, unknown>;
  chart?: { type: 'table' | 'bar' | 'line' | 'pie'; x?: string; y?: string[]; series?: string };
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  owner: string;
  name: string;
  object: string;
  query: string;
  chart: string | null;
  created_at: string;
  updated_at: string;
}

const toRecord = (r: Row): SavedQueryRecord => ({
  id: r.id,
  owner: r.owner,
  name: r.name,
  object: r.object,
  query: JSON.parse(r.query) as Record<string, unknown>,
  ...(r.chart ? { chart: JSON.parse(r.chart) as SavedQueryRecord['chart'] } : {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class SavedQueries {
  constructor(private readonly db: Database.Database) {
    migrate(db, SAVED_QUERIES_AREA, SAVED_QUERIES_MIGRATIONS);
  }

  list(owner: string): SavedQueryRecord[] {
    return (this.db.prepare('SELECT * FROM saved_query WHERE owner = ? ORDER BY updated_at DESC, name').all(owner) as Row[]).map(toRecord);
  }

  get(owner: string, id: string): SavedQueryRecord | undefined {
    const r = this.db.prepare('SELECT * FROM saved_query WHERE owner = ? AND id = ?').get(owner, id) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Creates, or replaces the query with the same id and owner; another owner's id is never touched. */
  save(owner: string, input: { id?: string; name: string; object: string; query: Record<string, unknown>; chart?: SavedQueryRecord['chart'] }, now = new Date()): SavedQueryRecord | undefined {
    const at = now.toISOString();
    const chart = input.chart ? JSON.stringify(input.chart) : null;
    if (input.id) {
      const res = this.db
        .prepare('UPDATE saved_query SET name = ?, object = ?, query = ?, chart = ?, updated_at = ? WHERE id = ? AND owner = ?')
        .run(input.name, input.object, JSON.stringify(input.query), chart, at, input.id, owner);
      return res.changes === 1 ? this.get(owner, input.id) : undefined;
    }
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO saved_query (id, owner, name, object, query, chart, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, owner, input.name, input.object, JSON.stringify(input.query), chart, at, at);
    return this.get(owner, id);
  }

  delete(owner: string, id: string): boolean {
    return this.db.prepare('DELETE FROM saved_query WHERE id = ? AND owner = ?').run(id, owner).changes === 1;
  }
}
