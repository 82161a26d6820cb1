/**
 * Per-column filters of the object browser, typed by field type, and their translation to an ObjectQL
 * `where`. Pure: the grid keeps the filter state, the engine gets the AST.
 */
import type { FieldSummary } from '../../../shared/api/contract';

export type TextOp = 'contains' | 'equals' | 'startsWith' | 'empty' | 'notEmpty';

export type ColumnFilter =
  | { kind: 'text'; op: TextOp; value: string }
  | { kind: 'number'; min: string; max: string }
  | { kind: 'date'; from: string; to: string }
  | { kind: 'select'; values: Array<string | number> }
  | { kind: 'boolean'; value: 'any' | 'true' | 'false' | 'empty' }
  | { kind: 'lookup'; value: string };

export type FilterKind = ColumnFilter['kind'];

export function filterKindOf(field: Pick<FieldSummary, 'type'>): FilterKind | null {
  switch (field.type) {
    case 'text': case 'textarea': case 'email': case 'url': case 'phone':
      return 'text';
    case 'number': case 'currency': case 'percent': case 'autonumber':
      return 'number';
    case 'date': case 'datetime':
      return 'date';
    case 'select':
      return 'select';
    case 'boolean':
      return 'boolean';
    case 'lookup':
      return 'lookup';
    default:
      return null; // json, time, multiselect: not filterable from a column header
  }
}

export function emptyFilter(kind: FilterKind): ColumnFilter {
  switch (kind) {
    case 'text': return { kind, op: 'contains', value: '' };
    case 'number': return { kind, min: '', max: '' };
    case 'date': return { kind, from: '', to: '' };
    case 'select': return { kind, values: [] };
    case 'boolean': return { kind, value: 'any' };
    case 'lookup': return { kind, value: '' };
  }
}

/** Whether the filter constrains anything (an empty editor is no filter). */
export function isActive(f: ColumnFilter): boolean {
  switch (f.kind) {
    case 'text': return f.op === 'empty' || f.op === 'notEmpty' || f.value.trim() !== '';
    case 'number': return f.min.trim() !== '' || f.max.trim() !== '';
    case 'date': return f.from !== '' || f.to !== '';
    case 'select': return f.values.length > 0;
    case 'boolean': return f.value !== 'any';
    case 'lookup': return f.value.trim() !== '';
  }
}

export class FilterInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function num(field: string, label: string, text: string): number {
  const n = Number(text.trim());
  if (!Number.isFinite(n)) throw new FilterInputError(field, `${label}: "${text}" is not a number.`);
  return n;
}

/** One field's condition, or undefined when the filter is not active. Throws FilterInputError for bad input. */
export function conditionOf(field: Pick<FieldSummary, 'name' | 'type' | 'label'>, f: ColumnFilter): Record<string, unknown> | undefined {
  if (!isActive(f)) return undefined;
  const name = field.name;
  switch (f.kind) {
    case 'text': {
      if (f.op === 'empty') return { [name]: { $null: true } };
      if (f.op === 'notEmpty') return { [name]: { $null: false } };
      const v = f.value.trim();
      if (f.op === 'equals') return { [name]: { $eq: v } };
      if (f.op === 'startsWith') return { [name]: { $startsWith: v } };
      return { [name]: { $icontains: v } };
    }
    case 'number': {
      const c: Record<string, number> = {};
      if (f.min.trim() !== '') c.$gte = num(name, `${field.label} from`, f.min);
      if (f.max.trim() !== '') c.$lte = num(name, `${field.label} to`, f.max);
      if (c.$gte !== undefined && c.$lte !== undefined && c.$gte > c.$lte) throw new FilterInputError(name, `${field.label}: "from" (${c.$gte}) is larger than "to" (${c.$lte}).`);
      return { [name]: c };
    }
    case 'date': {
      for (const [k, v] of [['from', f.from], ['to', f.to]] as const) {
        if (v && !DAY.test(v)) throw new FilterInputError(name, `${field.label} ${k}: use a date like 2024-05-31.`);
      }
      if (f.from && f.to && f.from > f.to) throw new FilterInputError(name, `${field.label}: "from" is after "to".`);
      const c: Record<string, string> = {};
      // "to" is inclusive of that whole day; a datetime compares against the start of the next day.
      if (field.type === 'datetime') {
        if (f.from) c.$gte = `${f.from}T00:00:00`;
        if (f.to) c.$lt = `${nextDay(f.to)}T00:00:00`;
      } else {
        if (f.from) c.$gte = f.from;
        if (f.to) c.$lte = f.to;
      }
      return { [name]: c };
    }
    case 'select':
      return { [name]: { $in: [...f.values] } };
    case 'boolean':
      if (f.value === 'empty') return { [name]: { $null: true } };
      return { [name]: { $eq: f.value === 'true' } };
    case 'lookup': {
      const v = f.value.trim();
      return { [name]: /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v };
    }
  }
}

/** All active column filters AND-ed; undefined when there are none. */
export function whereOf(fields: ReadonlyArray<Pick<FieldSummary, 'name' | 'type' | 'label'>>, filters: Readonly<Record<string, ColumnFilter>>): Record<string, unknown> | undefined {
  const parts: Record<string, unknown>[] = [];
  for (const field of fields) {
    const f = filters[field.name];
    if (!f) continue;
    const c = conditionOf(field, f);
    if (c) parts.push(c);
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { $and: parts };
}

/** A short description of an active filter for the column header's chip. */
export function describeFilter(f: ColumnFilter, options?: FieldSummary['options']): string {
  switch (f.kind) {
    case 'text':
      return f.op === 'empty' ? 'is empty' : f.op === 'notEmpty' ? 'is not empty' : `${f.op === 'contains' ? '∋' : f.op === 'equals' ? '=' : 'starts'} ${f.value}`;
    case 'number':
      return f.min && f.max ? `${f.min} – ${f.max}` : f.min ? `≥ ${f.min}` : `≤ ${f.max}`;
    case 'date':
      return f.from && f.to ? `${f.from} – ${f.to}` : f.from ? `from ${f.from}` : `until ${f.to}`;
    case 'select':
      return f.values.map((v) => options?.find((o) => o.value === v)?.label ?? String(v)).join(', ');
    case 'boolean':
      return f.value === 'empty' ? 'is empty' : f.value === 'true' ? 'yes' : 'no';
    case 'lookup':
      return `= ${f.value}`;
  }
}
