/**
 * The flows' state in the app's own SQLite file (never the user's database): runs with each step's outcome
 * and the write preview awaiting approval, the in-app inbox, per-flow state (change watermarks, the last
 * schedule check) and per-user flow settings (export folder, allowed http targets). Own migration area.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { appStorePath, openAppStore } from '../store/app-store';
import { migrate, type Migration } from '../store/migrations';
import type { RunRecord, RunStatus, InboxItem, FlowSettings } from './model';

export const FLOWS_AREA = 'flows';

export const FLOWS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'flow runs, inbox, state, settings',
    sql: `
      CREATE TABLE flow_run (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL,
        flow TEXT NOT NULL,
        owner TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        trigger TEXT NOT NULL,
        status TEXT NOT NULL,
        dry_run INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT,
        steps TEXT NOT NULL,
        preview TEXT,
        trigger_info TEXT
      ) STRICT;
      CREATE INDEX flow_run_by_flow ON flow_run (workspace, flow, started_at);
      CREATE INDEX flow_run_by_status ON flow_run (workspace, status);
      CREATE TABLE flow_inbox (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL,
        user TEXT NOT NULL,
        flow TEXT NOT NULL,
        run_id TEXT,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        created_at TEXT NOT NULL,
        read_at TEXT
      ) STRICT;
      CREATE INDEX flow_inbox_by_user ON flow_inbox (workspace, user, created_at);
      CREATE TABLE flow_state (
        workspace TEXT NOT NULL,
        flow TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (workspace, flow, key)
      ) STRICT;
      CREATE TABLE flow_settings (
        user TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];

interface RunRow {
  id: string;
  workspace: string;
  flow: string;
  owner: string;
  requested_by: string;
  trigger: string;
  status: string;
  dry_run: number;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  steps: string;
  preview: string | null;
  trigger_info: string | null;
}

const toRun = (r: RunRow): RunRecord => ({
  id: r.id,
  flow: r.flow,
  owner: r.owner,
  requestedBy: r.requested_by,
  trigger: r.trigger as RunRecord['trigger'],
  status: r.status as RunStatus,
  dryRun: r.dry_run === 1,
  startedAt: r.started_at,
  ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
  ...(r.error ? { error: r.error } : {}),
  steps: JSON.parse(r.steps) as RunRecord['steps'],
  ...(r.preview ? { preview: JSON.parse(r.preview) as RunRecord['preview'] } : {}),
  ...(r.trigger_info ? { triggerInfo: JSON.parse(r.trigger_info) as Record<string, unknown> } : {}),
});

/** One open handle per data folder; better-sqlite3 is synchronous, so calls never interleave. */
export class FlowStore {
  private constructor(private readonly db: Database.Database, readonly workspace: string) {}

  static open(dataDir: string, workspace: string): FlowStore {
    const db = openAppStore(appStorePath(dataDir));
    migrate(db, FLOWS_AREA, FLOWS_MIGRATIONS);
    return new FlowStore(db, workspace);
  }

  close(): void {
    this.db.close();
  }

  insertRun(run: RunRecord): void {
    this.db
      .prepare(
        `INSERT INTO flow_run (id, workspace, flow, owner, requested_by, trigger, status, dry_run, started_at, finished_at, error, steps, preview, trigger_info)
         VALUES (@id, @workspace, @flow, @owner, @requested_by, @trigger, @status, @dry_run, @started_at, @finished_at, @error, @steps, @preview, @trigger_info)`,
      )
      .run(this.row(run));
  }

  saveRun(run: RunRecord): void {
    this.db
      .prepare(
        `UPDATE flow_run SET status = @status, finished_at = @finished_at, error = @error, steps = @steps, preview = @preview, trigger_info = @trigger_info
         WHERE id = @id AND workspace = @workspace`,
      )
      .run(this.row(run));
  }

  /** Moves a run from one status to another only if it is still in the first (an approval is decided once). */
  claimRun(id: string, from: RunStatus, to: RunStatus): boolean {
    return this.db.prepare('UPDATE flow_run SET status = ? WHERE id = ? AND workspace = ? AND status = ?').run(to, id, this.workspace, from).changes === 1;
  }

  getRun(id: string): RunRecord | undefined {
    const r = this.db.prepare('SELECT * FROM flow_run WHERE id = ? AND workspace = ?').get(id, this.workspace) as RunRow | undefined;
    return r ? toRun(r) : undefined;
  }

