/**
 * Writes, behind three keys that must all be turned: the datasource allows writes (`allowWrites: true`
 * and `readOnly: false`), the object is writable (`external.writable: true`), and the user's permission
 * sets allow the operation (`allowCreate`/`allowEdit`/`allowDelete`, each written field `editable`, and
 * for update/delete the record inside the user's read AND edit/delete rules). A refusal names every key
 * that is off. The statement runs only through the driver's explicit `write()` path.
 *
 * The NEW values are held to the rules too (write-rules.ts): a create or update changes nothing unless the
 * record it leaves behind is inside the user's rules and every lookup it sets points at a record the user
 * can read — checked inside the same statement; only after such a statement changed 0 rows does a read
 * find which check failed, to name it in the refusal. MongoDB datasources refuse writes.
 */
import { ApiError } from '../../shared/api/errors';
import type { DriverRegistry } from '../drivers';
import { writesAllowed } from '../drivers';
import type { Workspace } from '../metadata';
import type { FieldDefinition } from '../metadata/field';
import type { Filter } from '../objectql/ast';
import { compileSql } from '../objectql/compile/sql';
import { QueryError } from '../objectql/errors';
import { unknownObject, validateQuery } from '../objectql/validate';
import { compileDelete, compileInsert, compileRowProbe, compileUpdate, writeParam, WriteValueError, type ColumnValue, type Guard, type NewRow, type RowCheck, type TableRef } from '../objectql/write';
import type { AccessScope, RowFilter } from './access-scope';
import { rowCondition } from './apply-permissions';
import { PermissionDeniedError } from './errors';
import type { UserDefinition } from '../metadata/security-config';
import type { SqlDriver } from '../drivers/types';
import { valueChecks, type ValueCheck } from './write-rules';

export type WriteKind = 'create' | 'update' | 'delete';
export type KeyInput = string | number | Record<string, string | number>;

export interface WriteRequest {
  kind: WriteKind;
  object: string;
  key?: KeyInput;
  values?: Record<string, unknown>;
}

export interface WriteOutcome {
  object: string;
  rowCount: number;
  key?: Record<string, string | number>;
}

const VERB: Record<WriteKind, { flag: 'create' | 'edit' | 'delete'; permission: string; word: string }> = {
  create: { flag: 'create', permission: 'allowCreate', word: 'create records of' },
  update: { flag: 'edit', permission: 'allowEdit', word: 'edit' },
  delete: { flag: 'delete', permission: 'allowDelete', word: 'delete records of' },
};

