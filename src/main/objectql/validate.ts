/**
 * Validation of a query against object metadata, before any SQL or pipeline is built: structure (zod),
 * safety (prototype keys, nesting bounds), then meaning — every field path exists, every operator fits the
 * field's type, every value has the right type, limits are sane. Produces the bound query (`ir.ts`).
 */
import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { FieldDefinition } from '../metadata/field';
import {
  ALIAS_PATTERN, FIELD_OPERATORS, QuerySchema,
  type Aggregation, type Condition, type DateGranularity, type Expand, type Filter, type FieldOperator, type Query,
} from './ast';
import { QueryError, joinPath } from './errors';
import {
  Param,
  type BoundAggregate, type BoundGroup, type BoundQuery, type BoundSort, type ColumnRef, type Expansion, type Join,
  type ObjectResolver, type Operand, type OutputColumn, type Pred, type QueryObjectDef,
} from './ir';
import { formatWallClock, isRelativeDateToken, relativeRange, RELATIVE_DATE_TOKENS } from './relative-dates';
import { AVG_EXTRA_SCALE, canonicalDatetime, Dec, kindOfFieldType, scaleOf, type ValueKind } from './values';
import { decodeCursor } from './cursor';

export const LIMITS = {
  /** Lookup hops in one field path (`a.b.c.d` is 3 hops). */
  maxPathHops: 3,
  /** Nesting of `expand`. */
  maxExpandDepth: 3,
  /** Nesting of `$and`/`$or`/`$not`. */
  maxFilterDepth: 8,
  /** Conditions in one query (all filters together). */
  maxConditions: 500,
  maxInValues: 1000,
  maxTextPattern: 1000,
  maxJoins: 12,
  maxOffset: 100_000_000,
  /** Any object/array nesting of the raw input beyond this is rejected before parsing. */
  maxRawDepth: 40,
} as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface ValidationContext {
  resolve: ObjectResolver;
  /** IANA zone for relative dates. */
  timezone: string;
  now?: () => Date;
  defaultLimit: number;
  maxLimit: number;
  /** Filled with where each bound value came from (the engine's prepared-query cache); see `BindTrace`. */
  trace?: BindTrace;
  /** The AST comes from the permission layer (the second pass): `lookupWhere` is accepted. */
  trusted?: boolean;
}

/**
 * What a value of the caller's AST needs to become a parameter again: the check it passed and the
 * canonical form it was given. `value`: a comparison value (`acceptValue`); `pattern`: a `$contains`-like
 * pattern; `limit`/`offset`: the paging numbers (their bounds come from the context).
 */
export type ValueCheck =
  | { t: 'value'; kind: ValueKind; field?: FieldDefinition; relativeDates: boolean }
  | { t: 'pattern' }
  | { t: 'limit'; max: number }
  | { t: 'offset' };

/**
 * The record of one binding: every Param made from a value of the AST, with the AST path it came from (the
 * path errors print) and its check; and, if anything bound depends on more than the values' types
 * (relative dates, `search`, a cursor), why a rebinding by path would be wrong.
 */
export interface BindTrace {
  values: Array<{ param: Param; at: string; check: ValueCheck }>;
  uncacheable?: string;
}

export interface Validated {
  ast: Query;
  bound: BoundQuery;
}

const OPS_BY_KIND: Record<ValueKind, readonly FieldOperator[]> = {
  text: FIELD_OPERATORS,
  number: ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$between', '$null', '$exists'],
  decimal: ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$between', '$null', '$exists'],
  date: ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$between', '$null', '$exists'],
  datetime: ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$between', '$null', '$exists'],
  time: ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$between', '$null', '$exists'],
  boolean: ['$eq', '$ne', '$null', '$exists'],
  json: ['$null', '$exists'],
};
const EQUALITY_OPS: readonly FieldOperator[] = ['$eq', '$ne', '$in', '$nin', '$null', '$exists'];

/** Parse + validate + bind. Throws `QueryError`. */
export function validateQuery(raw: unknown, ctx: ValidationContext): Validated {
  scanRaw(raw, '', 0);
  const parsed = QuerySchema.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  return { ast: parsed.data, bound: new Binder(parsed.data, ctx).bind() };
}

/** Prototype keys and runaway nesting are refused before zod walks the input. */
function scanRaw(v: unknown, path: string, depth: number): void {
  if (depth > LIMITS.maxRawDepth) throw new QueryError('too_deep', path, `nesting deeper than ${LIMITS.maxRawDepth} levels`);
  if (Array.isArray(v)) {
    v.forEach((item, i) => scanRaw(item, joinPath(path, i), depth + 1));
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) throw new QueryError('forbidden_key', joinPath(path, k), `the key "${k}" is not allowed anywhere in a query`);
      scanRaw((v as Record<string, unknown>)[k], joinPath(path, k), depth + 1);
    }
  }
}

function zodPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => joinPath(acc, typeof seg === 'number' ? seg : String(seg)), '');
}

const CONDITION_HELP = `a value (string, number, boolean or null) or an operator object with ${FIELD_OPERATORS.join(', ')}`;

