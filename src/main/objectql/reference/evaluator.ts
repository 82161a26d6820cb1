/**
 * The reference evaluator: ObjectQL semantics in plain TypeScript over in-memory rows. It DEFINES what a query
 * means (NULLs, text case rules, decimal arithmetic, date buckets, sort order and ties — see docs/objectql.md);
 * every compiler is tested against it, and the engine falls back to it (under a row cap) when a driver lacks
 * a capability.
 *
 * Input rows are keyed by column, as a database returns them; output rows are "flat rows" keyed by the bound
 * query's column keys, in canonical form (see values.ts), ready for `shapeRows`.
 */
import { keySetColumn, type BoundAggregate, type BoundQuery, type Operand, type Pred } from '../ir';
import { asciiLower, bucketOf, canonical, compareNullable, compareValues, Dec, type ValueKind } from '../values';

export type RawRow = Record<string, unknown>;
export type FlatRow = Record<string, unknown>;

/** Gives the rows of one object's table (keyed by column name). */
export type RowSource = (object: string, table: string) => Iterable<RawRow>;

type Ctx = Record<string, RawRow | null>;

function joinKey(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return `n:${Number(v)}`;
  return `s:${String(v)}`;
}

/** Rows of the FROM/JOIN part: one context per (row, matching lookups) combination — LEFT JOIN semantics. */
export function joinedContexts(q: BoundQuery, source: RowSource): Ctx[] {
  let ctxs: Ctx[] = [];
  for (const row of source(q.object, q.table)) ctxs.push({ t0: row });
  for (const j of q.joins) {
    const index = new Map<string, RawRow[]>();
    // A lookup with a rule (Join.visible) joins only the related records the rule lets through.
    const visible = j.visible ? visibleKeys(j.visible, source) : undefined;
    for (const r of source(j.object, j.table)) {
      const k = joinKey(r[j.refColumn]);
      if (k === null || (visible && !visible.has(k))) continue;
      const list = index.get(k);
      if (list) list.push(r);
      else index.set(k, [r]);
    }
    const next: Ctx[] = [];
    for (const c of ctxs) {
      const parent = c[j.parent];
      const k = parent ? joinKey(parent[j.fkColumn]) : null;
      const matches = k === null ? undefined : index.get(k);
      if (!matches) next.push({ ...c, [j.alias]: null });
      else for (const m of matches) next.push({ ...c, [j.alias]: m });
    }
    ctxs = next;
  }
  return ctxs;
}

function visibleKeys(sub: BoundQuery, source: RowSource): Set<string> {
  const key = keySetColumn(sub);
  const keys = new Set<string>();
  for (const ctx of joinedContexts(sub, source)) {
    if (sub.where && !test(sub.where, { ctx })) continue;
    // The stored value, keyed as the join's index keys it.
    const k = joinKey(ctx[key.alias]?.[key.column]);
    if (k !== null) keys.add(k);
  }
  return keys;
}

export interface EvalState {
  ctx: Ctx;
  /** Aggregate values of the current group, in comparison form. */
  aggs?: unknown[];
}

export function operandValue(o: Operand, s: EvalState): unknown {
  switch (o.t) {
    case 'col': {
      const row = s.ctx[o.ref.alias];
      return row ? canonical(o.ref.kind, o.ref.scale, row[o.ref.column]) : null;
    }
    case 'bucket': {
      const row = s.ctx[o.ref.alias];
      return bucketOf(o.granularity, row ? canonical(o.ref.kind, o.ref.scale, row[o.ref.column]) : null);
    }
    case 'agg':
      return s.aggs?.[o.index] ?? null;
  }
}

/** Two-valued: a comparison with NULL is false; `ne`/`nin` hold for NULL; `not` is the complement. */
export function test(p: Pred, s: EvalState): boolean {
  switch (p.t) {
    case 'const':
      return p.value;
    case 'and':
      return p.items.every((i) => test(i, s));
    case 'or':
      return p.items.some((i) => test(i, s));
    case 'not':
      return !test(p.item, s);
    case 'null':
      return (operandValue(p.a, s) === null) === p.isNull;
    case 'cmp': {
      const v = operandValue(p.a, s);
      if (v === null) return p.op === 'ne';
      const c = compareValues(p.kind, v, p.v.value);
      switch (p.op) {
        case 'eq': return c === 0;
        case 'ne': return c !== 0;
        case 'gt': return c > 0;
        case 'gte': return c >= 0;
        case 'lt': return c < 0;
        case 'lte': return c <= 0;
      }
      return false;
    }
    case 'in': {
      const v = operandValue(p.a, s);
      if (v === null) return p.negate;
      const found = p.vs.some((x) => compareValues(p.kind, v, x.value) === 0);
      return p.negate ? !found : found;
    }
    case 'text': {
      const v = operandValue(p.a, s);
      if (v === null) return false;
      let text = String(v);
      let pat = String(p.v.value);
      if (p.ci) {
        text = asciiLower(text);
        pat = asciiLower(pat);
      }
      return p.mode === 'contains' ? text.includes(pat) : p.mode === 'startsWith' ? text.startsWith(pat) : text.endsWith(pat);
    }
  }
}

