/**
 * Shapes of permission sets, users and the user hierarchy as declared in a workspace (ObjectStack's
 * permission-set shape). Validated at load; enforced by src/main/security.
 */
import { z } from 'zod';

export const ObjectPermissionSchema = z.strictObject({
  allowRead: z.boolean().default(false),
  allowCreate: z.boolean().default(false),
  allowEdit: z.boolean().default(false),
  allowDelete: z.boolean().default(false),
  viewAllRecords: z.boolean().default(false),
  modifyAllRecords: z.boolean().default(false),
});

export const FieldPermissionSchema = z.strictObject({
  readable: z.boolean().default(true),
  editable: z.boolean().default(false),
});

export const RecordRuleSchema = z.strictObject({
  object: z.string().min(1),
  operation: z.enum(['read', 'edit', 'delete', 'all']).default('read'),
  /** An ObjectQL filter; may reference `$user.id`, `$user.externalId`, `$user.<attribute>`, `$user.subordinates`. */
  using: z.record(z.string(), z.unknown()),
  description: z.string().optional(),
});

export const PermissionSetSchema = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  label: z.string().optional(),
  description: z.string().optional(),
  /** Keyed by object name. */
  objects: z.record(z.string(), ObjectPermissionSchema).default({}),
  /** Keyed by `object.field`. */
  fields: z.record(z.string().regex(/^[a-z_][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, 'keys are "object.field"'), FieldPermissionSchema).default({}),
  recordRules: z.array(RecordRuleSchema).default([]),
});
export type PermissionSetDefinition = z.output<typeof PermissionSetSchema>;

export const UserSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'user names are lower case, e.g. "jane.peacock"'),
  label: z.string().optional(),
  email: z.string().optional(),
  /** May switch the signed-in user (an audited event). */
  admin: z.boolean().default(false),
  permissionSets: z.array(z.string()).min(1),
  /** Links the user to a row of the business system, e.g. Chinook's `employee.employee_id`. */
  externalId: z.union([z.string(), z.number()]).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type UserDefinition = z.output<typeof UserSchema>;

/** Where `$user.subordinates` comes from: an object whose rows form a tree via a parent lookup. */
export const HierarchySchema = z.strictObject({
  object: z.string().min(1),
  /** The lookup field pointing at the parent row (e.g. `reports_to`). */
  parentField: z.string().min(1),
  /** Max depth walked; guards against cycles in real data. */
  maxDepth: z.number().int().min(1).max(50).default(10),
});
