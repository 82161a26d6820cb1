import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppStore } from '../../../src/main/store/app-store';
import { migrate, NewerSchemaError, schemaVersion } from '../../../src/main/store/migrations';
import { tempDataDir } from './helpers';

describe('app store migrations', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let db: Database.Database;
  beforeEach(() => {
    tmp = tempDataDir();
    db = openAppStore(path.join(tmp.dir, 'objectdesk.sqlite'));
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  it('runs each area’s pending migrations once and tracks areas separately', () => {
    const v1 = [{ version: 1, name: 'a', sql: 'CREATE TABLE settings_kv (k TEXT PRIMARY KEY, v TEXT)' }];
    expect(migrate(db, 'settings', v1)).toBe(0);
    expect(migrate(db, 'settings', v1)).toBe(1);
    const v2 = [...v1, { version: 2, name: 'b', sql: 'ALTER TABLE settings_kv ADD COLUMN at TEXT' }];
    expect(migrate(db, 'settings', v2)).toBe(1);
    expect(schemaVersion(db, 'settings')).toBe(2);
    expect(schemaVersion(db, 'chat')).toBe(0);
  });

  it('refuses a file written by a newer version, and a migration list with gaps', () => {
    migrate(db, 'chat', [
      { version: 1, name: 'a', sql: 'CREATE TABLE chat_a (x)' },
      { version: 2, name: 'b', sql: 'CREATE TABLE chat_b (x)' },
    ]);
    expect(() => migrate(db, 'chat', [{ version: 1, name: 'a', sql: 'CREATE TABLE chat_a (x)' }])).toThrow(NewerSchemaError);
    expect(() => migrate(db, 'x', [{ version: 2, name: 'b', sql: '' }])).toThrow(/numbered 1, 2, 3/);
  });

  it('a failing migration leaves nothing behind', () => {
    expect(() =>
      migrate(db, 'saved', [{ version: 1, name: 'bad', sql: 'CREATE TABLE saved_q (x); CREATE TABLE broken (' }]),
    ).toThrow();
    expect(schemaVersion(db, 'saved')).toBe(0);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'saved_q'`).get()).toBeUndefined();
  });
});