function compareBy(q: BoundQuery, a: EvalState, b: EvalState): number {
  for (const s of q.sort) {
    const c = compareNullable(s.kind, operandValue(s.operand, a), operandValue(s.operand, b));
    if (c !== 0) return s.desc ? -c : c;
  }
  return 0;
}

/** Aggregate value in comparison form: exact `Dec` for decimal averages, canonical otherwise. */
function aggregate(agg: BoundAggregate, rows: EvalState[]): unknown {
  const rs = agg.filter ? rows.filter((r) => test(agg.filter!, r)) : rows;
  if (!agg.ref) return rs.length;
  const ref = agg.ref;
  const values: unknown[] = [];
  for (const r of rs) {
    const v = operandValue({ t: 'col', ref }, r);
    if (v !== null) values.push(v);
  }
  switch (agg.fn) {
    case 'count':
      return values.length;
    case 'count_distinct':
      return new Set(values.map((v) => JSON.stringify(v))).size;
    case 'sum':
    case 'avg': {
      if (values.length === 0) return null;
      if (ref.kind === 'decimal') {
        const sum = values.reduce<Dec>((acc, v) => acc.plus(v as string), new Dec(0));
        return agg.fn === 'sum' ? sum.toFixed(agg.scale) : sum.div(values.length);
      }
      const sum = values.reduce<number>((acc, v) => acc + (v as number), 0);
      return agg.fn === 'sum' ? sum : sum / values.length;
    }
    case 'min':
    case 'max': {
      if (values.length === 0) return null;
      let best = values[0];
      for (const v of values) {
        const c = compareValues(ref.kind, v, best);
        if (agg.fn === 'min' ? c < 0 : c > 0) best = v;
      }
      return best;
    }
  }
}

/** Comparison form → output form (a decimal average is rounded half up to its scale). */
function finalAggregate(agg: BoundAggregate, v: unknown): unknown {
  if (v === null) return null;
  if (agg.fn === 'avg' && agg.kind === 'decimal') return (v as Dec).toFixed(agg.scale);
  return v;
}

export interface EvaluateOptions {
  /** Apply offset/limit (off when the caller pages itself). */
  page?: boolean;
}

export function evaluate(q: BoundQuery, source: RowSource, opts: EvaluateOptions = {}): FlatRow[] {
  const page = opts.page ?? true;
  const offset = Number(q.offset.value);
  const limit = Number(q.limit.value);
  const slice = <T>(xs: T[]): T[] => (page ? xs.slice(offset, offset + limit) : xs);

  let states: EvalState[] = joinedContexts(q, source).map((ctx) => ({ ctx }));
  if (q.where) states = states.filter((s) => test(q.where!, s));

  if (q.mode === 'rows') {
    states.sort((a, b) => compareBy(q, a, b));
    return slice(states).map((s) => {
      const out: FlatRow = {};
      for (const c of q.columns) out[c.key] = operandValue(c.operand, s);
      return out;
    });
  }

  const groups = new Map<string, EvalState[]>();
  if (q.groups.length === 0) groups.set('', states);
  else {
    for (const s of states) {
      const k = JSON.stringify(q.groups.map((g) => operandValue(g.operand, s)));
      const list = groups.get(k);
      if (list) list.push(s);
      else groups.set(k, [s]);
    }
  }
  let out: EvalState[] = [];
  for (const members of groups.values()) {
    const aggs = q.aggregates.map((a) => aggregate(a, members));
    // Group keys are read from the first member; all members share them.
    const ctx = members[0]?.ctx ?? {};
    out.push({ ctx, aggs });
  }
  if (q.having) out = out.filter((s) => test(q.having!, s));
  out.sort((a, b) => compareBy(q, a, b));
  return slice(out).map((s) => {
    const row: FlatRow = {};
    for (const c of q.columns) {
      row[c.key] = c.operand.t === 'agg' ? finalAggregate(q.aggregates[c.operand.index]!, operandValue(c.operand, s)) : operandValue(c.operand, s);
    }
    return row;
  });
}

export type { ValueKind };
