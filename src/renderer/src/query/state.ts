/**
 * The query builder's state — filters, group-bys with date buckets, aggregations, sorts, limit and chart —
 * and its one translation to an ObjectQL AST. Pure, so the builder's behaviour is tested without a DOM.
 */
import type { FieldSummary } from '../../../shared/api/contract';

export const BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Bucket = (typeof BUCKETS)[number];
export const AGGREGATES = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFn = (typeof AGGREGATES)[number];
export const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'between', 'null', 'notNull'] as const;
export type Operator = (typeof OPERATORS)[number];
export const OPERATOR_LABELS: Record<Operator, string> = {
  eq: '=', ne: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', contains: 'contains', in: 'is one of', between: 'between', null: 'is empty', notNull: 'is not empty',
};
export type ChartType = 'table' | 'bar' | 'line' | 'pie';

export interface FilterRow { field: string; op: Operator; value: string; value2: string }
export interface GroupRow { field: string; bucket: Bucket | '' }
export interface AggregationRow { fn: AggregateFn; field: string }
export interface SortRow { key: string; order: 'asc' | 'desc' }

export interface BuilderState {
  object: string;
  filters: FilterRow[];
  groups: GroupRow[];
  aggregations: AggregationRow[];
  sorts: SortRow[];
  limit: number;
  chart: ChartType;
}

export type Field = Pick<FieldSummary, 'name' | 'type' | 'label'>;

export function initialState(object: string): BuilderState {
  return { object, filters: [], groups: [], aggregations: [{ fn: 'count', field: '' }], sorts: [], limit: 1000, chart: 'bar' };
}

const TEMPORAL = new Set(['date', 'datetime']);
const NUMERIC = new Set(['number', 'currency', 'percent', 'autonumber']);
export const isTemporal = (f: Field | undefined) => !!f && TEMPORAL.has(f.type);
export const isNumeric = (f: Field | undefined) => !!f && NUMERIC.has(f.type);

/** Which aggregate functions make sense for a field (count works on anything, sums only on numbers). */
export function aggregatesFor(f: Field | undefined): AggregateFn[] {
  if (!f) return ['count'];
  if (isNumeric(f)) return [...AGGREGATES];
  if (isTemporal(f)) return ['count', 'count_distinct', 'min', 'max'];
  return ['count', 'count_distinct'];
}

/** Output key of a group: the field (dots → "_") plus its bucket. */
export function groupKey(g: GroupRow): string {
  const base = g.field.replace(/\./g, '_');
  return g.bucket ? `${base}_${g.bucket}` : base;
}

