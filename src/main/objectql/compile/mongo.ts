/**
 * Bound query → MongoDB aggregation pipeline: `$project` (each joined record under its table alias),
 * `$lookup` + `$unwind` for lookups, `$match` with `$expr`, `$group`, `$dateTrunc`/`$dateToString` buckets,
 * `$sort`, `$skip`, `$limit`. Never `$where`, `$function` or `$accumulator`: no JavaScript runs in the server.
 * Every user value is wrapped in `$literal`, so a string such as "$secret" is never read as a field path.
 *
 * Conventions shared with the SQL compilers (see docs/objectql.md): date-times are BSON dates holding the
 * wall-clock time as UTC; money is summed as integer minor units; averages are finished in the engine.
 */
import { QueryError } from '../errors';
import type { BoundAggregate, BoundQuery, ColumnRef, Join, Operand, Param, Pred } from '../ir';
import { test, type FlatRow } from '../reference/evaluator';
import { asciiLower, Dec, type ValueKind } from '../values';
import { decodeSqlRows, type ResultColumn } from './sql';

export interface CompiledPipeline {
  collection: string;
  stages: Record<string, unknown>[];
  columns: ResultColumn[];
}

type Expr = unknown;

function checkKey(column: string): void {
  if (column.includes('.') || column.startsWith('$')) {
    throw new QueryError('unsupported', '', `document key "${column}" contains "." or starts with "$"; map the field to a plain key`);
  }
}

function lit(v: unknown): Expr {
  return { $literal: v };
}

function value(p: Param, kind: ValueKind): Expr {
  const v = p.value;
  switch (kind) {
    case 'decimal':
      return lit(Number(v));
    case 'datetime':
      return lit(new Date(`${String(v)}Z`));
    case 'date':
      return lit(new Date(`${String(v)}T00:00:00Z`));
    default:
      return lit(v);
  }
}

const notNull = (x: Expr): Expr => ({ $ne: [{ $ifNull: [x, null] }, null] });

function reBody(s: string, ci: boolean): string {
  return Array.from(s)
    .map((c) => {
      if (ci && /[A-Za-z]/.test(c)) return `[${c.toLowerCase()}${c.toUpperCase()}]`;
      if (/[\x00-\x7f]/.test(c) && !/[A-Za-z0-9 ]/.test(c)) return `\\${c}`;
      return c;
    })
    .join('');
}

class MongoCompiler {
  readonly columns: ResultColumn[] = [];

  /** `alias` renames the bound query's table aliases (a Join.visible key set runs inside its parent's pipeline). */
  constructor(
    private readonly q: BoundQuery,
    private readonly alias: (a: string) => string = (a) => a,
  ) {}

  private path(ref: ColumnRef): string {
    checkKey(ref.column);
    return `$${this.alias(ref.alias)}.${ref.column}`;
  }

  operand(o: Operand): Expr {
    if (o.t === 'col') return this.path(o.ref);
    if (o.t === 'bucket') return this.bucket(o.ref, o.granularity);
    return `$__cmp${o.index}`;
  }

  bucket(ref: ColumnRef, g: 'day' | 'week' | 'month' | 'quarter' | 'year'): Expr {
    // Date operators are not all null-safe (mingo's $month throws on a missing date): NULL stays NULL.
    return { $cond: [notNull(this.path(ref)), this.bucketOf(this.path(ref), g), null] };
  }

  private bucketOf(x: Expr, g: 'day' | 'week' | 'month' | 'quarter' | 'year'): Expr {
    const fmt = (date: Expr, format: string) => ({ $dateToString: { date, format } });
    switch (g) {
      case 'day':
        return fmt(x, '%Y-%m-%d');
      case 'month':
        return fmt(x, '%Y-%m');
      case 'year':
        return fmt(x, '%Y');
      case 'quarter':
        return { $concat: [fmt(x, '%Y'), '-Q', { $toString: { $ceil: { $divide: [{ $month: x }, 3] } } }] };
      case 'week':
        return fmt({ $dateTrunc: { date: x, unit: 'week', startOfWeek: 'monday' } }, '%Y-%m-%d');
    }
  }

