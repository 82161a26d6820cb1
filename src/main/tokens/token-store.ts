/**
 * Personal access tokens in the app's own SQLite file (area `api_tokens`, its own migrations): each bound to
 * one workspace user and one workspace folder, stored only as a salted hash (see token-secret.ts). The
 * token text exists once, in the answer to `create`.
 */
import type Database from 'better-sqlite3';
import { migrate, type Migration } from '../store/migrations';
import { formatToken, hashSecret, newSalt, newSecret, newTokenId, parseToken, secretMatches } from './token-secret';

export const TOKENS_AREA = 'api_tokens';

export const TOKENS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create api_token',
    sql: `
      CREATE TABLE api_token (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        workspace TEXT NOT NULL,
        name TEXT NOT NULL,
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX api_token_user ON api_token (workspace, user);
    `,
  },
];

export interface TokenRecord {
  id: string;
  user: string;
  name: string;
  /** The public part of the token, to recognise it (`odp_<id>_…`). */
  hint: string;
  createdBy: string;
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

interface Row {
  id: string;
  user: string;
  workspace: string;
  name: string;
  salt: string;
  hash: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toRecord = (r: Row): TokenRecord => ({
  id: r.id,
  user: r.user,
  name: r.name,
  hint: `odp_${r.id}_…`,
  createdBy: r.created_by,
  createdAt: r.created_at,
  ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
  ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}),
});

export type Verification =
  | { ok: true; token: TokenRecord }
  | { ok: false; reason: 'missing' | 'malformed' | 'wrong' | 'revoked' | 'expired' | 'other_workspace' };

/** "Last used" is written at most this often per token, so a busy script does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class TokenStore {
  private lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly db: Database.Database,
    /** The workspace folder tokens of this store are bound to. */
    private readonly workspace: string,
  ) {
    migrate(db, TOKENS_AREA, TOKENS_MIGRATIONS);
  }

  create(input: { user: string; name: string; createdBy: string; expiresAt?: string }, now = new Date()): { token: string; record: TokenRecord } {
    const id = newTokenId();
    const secret = newSecret();
    const salt = newSalt();
    this.db
      .prepare(
        `INSERT INTO api_token (id, user, workspace, name, salt, hash, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.user, this.workspace, input.name, salt, hashSecret(salt, secret), input.createdBy, now.toISOString(), input.expiresAt ?? null);
    return { token: formatToken(id, secret), record: this.get(id)! };
  }

  get(id: string): TokenRecord | undefined {
    const r = this.db.prepare('SELECT * FROM api_token WHERE id = ? AND workspace = ?').get(id, this.workspace) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Tokens of one user, or of everyone (`user` undefined), newest first; revoked ones included. */
  list(user?: string): TokenRecord[] {
    const rows = (
      user === undefined
        ? this.db.prepare('SELECT * FROM api_token WHERE workspace = ? ORDER BY created_at DESC, id').all(this.workspace)
        : this.db.prepare('SELECT * FROM api_token WHERE workspace = ? AND user = ? ORDER BY created_at DESC, id').all(this.workspace, user)
    ) as Row[];
    return rows.map(toRecord);
  }

  /** Marks the token revoked (idempotent: the first revocation time is kept). */
  revoke(id: string, now = new Date()): TokenRecord | undefined {
    this.db.prepare('UPDATE api_token SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND workspace = ?').run(now.toISOString(), id, this.workspace);
    return this.get(id);
  }

  verify(token: string | undefined, now = new Date()): Verification {
    if (!token) return { ok: false, reason: 'missing' };
    const parsed = parseToken(token);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const r = this.db.prepare('SELECT * FROM api_token WHERE id = ?').get(parsed.id) as Row | undefined;
    if (!r || !secretMatches(r.salt, parsed.secret, r.hash)) return { ok: false, reason: 'wrong' };
    // Only the holder of the secret gets past here, so saying why it no longer works leaks nothing.
    if (r.workspace !== this.workspace) return { ok: false, reason: 'other_workspace' };
    if (r.revoked_at) return { ok: false, reason: 'revoked' };
    if (r.expires_at && Date.parse(r.expires_at) <= now.getTime()) return { ok: false, reason: 'expired' };
    const last = this.lastUsedWritten.get(r.id) ?? 0;
    if (now.getTime() - last >= LAST_USED_RESOLUTION_MS) {
      this.lastUsedWritten.set(r.id, now.getTime());
      this.db.prepare('UPDATE api_token SET last_used_at = ? WHERE id = ?').run(now.toISOString(), r.id);
      r.last_used_at = now.toISOString();
    }
    return { ok: true, token: toRecord(r) };
  }
}
