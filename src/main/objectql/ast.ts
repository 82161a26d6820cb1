/**
 * The ObjectQL query AST (ObjectStack's shape) as strict zod schemas; the TypeScript types are inferred from
 * them. This file owns the *shape* only — what a field may be compared with, which fields exist and how deep
 * a query may nest are checked against object metadata in `validate.ts`.
 */
import { z } from 'zod';

export const FIELD_PATH_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
export const ALIAS_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A field name, or a dotted path through lookup fields: `support_rep_id.first_name`. */
export const FieldPathSchema = z
  .string()
  .regex(FIELD_PATH_PATTERN, 'must be a field name or a dotted lookup path such as "support_rep_id.first_name"');

export const ScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof ScalarSchema>;

export const COMPARISON_OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'] as const;
export const TEXT_OPERATORS = ['$contains', '$icontains', '$startsWith', '$endsWith'] as const;
export const FIELD_OPERATORS = [...COMPARISON_OPERATORS, '$in', '$nin', '$between', ...TEXT_OPERATORS, '$null', '$exists'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];
export const LOGICAL_OPERATORS = ['$and', '$or', '$not'] as const;

/** `{ $gt: 5, $lte: 10 }` — several operators on one field are AND-ed. */
export const ConditionSchema = z.strictObject({
  $eq: ScalarSchema.optional(),
  $ne: ScalarSchema.optional(),
  $gt: ScalarSchema.optional(),
  $gte: ScalarSchema.optional(),
  $lt: ScalarSchema.optional(),
  $lte: ScalarSchema.optional(),
  $in: z.array(ScalarSchema).optional(),
  $nin: z.array(ScalarSchema).optional(),
  $between: z.tuple([ScalarSchema, ScalarSchema]).optional(),
  $contains: z.string().optional(),
  $icontains: z.string().optional(),
  $startsWith: z.string().optional(),
  $endsWith: z.string().optional(),
  $null: z.boolean().optional(),
  $exists: z.boolean().optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

export type Filter = {
  $and?: Filter[];
  $or?: Filter[];
  $not?: Filter;
  [field: string]: Scalar | Condition | Filter[] | Filter | undefined;
};

/**
 * `{ field: value }` is implicit equality, `{ field: { $op: value } }` an operator, `$and`/`$or` take lists and
 * `$not` one filter. Keys of one object are AND-ed.
 */
export const FilterSchema: z.ZodType<Filter> = z.lazy(() =>
  z
    .strictObject({
      $and: z.array(FilterSchema).min(1).optional(),
      $or: z.array(FilterSchema).min(1).optional(),
      $not: FilterSchema.optional(),
    })
    .catchall(z.union([ScalarSchema, ConditionSchema])),
) as z.ZodType<Filter>;

export const SortSchema = z.strictObject({ field: FieldPathSchema, order: z.enum(['asc', 'desc']).default('asc') });
export type Sort = z.infer<typeof SortSchema>;

export const AGGREGATE_FUNCTIONS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'] as const;
export const AggregationSchema = z.strictObject({
  function: z.enum(AGGREGATE_FUNCTIONS),
  /** Optional only for `count`, which then counts rows. */
  field: FieldPathSchema.optional(),
  alias: z.string().regex(ALIAS_PATTERN, 'must be an identifier: letters, digits and "_"'),
  /** Only rows matching this filter enter the aggregate (a conditional aggregate). */
  filter: FilterSchema.optional(),
});
export type Aggregation = z.infer<typeof AggregationSchema>;

export const DATE_GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type DateGranularity = (typeof DATE_GRANULARITIES)[number];
export const GroupBySchema = z.union([
  FieldPathSchema,
  z.strictObject({
    field: FieldPathSchema,
    dateGranularity: z.enum(DATE_GRANULARITIES).optional(),
    /** The output key; defaults to the field path, or `<path>__<granularity>` for a date bucket. */
    alias: z.string().regex(ALIAS_PATTERN, 'must be an identifier: letters, digits and "_"').optional(),
  }),
]);
export type GroupBy = z.infer<typeof GroupBySchema>;

export interface Expand {
  fields?: string[];
  expand?: Record<string, Expand>;
}
export const ExpandSchema: z.ZodType<Expand> = z.lazy(() =>
  z.strictObject({
    fields: z.array(FieldPathSchema).min(1).optional(),
    expand: z.record(z.string(), ExpandSchema).optional(),
  }),
) as z.ZodType<Expand>;

export const QuerySchema = z.strictObject({
  object: z.string().min(1),
  fields: z.array(FieldPathSchema).min(1).optional(),
  where: FilterSchema.optional(),
  /** Free text: every whitespace-separated term must occur (case-insensitively) in one searchable field. */
  search: z.string().max(500).optional(),
  orderBy: z.array(SortSchema).optional(),
  limit: z.number().int().min(0).optional(),
  offset: z.number().int().min(0).optional(),
  /** Keyset pagination: the `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(4096).optional(),
  aggregations: z.array(AggregationSchema).min(1).optional(),
  groupBy: z.array(GroupBySchema).min(1).optional(),
  having: FilterSchema.optional(),
  /** Lookup fields to return as nested records instead of their stored key. */
  expand: z.record(z.string(), ExpandSchema).optional(),
  /**
   * Set by the permission layer, refused from callers: per lookup path (`customer_id`,
   * `invoice_id.customer_id`), a filter on the related object — written from that object, as its record
   * rules are — that a related record must match to be seen. A related record that does not match reads as
   * absent: the lookup's fields, expansion, sorts and groups are empty, and filters see no value. The row
   * itself stays (its own object's rules decide that).
   */
  lookupWhere: z.record(z.string(), FilterSchema).optional(),
});
export type QueryInput = z.input<typeof QuerySchema>;
export type Query = z.output<typeof QuerySchema>;