function fromZod(err: z.ZodError): QueryError {
  const issue = err.issues[0]!;
  const path = zodPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const at = joinPath(path, key);
    if (key.startsWith('$')) return new QueryError('operator_not_allowed', at, `unknown operator "${key}"`, FIELD_OPERATORS);
    return new QueryError('invalid_query', at, `unknown key "${key}"`, Object.keys(QuerySchema.shape));
  }
  if (issue.code === 'invalid_union' && /(^|\.)(where|having|filter)(\.|$|\[)/.test(path)) {
    return new QueryError('invalid_value', path, `expected ${CONDITION_HELP}`);
  }
  return new QueryError('invalid_query', path, issue.message);
}

interface ResolvedField {
  ref: ColumnRef;
  field: FieldDefinition;
  fieldName: string;
  object: QueryObjectDef;
}

class Binder {
  private readonly joins: Join[] = [];
  private readonly joinByPath = new Map<string, Join>();
  private readonly root: QueryObjectDef;
  private conditions = 0;
  private readonly now: Date;

  constructor(
    private readonly q: Query,
    private readonly ctx: ValidationContext,
  ) {
    const root = ctx.resolve(q.object);
    if (!root) throw unknownObject('object', q.object);
    this.root = root;
    this.now = ctx.now ? ctx.now() : new Date();
    if (q.lookupWhere !== undefined) {
      // A caller's own lookupWhere would be bound unguarded (as rules are): through it they could test
      // related records their rules hide. Callers filter related records with a dotted path in `where`.
      if (!ctx.trusted) throw new QueryError('invalid_query', 'lookupWhere', '"lookupWhere" is set by the permission layer, not by callers; filter on a related record with a dotted path in "where" (e.g. "customer_id.country")');
      for (const path of Object.keys(q.lookupWhere)) this.checkLookupPath(path, joinPath('lookupWhere', path));
    }
  }

  bind(): BoundQuery {
    const q = this.q;
    const aggregateMode = q.aggregations !== undefined || q.groupBy !== undefined;
    if (aggregateMode) {
      for (const k of ['fields', 'expand', 'cursor'] as const) {
        if (q[k] !== undefined) {
          throw new QueryError('invalid_query', k, `"${k}" cannot be combined with groupBy/aggregations: the result holds the group keys and the aggregation aliases`);
        }
      }
    } else if (q.having !== undefined) {
      throw new QueryError('invalid_query', 'having', '"having" needs groupBy or aggregations');
    }
    if (q.cursor !== undefined && q.offset !== undefined) {
      throw new QueryError('invalid_query', 'cursor', 'use either cursor (keyset) or offset paging, not both');
    }
    const limit = q.limit ?? this.ctx.defaultLimit;
    if (limit > this.ctx.maxLimit) {
      throw new QueryError('limit_exceeded', 'limit', `limit ${limit} is above this workspace's maximum of ${this.ctx.maxLimit}`, [`0..${this.ctx.maxLimit}`]);
    }
    const offset = q.offset ?? 0;
    if (offset > LIMITS.maxOffset) {
      throw new QueryError('limit_exceeded', 'offset', `offset ${offset} is above ${LIMITS.maxOffset}; page with cursor instead`, [`0..${LIMITS.maxOffset}`]);
    }

    const whereParts: Pred[] = [];
    if (q.where) whereParts.push(this.filter(q.where, 'where', 0, (key, p) => this.fieldOperand(key, p)));
    if (q.search !== undefined) {
      if (this.ctx.trace) this.ctx.trace.uncacheable = 'search';
      const s = this.search(q.search);
      if (s) whereParts.push(s);
    }

    const base = {
      object: this.root.name,
      table: this.root.external?.table ?? this.root.name,
      schema: this.root.external?.schema,
      datasource: this.root.datasource,
      limit: new Param(limit, 'number'),
      // No offset is part of the statement's shape (left out of the SQL), not a parameter.
      offset: new Param(offset, 'number', offset === 0),
    };
    const trace = this.ctx.trace;
    if (trace) {
      if (q.limit !== undefined) trace.values.push({ param: base.limit, at: 'limit', check: { t: 'limit', max: this.ctx.maxLimit } });
      if (q.offset !== undefined && offset !== 0) trace.values.push({ param: base.offset, at: 'offset', check: { t: 'offset' } });
    }
    if (aggregateMode) {
      const { groups, aggregates, columns } = this.aggregateColumns();
      const having = q.having ? this.filter(q.having, 'having', 0, (key, p) => this.outputOperand(key, p, columns)) : undefined;
      const sort = this.aggregateSort(columns, groups);
      return {
        ...base, joins: this.joins, mode: 'aggregate', columns, expansions: [], groups, aggregates,
        where: andOpt(whereParts), having, sort, cursorKeys: [], sortFingerprint: '',
      };
    }

    const columns: OutputColumn[] = [];
    const expansions: Expansion[] = [];
    const fields = q.fields ?? Object.keys(this.root.fields);
    fields.forEach((path, i) => {
      const r = this.resolvePath(path, joinPath('fields', i));
      if (!columns.some((c) => c.key === path)) columns.push({ key: path, operand: { t: 'col', ref: r.ref }, kind: r.ref.kind, scale: r.ref.scale });
    });
    if (q.expand) this.expand(q.expand, '', 'expand', 1, columns, expansions);

    const sort = this.rowSort();
    const cursorKeys = sort.map((s, i) => {
      const key = `__s${i}`;
      columns.push({ key, operand: s.operand, kind: s.kind, scale: opScale(s.operand), hidden: true });
      return key;
    });
    const sortFingerprint = sort.map((s) => `${JSON.stringify(s.operand)}${s.desc ? '-' : '+'}`).join(',');
    if (q.cursor !== undefined) whereParts.push(this.cursorPred(q.cursor, sort, sortFingerprint));
    return {
      ...base, joins: this.joins, mode: 'rows', columns, expansions, groups: [], aggregates: [],
      where: andOpt(whereParts), sort, cursorKeys, sortFingerprint,
    };
  }

