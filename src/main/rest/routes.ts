/**
 * The REST routes under /api/v1. Each is a translation to one or two API calls made with the token user's
 * Session (via `rest`); none reads metadata, checks a permission or touches a driver itself.
 *
 *   GET    /objects                 objects the user can read
 *   GET    /objects/{name}          describe (visible fields only)
 *   GET    /openapi.json            OpenAPI 3.1 of what this user can see
 *   GET    /data/{name}             list: fields, filters, sort, limit/offset/cursor, expand, search
 *   GET    /data/{name}/{id}        one record (composite keys: see record-id.ts)
 *   POST   /data/{name}             create     ┐ through the governance write operations:
 *   PATCH  /data/{name}/{id}        update     │ refused unless the datasource, the object and the
 *   DELETE /data/{name}/{id}        delete     ┘ user's permission all allow it
 *   POST   /query                   ObjectQL records query (body = the AST)
 *   POST   /aggregate               ObjectQL aggregation (body = the AST with groupBy/aggregations)
 *
 * Lists and /query stream NDJSON or CSV when asked (Accept: application/x-ndjson | text/csv, or ?format=).
 */
import { Hono, type Context } from 'hono';
import type { ObjectDescription, ObjectSummary, QueryResultDto } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Api } from '../api';
import { sessionOf, type ApiEnv } from './auth';
import { coerceParam } from './coerce';
import { describer } from './describer';
import { astFromParams, parseExpand } from './list-params';
import { buildOpenApi } from './openapi';
import { decodeRecordId, rawLastSegment } from './record-id';
import { errorResponse, negotiate, streamRows, type Format } from './respond';

export const REST_BASE = '/api/v1';

const WRITE_OPS = { create: 'data.create', update: 'data.update', delete: 'data.delete' } as const;

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    const text = await c.req.text();
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ApiError('bad_request', `The request body is not valid JSON (${(e as Error).message}).`, 'body');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError('bad_request', 'The request body must be a JSON object.', 'body');
  return parsed as Record<string, unknown>;
}

const wantsPlan = (c: Context) => ['1', 'true'].includes(c.req.query('plan') ?? '');

function pageBody(c: Context, r: QueryResultDto) {
  return { rows: r.rows, ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}), ...(wantsPlan(c) ? { plan: r.plan } : {}) };
}

