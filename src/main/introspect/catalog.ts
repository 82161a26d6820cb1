/**
 * The catalog: what introspection found in a datasource, in one engine-neutral shape. Raw names are kept
 * exactly as the database spells them; `normalizedType` is the engine-neutral type the object-draft
 * generator maps to a field type (docs/drivers.md lists the mapping per engine).
 */
import { z } from 'zod';

export const NORMALIZED_TYPES = [
  'text', 'integer', 'bigint', 'decimal', 'float', 'boolean',
  'date', 'datetime', 'datetimetz', 'time',
  'json', 'uuid', 'binary', 'enum', 'objectid', 'unknown',
] as const;
export const NormalizedTypeSchema = z.enum(NORMALIZED_TYPES);
export type NormalizedType = z.infer<typeof NormalizedTypeSchema>;

export const CatalogColumnSchema = z.strictObject({
  name: z.string(),
  ordinal: z.number().int(),
  /** The type as the database declares it, e.g. `character varying(40)`, `decimal(10,2)`, `NVARCHAR(40)`. */
  dataType: z.string(),
  normalizedType: NormalizedTypeSchema,
  nullable: z.boolean(),
  /** The default expression as the database reports it. */
  default: z.string().nullable(),
  maxLength: z.number().int().nullable(),
  precision: z.number().int().nullable(),
  scale: z.number().int().nullable(),
  comment: z.string().nullable(),
  autoIncrement: z.boolean(),
  /** For enum columns: the allowed values in declaration order. */
  enumValues: z.array(z.string()).optional(),
  /** MongoDB: how many of the sampled documents had the field, and the BSON types seen. */
  presence: z.number().min(0).max(1).optional(),
  seenTypes: z.array(z.string()).optional(),
  /** Set when the type was not understood and was mapped to text/json; says which. */
  unknownType: z.string().optional(),
});
export type CatalogColumn = z.infer<typeof CatalogColumnSchema>;

export const ForeignKeySchema = z.strictObject({
  name: z.string().nullable(),
  columns: z.array(z.string()).min(1),
  referencedSchema: z.string().nullable(),
  referencedTable: z.string(),
  /** Empty when the database leaves it to the referenced table's primary key (SQLite). */
  referencedColumns: z.array(z.string()),
  /** MongoDB: inferred from sampled ObjectId values instead of declared. */
  inferred: z.boolean().optional(),
});
export type ForeignKey = z.infer<typeof ForeignKeySchema>;

export const UniqueConstraintSchema = z.strictObject({ name: z.string().nullable(), columns: z.array(z.string()).min(1) });

export const CatalogTableSchema = z.strictObject({
  schema: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['table', 'view', 'collection']),
  comment: z.string().nullable(),
  columns: z.array(CatalogColumnSchema),
  primaryKey: z.array(z.string()),
  foreignKeys: z.array(ForeignKeySchema),
  uniqueConstraints: z.array(UniqueConstraintSchema),
  /** Approximate: planner statistics, not a count. Null when the engine has none. */
  rowCountEstimate: z.number().nullable(),
  /** For tables without a primary key: the unique key offered instead (all columns NOT NULL when possible). */
  candidateKey: z.array(z.string()).nullable(),
  warnings: z.array(z.string()),
});
export type CatalogTable = z.infer<typeof CatalogTableSchema>;

export const CatalogEnumSchema = z.strictObject({ schema: z.string().nullable(), name: z.string(), values: z.array(z.string()) });
export type CatalogEnum = z.infer<typeof CatalogEnumSchema>;

export const CatalogSchema = z.strictObject({
  datasource: z.string(),
  engine: z.enum(['postgres', 'mysql', 'mariadb', 'sqlite', 'mongodb']),
  serverVersion: z.string().nullable(),
  database: z.string().nullable(),
  schemas: z.array(z.string()),
  tables: z.array(CatalogTableSchema),
  enums: z.array(CatalogEnumSchema),
  warnings: z.array(z.string()),
});
export type Catalog = z.infer<typeof CatalogSchema>;

export const IntrospectOptionsSchema = z.strictObject({
  /** PostgreSQL schemas to read; defaults to the datasource's `allowedSchemas`, else `['public']`. */
  schemas: z.array(z.string().min(1)).optional(),
  /** Only these tables (exact database names). */
  tables: z.array(z.string().min(1)).optional(),
  includeViews: z.boolean().optional(),
  /** MongoDB: documents sampled per collection (defaults to the datasource's sampleSize, else 1000). */
  sampleSize: z.number().int().min(1).max(100_000).optional(),
});
export type IntrospectOptions = z.infer<typeof IntrospectOptionsSchema>;

/** Function the SQL readers use to run a catalog query: always parameterised, always read-only. */
export type CatalogQuery = (sql: string, parameters: readonly unknown[]) => Promise<Record<string, unknown>[]>;