  // ---- fields and lookups ------------------------------------------------------------------------

  private resolvePath(path: string, errPath: string): ResolvedField {
    const segs = path.split('.');
    if (segs.length - 1 > LIMITS.maxPathHops) {
      throw new QueryError('too_deep', errPath, `"${path}" follows ${segs.length - 1} lookups; at most ${LIMITS.maxPathHops} are allowed`);
    }
    let obj = this.root;
    let alias = 't0';
    let prefix = '';
    for (let i = 0; i < segs.length; i++) {
      const name = segs[i]!;
      const field = Object.hasOwn(obj.fields, name) ? obj.fields[name] : undefined;
      if (!field) throw unknownField(errPath, name, obj);
      const column = field.column ?? name;
      if (i === segs.length - 1) {
        const kind = field.type === 'lookup' ? this.lookupKind(field, errPath) : kindOfFieldType(field);
        const notNull = alias === 't0' && obj.primaryKey.includes(name);
        return { ref: { alias, column, kind, scale: scaleOf(field), ...(notNull ? { notNull } : {}) }, field, fieldName: name, object: obj };
      }
      if (field.type !== 'lookup') {
        throw new QueryError('unknown_field', errPath, `"${name}" on object "${obj.name}" is a ${field.type} field, not a lookup, so "${segs.slice(0, i + 2).join('.')}" does not exist`);
      }
      prefix = prefix ? `${prefix}.${name}` : name;
      const j = this.join(prefix, alias, field, errPath);
      alias = j.join.alias;
      obj = j.target;
    }
    throw new Error('unreachable');
  }

  /** A `lookupWhere` key must be a chain of lookup fields from the queried object. */
  private checkLookupPath(path: string, errPath: string): void {
    let obj: QueryObjectDef = this.root;
    for (const name of path.split('.')) {
      const field = Object.hasOwn(obj.fields, name) ? obj.fields[name] : undefined;
      if (!field) throw unknownField(errPath, name, obj);
      if (field.type !== 'lookup') throw new QueryError('invalid_value', errPath, `"${name}" on object "${obj.name}" is a ${field.type} field, not a lookup`);
      obj = this.lookupTarget(field, errPath).target;
    }
  }

  private lookupTarget(field: FieldDefinition & { type: 'lookup' }, errPath: string): { target: QueryObjectDef; refName: string; ref: FieldDefinition } {
    const target = this.ctx.resolve(field.reference_to);
    if (!target) throw unknownObject(errPath, field.reference_to);
    if (target.datasource !== this.root.datasource) {
      throw new QueryError('unsupported', errPath, `the lookup to "${target.name}" crosses datasources (${this.root.datasource ?? '?'} → ${target.datasource ?? '?'}); query "${target.name}" separately`);
    }
    const refName = field.reference_field ?? (target.primaryKey.length === 1 ? target.primaryKey[0] : undefined);
    const ref = refName !== undefined && Object.hasOwn(target.fields, refName) ? target.fields[refName] : undefined;
    if (!refName || !ref) {
      throw new QueryError('unsupported', errPath, `the lookup to "${target.name}" needs reference_field or a single-field primary key on "${target.name}"`);
    }
    return { target, refName, ref };
  }

  private lookupKind(field: FieldDefinition, errPath: string): ValueKind {
    if (field.type !== 'lookup') return kindOfFieldType(field);
    const { ref } = this.lookupTarget(field, errPath);
    return ref.type === 'lookup' ? 'number' : kindOfFieldType(ref);
  }

  private join(path: string, parent: string, field: FieldDefinition & { type: 'lookup' }, errPath: string): { join: Join; target: QueryObjectDef } {
    const { target, refName, ref } = this.lookupTarget(field, errPath);
    const existing = this.joinByPath.get(path);
    if (existing) return { join: existing, target };
    if (this.joins.length >= LIMITS.maxJoins) throw new QueryError('too_deep', errPath, `more than ${LIMITS.maxJoins} lookups in one query`);
    const join: Join = {
      alias: `t${this.joins.length + 1}`,
      parent,
      path,
      object: target.name,
      table: target.external?.table ?? target.name,
      schema: target.external?.schema,
      fkColumn: field.column ?? path.split('.').pop()!,
      refColumn: ref.column ?? refName,
    };
    const rule = this.q.lookupWhere && Object.hasOwn(this.q.lookupWhere, path) ? this.q.lookupWhere[path] : undefined;
    if (rule) join.visible = this.visibleKeys(target, refName, rule, joinPath('lookupWhere', path));
    this.joins.push(join);
    this.joinByPath.set(path, join);
    return { join, target };
  }

