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
 *
 * Each write is prepared first (every key, field and value checked, the statement compiled — no database
 * access) and then run against an executor: the driver itself for one write, or one open transaction for a
 * batch (`executeBatch`): every write of a batch on one datasource, all committed or none.
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
import type { CompiledQuery, QueryResult, SqlDriver, WriteResult } from '../drivers/types';
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
  /** The record's key: as given for update/delete; for a create, given in values or assigned by the database. */
  key?: Record<string, string | number>;
}

export interface WriteContext {
  ws: Workspace;
  user: UserDefinition;
  scope: AccessScope;
  drivers: DriverRegistry;
  signal?: AbortSignal;
}

/** Where a prepared write runs its statements: the driver (its own transaction per statement) or one open transaction. */
export interface WriteExecutor {
  write(compiled: CompiledQuery): Promise<WriteResult>;
  query(compiled: CompiledQuery): Promise<QueryResult>;
}

/** A write whose keys, fields and values were all checked and whose statement is compiled; nothing ran yet. */
export interface PreparedWrite {
  object: string;
  datasource: string;
  driver: SqlDriver;
  run(exec: WriteExecutor): Promise<WriteOutcome>;
}

const VERB: Record<WriteKind, { flag: 'create' | 'edit' | 'delete'; permission: string; word: string }> = {
  create: { flag: 'create', permission: 'allowCreate', word: 'create records of' },
  update: { flag: 'edit', permission: 'allowEdit', word: 'edit' },
  delete: { flag: 'delete', permission: 'allowDelete', word: 'delete records of' },
};

/** One write, in its own statement (and the driver's own transaction). */
export async function executeWrite(req: WriteRequest, ctx: WriteContext): Promise<WriteOutcome> {
  const prepared = prepareWrite(req, ctx);
  const { driver } = prepared;
  return prepared.run({
    write: (compiled) => driver.write(compiled, { signal: ctx.signal }),
    query: (compiled) => driver.query(compiled, { signal: ctx.signal }),
  });
}

/**
 * Checks the three keys, the fields and the values of one write and compiles its statement; throws the
 * refusal without touching the database. `run` then executes it (and, after a checked statement changed 0
 * rows, the reads that name the refusal) on the executor it is given.
 */
export function prepareWrite(req: WriteRequest, ctx: WriteContext): PreparedWrite {
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
    // The key of the new record: given in values, else assigned by the database (a single-column key only).
    const given = givenKey(object.primaryKey, req.values ?? {});
    const assigned = !given && object.primaryKey.length === 1 ? object.primaryKey[0]! : undefined;
    const assignedColumn = assigned ? object.fields[assigned]!.column ?? assigned : undefined;
    const compiled = compileInsert(dialect, t, values, combined(row), assignedColumn && dialect === 'postgres' ? [assignedColumn] : []);
    return {
      object: object.name,
      datasource: ds.name,
      driver,
      async run(exec) {
        const res = await exec.write(compiled);
        if (res.rowCount === 0 && checks.length > 0) await refuseFailedCheck(exec, driver.dialect, t, checks, row, rowCheck);
        let key = given;
        if (!key && assigned && res.rowCount > 0) {
          const id = dialect === 'postgres' ? res.rows[0]?.[assignedColumn!] : NUMERIC_KEY.has(object.fields[assigned]!.type) || dialect === 'mysql' ? res.insertId : undefined;
          if (typeof id === 'number' || typeof id === 'string') key = { [assigned]: id };
        }
        return { object: object.name, rowCount: res.rowCount, ...(key ? { key } : {}) };
      },
    };
  }

  const key = normaliseKey(object.primaryKey, req.key, object.name);
  const keyColumns = object.primaryKey.map((k) => ({ column: object.fields[k]!.column ?? k, value: param(k, key[k], `key.${k}`) }));
  if (req.kind === 'update' && values.length === 0) throw new QueryError('invalid_value', 'values', 'nothing to change: give at least one field in values');
  const rows = and(access.readRows, req.kind === 'update' ? access.editRows : access.deleteRows);
  const guard = rows === 'all' ? undefined : guardSelect(ws, object.name, key, rows, dialect);
  const row: NewRow = { columns, values, key: keyColumns };
  const compiled = req.kind === 'update' ? compileUpdate(dialect, t, keyColumns, values, guard, combined(row)) : compileDelete(dialect, t, keyColumns, guard);
  return {
    object: object.name,
    datasource: ds.name,
    driver,
    async run(exec) {
      const res = await exec.write(compiled);
      if (res.rowCount === 0 && checks.length > 0) {
        // Was it the record (missing, or outside the rules before the change) or the new values?
        const old = await exec.query(guard ?? engineSelect(ws, object.name, key as Filter, dialect));
        if (old.rows.length > 0) await refuseFailedCheck(exec, dialect, t, checks, row, rowCheck);
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
    },
  };
}