  /** A param compared with an aggregate uses the aggregate's stored unit (minor units for money sums). */
  private pvalue(a: Operand, p: Param, kind: ValueKind): Expr {
    if (a.t === 'agg') {
      const agg = this.q.aggregates[a.index]!;
      if ((agg.fn === 'sum' || agg.fn === 'avg') && agg.ref?.kind === 'decimal') {
        return lit(Number(new Dec(String(p.value)).times(new Dec(10).pow(agg.ref.scale))));
      }
    }
    return value(p, kind);
  }

  pred(p: Pred): Expr {
    switch (p.t) {
      case 'const':
        return lit(p.value);
      case 'and':
        return { $and: p.items.map((i) => this.pred(i)) };
      case 'or':
        return { $or: p.items.map((i) => this.pred(i)) };
      case 'not':
        return { $not: [this.pred(p.item)] };
      case 'null':
        return p.isNull ? { $eq: [{ $ifNull: [this.operand(p.a), null] }, null] } : notNull(this.operand(p.a));
      case 'cmp': {
        const x = this.operand(p.a);
        const v = this.pvalue(p.a, p.v, p.kind);
        const op = `$${p.op}`;
        // BSON orders null below every value, so a bare $lt/$lte would match NULLs.
        if (p.op === 'lt' || p.op === 'lte') return { $and: [notNull(x), { [op]: [x, v] }] };
        if (p.op === 'ne') return { $ne: [{ $ifNull: [x, null] }, v] };
        return { [op]: [x, v] };
      }
      case 'in': {
        if (p.vs.length === 0) return lit(p.negate);
        const e = { $in: [{ $ifNull: [this.operand(p.a), null] }, p.vs.map((v) => this.pvalue(p.a, v, p.kind))] };
        return p.negate ? { $not: [e] } : e;
      }
      case 'text': {
        const x = this.operand(p.a);
        const pat = String(p.v.value);
        const body = reBody(p.ci ? asciiLower(pat) : pat, p.ci);
        if (p.mode !== 'endsWith') {
          return { $regexMatch: { input: x, regex: p.mode === 'startsWith' ? `^${body}` : body } };
        }
        // `$` also matches before a final newline in PCRE; compare the exact suffix instead.
        const len = Array.from(pat).length;
        return {
          $cond: [
            { $and: [{ $eq: [{ $type: x }, 'string'] }] },
            {
              $cond: [
                { $gte: [{ $strLenCP: x }, len] },
                { $regexMatch: { input: { $substrCP: [x, { $subtract: [{ $strLenCP: x }, len] }, len] }, regex: `^${body}` } },
                false,
              ],
            },
            false,
          ],
        };
      }
    }
  }