  /** Join.visible: the keys of `target`'s records that `rule` lets through, bound by a binder of its own. */
  private visibleKeys(target: QueryObjectDef, refName: string, rule: Filter, errPath: string): BoundQuery {
    const outer = this.ctx.trace;
    // Its values are the workspace's rules, not the caller's: fixed parameters of the statement, not traced
    // (only whether they can be rebound at all — a relative date in a rule — carries over).
    const trace: BindTrace | undefined = outer ? { values: [] } : undefined;
    const sub = new Binder({ object: target.name }, { ...this.ctx, trace });
    const bound = sub.keySet(refName, rule, errPath);
    if (outer && trace?.uncacheable) outer.uncacheable ??= trace.uncacheable;
    return bound;
  }

  private keySet(refName: string, rule: Filter, errPath: string): BoundQuery {
    const key = this.resolvePath(refName, errPath);
    const where = this.filter(rule, errPath, 0, (k, at) => this.fieldOperand(k, at));
    return {
      object: this.root.name,
      table: this.root.external?.table ?? this.root.name,
      schema: this.root.external?.schema,
      datasource: this.root.datasource,
      joins: this.joins,
      mode: 'rows',
      columns: [{ key: refName, operand: { t: 'col', ref: key.ref }, kind: key.ref.kind, scale: key.ref.scale }],
      expansions: [], groups: [], aggregates: [], where, sort: [], cursorKeys: [], sortFingerprint: '',
      limit: new Param(0, 'number', true),
      offset: new Param(0, 'number', true),
    };
  }

  private expand(spec: Record<string, Expand>, prefix: string, errPath: string, depth: number, columns: OutputColumn[], expansions: Expansion[]): void {
    if (depth > LIMITS.maxExpandDepth) throw new QueryError('too_deep', errPath, `expand nests deeper than ${LIMITS.maxExpandDepth} levels`);
    for (const [name, sub] of Object.entries(spec)) {
      const at = joinPath(errPath, name);
      const path = prefix ? `${prefix}.${name}` : name;
      const r = this.resolvePath(path, at);
      if (r.field.type !== 'lookup') throw new QueryError('invalid_value', at, `"${name}" is a ${r.field.type} field; only lookup fields can be expanded`);
      const { target, refName } = this.lookupTarget(r.field, at);
      const joinAlias = this.joinByPath.get(path) ?? this.join(path, r.ref.alias, r.field, at).join;
      const presenceKey = `__x${joinAlias.alias}`;
      const refField = target.fields[refName]!;
      columns.push({
        key: presenceKey, hidden: true, kind: kindOfFieldType(refField), scale: scaleOf(refField),
        operand: { t: 'col', ref: { alias: joinAlias.alias, column: refField.column ?? refName, kind: kindOfFieldType(refField), scale: scaleOf(refField) } },
      });
      const names = sub.fields ?? Object.keys(target.fields);
      const members: Expansion['members'] = [];
      names.forEach((n, i) => {
        const fr = this.resolvePath(`${path}.${n}`, joinPath(joinPath(at, 'fields'), i));
        const key = `__e${columns.length}`;
        columns.push({ key, hidden: true, operand: { t: 'col', ref: fr.ref }, kind: fr.ref.kind, scale: fr.ref.scale });
        members.push({ key, name: n });
      });
      expansions.push({ at: path.split('.'), presenceKey, members });
      if (sub.expand) this.expand(sub.expand, path, joinPath(at, 'expand'), depth + 1, columns, expansions);
    }
  }

  // ---- filters -----------------------------------------------------------------------------------

  private filter(f: Filter, path: string, depth: number, operand: OperandResolver): Pred {
    if (depth > LIMITS.maxFilterDepth) throw new QueryError('too_deep', path, `$and/$or/$not nest deeper than ${LIMITS.maxFilterDepth} levels`);
    const parts: Pred[] = [];
    for (const [key, value] of Object.entries(f)) {
      if (value === undefined) continue;
      const at = joinPath(path, key);
      if (key === '$and' || key === '$or') {
        const items = (value as Filter[]).map((sub, i) => this.filter(sub, joinPath(at, i), depth + 1, operand));
        parts.push({ t: key === '$and' ? 'and' : 'or', items });
      } else if (key === '$not') {
        parts.push({ t: 'not', item: this.filter(value as Filter, at, depth + 1, operand) });
      } else {
        parts.push(this.fieldCondition(key, value as Condition | string | number | boolean | null, at, operand));
      }
    }
    return and(parts);
  }

  private fieldOperand(key: string, at: string): { a: Operand; kind: ValueKind; scale: number; field?: FieldDefinition } {
    const r = this.resolvePath(key, at);
    return { a: { t: 'col', ref: r.ref }, kind: r.ref.kind, scale: r.ref.scale, field: r.field };
  }