export async function executeWrite(req: WriteRequest, ctx: { ws: Workspace; user: UserDefinition; scope: AccessScope; drivers: DriverRegistry; signal?: AbortSignal }): Promise<WriteOutcome> {
  const { ws, scope } = ctx;
  const object = ws.objects.get(req.object);
  const access = scope.object(req.object);
  // Hidden reads the same as missing, exactly as in a query.
  if (!object || !access) throw unknownObject('object', req.object);
  const ds = ws.datasources.get(object.datasource)!;
  const verb = VERB[req.kind];

  const off: string[] = [];
  if (!writesAllowed(ds)) off.push(`the datasource "${ds.name}" does not allow writes — set allowWrites: true and readOnly: false in ${ds.file}`);
  if (object.external?.writable !== true) off.push(`the object "${object.name}" is not writable — set external: { …, writable: true } in ${object.file}`);
  if (!access[verb.flag]) {
    off.push(`your permission sets (${ctx.user.permissionSets.join(', ') || 'none'}) do not allow you to ${verb.word} "${object.name}" — an admin can grant ${verb.permission} on it`);
  }
  if (off.length > 0) {
    throw new PermissionDeniedError(`${req.kind} refused: ${off.join('; and ')}.`, !writesAllowed(ds) ? 'datasource' : object.external?.writable !== true ? 'object' : 'user');
  }

  const driver = ctx.drivers.get(ds.name);
  if (driver.kind !== 'sql') throw new ApiError('bad_request', `writes to ${driver.driver} datasources are not supported; "${object.name}" is on "${ds.name}"`);
  const dialect = driver.dialect;
  const keyKindOf = (f: FieldDefinition): 'number' | 'text' => {
    if (f.type !== 'lookup') return 'number';
    const target = ws.objects.get(f.reference_to);
    const ref = target?.fields[f.reference_field ?? target.primaryKey[0] ?? ''];
    return ref && ['text', 'textarea', 'email', 'url', 'phone', 'select'].includes(ref.type) ? 'text' : 'number';
  };
  const param = (name: string, v: unknown, at: string) => {
    try {
      return writeParam(object.fields[name]!, v, at, dialect, keyKindOf(object.fields[name]!));
    } catch (e) {
      if (e instanceof WriteValueError) throw new QueryError('invalid_value', e.path, e.message.slice(e.path.length + 2));
      throw e;
    }
  };

  const values: ColumnValue[] = [];
  for (const [name, v] of Object.entries(req.values ?? {})) {
    const at = `values.${name}`;
    if (!access.readable.has(name) || !Object.hasOwn(object.fields, name)) {
      throw new QueryError('unknown_field', at, `unknown field "${name}" on object "${object.name}"`, [...access.readable].sort());
    }
    if (!access.editable.has(name)) throw new PermissionDeniedError(`${req.kind} refused: you may not change the field "${object.name}.${name}" (not editable in your permission sets)`, 'field');
    if (req.kind === 'update' && (object.primaryKey.includes(name) || object.fields[name]!.readonly)) {
      throw new QueryError('invalid_value', at, `"${name}" is ${object.primaryKey.includes(name) ? 'part of the primary key' : 'read-only'} and cannot be changed`);
    }
    values.push({ column: object.fields[name]!.column ?? name, value: param(name, v, at) });
  }
  const t = { table: object.external?.table ?? object.name, schema: object.external?.schema };
  const columns = Object.entries(object.fields).map(([n, f]) => f.column ?? n);
  const checks = req.kind === 'delete' ? [] : valueChecks(req.kind, object, req.values ?? {}, {
    ws,
    user: ctx.user,
    access,
    readRowsOf: (name) => scope.object(name)?.readRows ?? [],
  });
  const rowCheck = (row: NewRow, condition: Filter): RowCheck => ({ select: engineSelect(ws, object.name, condition, dialect), row });
  const combined = (row: NewRow): RowCheck | undefined =>
    checks.length === 0 ? undefined : rowCheck(row, checks.length === 1 ? checks[0]!.condition : { $and: checks.map((c) => c.condition) });

  if (req.kind === 'create') {
    const missing = Object.entries(object.fields).filter(([n, f]) => f.required && !object.primaryKey.includes(n) && !Object.hasOwn(req.values ?? {}, n)).map(([n]) => n);
    // A required field the user cannot write makes the object uncreatable for them; never name it if hidden.
    if (missing.some((n) => !access.editable.has(n))) {
      throw new PermissionDeniedError(`create refused: "${object.name}" has required fields you may not set, so you cannot create its records — an admin can make them editable for you`, 'field');
    }
    if (missing.length > 0) throw new QueryError('invalid_value', 'values', `required field(s) missing: ${missing.join(', ')}`);
    const row: NewRow = { columns, values };
    const res = await driver.write(compileInsert(dialect, t, values, combined(row)), { signal: ctx.signal });
    if (res.rowCount === 0 && checks.length > 0) await refuseFailedCheck(driver, t, checks, row, rowCheck, ctx.signal);
    return { object: object.name, rowCount: res.rowCount };
  }

  const key = normaliseKey(object.primaryKey, req.key, object.name);
  const keyColumns = object.primaryKey.map((k) => ({ column: object.fields[k]!.column ?? k, value: param(k, key[k], `key.${k}`) }));
  if (req.kind === 'update' && values.length === 0) throw new QueryError('invalid_value', 'values', 'nothing to change: give at least one field in values');
  const rows = and(access.readRows, req.kind === 'update' ? access.editRows : access.deleteRows);
  const guard = rows === 'all' ? undefined : guardSelect(ws, object.name, key, rows, dialect);
  const row: NewRow = { columns, values, key: keyColumns };
  const compiled = req.kind === 'update' ? compileUpdate(dialect, t, keyColumns, values, guard, combined(row)) : compileDelete(dialect, t, keyColumns, guard);
  const res = await driver.write(compiled, { signal: ctx.signal });
  if (res.rowCount === 0 && checks.length > 0) {
    // Was it the record (missing, or outside the rules before the change) or the new values?
    const old = await driver.query(guard ?? engineSelect(ws, object.name, key as Filter, dialect), { signal: ctx.signal });
    if (old.rows.length > 0) await refuseFailedCheck(driver, t, checks, row, rowCheck, ctx.signal);
  }
  if (res.rowCount === 0) {
    throw new ApiError(
      'not_found',
      `no record of "${object.name}" with key ${JSON.stringify(key)} that you may ${req.kind === 'update' ? 'edit' : 'delete'}`,
      'key',
      { code: guard ? 'not_writable' : 'no_record' },
    );
  }
  return { object: object.name, rowCount: res.rowCount, key };
}

