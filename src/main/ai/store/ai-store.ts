/**
 * Settings and chat history in the app's own SQLite file. Opened per operation and closed right after:
 * chat writes once per turn, and nothing then holds the file open behind the audit writer's back.
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { appStorePath, openAppStore } from '../../store/app-store';
import { migrate } from '../../store/migrations';
import { AiSettingsSchema, DEFAULT_OLLAMA_ENDPOINT, type AiSettings, type ChatTurn } from '../../../shared/api/contract-ai';
import { AI_MIGRATIONS, AI_STORE_AREA } from './migrations';

/** The endpoint when the user never set one: OBJECTDESK_OLLAMA_HOST, then OLLAMA_HOST, then the local default. */
export function defaultEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.OBJECTDESK_OLLAMA_HOST || env.OLLAMA_HOST;
  if (!fromEnv) return DEFAULT_OLLAMA_ENDPOINT;
  return /^https?:\/\//.test(fromEnv) ? fromEnv : `http://${fromEnv}`;
}

export function defaultSettings(): AiSettings {
  return { endpoint: defaultEndpoint(), model: '', privacyMode: false, maxSteps: 8 };
}

export function withAiStore<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = openAppStore(appStorePath(dataDir));
  try {
    db.pragma('foreign_keys = ON');
    migrate(db, AI_STORE_AREA, AI_MIGRATIONS);
    return fn(db);
  } finally {
    db.close();
  }
}

export function readSettings(db: Database.Database): AiSettings {
  const rows = db.prepare('SELECT key, value FROM ai_setting').all() as { key: string; value: string }[];
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  const merged = { ...defaultSettings(), ...stored };
  // A value an older or newer version stored that no longer fits is dropped, not fatal.
  const parsed = AiSettingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : defaultSettings();
}

export function writeSettings(db: Database.Database, patch: Partial<AiSettings>): AiSettings {
  const next = AiSettingsSchema.parse({ ...readSettings(db), ...patch });
  const put = db.prepare('INSERT INTO ai_setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) put.run(k, JSON.stringify(next[k as keyof AiSettings]));
  })();
  return next;
}

export interface Owner {
  workspace: string;
  user: string;
}

/** The conversation to append to: the given one when it is the owner's, else a new one titled by the question. */
export function openConversation(db: Database.Database, owner: Owner, conversationId: string | undefined, question: string): { id: string; nextTurn: number; history: ChatTurn[] } {
  if (conversationId) {
    const row = db.prepare('SELECT id FROM ai_conversation WHERE id = ? AND workspace = ? AND user_name = ?').get(conversationId, owner.workspace, owner.user);
    if (row) {
      const history = readTurns(db, conversationId);
      return { id: conversationId, nextTurn: history.length ? history[history.length - 1]!.turn + 1 : 1, history };
    }
  }
  const id = randomUUID();
  const now = new Date().toISOString();
  db.prepare('INSERT INTO ai_conversation (id, workspace, user_name, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    id,
    owner.workspace,
    owner.user,
    question.slice(0, 120),
    now,
    now,
  );
  return { id, nextTurn: 1, history: [] };
}

export function saveTurn(db: Database.Database, conversationId: string, turn: ChatTurn): void {
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO ai_turn (conversation_id, turn, question, answer, stopped, model, events, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      conversationId,
      turn.turn,
      turn.question,
      turn.answer,
      turn.stopped,
      turn.model,
      JSON.stringify(turn.events),
      turn.at,
    );
    db.prepare('UPDATE ai_conversation SET updated_at = ? WHERE id = ?').run(turn.at, conversationId);
  })();
}

export function readTurns(db: Database.Database, conversationId: string): ChatTurn[] {
  const rows = db.prepare('SELECT turn, question, answer, stopped, model, events, created_at FROM ai_turn WHERE conversation_id = ? ORDER BY turn').all(conversationId) as {
    turn: number;
    question: string;
    answer: string;
    stopped: string;
    model: string;
    events: string;
    created_at: string;
  }[];
  return rows.map((r) => ({ turn: r.turn, question: r.question, answer: r.answer, stopped: r.stopped, model: r.model, at: r.created_at, events: JSON.parse(r.events) as unknown[] }));
}

export function listConversations(db: Database.Database, owner: Owner): { id: string; title: string; turns: number; updatedAt: string }[] {
  return db
    .prepare(
      `SELECT c.id, c.title, c.updated_at AS updatedAt, (SELECT COUNT(*) FROM ai_turn t WHERE t.conversation_id = c.id) AS turns
       FROM ai_conversation c WHERE c.workspace = ? AND c.user_name = ? ORDER BY c.updated_at DESC, c.rowid DESC LIMIT 100`,
    )
    .all(owner.workspace, owner.user) as { id: string; title: string; turns: number; updatedAt: string }[];
}

export function deleteConversations(db: Database.Database, owner: Owner, conversationId?: string): number {
  const sql = conversationId
    ? db.prepare('DELETE FROM ai_conversation WHERE workspace = ? AND user_name = ? AND id = ?')
    : db.prepare('DELETE FROM ai_conversation WHERE workspace = ? AND user_name = ?');
  const r = conversationId ? sql.run(owner.workspace, owner.user, conversationId) : sql.run(owner.workspace, owner.user);
  return r.changes;
}
