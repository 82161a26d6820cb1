/**
 * Turns the AST a caller hands the audit into the canonical JSON text that is stored and hashed — or
 * refuses it. Decisions (see docs/audit.md):
 *  - Only query-shaped ASTs are kept: the top-level keys of an ObjectQL query, plus `id` and
 *    `changedFields` for writes. There is no key for rows, records, results or new values, so a caller
 *    that tries to hand those over (`rows`, `values`, `set`, `record` …) gets an error, not a silent strip.
 *  - Values inside `where`/`having`/`search` ARE kept: they are the parameters the user chose ("who looked
 *    up customer 42"), which is what an auditor asks. They are not row values.
 *  - Secret references (`{ $secret }`) and URLs with embedded passwords are refused anywhere.
 *  - Keys are sorted, so the same AST always gives the same text; only JSON values are accepted.
 *  - Text over AST_MAX_BYTES is replaced by its size and SHA-256, so one huge `$in` cannot bloat the log.
 */
import { createHash } from 'node:crypto';
import { AuditInputError } from './errors';

export const AST_TOP_LEVEL_KEYS = new Set([
  // ObjectQL query (src/main/objectql/ast.ts)
  'object', 'fields', 'where', 'search', 'orderBy', 'limit', 'offset', 'cursor',
  'aggregations', 'groupBy', 'having', 'expand',
  // writes: which record and which fields changed — never the new values
  'id', 'changedFields',
]);
export const AST_MAX_BYTES = 64 * 1024;
const MAX_DEPTH = 64;
const CREDENTIAL_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;

export function canonicalAst(ast: unknown): string {
  if (ast === null || typeof ast !== 'object' || Array.isArray(ast)) {
    throw new AuditInputError('ast must be an object shaped like an ObjectQL query', 'ast');
  }
  for (const key of Object.keys(ast)) {
    if (!AST_TOP_LEVEL_KEYS.has(key)) {
      throw new AuditInputError(
        `ast.${key} is not part of a query AST. The audit keeps the query (object, fields, where, orderBy, …) and, for writes, ` +
          `the record id and the names of changed fields (changedFields) — never rows, results or new values.`,
        `ast.${key}`,
      );
    }
  }
  const text = write(ast, 'ast', 0);
  if (text.length <= AST_MAX_BYTES && Buffer.byteLength(text) <= AST_MAX_BYTES) return text;
  const sha256 = createHash('sha256').update(text).digest('hex');
  return write({ $omitted: `ast larger than ${AST_MAX_BYTES} bytes`, bytes: Buffer.byteLength(text), sha256 }, 'ast', 0);
}

function write(value: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new AuditInputError(`${path} nests deeper than ${MAX_DEPTH} levels`, path);
  switch (typeof value) {
    case 'string':
      if (CREDENTIAL_URL.test(value)) throw new AuditInputError(`${path} holds a URL with a password in it; secrets never enter the audit`, path);
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new AuditInputError(`${path} is ${value}; only finite numbers are JSON`, path);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`, depth + 1)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new AuditInputError(`${path} is a ${proto?.constructor?.name ?? 'non-plain object'}; the audit keeps plain JSON only`, path);
      }
      const keys = Object.keys(value).sort();
      const parts: string[] = [];
      for (const k of keys) {
        if (k === '$secret') throw new AuditInputError(`${path} is a secret reference; secrets never enter the audit`, path);
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${write(v, `${path}.${k}`, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new AuditInputError(`${path} is a ${typeof value}; the audit keeps plain JSON only`, path);
  }
}
