/**
 * The app's own SQLite file, `<dataDir>/objectdesk.sqlite`: settings, chat history, saved queries and the
 * audit log live here, never in a user's database. WAL mode lets readers (audit list/verify, the UI) run
 * while a writer commits; `synchronous = NORMAL` makes a WAL commit a write() without an fsync — a power
 * cut can lose the last few committed transactions, never corrupt the file.
 */
import path from 'node:path';
import Database from 'better-sqlite3';

export const APP_STORE_FILE = 'objectdesk.sqlite';

export function appStorePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), APP_STORE_FILE);
}

export interface OpenStoreOptions {
  /** Open without write access; the file must already exist. */
  readonly?: boolean;
}

export function openAppStore(file: string, options: OpenStoreOptions = {}): Database.Database {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  try {
    // Another process (the CLI next to the app) may hold the write lock for a batch; wait, don't fail.
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
