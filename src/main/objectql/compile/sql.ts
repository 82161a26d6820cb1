/**
 * Bound query → SQL for SQLite, PostgreSQL and MySQL/MariaDB, assembled with Kysely 0.28 in compile-only mode.
 * Values reach the SQL only as bound parameters; identifiers come from object metadata and are quoted by the
 * dialect. The choices that make every dialect return what the reference evaluator returns:
 *
 * - text compares by code point: PG `COLLATE "C"` for order/range/min/max, MySQL
 *   `CONVERT(x USING utf8mb4) COLLATE utf8mb4_nopad_bin` everywhere (its default collations ignore case, accents
 *   and trailing spaces), SQLite's BINARY default;
 * - `$contains` & co. are case-sensitive (SQLite GLOB, PG LIKE, MySQL binary LIKE); `$icontains` & co. fold
 *   ASCII only (SQLite LIKE, PG translate(A-Z→a-z) + LIKE, MySQL binary REGEXP with [aA] classes);
 * - NULLs sort first ascending, last descending (explicit NULLS FIRST/LAST on PG and SQLite; MySQL's default);
 * - NOT is two-valued (`NOT COALESCE(p, FALSE)`), `$ne`/`$nin` include NULL;
 * - money is summed exactly (DECIMAL casts; integer minor units on SQLite, whose NUMERIC columns hold doubles),
 *   and averages are finished in the engine from the exact sum and the count.
 *
 * Compiled statements are cached by query shape (values left out), so a repeated query only rebinds values.
 */
import {
  DummyDriver, Kysely, MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler, PostgresAdapter, PostgresIntrospector,
  PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql, type RawBuilder,
} from 'kysely';
import type { BoundAggregate, BoundQuery, ColumnRef, Join, Operand, Param, Pred } from '../ir';
import { keySetColumn, shapeOf } from '../ir';
import { rowDecoder, type RowDecoder } from './row-decoder';
import type { FlatRow } from '../reference/evaluator';
import { asciiLower, canonical, Dec, type ValueKind } from '../values';

export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

/** An output column of a statement or pipeline, and where its value is in a row keyed by alias. */
export interface ResultColumn {
  /** Output key of the bound query. */
  key: string;
  kind: ValueKind;
  scale: number;
  /** SQL alias(es) holding it: one value, or an exact sum and a count for an average. */
  decode:
    | { t: 'value'; alias: string }
    | { t: 'minor'; alias: string; scale: number }
    | { t: 'avg'; sum: string; count: string; minorScale?: number };
}

/** A column of compiled SQL, also located by position for array rows. Columns of one expression share one selection. */
export interface SqlColumn extends ResultColumn {
  /** Position in the select list of the value (of the sum, for an average). */
  at: number;
  /** Position of the count, for an average. */
  countAt?: number;
}

export interface CompiledSql {
  dialect: SqlDialect;
  sql: string;
  parameters: readonly unknown[];
  columns: SqlColumn[];
  /** Array rows of this statement → result rows; built once per shape. */
  decoder: RowDecoder;
  /** True when the statement text came from the shape cache. */
  cached: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const builders: Record<SqlDialect, AnyDb> = {
  postgres: new Kysely({ dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() } }),
  mysql: new Kysely({ dialect: { createAdapter: () => new MysqlAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new MysqlIntrospector(db), createQueryCompiler: () => new MysqlQueryCompiler() } }),
  sqlite: new Kysely({ dialect: { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new SqliteIntrospector(db), createQueryCompiler: () => new SqliteQueryCompiler() } }),
};

/** How a canonical value becomes a parameter of one dialect. */
type Conv =
  | 'raw' | 'decimal' | 'datetime' | 'bool'
  | `minor:${number}`
  | `glob:${TextMode}` | `like:${TextMode}` | `likeci:${TextMode}` | `regexci:${TextMode}`;
type TextMode = 'contains' | 'startsWith' | 'endsWith';

/** A placeholder standing for value `index` while the statement is compiled. */
class Slot {
  constructor(
    readonly index: number,
    readonly conv: Conv,
  ) {}
}

/** A compiled statement of one query shape: its text, where each value goes, and its result columns. */
export interface SqlStatement {
  sql: string;
  slots: Array<{ index: number; conv: Conv }>;
  columns: SqlColumn[];
  decoder: RowDecoder;
}
type CacheEntry = SqlStatement;