  compile(): CompiledPipeline {
    const q = this.q;
    const stages = this.joined();
    // $limit must be positive: a zero limit becomes a stage that passes nothing.
    const page: Record<string, unknown>[] = [{ $skip: Number(q.offset.value) }, Number(q.limit.value) > 0 ? { $limit: Number(q.limit.value) } : { $match: { $expr: false } }];

    if (q.mode === 'rows') {
      const sort: Record<string, 1 | -1> = {};
      for (const s of q.sort) {
        if (s.operand.t !== 'col') throw new Error('rows are sorted by columns only');
        sort[`${s.operand.ref.alias}.${s.operand.ref.column}`] = s.desc ? -1 : 1;
      }
      const project: Record<string, unknown> = { _id: 0 };
      q.columns.forEach((c, i) => {
        project[`c${i}`] = this.operand(c.operand);
        this.columns.push({ key: c.key, kind: c.kind, scale: c.scale, decode: { t: 'value', alias: `c${i}` } });
      });
      stages.push({ $sort: sort }, ...page, { $project: project });
      return { collection: q.table, stages, columns: this.columns };
    }

    const group: Record<string, unknown> = { _id: {} };
    const project: Record<string, unknown> = { _id: 0 };
    q.groups.forEach((g, i) => {
      (group._id as Record<string, unknown>)[`k${i}`] = { $ifNull: [this.operand(g.operand), null] };
      project[`k${i}`] = `$_id.k${i}`;
    });
    q.aggregates.forEach((a, i) => this.accumulate(a, i, group, project));
    const colByKey = new Map<string, string>();
    q.groups.forEach((g, i) => colByKey.set(g.key, `k${i}`));
    for (const c of q.columns) {
      if (c.operand.t === 'agg') {
        const i = c.operand.index;
        const a = q.aggregates[i]!;
        const minor = a.ref?.kind === 'decimal' ? a.ref.scale : undefined;
        if (a.fn === 'avg') this.columns.push({ key: c.key, kind: c.kind, scale: c.scale, decode: { t: 'avg', sum: `__s${i}`, count: `__n${i}`, minorScale: minor } });
        else if (a.fn === 'sum' && minor !== undefined) this.columns.push({ key: c.key, kind: c.kind, scale: c.scale, decode: { t: 'minor', alias: `__cmp${i}`, scale: minor } });
        else this.columns.push({ key: c.key, kind: c.kind, scale: c.scale, decode: { t: 'value', alias: `__cmp${i}` } });
      } else {
        this.columns.push({ key: c.key, kind: c.kind, scale: c.scale, decode: { t: 'value', alias: colByKey.get(c.key)! } });
      }
    }
    stages.push({ $group: group }, { $project: project });
    if (q.having) stages.push({ $match: { $expr: this.havingPred(q.having) } });
    const sort: Record<string, 1 | -1> = {};
    for (const s of q.sort) {
      const field = s.operand.t === 'agg' ? `__cmp${s.operand.index}` : colByKey.get(q.groups.find((g) => JSON.stringify(g.operand) === JSON.stringify(s.operand))!.key)!;
      sort[field] = s.desc ? -1 : 1;
    }
    if (Object.keys(sort).length) stages.push({ $sort: sort });
    stages.push(...page);
    return { collection: q.table, stages, columns: this.columns };
  }

  /** The documents with their lookups under their aliases, filtered by `where`. */
  private joined(): Record<string, unknown>[] {
    const q = this.q;
    const stages: Record<string, unknown>[] = [{ $project: { _id: 0, t0: '$$ROOT' } }];
    for (const j of q.joins) {
      stages.push(...this.lookup(j));
      if (j.visible) stages.push(...this.visibility(j, j.visible));
    }
    if (q.where) stages.push({ $match: { $expr: this.pred(q.where) } });
    return stages;
  }

  private lookup(j: Join): Record<string, unknown>[] {
    if (j.fkColumn.includes('.') || j.refColumn.includes('.')) throw new QueryError('unsupported', '', 'lookup keys with "." are not supported on documents');
    const as = this.alias(j.alias);
    return [
      { $lookup: { from: j.table, localField: `${this.alias(j.parent)}.${j.fkColumn}`, foreignField: j.refColumn, as } },
      { $unwind: { path: `$${as}`, preserveNullAndEmptyArrays: true } },
    ];
  }

  /**
   * A lookup with a rule (Join.visible): the rule's own lookups are joined beside the related document (as
   * `<alias>_<their alias>`), the rule is evaluated on them, and a related document it does not let through
   * is replaced by null — before any deeper lookup reads from it, so everything reached through it is null.
   * One pass with hashed lookups, where a correlated `$lookup` pipeline would re-run per document.
   */
  private visibility(j: Join, sub: BoundQuery): Record<string, unknown>[] {
    const at = this.alias(j.alias);
    const inner = new MongoCompiler(sub, (a) => (a === 't0' ? at : `${at}_${a}`));
    const stages = sub.joins.flatMap((sj) => inner.lookup(sj));
    stages.push({ $addFields: { [at]: { $cond: [sub.where ? inner.pred(sub.where) : true, `$${at}`, null] } } });
    if (sub.joins.length) stages.push({ $project: Object.fromEntries(sub.joins.map((sj) => [inner.alias(sj.alias), 0])) });
    return stages;
  }