export function restRoutes(api: Api): Hono<ApiEnv> {
  const r = new Hono<ApiEnv>();

  const handle =
    (fn: (c: Context<ApiEnv>) => Promise<Response>) =>
    async (c: Context<ApiEnv>): Promise<Response> => {
      try {
        return await fn(c);
      } catch (e) {
        return errorResponse(c, e);
      }
    };

  /** A records query answered as one JSON page, or streamed as NDJSON/CSV. */
  const answerRows = async (c: Context<ApiEnv>, ast: Record<string, unknown>, format: Format): Promise<Response> => {
    const session = sessionOf(c, 'rest');
    if (format === 'json') {
      const out = (await api.call('data.query', { query: ast }, session, c.req.raw.signal)) as QueryResultDto;
      return c.json(pageBody(c, out));
    }
    const abort = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const rows = api.stream('data.stream', { query: ast }, session, abort.signal);
    const requested = Array.isArray(ast.fields) ? (ast.fields as string[]) : undefined;
    const object = String(ast.object);
    return streamRows(c, rows, format, {
      columns: requested,
      abort,
      fallbackColumns: async () => ((await api.call('objects.describe', { objectName: object }, session)) as ObjectDescription).fields.map((f) => f.name),
    });
  };

  /** The `where` naming one record by its id segment, with each key part typed by its field. */
  const recordFilter = async (c: Context<ApiEnv>, name: string): Promise<{ where: Record<string, unknown>; raw: string }> => {
    const describe = describer(api, sessionOf(c, 'rest'), c.req.raw.signal);
    const d = await describe(name);
    const raw = rawLastSegment(c.req.url);
    const parts = decodeRecordId(raw, d.primaryKey, name);
    const where: Record<string, unknown> = {};
    for (const [i, key] of d.primaryKey.entries()) {
      const field = d.fields.find((f) => f.name === key);
      if (!field) throw new ApiError('not_found', `No ${name} record "${decodeURIComponent(raw)}".`);
      where[key] = await coerceParam(parts[i]!, field, describe, 'id');
    }
    return { where, raw };
  };

  const write = async (c: Context<ApiEnv>, kind: keyof typeof WRITE_OPS, input: Record<string, unknown>, status: 200 | 201 = 200) => {
    const op = WRITE_OPS[kind];
    if (!api.kindOf(op)) throw new ApiError('forbidden', `Writes are not available in this ObjectDesk build (no "${op}" operation).`);
    const out = await api.call(op, input, sessionOf(c, 'rest'), c.req.raw.signal);
    return c.json(out as Record<string, unknown>, status);
  };

  r.get('/objects', handle(async (c) => c.json({ objects: (await api.call('workspace.objects', {}, sessionOf(c, 'rest'), c.req.raw.signal)) as ObjectSummary[] })));

  r.get('/objects/:name', handle(async (c) => c.json((await api.call('objects.describe', { objectName: c.req.param('name')! }, sessionOf(c, 'rest'), c.req.raw.signal)) as ObjectDescription)));

  r.get(
    '/openapi.json',
    handle(async (c) => {
      const origin = new URL(c.req.url).origin;
      return c.json(await buildOpenApi(api, sessionOf(c, 'rest'), { serverUrl: `${origin}${REST_BASE}` }));
    }),
  );

  r.get(
    '/data/:name',
    handle(async (c) => {
      const name = c.req.param('name')!;
      const format = negotiate(c);
      const url = new URL(c.req.url);
      const ast = await astFromParams(name, url.searchParams, describer(api, sessionOf(c, 'rest'), c.req.raw.signal));
      return answerRows(c, ast, format);
    }),
  );

  r.get(
    '/data/:name/:id',
    handle(async (c) => {
      const name = c.req.param('name')!;
      const { where, raw } = await recordFilter(c, name);
      const ast: Record<string, unknown> = { object: name, where, limit: 1 };
      const fields = c.req.query('fields');
      if (fields) ast.fields = fields.split(',').map((s) => s.trim()).filter(Boolean);
      const expand = c.req.query('expand');
      if (expand) ast.expand = parseExpand(expand);
      const out = (await api.call('data.query', { query: ast }, sessionOf(c, 'rest'), c.req.raw.signal)) as QueryResultDto;
      const record = out.rows[0];
      // Missing and hidden by a record rule look the same.
      if (!record) throw new ApiError('not_found', `No ${name} record with id "${decodeURIComponent(raw)}".`, 'id');
      return c.json({ record, ...(wantsPlan(c) ? { plan: out.plan } : {}) });
    }),
  );

  r.post(
    '/data/:name',
    handle(async (c) => write(c, 'create', { object: c.req.param('name')!, values: await jsonBody(c) }, 201)),
  );
  r.patch(
    '/data/:name/:id',
    handle(async (c) => {
      const name = c.req.param('name')!;
      const { where } = await recordFilter(c, name);
      return write(c, 'update', { object: name, key: where, values: await jsonBody(c) });
    }),
  );
  r.delete(
    '/data/:name/:id',
    handle(async (c) => {
      const name = c.req.param('name')!;
      const { where } = await recordFilter(c, name);
      return write(c, 'delete', { object: name, key: where });
    }),
  );

  r.post(
    '/query',
    handle(async (c) => {
      const format = negotiate(c);
      const ast = await jsonBody(c);
      if (ast.groupBy !== undefined || ast.aggregations !== undefined) {
        throw new ApiError('bad_request', 'This query has groupBy/aggregations: POST it to /api/v1/aggregate.', 'body.aggregations');
      }
      return answerRows(c, ast, format);
    }),
  );

  r.post(
    '/aggregate',
    handle(async (c) => {
      const ast = await jsonBody(c);
      if (ast.groupBy === undefined && ast.aggregations === undefined) {
        throw new ApiError('bad_request', 'An aggregation needs "aggregations" and/or "groupBy"; POST record queries to /api/v1/query.', 'body.aggregations');
      }
      const format = negotiate(c);
      if (format !== 'json') return answerRows(c, ast, format);
      const out = (await api.call('data.query', { query: ast }, sessionOf(c, 'rest'), c.req.raw.signal)) as QueryResultDto;
      return c.json({ rows: out.rows, ...(wantsPlan(c) ? { plan: out.plan } : {}) });
    }),
  );

  r.all('*', (c) => errorResponse(c, new ApiError('not_found', `No route ${c.req.method} ${c.req.path}. See ${REST_BASE}/openapi.json for this API.`)));
  return r;
}
