/**
 * `GET /api/v1/data/{object}` query parameters → an ObjectQL AST. The engine validates the result against
 * the caller's view of the metadata, so this only translates:
 *
 *   fields=total,customer_id.country        → fields
 *   where={"total":{"$gt":5}}               → where (ObjectQL JSON)
 *   billing_country=Norway                  → where { billing_country: "Norway" }   (typed by the field)
 *   billing_country=Norway&billing_country=Chile → where { billing_country: { $in: [...] } }
 *   sort=-total,invoice_date                → orderBy (a leading "-" is descending)
 *   limit, offset, cursor, search           → the same keys
 *   expand=customer_id,customer_id.support_rep_id → expand (nested)
 *
 * Several filters are AND-ed. Parameter names that are not filters: RESERVED_PARAMS (filter fields with such
 * names through `where=`).
 */
import { ApiError } from '../../shared/api/errors';
import { coerceParam, fieldAtPath } from './coerce';
import type { Describe } from './describer';

export const RESERVED_PARAMS = new Set(['fields', 'where', 'sort', 'limit', 'offset', 'cursor', 'expand', 'search', 'format', 'plan']);

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function integer(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new ApiError('bad_request', `query.${name}: expected a whole number ≥ 0, got "${v}".`, `query.${name}`);
  return Number(v);
}

export function parseJsonParam(name: string, v: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new ApiError('bad_request', `query.${name}: not valid JSON (${(e as Error).message}). Send an ObjectQL filter, e.g. {"total":{"$gt":5}}, URL-encoded.`, `query.${name}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError('bad_request', `query.${name}: must be a JSON object (an ObjectQL filter).`, `query.${name}`);
  }
  return parsed as Record<string, unknown>;
}

export function parseSort(v: string): { field: string; order: 'asc' | 'desc' }[] {
  return list(v).map((s) => (s.startsWith('-') ? { field: s.slice(1), order: 'desc' as const } : { field: s.replace(/^\+/, ''), order: 'asc' as const }));
}

export function parseExpand(v: string): Record<string, unknown> {
  const root: Record<string, { expand?: Record<string, unknown> }> = {};
  for (const path of list(v)) {
    let level = root;
    for (const seg of path.split('.')) {
      level[seg] ??= {};
      const node = level[seg]!;
      node.expand ??= {};
      level = node.expand as typeof root;
    }
  }
  // Leaves carry no empty `expand: {}`.
  const prune = (o: Record<string, { expand?: Record<string, unknown> }>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(o).map(([k, spec]) => {
        const inner = spec.expand && Object.keys(spec.expand).length ? { expand: prune(spec.expand as typeof root) } : {};
        return [k, inner];
      }),
    );
  return prune(root);
}

/** The filter from `where=` and the `field=value` parameters, AND-ed; undefined when there is none. */
export async function filterFromParams(object: string, params: URLSearchParams, describe: Describe): Promise<Record<string, unknown> | undefined> {
  const parts: Record<string, unknown>[] = [];
  const where = params.get('where');
  if (where !== null) parts.push(parseJsonParam('where', where));
  const simple: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    if (RESERVED_PARAMS.has(key)) continue;
    const path = `query.${key}`;
    const field = await fieldAtPath(object, key, describe, path);
    const values = await Promise.all(params.getAll(key).map((v) => coerceParam(v, field, describe, path)));
    simple[key] = values.length === 1 ? values[0] : { $in: values };
  }
  if (Object.keys(simple).length) parts.push(simple);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { $and: parts };
}

export async function astFromParams(object: string, params: URLSearchParams, describe: Describe): Promise<Record<string, unknown>> {
  const ast: Record<string, unknown> = { object };
  const fields = params.get('fields');
  if (fields !== null) ast.fields = list(fields);
  const where = await filterFromParams(object, params, describe);
  if (where) ast.where = where;
  const search = params.get('search');
  if (search !== null) ast.search = search;
  const sort = params.get('sort');
  if (sort !== null) ast.orderBy = parseSort(sort);
  const limit = integer('limit', params.get('limit') ?? undefined);
  if (limit !== undefined) ast.limit = limit;
  const offset = integer('offset', params.get('offset') ?? undefined);
  if (offset !== undefined) ast.offset = offset;
  const cursor = params.get('cursor');
  if (cursor !== null) ast.cursor = cursor;
  const expand = params.get('expand');
  if (expand !== null) ast.expand = parseExpand(expand);
  return ast;
}
