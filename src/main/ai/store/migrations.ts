/** The AI area's tables in the app store (src/main/store): its settings and the chat history, per workspace and user. */
import type { Migration } from '../../store/migrations';

export const AI_STORE_AREA = 'ai';

export const AI_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'settings and chat history',
    sql: `
      CREATE TABLE ai_setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      CREATE TABLE ai_conversation (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL,
        user_name TEXT NOT NULL,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ai_conversation_owner ON ai_conversation (workspace, user_name, updated_at);
      CREATE TABLE ai_turn (
        conversation_id TEXT NOT NULL REFERENCES ai_conversation (id) ON DELETE CASCADE,
        turn INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        stopped TEXT NOT NULL,
        model TEXT NOT NULL,
        events TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, turn)
      ) STRICT;
    `,
  },
];
