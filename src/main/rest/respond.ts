/**
 * How REST answers: JSON, or rows streamed as NDJSON or CSV when the client asks for them (`Accept`, or
 * `?format=` for clients that cannot set headers). Errors are the API's JSON error body with its HTTP status;
 * an error after a stream started ends NDJSON with an `{"error": …}` line and aborts a CSV body (so a
 * truncated file is never mistaken for a complete one).
 */
import type { Context } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { ApiError } from '../../shared/api/errors';
import { toApiError } from '../api';
import { HTTP_STATUS } from '../host/http-status';

export type Format = 'json' | 'ndjson' | 'csv';

export function errorResponse(c: Context, e: unknown): Response {
  const err = toApiError(e);
  if (err.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer realm="ObjectDesk", error="invalid_token"');
  return c.json(err.toBody(), HTTP_STATUS[err.code] as 400);
}

export function negotiate(c: Context): Format {
  const explicit = c.req.query('format');
  if (explicit !== undefined) {
    if (explicit === 'json' || explicit === 'ndjson' || explicit === 'csv') return explicit;
    throw new ApiError('bad_request', `query.format: "${explicit}" is not a format; use json, ndjson or csv (or send Accept).`, 'query.format');
  }
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  for (const part of accept.split(',')) {
    const type = part.split(';')[0]!.trim();
    if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
    if (type === 'text/csv') return 'csv';
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'json';
  }
  return 'json';
}

/** A value as one CSV cell: expanded lookups (objects) as JSON text. */
function cell(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/**
 * Streams rows from an API row stream. The first row is read before the response starts, so a query the
 * engine refuses is still an ordinary 4xx JSON error. `columns` are used for the CSV header when given
 * (otherwise the first row's keys; `fallbackColumns` when there are no rows).
 */
export async function streamRows(
  c: Context,
  rows: AsyncIterable<unknown>,
  format: 'ndjson' | 'csv',
  opts: { columns?: string[]; fallbackColumns: () => Promise<string[]>; abort: AbortController },
): Promise<Response> {
  const iterator = rows[Symbol.asyncIterator]();
  let first: IteratorResult<unknown>;
  try {
    first = await iterator.next();
  } catch (e) {
    return errorResponse(c, e);
  }
  const columns = opts.columns ?? (first.done ? await opts.fallbackColumns() : Object.keys(first.value as object));
  const encoder = new TextEncoder();
  const BATCH = 500;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let r = first;
      let batch: unknown[] = [];
      const flush = () => {
        if (format === 'ndjson') {
          controller.enqueue(encoder.encode(batch.map((row) => `${JSON.stringify(row)}\n`).join('')));
        } else {
          const records = batch.map((row) => columns.map((k) => cell((row as Record<string, unknown>)[k])));
          controller.enqueue(encoder.encode(stringify(records, { cast: { boolean: (b) => (b ? 'true' : 'false') } })));
        }
        batch = [];
      };
      try {
        if (format === 'csv') controller.enqueue(encoder.encode(stringify([columns])));
        while (!r.done) {
          batch.push(r.value);
          if (batch.length >= BATCH) flush();
          r = await iterator.next();
        }
        if (batch.length) flush();
        controller.close();
      } catch (e) {
        if (batch.length) flush();
        if (format === 'ndjson') {
          controller.enqueue(encoder.encode(`${JSON.stringify(toApiError(e).toBody())}\n`));
          controller.close();
        } else {
          controller.error(e);
        }
      }
    },
    async cancel() {
      opts.abort.abort();
      await iterator.return?.();
    },
  });
  const type = format === 'ndjson' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8';
  return new Response(body, { status: 200, headers: { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } });
}
