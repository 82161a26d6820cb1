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
import { AuditInputError } from './errors';
import { AST_MAX_BYTES, storedAst } from './writer-core.mjs';

export { AST_MAX_BYTES };
export const AST_TOP_LEVEL_KEYS = new Set([
  // ObjectQL query (src/main/objectql/ast.ts)
  'object', 'fields', 'where', 'search', 'orderBy', 'limit', 'offset', 'cursor',
  'aggregations', 'groupBy', 'having', 'expand', 'lookupWhere',
  // writes: which record and which fields changed — never the new values
  'id', 'changedFields',
]);
const MAX_DEPTH = 64;
/** A URL with a password in it (`scheme://user:password@host`): refused anywhere in an AST. */
export const CREDENTIAL_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;

/**
 * Refuses an AST the audit must not keep (see the decisions above) with an AuditInputError naming where;
 * returns nothing when it may be kept. After this, `JSON.stringify(ast)` is a faithful snapshot and
 * `storedAst()` (writer-core.mjs, run by the writer) gives its stored text.
 */
export function checkAst(ast: unknown): void {
  if (ast === null || typeof ast !== 'object' || Array.isArray(ast)) {
    throw new AuditInputError('ast must be an object shaped like an ObjectQL query', 'ast');
  }
  for (const key in ast) {
    if (!AST_TOP_LEVEL_KEYS.has(key) && Object.hasOwn(ast, key)) {
      throw new AuditInputError(
        `ast.${key} is not part of a query AST. The audit keeps the query (object, fields, where, orderBy, …) and, for writes, ` +
          `the record id and the names of changed fields (changedFields) — never rows, results or new values.`,
        `ast.${key}`,
      );
    }
  }
  try {
    check(ast, 0);
  } catch (e) {
    if (e !== REFUSED) throw e;
    // Walk again, keeping the path this time, to say where (the fast walk allocates nothing for it).
    write(ast, null, 0);
    throw new AuditInputError('ast holds a value the audit does not keep', 'ast');
  }
}

/** The text stored for `ast`: canonical JSON (sorted keys), or its size and digest above AST_MAX_BYTES. */
export function canonicalAst(ast: unknown): string {
  checkAst(ast);
  return storedAst(ast);
}

/** Where in the AST we are; the dotted path text is only built for an error message. */
interface At {
  parent: At | null;
  key: string | number;
}
const pathOf = (at: At | null): string => {
  const parts: string[] = [];
  for (let a = at; a; a = a.parent) parts.push(typeof a.key === 'number' ? `[${a.key}]` : `.${a.key}`);
  return `ast${parts.reverse().join('')}`;
};
const refuse = (at: At | null, message: string): never => {
  const p = pathOf(at);
  throw new AuditInputError(`${p} ${message}`, p);
};

/** Thrown by the fast walk; `write()` then finds and words the problem. */
const REFUSED = Symbol('refused');

/** The hot path: the same refusals as `write()`, without building text or tracking where it is. */
function check(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw REFUSED;
  switch (typeof value) {
    case 'string':
      if (value.indexOf('@') !== -1 && CREDENTIAL_URL.test(value)) throw REFUSED;
      return;
    case 'number':
      if (!Number.isFinite(value)) throw REFUSED;
      return;
    case 'boolean':
      return;
    case 'object': {
      if (value === null) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) check(value[i], depth + 1);
        return;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw REFUSED;
      for (const k in value) {
        if (k === '$secret') throw REFUSED;
        const v = (value as Record<string, unknown>)[k];
        if (v !== undefined) check(v, depth + 1);
      }
      return;
    }
    default:
      throw REFUSED;
  }
}

function write(value: unknown, at: At | null, depth: number): string {
  if (depth > MAX_DEPTH) refuse(at, `nests deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case 'string':
      if (CREDENTIAL_URL.test(value)) refuse(at, 'holds a URL with a password in it; secrets never enter the audit');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) refuse(at, `is ${value}; only finite numbers are JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + write(value[i], { parent: at, key: i }, depth + 1);
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        refuse(at, `is a ${proto?.constructor?.name ?? 'non-plain object'}; the audit keeps plain JSON only`);
      }
      const keys = Object.keys(value).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        if (k === '$secret') refuse(at, 'is a secret reference; secrets never enter the audit');
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(k)}:${write(v, { parent: at, key: k }, depth + 1)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return refuse(at, `is a ${typeof value}; the audit keeps plain JSON only`);
  }
}
