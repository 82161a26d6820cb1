import type Database from 'better-sqlite3';

export const GENESIS_HASH: string;
export interface FileIdentity { ino: number; dev: number }
export function checkFile(file: string, identity: FileIdentity | null): FileIdentity;
export function createCommitter(db: Database.Database, file: string): { commit(lines: string[]): number };