function normaliseKey(pk: string[], key: KeyInput | undefined, object: string): Record<string, string | number> {
  if (pk.length === 0) throw new ApiError('bad_request', `"${object}" has no primary key, so its records cannot be addressed for a write`);
  if (key === undefined) throw new QueryError('invalid_value', 'key', `the record key is required: ${pk.length === 1 ? `the value of "${pk[0]}"` : `{ ${pk.join(', ')} }`}`);
  if (typeof key !== 'object') {
    if (pk.length > 1) throw new QueryError('invalid_value', 'key', `"${object}" has a composite key: give { ${pk.join(', ')} }`);
    return { [pk[0]!]: key };
  }
  const names = Object.keys(key);
  const extra = names.filter((n) => !pk.includes(n));
  const missing = pk.filter((n) => !Object.hasOwn(key, n));
  if (extra.length || missing.length) throw new QueryError('invalid_value', 'key', `the key of "${object}" is exactly { ${pk.join(', ')} }`, pk);
  return Object.fromEntries(pk.map((n) => [n, key[n]!]));
}

function and(a: RowFilter, b: RowFilter): RowFilter {
  if (a === 'all') return b;
  if (b === 'all') return a;
  if (a.length === 0 || b.length === 0) return [];
  const either = (x: Filter[]): Filter => (x.length === 1 ? x[0]! : { $or: x });
  return [{ $and: [either(a), either(b)] }];
}

/** The engine's SELECT of this one record under the user's rules, bound against the full metadata. */
function guardSelect(ws: Workspace, name: string, key: Record<string, string | number>, rows: Filter[], dialect: 'sqlite' | 'postgres' | 'mysql'): Guard {
  const condition = rowCondition(rows, ws.objects.get(name)!)!;
  return engineSelect(ws, name, { $and: [key as Filter, condition] }, dialect);
}

/**
 * After a checked write changed 0 rows: probe each check alone against the same new row (a read, the
 * write already refused atomically) and refuse with the first that fails. None failing means the data or
 * the rules changed in between; nothing was written, and saying so beats guessing a rule.
 */
async function refuseFailedCheck(
  driver: SqlDriver,
  t: TableRef,
  checks: ValueCheck[],
  row: NewRow,
  rowCheck: (row: NewRow, condition: Filter) => RowCheck,
  signal?: AbortSignal,
): Promise<never> {
  for (const c of checks) {
    const probe = await driver.query(compileRowProbe(driver.dialect, t, rowCheck(row, c.condition)), { signal });
    if (probe.rows.length === 0) throw c.refusal();
  }
  throw new ApiError('unavailable', 'nothing was written: the record or the records and rules it depends on changed while it was being written — try again');
}

/** The engine's compiled SELECT of `name` rows matching `where` (at most one), bound against the full metadata. */
function engineSelect(ws: Workspace, name: string, where: Filter, dialect: 'sqlite' | 'postgres' | 'mysql'): Guard {
  const object = ws.objects.get(name)!;
  const fields = object.primaryKey.length > 0 ? [...object.primaryKey] : [Object.keys(object.fields)[0]!];
  const { bound } = validateQuery({ object: name, fields, where, limit: 1 }, {
    resolve: (n) => ws.objects.get(n),
    timezone: ws.timezone,
    defaultLimit: 1,
    maxLimit: 1,
  });
  const c = compileSql(bound, dialect);
  return { sql: c.sql, parameters: c.parameters };
}