  private outputOperand(key: string, at: string, columns: OutputColumn[]): { a: Operand; kind: ValueKind; scale: number } {
    const c = columns.find((col) => col.key === key);
    if (!c) throw new QueryError('unknown_field', at, `"${key}" is not a group key or aggregation alias of this query`, columns.map((col) => col.key));
    return { a: c.operand, kind: c.kind, scale: c.scale };
  }

  private fieldCondition(key: string, value: Condition | string | number | boolean | null, at: string, operand: OperandResolver): Pred {
    const target = operand(key, at);
    const cond: Condition = value !== null && typeof value === 'object' ? value : { $eq: value };
    const implicit = !(value !== null && typeof value === 'object');
    const allowed = target.field?.type === 'select' || target.field?.type === 'lookup'
      ? OPS_BY_KIND[target.kind].filter((o) => EQUALITY_OPS.includes(o))
      : OPS_BY_KIND[target.kind];
    const parts: Pred[] = [];
    const entries = Object.entries(cond).filter(([, v]) => v !== undefined);
    if (entries.length === 0) throw new QueryError('invalid_value', at, 'an empty condition; give a value or an operator', allowed);
    for (const [op, v] of entries) {
      const opPath = implicit ? at : joinPath(at, op);
      if (!allowed.includes(op as FieldOperator)) {
        const what = target.field ? `a ${target.field.type} field` : `a ${target.kind} value`;
        throw new QueryError('operator_not_allowed', opPath, `${op} is not allowed on ${what}`, allowed);
      }
      if (++this.conditions > LIMITS.maxConditions) throw new QueryError('too_deep', opPath, `more than ${LIMITS.maxConditions} conditions in one query`);
      parts.push(this.operator(op as FieldOperator, v, target, opPath));
    }
    return and(parts);
  }

  private operator(op: FieldOperator, v: unknown, target: { a: Operand; kind: ValueKind; scale: number; field?: FieldDefinition }, at: string): Pred {
    const { a, kind } = target;
    switch (op) {
      case '$null':
      case '$exists':
        if (typeof v !== 'boolean') throw new QueryError('invalid_value', at, `${op} takes true or false`);
        // A document key that is absent and one that holds null read the same: both are "no value".
        return { t: 'null', a, isNull: op === '$null' ? v : !v };
      case '$eq':
      case '$ne': {
        if (v === null) return { t: 'null', a, isNull: op === '$eq' };
        if (isRelativeDateToken(v) && (kind === 'date' || kind === 'datetime')) {
          const { start, end } = this.range(v, kind);
          const inside: Pred = and([cmp('gte', a, kind, start), cmp('lt', a, kind, end)]);
          return op === '$eq' ? inside : { t: 'not', item: inside };
        }
        return cmp(op === '$eq' ? 'eq' : 'ne', a, kind, this.value(v, target, at));
      }
      case '$gt': case '$gte': case '$lt': case '$lte': {
        if (v === null) throw new QueryError('invalid_value', at, `${op} cannot compare with null; use $null`);
        if (isRelativeDateToken(v) && (kind === 'date' || kind === 'datetime')) {
          const { start, end } = this.range(v, kind);
          // After a period = at or after its end; up to and including it = before its end.
          if (op === '$gt') return cmp('gte', a, kind, end);
          if (op === '$gte') return cmp('gte', a, kind, start);
          if (op === '$lt') return cmp('lt', a, kind, start);
          return cmp('lt', a, kind, end);
        }
        return cmp(op.slice(1) as 'gt', a, kind, this.value(v, target, at));
      }
      case '$between': {
        const [lo, hi] = v as [unknown, unknown];
        if (lo === null || hi === null) throw new QueryError('invalid_value', at, '$between takes two non-null values [low, high]');
        const low = isRelativeDateToken(lo) && (kind === 'date' || kind === 'datetime')
          ? cmp('gte', a, kind, this.range(lo, kind).start)
          : cmp('gte', a, kind, this.value(lo, target, joinPath(at, 0)));
        const high = isRelativeDateToken(hi) && (kind === 'date' || kind === 'datetime')
          ? cmp('lt', a, kind, this.range(hi, kind).end)
          : cmp('lte', a, kind, this.value(hi, target, joinPath(at, 1)));
        return and([low, high]);
      }
      case '$in':
      case '$nin': {
        const list = v as unknown[];
        if (list.length > LIMITS.maxInValues) throw new QueryError('limit_exceeded', at, `${op} takes at most ${LIMITS.maxInValues} values`);
        const vs = list.map((item, i) => {
          if (item === null) throw new QueryError('invalid_value', joinPath(at, i), `null cannot be in ${op}; combine with { $null: true } in $or`);
          if (isRelativeDateToken(item) && (kind === 'date' || kind === 'datetime')) {
            throw new QueryError('invalid_value', joinPath(at, i), `relative dates are not allowed in ${op}; use $eq or $between`);
          }
          return this.value(item, target, joinPath(at, i));
        });
        return { t: 'in', a, kind, vs, negate: op === '$nin' };
      }
      case '$contains': case '$icontains': case '$startsWith': case '$endsWith': {
        if (typeof v !== 'string' || v.length === 0) {
          throw new QueryError('invalid_value', at, `${op} takes a non-empty string (an empty pattern matches every value: leave the condition out)`);
        }
        if (v.length > LIMITS.maxTextPattern) throw new QueryError('invalid_value', at, `${op} patterns are at most ${LIMITS.maxTextPattern} characters`);
        const mode = op === '$startsWith' ? 'startsWith' : op === '$endsWith' ? 'endsWith' : 'contains';
        const param = new Param(v, 'text');
        this.ctx.trace?.values.push({ param, at, check: PATTERN_CHECK });
        return { t: 'text', a, mode, ci: op === '$icontains', v: param };
      }
    }
  }

