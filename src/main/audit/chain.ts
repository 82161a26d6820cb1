/**
 * The hash chain. An entry's hashed text is its "line": the JSON array of its fields in a fixed order,
 * behind a format number. `hash = sha256(prev_hash + line)`, hex. `seq` is deliberately NOT hashed: the
 * order is carried by `prev_hash`, so verify can tell "moved" from "edited" and a deletion shows as one
 * missing link instead of every later entry failing. The writer thread (writer-core.mjs) parses the line
 * back into columns with the same order — keep LINE_FIELDS and that file in step.
 */
import { createHash } from 'node:crypto';

export const LINE_FORMAT = 1;
export const GENESIS_HASH = '0'.repeat(64);
export const LINE_FIELDS = ['at', 'user', 'via', 'operation', 'object', 'ast', 'rowCount', 'outcome', 'errorCode', 'reason', 'durationMs'] as const;

export interface LineFields {
  at: string;
  user: string;
  via: string;
  operation: string;
  object?: string | null;
  ast?: string | null;
  rowCount?: number | null;
  outcome: string;
  errorCode?: string | null;
  reason?: string | null;
  durationMs?: number | null;
}

export function entryLine(e: LineFields): string {
  return JSON.stringify([
    LINE_FORMAT,
    e.at,
    e.user,
    e.via,
    e.operation,
    e.object ?? null,
    e.ast ?? null,
    e.rowCount ?? null,
    e.outcome,
    e.errorCode ?? null,
    e.reason ?? null,
    e.durationMs ?? null,
  ]);
}

export function chainHash(prevHash: string, line: string): string {
  return createHash('sha256').update(prevHash).update(line).digest('hex');
}
