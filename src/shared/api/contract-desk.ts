/**
 * API operations of the analyst's desk (issue: The analyst's desk): streaming export, saved queries,
 * datasource health for the shell, the audit viewer and the visual object modeler. Merged into the one
 * table in ./contract.ts.
 */
import { z } from 'zod';
import { ViaSchema } from './session';
import { query, stream } from './operation';
import { AuditEntrySchema, type AuditEntry } from './audit-entry';

/** An ObjectQL AST; the engine validates it (importing contract.ts here would be circular). */
const QueryAstInputSchema = z.record(z.string(), z.unknown());

// ---- export -------------------------------------------------------------------------------------

export const ExportFormatSchema = z.enum(['csv', 'xlsx']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportColumnSchema = z.strictObject({
  /** A key of the result rows (a field path of the query). */
  key: z.string().min(1).max(400),
  /** The header written to the file. */
  label: z.string().max(200),
});

export const ExportEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('start'), filename: z.string(), mime: z.string() }),
  /** A piece of the file, in order: UTF-8 text for CSV, base64 for XLSX. */
  z.strictObject({ kind: z.literal('chunk'), encoding: z.enum(['utf8', 'base64']), data: z.string() }),
  z.strictObject({ kind: z.literal('progress'), rows: z.number().int() }),
  z.strictObject({ kind: z.literal('done'), rows: z.number().int(), bytes: z.number().int() }),
]);
export type ExportEvent = z.infer<typeof ExportEventSchema>;

// ---- saved queries ------------------------------------------------------------------------------

export const SavedQuerySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  object: z.string(),
  /** The query builder's state: the ObjectQL AST plus how to chart it. */
  query: QueryAstInputSchema,
  chart: z.strictObject({ type: z.enum(['table', 'bar', 'line', 'pie']), x: z.string().optional(), y: z.array(z.string()).optional(), series: z.string().optional() }).optional(),
  owner: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedQuery = z.infer<typeof SavedQuerySchema>;
export const SavedQuerySummarySchema = SavedQuerySchema.pick({ id: true, name: true, object: true, owner: true, updatedAt: true });

// ---- health ---------------------------------------------------------------------------------------

export const DatasourceHealthSchema = z.strictObject({
  name: z.string(),
  label: z.string(),
  driver: z.string(),
  readOnly: z.boolean(),
  status: z.enum(['ok', 'error']),
  latencyMs: z.number().optional(),
  serverVersion: z.string().optional(),
  message: z.string().optional(),
});
export type DatasourceHealth = z.infer<typeof DatasourceHealthSchema>;

// ---- audit ----------------------------------------------------------------------------------------

/** The stored entry, unchanged (src/shared/api/audit-entry.ts). */
export const AuditEntryDtoSchema = AuditEntrySchema;
export type AuditEntryDto = AuditEntry;

export const AuditFilterInputSchema = z.strictObject({
  user: z.string().max(200).optional(),
  object: z.string().max(200).optional(),
  via: ViaSchema.optional(),
  outcome: z.enum(['ok', 'denied', 'error']).optional(),
  /** Text the entry's reason contains, e.g. `flow stamp_usa run 5f…` for every call of one flow run. */
  reason: z.string().max(2000).optional(),
  /** Inclusive, ISO date (UTC day start) or date-time with zone. */
  since: z.string().max(40).optional(),
  /** Exclusive. */
  until: z.string().max(40).optional(),
});

export const VerifyReportSchema = z.strictObject({
  ok: z.boolean(),
  entries: z.number().int(),
  head: z.strictObject({ seq: z.number().int(), hash: z.string() }).nullable(),
  problems: z.array(z.strictObject({ seq: z.number().int(), kind: z.string(), message: z.string() })),
});

// ---- modeler --------------------------------------------------------------------------------------

export const ModelerColumnSchema = z.strictObject({
  name: z.string(),
  dataType: z.string(),
  normalizedType: z.string(),
  nullable: z.boolean(),
  primaryKey: z.boolean(),
  references: z.string().optional(),
});
export const ModelerTableSchema = z.strictObject({
  schema: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['table', 'view', 'collection']),
  rowCountEstimate: z.number().nullable(),
  columns: z.array(ModelerColumnSchema),
  /** The workspace object already reading this table, if any. */
  object: z.string().optional(),
  warnings: z.array(z.string()),
});
export type ModelerTable = z.infer<typeof ModelerTableSchema>;

export const SelectOptionEditSchema = z.strictObject({
  value: z.union([z.string().trim().min(1, 'an option needs a value'), z.number()]),
  label: z.string().trim().min(1, 'an option needs a label').max(200),
});
export const FieldOverrideSchema = z.strictObject({
  label: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  hidden: z.boolean().optional(),
  /** The options of a select field; on a text or number field they make it a select. */
  options: z.array(SelectOptionEditSchema).max(500).optional(),
  /** Make the field a lookup to this object (one in the workspace or drafted now); null: not a lookup. */
  reference_to: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be an object name such as "biz_account"').nullable().optional(),
});
export const ObjectOverrideSchema = z.strictObject({
  label: z.string().max(200).optional(),
  pluralLabel: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  fields: z.record(z.string(), FieldOverrideSchema).optional(),
});
export type ObjectOverride = z.infer<typeof ObjectOverrideSchema>;