  /** Group keys are read back from the projected `k<i>` fields after grouping. */
  private havingPred(p: Pred): Expr {
    const saved = this.operand.bind(this);
    this.operand = (o: Operand) => {
      if (o.t === 'agg') return `$__cmp${o.index}`;
      const i = this.q.groups.findIndex((g) => JSON.stringify(g.operand) === JSON.stringify(o));
      return `$k${i}`;
    };
    try {
      return this.pred(p);
    } finally {
      this.operand = saved;
    }
  }

  private accumulate(a: BoundAggregate, i: number, group: Record<string, unknown>, project: Record<string, unknown>): void {
    const f = a.filter ? this.pred(a.filter) : undefined;
    const when = (cond: Expr | undefined, then: Expr, otherwise: Expr): Expr => (cond === undefined ? then : { $cond: [cond, then, otherwise] });
    if (!a.ref) {
      group[`a${i}`] = { $sum: when(f, 1, 0) };
      project[`__cmp${i}`] = `$a${i}`;
      return;
    }
    const x = this.path(a.ref);
    const ok = f === undefined ? notNull(x) : { $and: [f, notNull(x)] };
    const minorX = a.ref.kind === 'decimal' ? { $round: [{ $multiply: [x, 10 ** a.ref.scale] }, 0] } : x;
    switch (a.fn) {
      case 'count':
        group[`a${i}`] = { $sum: { $cond: [ok, 1, 0] } };
        project[`__cmp${i}`] = `$a${i}`;
        return;
      case 'count_distinct':
        group[`a${i}`] = { $addToSet: { $cond: [ok, minorX, null] } };
        project[`__cmp${i}`] = { $size: { $filter: { input: `$a${i}`, as: 'v', cond: { $ne: ['$$v', null] } } } };
        return;
      case 'sum':
      case 'avg':
        group[`s${i}`] = { $sum: { $cond: [ok, minorX, 0] } };
        group[`n${i}`] = { $sum: { $cond: [ok, 1, 0] } };
        project[`__s${i}`] = { $cond: [{ $gt: [`$n${i}`, 0] }, `$s${i}`, null] };
        project[`__n${i}`] = `$n${i}`;
        project[`__cmp${i}`] = a.fn === 'sum'
          ? { $cond: [{ $gt: [`$n${i}`, 0] }, `$s${i}`, null] }
          : { $cond: [{ $gt: [`$n${i}`, 0] }, { $divide: [`$s${i}`, `$n${i}`] }, null] };
        return;
      case 'min':
      case 'max':
        group[`a${i}`] = { [`$${a.fn}`]: { $cond: [ok, x, null] } };
        project[`__cmp${i}`] = `$a${i}`;
        return;
    }
  }
}

export function compileMongo(q: BoundQuery): CompiledPipeline {
  return new MongoCompiler(q).compile();
}

/**
 * Pipeline output → flat rows. A `$group` over no documents yields nothing, where SQL yields one row for an
 * ungrouped aggregate: that row is made here (count 0, the rest NULL) and HAVING applied to it.
 */
export function decodeMongoRows(q: BoundQuery, p: CompiledPipeline, rows: readonly Record<string, unknown>[], opts: { synthesizeEmpty?: boolean } = {}): FlatRow[] {
  const flat = decodeSqlRows(p.columns, rows);
  if ((opts.synthesizeEmpty ?? true) && q.mode === 'aggregate' && q.groups.length === 0 && rows.length === 0) {
    const aggs = q.aggregates.map((a) => (a.fn === 'count' || a.fn === 'count_distinct' ? 0 : null));
    if (q.having && !test(q.having, { ctx: {}, aggs })) return [];
    if (Number(q.offset.value) > 0 || Number(q.limit.value) === 0) return [];
    const row: FlatRow = {};
    q.columns.forEach((c) => (row[c.key] = c.operand.t === 'agg' ? aggs[c.operand.index] : null));
    return [row];
  }
  return flat;
}
