/**
 * Turns an async stream of result rows into a CSV or XLSX file, emitted as ordered chunks with progress in
 * between — so the caller (a download in the browser, a file in the app) never holds the whole file, and a
 * cancel between chunks stops the database read behind the row stream.
 */
import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

export interface ExportColumn {
  key: string;
  label: string;
}

export type ExportChunk =
  | { kind: 'chunk'; encoding: 'utf8' | 'base64'; data: string }
  | { kind: 'progress'; rows: number }
  | { kind: 'done'; rows: number; bytes: number };

/** Rows per chunk: big enough to amortise the event, small enough to show progress on slow reads. */
export const ROWS_PER_CHUNK = 2000;

/** A value as one cell: nested (expanded lookup) records become JSON, everything else stays as is. */
export function cellValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

/** Columns from the first row when the caller did not choose any (keys of the result, as labels). */
export function columnsOf(first: Record<string, unknown> | undefined): ExportColumn[] {
  return first ? Object.keys(first).map((k) => ({ key: k, label: k })) : [];
}

export async function* csvChunks(rows: AsyncIterable<Record<string, unknown>>, chosen: ExportColumn[] | undefined, signal?: AbortSignal): AsyncGenerator<ExportChunk> {
  let columns = chosen;
  let batch: unknown[][] = [];
  let count = 0;
  let bytes = 0;
  let headerDone = false;
  const flush = function* (): Generator<ExportChunk> {
    if (!columns) return;
    // A BOM so that Excel opens UTF-8 CSV with the right characters.
    const records = headerDone ? batch : [columns.map((c) => c.label), ...batch];
    const text = (headerDone ? '' : '\uFEFF') + stringify(records, { cast: { boolean: (b) => (b ? 'true' : 'false') } });
    headerDone = true;
    batch = [];
    bytes += Buffer.byteLength(text, 'utf8');
    yield { kind: 'chunk', encoding: 'utf8', data: text };
    yield { kind: 'progress', rows: count };
  };
  for await (const row of rows) {
    if (signal?.aborted) return;
    columns ??= columnsOf(row);
    batch.push(columns.map((c) => cellValue(row[c.key])));
    count++;
    if (batch.length >= ROWS_PER_CHUNK) yield* flush();
  }
  if (batch.length || !headerDone) yield* flush();
  yield { kind: 'done', rows: count, bytes };
}

export async function* xlsxChunks(rows: AsyncIterable<Record<string, unknown>>, chosen: ExportColumn[] | undefined, sheetName: string, signal?: AbortSignal): AsyncGenerator<ExportChunk> {
  const out = new PassThrough();
  const pending: Buffer[] = [];
  out.on('data', (b: Buffer) => pending.push(b));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31).replace(/[\\/?*[\]:]/g, ' ') || 'Export');
  let columns = chosen;
  let count = 0;
  let bytes = 0;
  const drain = function* (): Generator<ExportChunk> {
    if (!pending.length) return;
    const buf = Buffer.concat(pending.splice(0));
    bytes += buf.length;
    yield { kind: 'chunk', encoding: 'base64', data: buf.toString('base64') };
  };
  const header = (cols: ExportColumn[]) => {
    sheet.columns = cols.map((c) => ({ header: c.label, key: c.key, width: Math.min(40, Math.max(10, c.label.length + 2)) }));
  };
  if (columns) header(columns);
  for await (const row of rows) {
    if (signal?.aborted) return;
    if (!columns) header((columns = columnsOf(row)));
    sheet.addRow(columns.map((c) => cellValue(row[c.key]))).commit();
    count++;
    if (count % ROWS_PER_CHUNK === 0) {
      // Let the zip stream push what it has compressed so far.
      await new Promise((r) => setImmediate(r));
      yield* drain();
      yield { kind: 'progress', rows: count };
    }
  }
  sheet.commit();
  await workbook.commit();
  await new Promise((r) => setImmediate(r));
  yield* drain();
  yield { kind: 'progress', rows: count };
  yield { kind: 'done', rows: count, bytes };
}
