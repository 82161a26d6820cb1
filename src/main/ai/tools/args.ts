/**
 * The argument schemas of the four data tools, with ObjectStack's names and shapes. They are the single
 * definition: Ollama and MCP both receive them as JSON Schema (`z.toJSONSchema`), and every call is parsed
 * with them before it reaches the API. The filter itself (`where`) is checked by the ObjectQL engine, which
 * names the exact path of a problem; here it only has to be an object.
 */
import { z } from 'zod';
import { AGGREGATE_FUNCTIONS, DATE_GRANULARITIES } from '../../objectql/ast';

export const MAX_QUERY_RECORDS_LIMIT = 200;
export const DEFAULT_QUERY_RECORDS_LIMIT = 50;
export const MAX_AGGREGATE_GROUPS = 200;

const objectName = z.string().min(1).max(200).describe('API name of the object, as returned by list_objects (e.g. "customer").');

const where = z
  .record(z.string(), z.unknown())
  .describe(
    'ObjectQL filter. {"field": value} is equality; {"field": {"$gt": 5}} uses an operator ($eq $ne $gt $gte $lt $lte $in $nin $between $contains $icontains $startsWith $endsWith $null); ' +
      '{"$and": [...]}, {"$or": [...]}, {"$not": {...}} combine filters. Fields of a lookup are reached with dots: {"customer_id.country": "Brazil"}.',
  );

const fieldPath = z.string().min(1).max(300);

const orderBy = z
  .array(z.strictObject({ field: fieldPath.describe('a field, a dotted lookup path, or (for aggregate_data) a group key or alias'), order: z.enum(['asc', 'desc']).optional() }))
  .max(10)
  .describe('Sort order, e.g. [{"field": "total", "order": "desc"}].');

export const ListObjectsArgs = z.strictObject({});

export const DescribeObjectArgs = z.strictObject({ objectName });

export const QueryRecordsArgs = z.strictObject({
  objectName,
  where: where.optional(),
  fields: z.array(fieldPath).min(1).max(50).optional().describe('Fields to return (dotted paths reach lookups, e.g. "support_rep_id.last_name"); all readable fields when absent.'),
  orderBy: orderBy.optional(),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_QUERY_RECORDS_LIMIT)
    .optional()
    .describe(`How many records, at most ${MAX_QUERY_RECORDS_LIMIT} (default ${DEFAULT_QUERY_RECORDS_LIMIT}). Use aggregate_data for totals and counts instead of fetching many records.`),
});

export const AggregateDataArgs = z.strictObject({
  objectName,
  aggregations: z
    .array(
      z.strictObject({
        function: z.enum(AGGREGATE_FUNCTIONS),
        field: fieldPath.optional().describe('The field to aggregate (optional for count).'),
        alias: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier: letters, digits and "_"').describe('Name of the result column, e.g. "total_spent".'),
      }),
    )
    .min(1)
    .max(20)
    .describe('e.g. [{"function": "sum", "field": "total", "alias": "total_spent"}]'),
  groupBy: z
    .array(
      z.union([
        fieldPath,
        z.strictObject({
          field: fieldPath,
          dateGranularity: z.enum(DATE_GRANULARITIES).optional(),
          alias: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier: letters, digits and "_"').optional(),
        }),
      ]),
    )
    .min(1)
    .max(10)
    .optional()
    .describe('Group keys: field names or dotted lookup paths ("customer_id.country"), or {"field": "invoice_date", "dateGranularity": "month"}.'),
  where: where.optional(),
  orderBy: orderBy.optional(),
  limit: z.number().int().min(1).max(MAX_AGGREGATE_GROUPS).optional().describe(`At most this many groups (max ${MAX_AGGREGATE_GROUPS}).`),
});

export type QueryRecordsInput = z.infer<typeof QueryRecordsArgs>;
export type AggregateDataInput = z.infer<typeof AggregateDataArgs>;
