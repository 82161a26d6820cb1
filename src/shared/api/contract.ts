/**
 * The API contract: every operation the UI, CLI, AI agent, REST/GraphQL and MCP use, declared once with
 * zod input and output schemas. `src/main/api` implements each exactly once; transports only carry them.
 *
 * - `query` operations answer once.
 * - `stream` operations yield a sequence of events (progress, rows, ticks) and then end.
 */
import { z } from 'zod';

import { query, stream, type QueryOperation, type StreamOperation } from './operation';
import { aiOperations } from './contract-ai';
import { datasourceOperations } from './contract-datasources';
import { deskOperations } from './contract-desk';
import { governanceOperations } from './contract-governance';
import { tokenOperations } from './contract-tokens';
import { flowOperations } from './contract-flows';
export type { QueryOperation, StreamOperation } from './operation';

export const UserSummarySchema = z.strictObject({
  name: z.string(),
  label: z.string(),
  admin: z.boolean(),
});

export const ProblemSchema = z.strictObject({
  kind: z.string(),
  file: z.string(),
  line: z.number().optional(),
  object: z.string().optional(),
  path: z.string().optional(),
  message: z.string(),
});
export type ProblemDto = z.infer<typeof ProblemSchema>;

export const AppInfoSchema = z.strictObject({
  name: z.literal('ObjectDesk'),
  version: z.string(),
  workspace: z.strictObject({
    name: z.string(),
    path: z.string(),
    objectCount: z.number().int(),
    problems: z.array(ProblemSchema),
  }),
  user: UserSummarySchema,
  users: z.array(UserSummarySchema),
  mode: z.enum(['electron', 'browser', 'cli']),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const ObjectSummarySchema = z.strictObject({
  name: z.string(),
  label: z.string(),
  pluralLabel: z.string(),
  description: z.string().optional(),
  namespace: z.string(),
  datasource: z.string(),
  fieldCount: z.number().int(),
});
export type ObjectSummary = z.infer<typeof ObjectSummarySchema>;

const Empty = z.strictObject({});

export const FieldSummarySchema = z.strictObject({
  name: z.string(),
  type: z.string(),
  label: z.string(),
  description: z.string().optional(),
  required: z.boolean(),
  readonly: z.boolean(),
  searchable: z.boolean(),
  options: z.array(z.strictObject({ label: z.string(), value: z.union([z.string(), z.number()]), color: z.string().optional() })).optional(),
  /** For lookups: the object this field points at. */
  reference_to: z.string().optional(),
  precision: z.number().optional(),
  scale: z.number().optional(),
});
export type FieldSummary = z.infer<typeof FieldSummarySchema>;

export const ObjectDescriptionSchema = z.strictObject({
  name: z.string(),
  label: z.string(),
  pluralLabel: z.string(),
  description: z.string().optional(),
  namespace: z.string(),
  datasource: z.string(),
  primaryKey: z.array(z.string()),
  titleField: z.string().optional(),
  writable: z.boolean(),
  fields: z.array(FieldSummarySchema),
});
export type ObjectDescription = z.infer<typeof ObjectDescriptionSchema>;

/**
 * A query in ObjectQL's AST. The engine validates it against the object metadata and names the exact
 * path of any problem (`where.$and[1].total.$gt`), so the transport only checks that it is an object.
 */
export const QueryAstInputSchema = z.record(z.string(), z.unknown());

export const QueryResultSchema = z.strictObject({
  rows: z.array(z.record(z.string(), z.unknown())),
  nextCursor: z.string().optional(),
  /** Where the work ran: the AST after permissions, the SQL or pipeline with parameters, rows read, time. */
  plan: z.record(z.string(), z.unknown()),
});
export type QueryResultDto = z.infer<typeof QueryResultSchema>;

export const TickEventSchema = z.strictObject({ n: z.number().int(), of: z.number().int(), at: z.string() });

const coreOperations = {
  'app.info': query('Version, workspace, signed-in user.', Empty, AppInfoSchema),
  'workspace.objects': query('Names and labels of the loaded objects the user can see.', Empty, z.array(ObjectSummarySchema)),
  'objects.describe': query(
    'Fields (with types, options and lookups) of one object the user can read.',
    z.strictObject({ objectName: z.string().min(1).max(200) }),
    ObjectDescriptionSchema,
  ),
  'data.query': query(
    'Runs an ObjectQL query (records or aggregations) as the caller, pushed down to the datasource; returns rows and the plan.',
    z.strictObject({ query: QueryAstInputSchema }),
    QueryResultSchema,
  ),
  'data.explain': query('Validates and plans an ObjectQL query without running it.', z.strictObject({ query: QueryAstInputSchema }), z.record(z.string(), z.unknown())),
  'workspace.watch': stream(
    'Emits an event each time the workspace files change and are re-read.',
    Empty,
    z.strictObject({ changed: z.array(z.string()), problems: z.number().int(), objects: z.number().int() }),
  ),
  'workspace.drift': query(
    "Compares the workspace's objects with each datasource's live schema: missing tables/columns, type and key changes, new columns, each with its fix.",
    z.strictObject({ datasource: z.string().optional() }),
    z.strictObject({
      checkedAt: z.string(),
      items: z.array(
        z.strictObject({
          kind: z.enum(['table_missing', 'column_missing', 'type_changed', 'column_added', 'key_changed']),
          severity: z.enum(['error', 'warning']),
          datasource: z.string(),
          object: z.string(),
          file: z.string().optional(),
          table: z.string(),
          field: z.string().optional(),
          column: z.string().optional(),
          message: z.string(),
          fix: z.string(),
        }),
      ),
      unreachable: z.array(z.strictObject({ datasource: z.string(), message: z.string() })),
    }),
  ),
  'app.tick': stream(
    'Emits `count` ticks `intervalMs` apart: proves streaming and cancellation end to end.',
    z.strictObject({ count: z.number().int().min(1).max(1000), intervalMs: z.number().int().min(0).max(10_000).default(100) }),
    TickEventSchema,
  ),
} as const;

/** Each area declares its operations in its own contract-<area>.ts; this is the whole table. */
export const operations = { ...coreOperations, ...datasourceOperations, ...aiOperations, ...deskOperations, ...tokenOperations, ...governanceOperations, ...flowOperations } as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type QueryName = { [K in OperationName]: Operations[K] extends QueryOperation<z.ZodType, z.ZodType> ? K : never }[OperationName];
export type StreamName = { [K in OperationName]: Operations[K] extends StreamOperation<z.ZodType, z.ZodType> ? K : never }[OperationName];

export type InputOf<K extends OperationName> = z.input<Operations[K]['input']>;
export type OutputOf<K extends QueryName> = Operations[K] extends QueryOperation<z.ZodType, infer O> ? z.output<O> : never;
export type EventOf<K extends StreamName> = Operations[K] extends StreamOperation<z.ZodType, infer E> ? z.output<E> : never;

export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(operations, name);
}
