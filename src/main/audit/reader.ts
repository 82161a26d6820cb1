/** Opens an existing audit log for reading only (CLI list/verify/export): no writer, no migrations, no writes. */
import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { ApiError } from '../../shared/api/errors';
import { appStorePath, openAppStore } from '../store/app-store';
import { schemaVersion } from '../store/migrations';
import { AUDIT_AREA } from './schema';

export function openAuditReader(dataDir: string): Database.Database {
  const file = appStorePath(dataDir);
  if (!existsSync(file)) {
    throw new ApiError('not_found', `There is no audit log at ${file} yet: nothing has been audited with this data folder (check --data-dir).`);
  }
  const db = openAppStore(file, { readonly: true });
  if (schemaVersion(db, AUDIT_AREA) === 0) {
    db.close();
    throw new ApiError('not_found', `${file} holds no audit log yet: nothing has been audited with this data folder.`);
  }
  return db;
}