/** Output key of an aggregation: `count`, `sum_total`, …; a repeat gets a number. */
export function aggregationKeys(aggs: readonly AggregationRow[]): string[] {
  const seen = new Map<string, number>();
  return aggs.map((a) => {
    const base = a.field ? `${a.fn}_${a.field.replace(/\./g, '_')}` : a.fn;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

export function groupLabel(g: GroupRow, fields: readonly Field[]): string {
  const f = fields.find((x) => x.name === g.field);
  return `${f?.label ?? g.field}${g.bucket ? ` (${g.bucket})` : ''}`;
}

export function aggregationLabel(a: AggregationRow, fields: readonly Field[]): string {
  if (a.fn === 'count' && !a.field) return 'Count';
  const f = fields.find((x) => x.name === a.field);
  const fn = { count: 'Count of', count_distinct: 'Distinct', sum: 'Sum of', avg: 'Average', min: 'Min', max: 'Max' }[a.fn];
  return `${fn} ${f?.label ?? a.field}`;
}

export class BuilderError extends Error {
  constructor(readonly where: string, message: string) {
    super(message);
  }
}

function typed(f: Field, raw: string, what: string): string | number | boolean {
  const v = raw.trim();
  if (isNumeric(f)) {
    const n = Number(v);
    if (v === '' || !Number.isFinite(n)) throw new BuilderError(what, `${f.label}: "${raw}" is not a number.`);
    return n;
  }
  if (f.type === 'boolean') return v === 'true' || v === 'yes' || v === '1';
  if (f.type === 'datetime' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `${v}T00:00:00`;
  return v;
}

function condition(f: Field, r: FilterRow, where: string): Record<string, unknown> {
  switch (r.op) {
    case 'null': return { $null: true };
    case 'notNull': return { $null: false };
    case 'contains': return { $icontains: r.value.trim() };
    case 'in': {
      const items = r.value.split(',').map((s) => s.trim()).filter(Boolean);
      if (!items.length) throw new BuilderError(where, `${f.label}: list the values, separated by commas.`);
      return { $in: items.map((s) => typed(f, s, where)) };
    }
    case 'between': return { $between: [typed(f, r.value, where), typed(f, r.value2, where)] };
    default: return { [`$${r.op}`]: typed(f, r.value, where) };
  }
}

/** The ObjectQL AST of the builder's state. Throws BuilderError naming the row to fix. */
export function toAst(s: BuilderState, fields: readonly Field[]): Record<string, unknown> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const ast: Record<string, unknown> = { object: s.object };
  const conds = s.filters.map((r, i) => {
    const f = byName.get(r.field);
    if (!f) throw new BuilderError(`filters[${i}]`, `Filter ${i + 1}: choose a field.`);
    return { [r.field]: condition(f, r, `filters[${i}]`) };
  });
  if (conds.length === 1) ast.where = conds[0];
  else if (conds.length > 1) ast.where = { $and: conds };

  const grouped = s.groups.length > 0 || s.aggregations.length > 0;
  if (grouped) {
    if (s.groups.length) {
      ast.groupBy = s.groups.map((g, i) => {
        const f = byName.get(g.field);
        if (!f) throw new BuilderError(`groups[${i}]`, `Group ${i + 1}: choose a field.`);
        if (g.bucket && !isTemporal(f)) throw new BuilderError(`groups[${i}]`, `${f.label} is not a date: date buckets apply to date fields only.`);
        return { field: g.field, ...(g.bucket ? { dateGranularity: g.bucket } : {}), alias: groupKey(g) };
      });
    }
    const keys = aggregationKeys(s.aggregations);
    if (s.aggregations.length) {
      ast.aggregations = s.aggregations.map((a, i) => {
        if (a.fn !== 'count' && !a.field) throw new BuilderError(`aggregations[${i}]`, `Aggregation ${i + 1}: choose the field to ${a.fn.replace('_', ' ')}.`);
        return { function: a.fn, ...(a.field ? { field: a.field } : {}), alias: keys[i] };
      });
    }
  }
  const outputs = outputKeys(s);
  if (s.sorts.length) {
    ast.orderBy = s.sorts.map((o, i) => {
      if (grouped && !outputs.includes(o.key)) throw new BuilderError(`sorts[${i}]`, `Sort ${i + 1}: a grouped query sorts by one of its columns (${outputs.join(', ')}).`);
      return { field: o.key, order: o.order };
    });
  } else if (s.groups.length) {
    // A chart over time reads left to right: default to the group order.
    ast.orderBy = s.groups.map((g) => ({ field: groupKey(g), order: 'asc' }));
  }
  ast.limit = s.limit;
  return ast;
}

/** Result columns of the state, groups first. */
export function outputKeys(s: BuilderState): string[] {
  return [...s.groups.map(groupKey), ...aggregationKeys(s.aggregations)];
}

/** Back from a saved AST to the builder's rows (what the builder wrote, it can read). */
export function fromAst(ast: Record<string, unknown>, chart: ChartType): BuilderState {
  const s = initialState(String(ast.object));
  s.chart = chart;
  s.aggregations = [];
  const where = ast.where as Record<string, unknown> | undefined;
  const conds = where ? ((where.$and as Record<string, unknown>[] | undefined) ?? [where]) : [];
  for (const c of conds) {
    const [field, cond] = Object.entries(c)[0] ?? [];
    if (!field || !cond || typeof cond !== 'object') continue;
    const [op, v] = Object.entries(cond as Record<string, unknown>)[0] ?? [];
    const str = (x: unknown) => (typeof x === 'string' ? x.replace(/T00:00:00$/, '') : String(x));
    if (op === '$null') s.filters.push({ field, op: v ? 'null' : 'notNull', value: '', value2: '' });
    else if (op === '$icontains') s.filters.push({ field, op: 'contains', value: str(v), value2: '' });
    else if (op === '$in') s.filters.push({ field, op: 'in', value: (v as unknown[]).map(str).join(', '), value2: '' });
    else if (op === '$between') s.filters.push({ field, op: 'between', value: str((v as unknown[])[0]), value2: str((v as unknown[])[1]) });
    else if (op) s.filters.push({ field, op: op.slice(1) as Operator, value: str(v), value2: '' });
  }
  for (const g of (ast.groupBy as Array<string | { field: string; dateGranularity?: string }> | undefined) ?? []) {
    s.groups.push(typeof g === 'string' ? { field: g, bucket: '' } : { field: g.field, bucket: (g.dateGranularity ?? '') as '' });
  }
  for (const a of (ast.aggregations as Array<{ function: string; field?: string }> | undefined) ?? []) s.aggregations.push({ fn: a.function as 'count', field: a.field ?? '' });
  const groupedKeys = outputKeys(s);
  const defaultOrder = s.groups.map((g) => ({ field: groupKey(g), order: 'asc' }));
  const order = (ast.orderBy as Array<{ field: string; order: 'asc' | 'desc' }> | undefined) ?? [];
  if (JSON.stringify(order) !== JSON.stringify(defaultOrder)) s.sorts = order.filter((o) => !groupedKeys.length || groupedKeys.includes(o.field)).map((o) => ({ key: o.field, order: o.order }));
  if (typeof ast.limit === 'number') s.limit = ast.limit;
  return s;
}