  private range(token: string, kind: 'date' | 'datetime'): { start: Param; end: Param } {
    if (this.ctx.trace) this.ctx.trace.uncacheable = 'relative date';
    const { start, end } = relativeRange(token, this.now, this.ctx.timezone);
    return { start: new Param(formatWallClock(start, kind), kind), end: new Param(formatWallClock(end, kind), kind) };
  }

  /** Checks a user value against the kind of its target and returns it in canonical form. */
  private value(v: unknown, target: { kind: ValueKind; scale: number; field?: FieldDefinition }, at: string): Param {
    const c = acceptValue(v, target.kind, target.field);
    if (c instanceof Refusal) throw new QueryError('invalid_value', at, c.message, c.allowed);
    const param = new Param(c, target.kind);
    const trace = this.ctx.trace;
    if (trace) {
      const relativeDates = target.kind === 'date' || target.kind === 'datetime';
      trace.values.push({ param, at, check: { t: 'value', kind: target.kind, ...(target.field ? { field: target.field } : {}), relativeDates } });
    }
    return param;
  }

  private search(text: string): Pred | undefined {
    const terms = text.split(/\s+/).filter(Boolean);
    if (terms.length === 0) return undefined;
    if (terms.length > 10) throw new QueryError('invalid_value', 'search', 'at most 10 search terms');
    const searchable = Object.entries(this.root.fields).filter(
      ([, f]) => kindOfFieldType(f) === 'text' && f.type !== 'select' && f.searchable !== false,
    );
    if (searchable.length === 0) throw new QueryError('invalid_value', 'search', `object "${this.root.name}" has no searchable text fields`);
    return and(
      terms.map((term) => ({
        t: 'or' as const,
        items: searchable.map(([name]): Pred => ({ t: 'text', a: { t: 'col', ref: this.resolvePath(name, 'search').ref }, mode: 'contains', ci: true, v: new Param(term, 'text') })),
      })),
    );
  }

  // ---- sorting and paging ------------------------------------------------------------------------

  private rowSort(): BoundSort[] {
    const sort: BoundSort[] = [];
    const has = (ref: ColumnRef) => sort.some((s) => s.operand.t === 'col' && s.operand.ref.alias === ref.alias && s.operand.ref.column === ref.column);
    (this.q.orderBy ?? []).forEach((s, i) => {
      const r = this.resolvePath(s.field, joinPath(joinPath('orderBy', i), 'field'));
      if (r.ref.kind === 'json') throw new QueryError('invalid_value', joinPath(joinPath('orderBy', i), 'field'), `"${s.field}" is a ${r.field.type} field and cannot be sorted`);
      // A key sorted again later cannot change the order: the first occurrence decides.
      if (!has(r.ref)) sort.push({ operand: { t: 'col', ref: r.ref }, kind: r.ref.kind, desc: s.order === 'desc' });
    });
    // The primary key makes the order total, so pages and engines agree row for row.
    const tie = this.root.primaryKey.length > 0
      ? this.root.primaryKey
      : Object.keys(this.root.fields).filter((n) => kindOfFieldType(this.root.fields[n]!) !== 'json');
    for (const name of tie) {
      const r = this.resolvePath(name, 'orderBy');
      if (!has(r.ref)) sort.push({ operand: { t: 'col', ref: r.ref }, kind: r.ref.kind, desc: false });
    }
    return sort;
  }

  private cursorPred(cursor: string, sort: BoundSort[], fingerprint: string): Pred {
    if (this.ctx.trace) this.ctx.trace.uncacheable = 'cursor';
    const values = decodeCursor(cursor, fingerprint, sort.length);
    sort.forEach((s, i) => {
      const v = values[i];
      const expected = s.kind === 'number' ? 'number' : s.kind === 'boolean' ? 'boolean' : 'string';
      if (v !== null && typeof v !== expected) throw new QueryError('invalid_cursor', 'cursor', 'not a cursor returned by a previous page (nextCursor)');
    });
    const branches: Pred[] = [];
    sort.forEach((s, i) => {
      const eqs: Pred[] = sort.slice(0, i).map((p, j) => nullSafeEq(p.operand, p.kind, values[j]));
      const v = values[i];
      let after: Pred;
      if (v === null) after = s.desc ? { t: 'const', value: false } : { t: 'null', a: s.operand, isNull: false };
      else if (s.desc) after = { t: 'or', items: [cmp('lt', s.operand, s.kind, new Param(v, s.kind)), { t: 'null', a: s.operand, isNull: true }] };
      else after = cmp('gt', s.operand, s.kind, new Param(v, s.kind));
      branches.push(and([...eqs, after]));
    });
    return { t: 'or', items: branches };
  }