  listRuns(opts: { flow?: string; owner?: string; status?: RunStatus; limit?: number } = {}): RunRecord[] {
    const where = ['workspace = @workspace'];
    if (opts.flow) where.push('flow = @flow');
    if (opts.owner) where.push('owner = @owner');
    if (opts.status) where.push('status = @status');
    const rows = this.db
      .prepare(`SELECT * FROM flow_run WHERE ${where.join(' AND ')} ORDER BY started_at DESC, rowid DESC LIMIT @limit`)
      .all({ workspace: this.workspace, flow: opts.flow ?? null, owner: opts.owner ?? null, status: opts.status ?? null, limit: opts.limit ?? 50 }) as RunRow[];
    return rows.map(toRun);
  }

  lastRun(flow: string): RunRecord | undefined {
    const r = this.db
      .prepare(`SELECT * FROM flow_run WHERE workspace = ? AND flow = ? AND status != 'missed' ORDER BY started_at DESC, rowid DESC LIMIT 1`)
      .get(this.workspace, flow) as RunRow | undefined;
    return r ? toRun(r) : undefined;
  }

  addInbox(item: Omit<InboxItem, 'id' | 'createdAt' | 'read'> & { createdAt?: string }): InboxItem {
    const full: InboxItem = { id: randomUUID(), createdAt: item.createdAt ?? new Date().toISOString(), read: false, ...item };
    this.db
      .prepare('INSERT INTO flow_inbox (id, workspace, user, flow, run_id, title, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(full.id, this.workspace, full.user, full.flow, full.runId ?? null, full.title, full.message, full.createdAt);
    return full;
  }

  listInbox(user: string, limit = 100): InboxItem[] {
    const rows = this.db
      .prepare('SELECT * FROM flow_inbox WHERE workspace = ? AND user = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(this.workspace, user, limit) as { id: string; user: string; flow: string; run_id: string | null; title: string; message: string; created_at: string; read_at: string | null }[];
    return rows.map((r) => ({ id: r.id, user: r.user, flow: r.flow, ...(r.run_id ? { runId: r.run_id } : {}), title: r.title, message: r.message, createdAt: r.created_at, read: r.read_at !== null }));
  }

  markRead(user: string, ids: string[] | 'all', at = new Date().toISOString()): number {
    if (ids === 'all') return this.db.prepare('UPDATE flow_inbox SET read_at = ? WHERE workspace = ? AND user = ? AND read_at IS NULL').run(at, this.workspace, user).changes;
    const stmt = this.db.prepare('UPDATE flow_inbox SET read_at = ? WHERE workspace = ? AND user = ? AND id = ? AND read_at IS NULL');
    return ids.reduce((n, id) => n + stmt.run(at, this.workspace, user, id).changes, 0);
  }

  getState(flow: string, key: string): string | undefined {
    const r = this.db.prepare('SELECT value FROM flow_state WHERE workspace = ? AND flow = ? AND key = ?').get(this.workspace, flow, key) as { value: string } | undefined;
    return r?.value;
  }

  setState(flow: string, key: string, value: string): void {
    this.db
      .prepare('INSERT INTO flow_state (workspace, flow, key, value) VALUES (?, ?, ?, ?) ON CONFLICT(workspace, flow, key) DO UPDATE SET value = excluded.value')
      .run(this.workspace, flow, key, value);
  }

  getSettings(user: string): FlowSettings {
    const r = this.db.prepare('SELECT value FROM flow_settings WHERE user = ?').get(user) as { value: string } | undefined;
    return { httpAllowed: [], ...(r ? (JSON.parse(r.value) as Partial<FlowSettings>) : {}) };
  }

  setSettings(user: string, patch: Partial<FlowSettings>): FlowSettings {
    const next = { ...this.getSettings(user), ...patch };
    this.db.prepare('INSERT INTO flow_settings (user, value) VALUES (?, ?) ON CONFLICT(user) DO UPDATE SET value = excluded.value').run(user, JSON.stringify(next));
    return next;
  }

  private row(run: RunRecord) {
    return {
      id: run.id,
      workspace: this.workspace,
      flow: run.flow,
      owner: run.owner,
      requested_by: run.requestedBy,
      trigger: run.trigger,
      status: run.status,
      dry_run: run.dryRun ? 1 : 0,
      started_at: run.startedAt,
      finished_at: run.finishedAt ?? null,
      error: run.error ?? null,
      steps: JSON.stringify(run.steps),
      preview: run.preview ? JSON.stringify(run.preview) : null,
      trigger_info: run.triggerInfo ? JSON.stringify(run.triggerInfo) : null,
    };
  }
}