const NUMERIC_KEY = new Set(['number', 'autonumber']);

/** The whole primary key when `values` gives every part of it as a string or number. */
function givenKey(pk: string[], values: Record<string, unknown>): Record<string, string | number> | undefined {
  if (pk.length === 0) return undefined;
  const key: Record<string, string | number> = {};
  for (const k of pk) {
    const v = values[k];
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    key[k] = v;
  }
  return key;
}

/** What one write of a batch came to (for the per-write audit). */
export type BatchWriteStatus = 'ok' | 'rolled_back' | 'failed' | 'not_run';

/** A batch that changed nothing: write `index` (0-based) was refused or failed (`index === total`: the COMMIT failed). */
export class BatchWriteError extends Error {
  constructor(
    readonly index: number,
    readonly total: number,
    /** The refusal or failure itself (an ApiError, a driver error …). */
    readonly failure: unknown,
    /** Per write: how far it got before the batch was rolled back. */
    readonly statuses: BatchWriteStatus[],
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
    this.name = 'BatchWriteError';
  }
}

export interface BatchOutcome {
  datasource: string;
  rowCount: number;
  results: WriteOutcome[];
}

/**
 * Every write of the batch in ONE transaction on one datasource, each through exactly the checks of a
 * single write (three keys, fields, values, record rules in the statement). All are prepared before the
 * transaction opens, so a refusal by a key, field or value costs no database work; a refusal or failure
 * while running rolls back everything already written. A batch naming objects of two datasources is refused.
 */
export async function executeBatch(reqs: WriteRequest[], ctx: WriteContext): Promise<BatchOutcome> {
  const total = reqs.length;
  const statuses: BatchWriteStatus[] = reqs.map(() => 'not_run');
  const fail = (index: number, cause: unknown): never => {
    if (index < total) statuses[index] = 'failed';
    throw new BatchWriteError(index, total, cause, statuses);
  };
  const prepared: PreparedWrite[] = [];
  for (const [i, req] of reqs.entries()) {
    let p: PreparedWrite;
    try {
      p = prepareWrite(req, ctx);
    } catch (e) {
      return fail(i, e);
    }
    const first = prepared[0];
    if (first && p.datasource !== first.datasource) {
      return fail(i, new ApiError('bad_request', `"${p.object}" is on the datasource "${p.datasource}" but this batch writes to "${first.datasource}" ("${first.object}"): one batch is one transaction on one datasource — send a batch per datasource`, 'object'));
    }
    prepared.push(p);
  }
  if (prepared.length === 0) throw new ApiError('bad_request', 'a batch needs at least one write', 'writes');
  const { driver, datasource } = prepared[0]!;
  const results: WriteOutcome[] = [];
  let current = 0;
  try {
    await driver.transaction(async (tx) => {
      for (; current < total; current++) {
        results.push(await prepared[current]!.run(tx));
        statuses[current] = 'ok';
      }
    }, { signal: ctx.signal });
  } catch (e) {
    for (let i = 0; i < current && i < total; i++) statuses[i] = 'rolled_back';
    return fail(current, e);
  }
  return { datasource, rowCount: results.reduce((n, r) => n + r.rowCount, 0), results };
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
  exec: WriteExecutor,
  dialect: SqlDriver['dialect'],
  t: TableRef,
  checks: ValueCheck[],
  row: NewRow,
  rowCheck: (row: NewRow, condition: Filter) => RowCheck,
): Promise<never> {
  for (const c of checks) {
    const probe = await exec.query(compileRowProbe(dialect, t, rowCheck(row, c.condition)));
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
