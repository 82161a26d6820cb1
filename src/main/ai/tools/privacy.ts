/**
 * Privacy mode: what the model may see of a result. It gets the shape (columns, their value types, how many
 * rows) and ungrouped aggregates — numbers about the whole set — but never a row value; the app shows the
 * rows to the user itself.
 */
export interface ResultShape {
  rowCount: number;
  columns: { name: string; type: string }[];
}

function typeOf(values: unknown[]): string {
  const types = new Set(values.filter((v) => v !== null && v !== undefined).map((v) => (Array.isArray(v) ? 'array' : typeof v)));
  if (types.size === 0) return 'null';
  return [...types].sort().join('|');
}

export function shapeOf(rows: Record<string, unknown>[]): ResultShape {
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  return { rowCount: rows.length, columns: names.map((name) => ({ name, type: typeOf(rows.map((r) => r[name])) })) };
}

export const PRIVACY_NOTE = 'Privacy mode: row values are not sent to you. The user sees the rows in the app; describe what the query returned without quoting values.';
