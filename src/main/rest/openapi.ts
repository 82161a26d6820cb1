/**
 * The OpenAPI 3.1 document of the REST API as one user sees it: only the objects and fields that user can
 * read (it is generated from `workspace.objects` + `objects.describe` called with their Session), typed
 * from the field metadata. Regenerated on each request, so a workspace reload or a permission change shows
 * up at once.
 */
import type { FieldSummary, ObjectDescription, ObjectSummary } from '../../shared/api/contract';
import type { Session } from '../../shared/api/session';
import type { Api } from '../api';
import { appVersion } from '../app/version';
import { RESERVED_PARAMS } from './list-params';

type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorRef = { $ref: '#/components/responses/Error' };
const errors = { '400': errorRef, '401': errorRef, '404': errorRef, '429': errorRef };

/** JSON Schema (2020-12, as OpenAPI 3.1 uses it) of one field's value; null is allowed unless required. */
export function fieldSchema(f: FieldSummary, keyOf: (object: string) => Schema | undefined, visible: Set<string>): Schema {
  let s: Schema;
  switch (f.type) {
    case 'number':
    case 'percent':
      s = { type: 'number' };
      break;
    case 'autonumber':
      s = { type: 'integer' };
      break;
    case 'currency':
      s = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', description: 'exact decimal' };
      break;
    case 'boolean':
      s = { type: 'boolean' };
      break;
    case 'date':
      s = { type: 'string', format: 'date' };
      break;
    case 'datetime':
      s = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}', description: 'wall-clock date-time in the workspace time zone, without offset' };
      break;
    case 'time':
      s = { type: 'string', pattern: '^\\d{2}:\\d{2}' };
      break;
    case 'email':
      s = { type: 'string', format: 'email' };
      break;
    case 'url':
      s = { type: 'string', format: 'uri' };
      break;
    case 'select':
      s = f.options?.length ? { enum: f.options.map((o) => o.value) } : { type: 'string' };
      break;
    case 'multiselect':
      s = { type: 'array', items: f.options?.length ? { enum: f.options.map((o) => o.value) } : { type: 'string' } };
      break;
    case 'json':
      s = {};
      break;
    case 'lookup': {
      const target = f.reference_to;
      const key = (target ? keyOf(target) : undefined) ?? { type: ['string', 'number'] };
      s = target && visible.has(target) ? { anyOf: [key, ref(target)], description: `key of a ${target}; the ${target} record when expanded` } : key;
      break;
    }
    default:
      s = { type: 'string' };
  }
  const out: Schema = { ...s, title: f.label, ...(f.description ? { description: f.description } : {}), ...(f.readonly ? { readOnly: true } : {}) };
  if (f.required) return out;
  // Nullable: a type list where there is one, otherwise anyOf with null.
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  if (Array.isArray(out.type)) return { ...out, type: [...(out.type as string[]), 'null'] };
  if (Object.keys(s).length === 0) return out;
  const { title, description, readOnly, ...rest } = out;
  return { title, ...(description ? { description } : {}), ...(readOnly ? { readOnly } : {}), anyOf: [rest, { type: 'null' }] };
}

function recordSchema(d: ObjectDescription, keyOf: (object: string) => Schema | undefined, visible: Set<string>): Schema {
  return {
    type: 'object',
    title: d.label,
    ...(d.description ? { description: d.description } : {}),
    properties: Object.fromEntries(d.fields.map((f) => [f.name, fieldSchema(f, keyOf, visible)])),
    'x-primary-key': d.primaryKey,
  };
}

function simpleFilterSchema(f: FieldSummary): Schema | undefined {
  if (f.type === 'json' || f.type === 'multiselect') return undefined;
  if (f.type === 'number' || f.type === 'percent') return { type: 'number' };
  if (f.type === 'autonumber') return { type: 'integer' };
  if (f.type === 'boolean') return { type: 'boolean' };
  return { type: 'string' };
}

