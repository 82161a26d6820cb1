import type Database from 'better-sqlite3';
import type { EncodedBatch } from './batch-codec.mjs';

export const GENESIS_HASH: string;
export const AST_MAX_BYTES: number;
export interface FileIdentity { ino: number; dev: number }
export function canonicalJson(value: unknown): string;
export function storedAst(value: unknown): string;
export function checkFile(file: string, identity: FileIdentity | null): FileIdentity;
export function createCommitter(db: Database.Database, file: string): { commit(batch: EncodedBatch): number };
export function forEachLine(
  batch: EncodedBatch,
  onLine: (line: string, at: string, who: readonly unknown[], how: readonly unknown[], ast: string | null, rowCount: number | null, durationMs: number | null) => void,
): void;
