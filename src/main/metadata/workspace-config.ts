/**
 * The workspace entry file `objectdesk.config.ts`: datasources, mapping rules, object globs, permission
 * sets, users, query limits and audit settings.
 */
import { z } from 'zod';
import { DatasourceSchema } from './datasource';
import { HierarchySchema, PermissionSetSchema, UserSchema } from './security-config';

export const MappingRuleSchema = z.strictObject({
  namespace: z.string().optional(),
  package: z.string().optional(),
  /** A glob on the object name, e.g. `biz_*`. */
  objectPattern: z.string().optional(),
  default: z.literal(true).optional(),
  datasource: z.string().min(1),
});
export type MappingRule = z.infer<typeof MappingRuleSchema>;

export const WorkspaceConfigSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** IANA zone used for relative dates (`today`, `this_quarter`) and date buckets. */
  timezone: z.string().default('UTC'),
  /** Globs, relative to the workspace folder, that hold object files. */
  objects: z.array(z.string()).default(['**/*.object.ts']),
  datasources: z.array(DatasourceSchema).default([]),
  datasourceMapping: z.array(MappingRuleSchema).default([]),
  permissionSets: z.array(PermissionSetSchema).default([]),
  users: z.array(UserSchema).default([]),
  /** The user signed in when none is named with --user. */
  defaultUser: z.string().optional(),
  hierarchy: HierarchySchema.optional(),
  query: z
    .strictObject({
      defaultLimit: z.number().int().min(1).default(1000),
      maxLimit: z.number().int().min(1).max(10_000_000).default(100_000),
    })
    .default({ defaultLimit: 1000, maxLimit: 100_000 }),
  audit: z
    .strictObject({
      /**
       * false (default): a read's result is returned as soon as its audit entry is queued, and the entry is
       * committed in the background within a few ms ("answer, then commit"; docs/audit.md). true: every
       * read waits for its entry's commit, as writes always do — a crash can then lose no served read's
       * entry, at the price of a commit on each read's path.
       */
      waitForCommit: z.boolean().default(false),
    })
    .default({ waitForCommit: false }),
});
export type WorkspaceConfigInput = z.input<typeof WorkspaceConfigSchema>;
export type WorkspaceConfig = z.output<typeof WorkspaceConfigSchema>;