  // ---- aggregates --------------------------------------------------------------------------------

  private aggregateColumns(): { groups: BoundGroup[]; aggregates: BoundAggregate[]; columns: OutputColumn[] } {
    const groups: BoundGroup[] = [];
    const columns: OutputColumn[] = [];
    (this.q.groupBy ?? []).forEach((g, i) => {
      const at = joinPath('groupBy', i);
      const spec = typeof g === 'string' ? { field: g } : g;
      const fieldAt = typeof g === 'string' ? at : joinPath(at, 'field');
      const r = this.resolvePath(spec.field, fieldAt);
      const gran = (spec as { dateGranularity?: DateGranularity }).dateGranularity;
      if (r.field.type === 'json' || r.field.type === 'multiselect' || r.field.type === 'textarea') {
        throw new QueryError('not_groupable', fieldAt, `"${spec.field}" is a ${r.field.type} field and cannot be grouped`, groupableFields(r.object));
      }
      if (gran && r.ref.kind !== 'date' && r.ref.kind !== 'datetime') {
        throw new QueryError('invalid_value', joinPath(at, 'dateGranularity'), `dateGranularity needs a date or datetime field; "${spec.field}" is ${r.field.type}`);
      }
      const key = (spec as { alias?: string }).alias ?? (gran ? `${spec.field}__${gran}` : spec.field);
      if (groups.some((x) => x.key === key)) throw new QueryError('invalid_value', at, `duplicate group key "${key}"; give it an alias`);
      const operand: Operand = gran ? { t: 'bucket', ref: r.ref, granularity: gran } : { t: 'col', ref: r.ref };
      const kind: ValueKind = gran ? 'text' : r.ref.kind;
      groups.push({ key, operand, kind, scale: gran ? 0 : r.ref.scale });
      columns.push({ key, operand, kind, scale: gran ? 0 : r.ref.scale });
    });
    const aggregates: BoundAggregate[] = [];
    (this.q.aggregations ?? []).forEach((agg, i) => {
      const at = joinPath('aggregations', i);
      if (columns.some((c) => c.key === agg.alias)) throw new QueryError('invalid_value', joinPath(at, 'alias'), `alias "${agg.alias}" is already used by another group key or aggregation`);
      const b = this.aggregate(agg, at);
      aggregates.push(b);
      columns.push({ key: b.key, operand: { t: 'agg', index: i }, kind: b.kind, scale: b.scale });
    });
    return { groups, aggregates, columns };
  }

  private aggregate(agg: Aggregation, at: string): BoundAggregate {
    const filter = agg.filter ? this.filter(agg.filter, joinPath(at, 'filter'), 0, (key, p) => this.fieldOperand(key, p)) : undefined;
    if (agg.field === undefined) {
      if (agg.function !== 'count') throw new QueryError('invalid_value', joinPath(at, 'field'), `${agg.function} needs a field`);
      return { key: agg.alias, fn: 'count', filter, kind: 'number', scale: 0 };
    }
    const fieldAt = joinPath(at, 'field');
    const r = this.resolvePath(agg.field, fieldAt);
    const kind = r.ref.kind;
    const refuse = (what: string): never => {
      throw new QueryError('not_aggregatable', fieldAt, `${agg.function} needs ${what}; "${agg.field}" is a ${r.field.type} field`, aggregatableFields(r.object, agg.function));
    };
    switch (agg.function) {
      case 'count':
        return { key: agg.alias, fn: 'count', ref: r.ref, filter, kind: 'number', scale: 0 };
      case 'count_distinct':
        if (kind === 'json' || r.field.type === 'textarea') refuse('a groupable field');
        return { key: agg.alias, fn: 'count_distinct', ref: r.ref, filter, kind: 'number', scale: 0 };
      case 'sum':
      case 'avg':
        if (kind !== 'number' && kind !== 'decimal') refuse('a number, currency or percent field');
        return {
          key: agg.alias, fn: agg.function, ref: r.ref, filter, kind,
          scale: kind === 'decimal' ? r.ref.scale + (agg.function === 'avg' ? AVG_EXTRA_SCALE : 0) : 0,
        };
      case 'min':
      case 'max':
        if (kind === 'json' || kind === 'boolean') refuse('an orderable field (number, currency, text, date...)');
        return { key: agg.alias, fn: agg.function, ref: r.ref, filter, kind, scale: r.ref.scale };
    }
  }

  private aggregateSort(columns: OutputColumn[], groups: BoundGroup[]): BoundSort[] {
    const sort: BoundSort[] = [];
    (this.q.orderBy ?? []).forEach((s, i) => {
      const c = columns.find((col) => col.key === s.field);
      if (!c) throw new QueryError('unknown_field', joinPath(joinPath('orderBy', i), 'field'), `"${s.field}" is not a group key or aggregation alias of this query`, columns.map((col) => col.key));
      if (!sort.some((x) => JSON.stringify(x.operand) === JSON.stringify(c.operand))) sort.push({ operand: c.operand, kind: c.kind, desc: s.order === 'desc' });
    });
    for (const g of groups) {
      if (!sort.some((s) => JSON.stringify(s.operand) === JSON.stringify(g.operand))) sort.push({ operand: g.operand, kind: g.kind, desc: false });
    }
    return sort;
  }
}