const CACHE_LIMIT = 500;
const cache = new Map<string, CacheEntry>();

export function sqlCacheSize(): number {
  return cache.size;
}

export function compileSql(q: BoundQuery, dialect: SqlDialect): CompiledSql {
  const { statement, values, cached } = compileSqlStatement(q, dialect);
  const parameters = statement.slots.map((s) => convert(dialect, s.conv, values[s.index]));
  return { dialect, sql: statement.sql, parameters, columns: statement.columns, decoder: statement.decoder, cached };
}

/**
 * The statement of a bound query's shape (from the shape cache when it was compiled before), with the
 * query's Params in value order: each slot of the statement names the value it takes and how it is
 * converted (`convertParameter`). The engine's prepared-query cache keeps these to rebind new values.
 */
export function compileSqlStatement(q: BoundQuery, dialect: SqlDialect): { statement: SqlStatement; values: unknown[]; params: Param[]; cached: boolean } {
  const shape = shapeOf(q);
  const key = `${dialect}|${shape.key}`;
  let entry = cache.get(key);
  let cached = true;
  if (!entry) {
    cached = false;
    entry = new SqlCompiler(q, dialect).compile();
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  } else {
    // Keep recently used shapes.
    cache.delete(key);
    cache.set(key, entry);
  }
  return { statement: entry, values: shape.values, params: shape.params, cached };
}

/** A canonical value as parameter `conv` of a statement in `dialect`. */
export function convertParameter(dialect: SqlDialect, conv: SqlStatement['slots'][number]['conv'], v: unknown): unknown {
  return convert(dialect, conv, v);
}

