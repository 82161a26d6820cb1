/** How values of each field type read in grids, panels and charts. Pure. */
import type { FieldSummary } from '../../../shared/api/contract';

export function formatValue(v: unknown, field?: Pick<FieldSummary, 'type' | 'options'>): string {
  if (v === null || v === undefined) return '';
  if (field?.type === 'boolean') return v ? 'Yes' : 'No';
  if (field?.type === 'select' && field.options) return field.options.find((o) => o.value === v)?.label ?? String(v);
  if (field?.type === 'datetime' && typeof v === 'string') return v.replace('T', ' ').replace(/:\d{2}(\.\d+)?$/, '');
  if (field?.type === 'percent' && typeof v === 'number') return `${v}%`;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const NUMERIC_TYPES = new Set(['number', 'currency', 'percent', 'autonumber']);

export function isNumericField(f: Pick<FieldSummary, 'type'> | undefined): boolean {
  return !!f && NUMERIC_TYPES.has(f.type);
}

/** The record's title: its title field, else the first text-like field, else its key. */
export function titleOf(row: Record<string, unknown> | null | undefined, titleField: string | undefined, key: string): string {
  if (!row) return '';
  const t = titleField ? row[titleField] : undefined;
  if (t !== null && t !== undefined && t !== '') return String(t);
  return String(row[key] ?? '');
}