const ModelerSelectionSchema = z.strictObject({
  datasource: z.string().min(1).max(200),
  tables: z.array(z.string().min(1).max(400)).min(1, 'select at least one table').max(2000),
  namespace: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits and "_"').optional(),
  /** Keyed by table name: labels, descriptions, field visibility, select options and lookups edited in the form. */
  overrides: z.record(z.string(), ObjectOverrideSchema).optional(),
});

export const ModelerFileSchema = z.strictObject({
  object: z.string(),
  table: z.string(),
  /** Relative to the workspace folder. */
  path: z.string(),
  action: z.enum(['create', 'update', 'unchanged', 'conflict']),
  content: z.string(),
  diff: z.string(),
  changes: z.array(z.string()),
  warnings: z.array(z.string()),
  fields: z.array(
    z.strictObject({
      name: z.string(),
      type: z.string(),
      label: z.string().optional(),
      description: z.string().optional(),
      hidden: z.boolean().optional(),
      reference_to: z.string().optional(),
      options: z.array(z.strictObject({ value: z.union([z.string(), z.number()]), label: z.string() })).optional(),
    }),
  ),
  label: z.string().optional(),
  pluralLabel: z.string().optional(),
  description: z.string().optional(),
});

export const DriftItemSchema = z.strictObject({
  kind: z.string(),
  severity: z.enum(['error', 'warning']),
  object: z.string(),
  table: z.string(),
  field: z.string().optional(),
  column: z.string().optional(),
  file: z.string().optional(),
  message: z.string(),
  fix: z.string(),
});

export const deskOperations = {
  'desk.run': stream(
    'Runs an ObjectQL query like data.query, as one result event; cancelling the stream cancels the database work (the query builder\'s Cancel).',
    z.strictObject({ query: QueryAstInputSchema }),
    z.strictObject({ rows: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().optional(), plan: z.record(z.string(), z.unknown()) }),
  ),
  'data.export': stream(
    'Streams the rows of an ObjectQL query as a CSV or XLSX file (as the caller, audited like any read): start, chunks, progress, done. Cancel to stop the database read.',
    z.strictObject({
      query: QueryAstInputSchema,
      format: ExportFormatSchema,
      columns: z.array(ExportColumnSchema).min(1).max(500).optional(),
      filename: z.string().max(200).regex(/^[^/\\\u0000-\u001f]*$/, 'must be a file name without folders').optional(),
    }),
    ExportEventSchema,
  ),
  'queries.list': query('Saved queries of the signed-in user, newest first.', z.strictObject({}), z.array(SavedQuerySummarySchema)),
  'queries.get': query('One saved query of the signed-in user.', z.strictObject({ id: z.string().min(1).max(100) }), SavedQuerySchema),
  'queries.save': query(
    'Saves (creates, or with `id` replaces) a query of the signed-in user. The query is validated by the engine first.',
    z.strictObject({
      id: z.string().min(1).max(100).optional(),
      name: z.string().trim().min(1, 'give the query a name').max(200),
      query: QueryAstInputSchema,
      chart: SavedQuerySchema.shape.chart,
    }),
    SavedQuerySchema,
  ),
  'queries.delete': query('Deletes one saved query of the signed-in user.', z.strictObject({ id: z.string().min(1).max(100) }), z.strictObject({ deleted: z.boolean() })),
  'desk.about': query(
    'What the Settings screen shows about this installation: app data folder, workspace time zone and query limits.',
    z.strictObject({}),
    z.strictObject({ dataDir: z.string(), workspaceDir: z.string(), timezone: z.string(), defaultLimit: z.number().int(), maxLimit: z.number().int() }),
  ),
  'desk.health': query(
    'Each datasource of the workspace with whether it answers now (connect, server version, latency).',
    z.strictObject({}),
    z.array(DatasourceHealthSchema),
  ),
  'audit.list': query(
    'Audit entries, newest first, filtered by user, object, via, outcome, reason (contains) and time. Admins see everyone; other users their own entries.',
    AuditFilterInputSchema.extend({ limit: z.number().int().min(1).max(5000).default(500) }),
    z.strictObject({ entries: z.array(AuditEntryDtoSchema), truncated: z.boolean() }),
  ),
  'audit.verify': query('Walks the hash chain of the audit log and names any entry that was edited, deleted, inserted or reordered.', z.strictObject({}), VerifyReportSchema),
  'audit.export': stream('The filtered audit entries as CSV text chunks.', AuditFilterInputSchema, ExportEventSchema),
  'modeler.catalog': query(
    'Reads the live schema of a datasource: tables, columns, keys, and which tables already have objects.',
    z.strictObject({ datasource: z.string().min(1).max(200) }),
    z.strictObject({ datasource: z.string(), engine: z.string(), tables: z.array(ModelerTableSchema) }),
  ),
  'modeler.preview': query(
    'Drafts (or merges) the object files for the selected tables with the edits applied, without writing anything.',
    ModelerSelectionSchema,
    z.strictObject({ files: z.array(ModelerFileSchema) }),
  ),
  'modeler.import': query(
    'Writes the object files for the selected tables (as previewed) into the workspace; the workspace reloads.',
    ModelerSelectionSchema,
    z.strictObject({ files: z.array(ModelerFileSchema), written: z.array(z.string()), objects: z.number().int(), problems: z.number().int() }),
  ),
  'modeler.drift': query(
    'Compares the objects of a datasource with its live schema: missing tables/columns, changed types, new columns.',
    z.strictObject({ datasource: z.string().min(1).max(200) }),
    z.strictObject({ items: z.array(DriftItemSchema) }),
  ),
} as const;