type OperandResolver = (key: string, at: string) => { a: Operand; kind: ValueKind; scale: number; field?: FieldDefinition };

function cmp(op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', a: Operand, kind: ValueKind, v: Param): Pred {
  return { t: 'cmp', op, a, kind, v };
}

function nullSafeEq(a: Operand, kind: ValueKind, v: unknown): Pred {
  return v === null ? { t: 'null', a, isNull: true } : cmp('eq', a, kind, new Param(v, kind));
}

function and(parts: Pred[]): Pred {
  if (parts.length === 0) return { t: 'const', value: true };
  return parts.length === 1 ? parts[0]! : { t: 'and', items: parts };
}

function andOpt(parts: Pred[]): Pred | undefined {
  return parts.length === 0 ? undefined : and(parts);
}

function opScale(o: Operand): number {
  return o.t === 'col' ? o.ref.scale : 0;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `the number ${v}`;
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : 'an object';
  return `${typeof v} ${String(v)}`;
}

const PATTERN_CHECK: ValueCheck = { t: 'pattern' };

function refuse(v: unknown, expected: string): Refusal {
  return new Refusal(`expected ${expected}, got ${describe(v)}`);
}

/** Why a value was refused at its place (the binder adds the path). */
export class Refusal {
  constructor(
    readonly message: string,
    readonly allowed?: readonly string[],
  ) {}
}

/**
 * A user value for a target of `kind` (and, for a select field, its options) in canonical form, or why it
 * is refused. The one definition of value acceptance: the binder and the prepared-query cache both use it,
 * so a rebound value is accepted exactly when a fresh binding would accept it.
 */
export function acceptValue(v: unknown, kind: ValueKind, field?: FieldDefinition): unknown {
  // No closure here: this runs for every value of every query.
  switch (kind) {
    case 'text':
      if (typeof v !== 'string') return refuse(v, 'a string');
      break;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return refuse(v, 'a finite number');
      break;
    case 'decimal':
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return refuse(v, 'a finite number');
        return new Dec(v).toString();
      }
      if (typeof v !== 'string' || !/^-?\d{1,30}(\.\d{1,30})?$/.test(v)) return refuse(v, 'a number or a decimal string such as "12.50"');
      return new Dec(v).toString();
    case 'boolean':
      if (typeof v !== 'boolean') return refuse(v, 'true or false');
      break;
    case 'date': {
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || !DateTime.fromISO(v).isValid) {
        return refuse(v, `a date "YYYY-MM-DD" or a relative date (${RELATIVE_DATE_TOKENS.join(', ')})`);
      }
      break;
    }
    case 'datetime': {
      const c = typeof v === 'string' ? canonicalDatetime(v) : undefined;
      if (!c || !DateTime.fromISO(c).isValid || /(Z|[+-]\d{2}:?\d{2})$/.test(String(v))) {
        return refuse(v, `a wall-clock date-time "YYYY-MM-DDTHH:mm:ss" (no offset: it is read in the workspace time zone) or a relative date (${RELATIVE_DATE_TOKENS.join(', ')})`);
      }
      return c;
    }
    case 'time':
      if (typeof v !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(v)) return refuse(v, 'a time "HH:mm:ss"');
      return v.length === 5 ? `${v}:00` : v;
    case 'json':
      return refuse(v, 'no value (only $null/$exists apply to this field)');
  }
  if (field?.type === 'select' && field.options && !field.options.some((o) => o.value === v)) {
    return new Refusal(`${describe(v)} is not an option of this field`, field.options.map((o) => String(o.value)));
  }
  return v;
}

export function unknownObject(path: string, name: string): QueryError {
  // Deliberately the same words whether the object is missing or hidden from this user.
  return new QueryError('unknown_object', path, `unknown object "${name}"`);
}

function unknownField(path: string, name: string, obj: QueryObjectDef): QueryError {
  const names = Object.keys(obj.fields).sort();
  return new QueryError('unknown_field', path, `unknown field "${name}" on object "${obj.name}"`, names.length > 60 ? [...names.slice(0, 60), '…'] : names);
}

function groupableFields(obj: QueryObjectDef): string[] {
  return Object.entries(obj.fields).filter(([, f]) => !['json', 'multiselect', 'textarea'].includes(f.type)).map(([n]) => n);
}

function aggregatableFields(obj: QueryObjectDef, fn: string): string[] {
  return Object.entries(obj.fields)
    .filter(([, f]) => {
      const k = kindOfFieldType(f);
      if (fn === 'sum' || fn === 'avg') return k === 'number' || k === 'decimal';
      if (fn === 'min' || fn === 'max') return k !== 'json' && k !== 'boolean';
      return k !== 'json';
    })
    .map(([n]) => n);
}

export { ALIAS_PATTERN };