const listParameters = [
  { name: 'fields', in: 'query', schema: { type: 'string' }, description: 'comma-separated fields and lookup paths, e.g. total,customer_id.country' },
  { name: 'where', in: 'query', schema: { type: 'string' }, description: 'an ObjectQL filter as JSON, e.g. {"total":{"$gt":5}}' },
  { name: 'search', in: 'query', schema: { type: 'string' }, description: 'every term in some searchable text field' },
  { name: 'sort', in: 'query', schema: { type: 'string' }, description: 'comma-separated fields; a leading "-" sorts descending' },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
  { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page (same sort)' },
  { name: 'expand', in: 'query', schema: { type: 'string' }, description: 'comma-separated lookups to nest, e.g. customer_id,customer_id.support_rep_id' },
  { name: 'format', in: 'query', schema: { enum: ['json', 'ndjson', 'csv'] }, description: 'instead of Accept' },
  { name: 'plan', in: 'query', schema: { type: 'boolean' }, description: 'include the query plan (SQL with parameters, where each step ran)' },
];

export async function buildOpenApi(api: Api, session: Session, opts: { serverUrl: string }): Promise<Schema> {
  const summaries = (await api.call('workspace.objects', {}, session)) as ObjectSummary[];
  const descriptions = await Promise.all(summaries.map((s) => api.call('objects.describe', { objectName: s.name }, session) as Promise<ObjectDescription>));
  const byName = new Map(descriptions.map((d) => [d.name, d]));
  const visible = new Set(byName.keys());
  const keyOf = (object: string): Schema | undefined => {
    const d = byName.get(object);
    const pk = d && d.primaryKey.length === 1 ? d.fields.find((f) => f.name === d.primaryKey[0]) : undefined;
    if (!pk || pk.type === 'lookup') return undefined;
    const s = fieldSchema({ ...pk, required: true, description: undefined, readonly: false }, () => undefined, new Set());
    delete s.title;
    return s;
  };

  const schemas: Record<string, Schema> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: { type: 'string' }, message: { type: 'string' }, path: { type: 'string' }, details: {} },
        },
      },
    },
    ObjectSummary: { type: 'object', properties: { name: { type: 'string' }, label: { type: 'string' }, pluralLabel: { type: 'string' }, namespace: { type: 'string' }, datasource: { type: 'string' }, fieldCount: { type: 'integer' } } },
    ObjectDescription: { type: 'object', properties: { name: { type: 'string' }, label: { type: 'string' }, primaryKey: { type: 'array', items: { type: 'string' } }, writable: { type: 'boolean' }, fields: { type: 'array', items: { type: 'object' } } } },
    ObjectQLQuery: {
      type: 'object',
      required: ['object'],
      description: 'An ObjectQL query (see docs/objectql.md): object, fields, where, search, orderBy, limit, offset, cursor, expand; aggregations with groupBy, aggregations, having.',
      properties: { object: { enum: [...visible] } },
    },
    Page: {
      type: 'object',
      required: ['rows'],
      properties: { rows: { type: 'array', items: { type: 'object' } }, nextCursor: { type: 'string' }, plan: { type: 'object' } },
    },
  };
  const paths: Record<string, Schema> = {
    '/objects': {
      get: {
        operationId: 'listObjects',
        summary: 'Objects you can read',
        responses: { '200': { description: 'objects', content: { 'application/json': { schema: { type: 'object', properties: { objects: { type: 'array', items: ref('ObjectSummary') } } } } } }, ...errors },
      },
    },
    '/objects/{name}': {
      get: {
        operationId: 'describeObject',
        summary: 'Fields of one object (those you can read)',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { enum: [...visible] } }],
        responses: { '200': { description: 'description', content: { 'application/json': { schema: ref('ObjectDescription') } } }, ...errors },
      },
    },
    '/query': {
      post: {
        operationId: 'query',
        summary: 'Run an ObjectQL records query',
        requestBody: { required: true, content: { 'application/json': { schema: ref('ObjectQLQuery') } } },
        responses: {
          '200': {
            description: 'a page of rows, or every row as NDJSON / CSV',
            content: { 'application/json': { schema: ref('Page') }, 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
          },
          ...errors,
        },
      },
    },
    '/aggregate': {
      post: {
        operationId: 'aggregate',
        summary: 'Run an ObjectQL aggregation (groupBy, aggregations, having)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('ObjectQLQuery') } } },
        responses: { '200': { description: 'groups', content: { 'application/json': { schema: ref('Page') } } }, ...errors },
      },
    },
  };

  for (const d of descriptions) {
    const schemaName = d.name;
    schemas[schemaName] = recordSchema(d, keyOf, visible);
    const filterParams = d.fields
      .filter((f) => !RESERVED_PARAMS.has(f.name))
      .flatMap((f) => {
        const s = simpleFilterSchema(f);
        return s ? [{ name: f.name, in: 'query', required: false, schema: s, description: `${f.label} equals (repeat for "any of")` }] : [];
      });
    const idDescription =
      d.primaryKey.length === 1
        ? `the ${d.primaryKey[0]} value, URL-encoded`
        : `the key values ${d.primaryKey.join(', ')} in that order, each URL-encoded, joined by ","`;
    const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: idDescription };
    const single = { '200': { description: `one ${d.label}`, content: { 'application/json': { schema: { type: 'object', properties: { record: ref(schemaName) } } } } }, ...errors };
    const collection: Schema = {
      get: {
        operationId: `list_${d.name}`,
        summary: `${d.pluralLabel} you can read`,
        tags: [d.namespace],
        parameters: [...listParameters, ...filterParams],
        responses: {
          '200': {
            description: `a page of ${d.pluralLabel}, or every match as NDJSON / CSV`,
            content: {
              'application/json': { schema: { type: 'object', required: ['rows'], properties: { rows: { type: 'array', items: ref(schemaName) }, nextCursor: { type: 'string' }, plan: { type: 'object' } } } },
              'application/x-ndjson': { schema: { type: 'string' }, 'x-items': ref(schemaName) },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          ...errors,
        },
      },
    };
    const item: Schema = {
      get: {
        operationId: `get_${d.name}`,
        summary: `One ${d.label} by id`,
        tags: [d.namespace],
        parameters: [idParam, listParameters[0], listParameters[7]],
        responses: single,
      },
    };
    if (d.writable) {
      collection.post = {
        operationId: `create_${d.name}`,
        summary: `Create a ${d.label}`,
        tags: [d.namespace],
        requestBody: { required: true, content: { 'application/json': { schema: ref(schemaName) } } },
        responses: { '201': { description: 'created' }, '403': errorRef, ...errors },
      };
      item.patch = {
        operationId: `update_${d.name}`,
        summary: `Change fields of a ${d.label}`,
        tags: [d.namespace],
        parameters: [idParam],
        requestBody: { required: true, content: { 'application/json': { schema: ref(schemaName) } } },
        responses: { '200': { description: 'updated' }, '403': errorRef, ...errors },
      };
      item.delete = {
        operationId: `delete_${d.name}`,
        summary: `Delete a ${d.label}`,
        tags: [d.namespace],
        parameters: [idParam],
        responses: { '200': { description: 'deleted' }, '403': errorRef, ...errors },
      };
    }
    paths[`/data/${d.name}`] = collection;
    paths[`/data/${d.name}/{id}`] = item;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'ObjectDesk API',
      version: appVersion(),
      description: `The governed REST API of this workspace as ${session.user} sees it: only objects and fields they can read, rows filtered by their record rules, every call audited.`,
    },
    servers: [{ url: opts.serverUrl }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas,
      responses: { Error: { description: 'an error with a code, a message that says what to fix, and the path of the problem', content: { 'application/json': { schema: ref('Error') } } } },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'a personal access token (odp_…) from Settings or `objectdesk token create`' } },
    },
  };
}