function convert(dialect: SqlDialect, conv: Conv, v: unknown): unknown {
  if (conv === 'raw') return v;
  if (conv === 'decimal') return dialect === 'sqlite' ? Number(v) : String(v);
  if (conv === 'datetime') return dialect === 'postgres' ? v : String(v).replace('T', ' ');
  if (conv === 'bool') return dialect === 'postgres' ? v : v ? 1 : 0;
  const [kind, arg] = conv.split(':') as [string, string];
  if (kind === 'minor') return Number(new Dec(String(v)).times(new Dec(10).pow(Number(arg))));
  const s = String(v);
  const mode = arg as TextMode;
  const wrap = (p: string, any: string, start = '', end = '') =>
    mode === 'contains' ? `${any}${p}${any}` : mode === 'startsWith' ? `${start}${p}${any}` : `${any}${p}${end}`;
  switch (kind) {
    case 'glob':
      return wrap(s.replace(/[*?[]/g, (c) => `[${c}]`), '*');
    case 'like':
      return wrap(s.replace(/[!%_]/g, (c) => `!${c}`), '%');
    case 'likeci':
      return wrap(asciiLower(s).replace(/[!%_]/g, (c) => `!${c}`), '%');
    case 'regexci': {
      const body = Array.from(s)
        .map((c) => (/[A-Za-z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : /[\x00-\x7f]/.test(c) && !/[0-9 ]/.test(c) ? `\\${c}` : c))
        .join('');
      return `(?-i)${mode === 'contains' ? body : mode === 'startsWith' ? `\\A${body}` : `${body}\\z`}`;
    }
  }
  throw new Error(`unknown parameter conversion ${conv}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Frag = RawBuilder<any>;

class SqlCompiler {
  private readonly columns: SqlColumn[] = [];

  constructor(
    private readonly q: BoundQuery,
    private readonly d: SqlDialect,
  ) {}

  compile(): CacheEntry {
    const q = this.q;
    const db = builders[this.d];
    let qb = db.selectFrom(sql`${this.table(q.table, q.schema)}`.as('t0'));
    for (const j of q.joins) {
      qb = qb.leftJoin(sql`${this.table(j.table, j.schema)}`.as(j.alias), (jb) => jb.on(this.joinOn(j)));
    }
    const selections: unknown[] = [];
    // A sort key is usually also a selected field (the primary key tie-breaker always is): select it once.
    const selected = new Map<string, { alias: string; at: number }>();
    let n = 0;
    for (const c of q.columns) {
      const alias = `c${n++}`;
      if (c.operand.t === 'agg') {
        const agg = q.aggregates[c.operand.index]!;
        if (agg.fn === 'avg') {
          const minor = this.minorScale(agg);
          const sumAt = selections.push(this.sumExpr(agg).as(`${alias}_s`)) - 1;
          const countAt = selections.push(this.countExpr(agg).as(`${alias}_n`)) - 1;
          this.columns.push({ key: c.key, kind: c.kind, scale: c.scale, decode: { t: 'avg', sum: `${alias}_s`, count: `${alias}_n`, minorScale: minor }, at: sumAt, countAt });
          continue;
        }
        const at = selections.push(this.aggExpr(agg).as(alias)) - 1;
        const minor = agg.fn === 'sum' ? this.minorScale(agg) : undefined;
        this.columns.push({ key: c.key, kind: c.kind, scale: c.scale, decode: minor !== undefined ? { t: 'minor', alias, scale: minor } : { t: 'value', alias }, at });
        continue;
      }
      // The selected expression depends only on the operand (and the mode, fixed for the query).
      const exprKey = JSON.stringify(c.operand);
      let sel = selected.get(exprKey);
      if (!sel) {
        const expr = q.mode === 'aggregate' ? this.groupExpr(c.operand) : this.operand(c.operand, 'value');
        sel = { alias, at: selections.push(expr.as(alias)) - 1 };
        selected.set(exprKey, sel);
      }
      this.columns.push({ key: c.key, kind: c.kind, scale: c.scale, decode: { t: 'value', alias: sel.alias }, at: sel.at });
    }
    let sel = qb.select(selections as never);
    if (q.where) sel = sel.where(this.pred(q.where));
    if (q.mode === 'aggregate' && q.groups.length > 0) sel = sel.groupBy(q.groups.map((g) => this.groupExpr(g.operand)) as never);
    if (q.having) sel = sel.having(this.pred(q.having));
    for (const s of q.sort) {
      const e = s.operand.t === 'agg' ? this.aggSortExpr(q.aggregates[s.operand.index]!) : q.mode === 'aggregate' ? this.groupExpr(s.operand, 'order') : this.operand(s.operand, 'order', s.kind);
      const dir = s.desc ? 'DESC' : 'ASC';
      // An explicit NULLS clause that differs from the index order forces a full sort (PostgreSQL's btree is
      // ASC NULLS LAST); a primary key has no NULLs, so it is left out there.
      const neverNull = s.operand.t === 'col' && s.operand.ref.notNull === true;
      const nulls = this.d === 'mysql' || neverNull ? '' : s.desc ? ' NULLS LAST' : ' NULLS FIRST';
      sel = sel.orderBy(sql`${e} ${sql.raw(dir + nulls)}`);
    }
    // SQLite's planner reads a bare LIMIT/OFFSET parameter, which makes every rebind re-prepare the statement
    // (+4 µs on a 1.4 µs primary-key read); behind a CAST the value is opaque to it and the plan is kept.
    const page = (p: Param) => (this.d === 'sqlite' ? sql`CAST(${this.slot(p)} AS INTEGER)` : this.slot(p));
    sel = sel.limit(page(q.limit) as never);
    if (!(q.offset.fixed && q.offset.value === 0)) sel = sel.offset(page(q.offset) as never);
    const compiled = sel.compile();
    const slots = compiled.parameters.map((p) => {
      if (!(p instanceof Slot)) throw new Error('a value reached the SQL without a parameter slot');
      return { index: p.index, conv: p.conv };
    });
    return { sql: compiled.sql, slots, columns: this.columns, decoder: rowDecoder(q, this.columns) };
  }

  /** A lookup's join condition; with a rule (Join.visible), only the related records it lets through join. */
  private joinOn(j: Join): Frag {
    const key = sql.id(j.alias, j.refColumn);
    const eq = sql<boolean>`${key} = ${sql.id(j.parent, j.fkColumn)}`;
    return j.visible ? sql<boolean>`${eq} AND ${key} IN (${new SqlCompiler(j.visible, this.d).keySet()})` : eq;
  }

  /**
   * Join.visible as `SELECT key FROM … WHERE rule`. Uncorrelated, with aliases of its own (an inner `t0`
   * shadows the outer one, as SQL scoping says), so every dialect can run it once as a semi-join.
   */
  private keySet(): Frag {
    const q = this.q;
    const joins = q.joins.map((j) => sql` LEFT JOIN ${this.table(j.table, j.schema)} AS ${sql.id(j.alias)} ON ${this.joinOn(j)}`);
    return sql`SELECT ${this.col(keySetColumn(q))} FROM ${this.table(q.table, q.schema)} AS ${sql.id('t0')}${joins.length ? sql.join(joins, sql``) : sql``}${q.where ? sql` WHERE ${this.pred(q.where)}` : sql``}`;
  }

  private table(table: string, schema?: string): Frag {
    return schema ? sql.id(schema, table) : sql.id(table);
  }

  private slot(p: Param, conv: Conv = 'raw'): Slot {
    if (p.index < 0) throw new Error('parameter without an index: call shapeOf first');
    return new Slot(p.index, conv);
  }

  private val(p: Param, kind: ValueKind): Frag {
    switch (kind) {
      case 'decimal':
        if (this.d === 'postgres') return sql`CAST(${this.slot(p, 'decimal')} AS numeric)`;
        if (this.d === 'mysql') return sql`CAST(${this.slot(p, 'decimal')} AS DECIMAL(65,30))`;
        return sql`${this.slot(p, 'decimal')}`;
      case 'number':
        if (this.d === 'postgres' && typeof p.value === 'number' && !Number.isInteger(p.value)) return sql`CAST(${this.slot(p)} AS double precision)`;
        return sql`${this.slot(p)}`;
      case 'datetime':
        return sql`${this.slot(p, 'datetime')}`;
      case 'boolean':
        return sql`${this.slot(p, 'bool')}`;
      default:
        return sql`${this.slot(p)}`;
    }
  }

  private col(ref: ColumnRef): Frag {
    return sql`${sql.id(ref.alias, ref.column)}`;
  }

  /** Text in a form that compares by code point. `purpose` tells PG whether a collation matters. */
  private text(e: Frag, purpose: 'value' | 'eq' | 'order'): Frag {
    if (this.d === 'mysql' && purpose !== 'value') return sql`CONVERT(${e} USING utf8mb4) COLLATE utf8mb4_nopad_bin`;
    if (this.d === 'postgres' && purpose === 'order') return sql`(${e} COLLATE "C")`;
    return e;
  }

  private bucket(ref: ColumnRef, g: 'day' | 'week' | 'month' | 'quarter' | 'year'): Frag {
    const c = this.col(ref);
    if (this.d === 'postgres') {
      const fmt = { day: 'YYYY-MM-DD', week: 'YYYY-MM-DD', month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' }[g];
      return sql`to_char(date_trunc(${sql.lit(g)}, ${c}), ${sql.lit(fmt)})`;
    }
    if (this.d === 'mysql') {
      if (g === 'quarter') return sql`CONCAT(YEAR(${c}), '-Q', QUARTER(${c}))`;
      if (g === 'week') return sql`DATE_FORMAT(DATE_SUB(${c}, INTERVAL WEEKDAY(${c}) DAY), '%Y-%m-%d')`;
      const fmt = { day: '%Y-%m-%d', month: '%Y-%m', year: '%Y' }[g];
      return sql`DATE_FORMAT(${c}, ${sql.lit(fmt)})`;
    }
    if (g === 'quarter') return sql`(strftime('%Y', ${c}) || '-Q' || ((CAST(strftime('%m', ${c}) AS INTEGER) + 2) / 3))`;
    if (g === 'week') return sql`strftime('%Y-%m-%d', ${c}, '-' || ((CAST(strftime('%w', ${c}) AS INTEGER) + 6) % 7) || ' days')`;
    const fmt = { day: '%Y-%m-%d', month: '%Y-%m', year: '%Y' }[g];
    return sql`strftime(${sql.lit(fmt)}, ${c})`;
  }

  private operand(o: Operand, purpose: 'value' | 'eq' | 'order', kind?: ValueKind): Frag {
    if (o.t === 'agg') return this.aggSortExpr(this.q.aggregates[o.index]!);
    if (o.t === 'bucket') return this.bucket(o.ref, o.granularity);
    const e = this.col(o.ref);
    return (kind ?? o.ref.kind) === 'text' ? this.text(e, purpose) : e;
  }

  private groupExpr(o: Operand, purpose: 'group' | 'order' = 'group'): Frag {
    if (o.t === 'bucket') return this.bucket(o.ref, o.granularity);
    if (o.t === 'col' && o.ref.kind === 'text') return this.text(this.col(o.ref), purpose === 'order' ? 'order' : 'eq');
    return this.operand(o, 'value');
  }

  private pred(p: Pred): Frag {
    switch (p.t) {
      case 'const':
        return p.value ? sql`1 = 1` : sql`1 = 0`;
      case 'and':
      case 'or':
        return sql`(${sql.join(p.items.map((i) => this.pred(i)), sql.raw(p.t === 'and' ? ' AND ' : ' OR '))})`;
      case 'not':
        return sql`NOT COALESCE(${this.pred(p.item)}, FALSE)`;
      case 'null': {
        const e = this.predOperand(p.a, 'value');
        return p.isNull ? sql`${e} IS NULL` : sql`${e} IS NOT NULL`;
      }
      case 'cmp': {
        const purpose = p.op === 'eq' || p.op === 'ne' ? 'eq' : 'order';
        const e = this.predOperand(p.a, purpose, p.kind);
        const v = this.predValue(p.a, p.v, p.kind);
        const op = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }[p.op];
        if (p.op === 'ne') return sql`(${e} <> ${v} OR ${this.predOperand(p.a, 'value')} IS NULL)`;
        return sql`${e} ${sql.raw(op)} ${v}`;
      }
      case 'in': {
        if (p.vs.length === 0) return p.negate ? sql`1 = 1` : sql`1 = 0`;
        const e = this.predOperand(p.a, 'eq', p.kind);
        const list = sql.join(p.vs.map((v) => this.predValue(p.a, v, p.kind)));
        return p.negate ? sql`(${e} NOT IN (${list}) OR ${this.predOperand(p.a, 'value')} IS NULL)` : sql`${e} IN (${list})`;
      }
      case 'text': {
        const raw = this.predOperand(p.a, 'value');
        if (this.d === 'sqlite') {
          return p.ci ? sql`${raw} LIKE ${this.slot(p.v, `likeci:${p.mode}`)} ESCAPE '!'` : sql`${raw} GLOB ${this.slot(p.v, `glob:${p.mode}`)}`;
        }
        if (this.d === 'postgres') {
          return p.ci
            ? sql`translate(${raw}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE ${this.slot(p.v, `likeci:${p.mode}`)} ESCAPE '!'`
            : sql`${raw} LIKE ${this.slot(p.v, `like:${p.mode}`)} ESCAPE '!'`;
        }
        const bin = this.text(raw, 'eq');
        return p.ci ? sql`${bin} REGEXP ${this.slot(p.v, `regexci:${p.mode}`)}` : sql`${bin} LIKE ${this.slot(p.v, `like:${p.mode}`)} ESCAPE '!'`;
      }
    }
  }

  private predOperand(a: Operand, purpose: 'value' | 'eq' | 'order', kind?: ValueKind): Frag {
    if (a.t === 'agg') return this.aggCompareExpr(this.q.aggregates[a.index]!);
    if (a.t === 'bucket') return this.bucket(a.ref, a.granularity);
    return this.operand(a, purpose, kind);
  }

  private predValue(a: Operand, v: Param, kind: ValueKind): Frag {
    if (a.t === 'agg') {
      const agg = this.q.aggregates[a.index]!;
      const minor = agg.fn === 'avg' ? this.avgMinorScale(agg) : this.minorScale(agg);
      if (minor !== undefined && (agg.fn === 'sum' || agg.fn === 'avg')) return sql`${this.slot(v, `minor:${minor}`)}`;
    }
    return this.val(v, kind);
  }

  // ---- aggregates --------------------------------------------------------------------------------

  /** On SQLite, money is summed as integer minor units (cents); this is their scale. */
  private minorScale(agg: BoundAggregate): number | undefined {
    return this.d === 'sqlite' && agg.ref?.kind === 'decimal' ? agg.ref.scale : undefined;
  }

  /**
   * A money average is compared as (exact sum in minor units, as a double) / count on every dialect: the sum is
   * a whole number a double holds exactly and the division is correctly rounded, so equal averages compare
   * equal (a double sum of 128.70 over 130 rows and of 39.60 over 40 rows did not, and broke ties).
   */
  private avgMinorScale(agg: BoundAggregate): number | undefined {
    return agg.ref?.kind === 'decimal' ? agg.ref.scale : undefined;
  }

  private filtered(agg: BoundAggregate, e: Frag): Frag {
    return agg.filter ? sql`CASE WHEN ${this.pred(agg.filter)} THEN ${e} END` : e;
  }

  private sumInput(agg: BoundAggregate): Frag {
    const ref = agg.ref!;
    const c = this.col(ref);
    if (ref.kind !== 'decimal') return c;
    if (this.d === 'postgres') return sql`CAST(${c} AS numeric(38, ${sql.lit(ref.scale)}))`;
    if (this.d === 'mysql') return sql`CAST(${c} AS DECIMAL(38, ${sql.lit(ref.scale)}))`;
    return sql`CAST(ROUND(${c} * ${sql.lit(10 ** ref.scale)}) AS INTEGER)`;
  }

  private sumExpr(agg: BoundAggregate): Frag {
    return sql`SUM(${this.filtered(agg, this.sumInput(agg))})`;
  }

  private countExpr(agg: BoundAggregate): Frag {
    if (!agg.ref) return agg.filter ? sql`COUNT(${this.filtered(agg, sql`1`)})` : sql`COUNT(*)`;
    return sql`COUNT(${this.filtered(agg, this.col(agg.ref))})`;
  }

  private aggExpr(agg: BoundAggregate): Frag {
    switch (agg.fn) {
      case 'count':
        return this.countExpr(agg);
      case 'count_distinct': {
        const ref = agg.ref!;
        const e = ref.kind === 'text' ? this.text(this.col(ref), 'eq') : ref.kind === 'decimal' ? this.sumInput(agg) : this.col(ref);
        return sql`COUNT(DISTINCT ${this.filtered(agg, e)})`;
      }
      case 'sum':
        return this.sumExpr(agg);
      case 'avg':
        return this.aggCompareExpr(agg);
      case 'min':
      case 'max': {
        const ref = agg.ref!;
        const e = ref.kind === 'text' ? this.text(this.col(ref), 'order') : this.col(ref);
        return sql`${sql.raw(agg.fn.toUpperCase())}(${this.filtered(agg, e)})`;
      }
    }
  }

  /** The aggregate as compared in HAVING and ORDER BY; an average is the exact sum over the count, in double. */
  private aggCompareExpr(agg: BoundAggregate): Frag {
    if (agg.fn !== 'avg') return this.aggExpr(agg);
    const dbl = this.d === 'postgres' ? 'double precision' : this.d === 'mysql' ? 'DOUBLE' : 'REAL';
    const minor = this.avgMinorScale(agg);
    // SQLite's sum is already in minor units.
    const sum = minor === undefined || this.d === 'sqlite' ? this.sumExpr(agg) : sql`(${this.sumExpr(agg)} * ${sql.lit(10 ** minor)})`;
    return sql`(CAST(${sum} AS ${sql.raw(dbl)}) / NULLIF(${this.countExpr(agg)}, 0))`;
  }

  private aggSortExpr(agg: BoundAggregate): Frag {
    return this.aggCompareExpr(agg);
  }
}

/** Driver rows (keyed by SQL alias) → flat rows (keyed by output key, canonical values). */
export function decodeSqlRows(columns: readonly ResultColumn[], rows: readonly Record<string, unknown>[]): FlatRow[] {
  return rows.map((r) => decodeSqlRow(columns, r));
}

export function decodeSqlRow(columns: readonly ResultColumn[], r: Record<string, unknown>): FlatRow {
  const out: FlatRow = {};
  for (const c of columns) {
    const d = c.decode;
    if (d.t === 'value') out[c.key] = canonical(c.kind, c.scale, r[d.alias]);
    else if (d.t === 'minor') {
      const v = r[d.alias];
      out[c.key] = v === null || v === undefined ? null : new Dec(String(v)).div(new Dec(10).pow(d.scale)).toFixed(c.scale);
    } else {
      const s = r[d.sum];
      const n = Number(r[d.count] ?? 0);
      if (s === null || s === undefined || n === 0) out[c.key] = null;
      else if (c.kind === 'decimal') {
        const sum = d.minorScale !== undefined ? new Dec(String(s)).div(new Dec(10).pow(d.minorScale)) : new Dec(String(s));
        out[c.key] = sum.div(n).toFixed(c.scale);
      } else out[c.key] = Number(s) / n;
    }
  }
  return out;
}

/** `SELECT * FROM <table> LIMIT ?` — the fetch of the reference-evaluator fallback. */
export function compileScan(dialect: SqlDialect, table: string, schema: string | undefined, limit: number): { sql: string; parameters: readonly unknown[] } {
  const c = builders[dialect].selectFrom(sql`${schema ? sql.id(schema, table) : sql.id(table)}`.as('t0')).selectAll().limit(limit).compile();
  return { sql: c.sql, parameters: c.parameters };
}
