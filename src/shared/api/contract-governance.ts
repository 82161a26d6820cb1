/**
 * API operations of governance (issue: Governance): who am I, switching the signed-in user (admins,
 * audited), and the write path — one record by primary key, behind the datasource, object and user keys.
 * Merged into the one table in ./contract.ts.
 */
import { z } from 'zod';
import { query } from './operation';

export const WhoAmISchema = z.strictObject({
  name: z.string(),
  label: z.string(),
  email: z.string().optional(),
  admin: z.boolean(),
  /** The business-system id the user maps to (e.g. Chinook EmployeeId). */
  externalId: z.union([z.string(), z.number()]).optional(),
  permissionSets: z.array(z.string()),
  /** True for the single owner of a workspace that declares no users (full read, no writes). */
  owner: z.boolean(),
  /** Objects this user can read. */
  objects: z.array(z.string()),
});
export type WhoAmI = z.infer<typeof WhoAmISchema>;

const ObjectName = z.string().min(1).max(200);
const KeyValue = z.union([z.string().max(1000), z.number()]);
/** The primary key value, or `{ field: value }` for each field of a composite key. */
export const RecordKeySchema = z.union([KeyValue, z.record(z.string().max(200), KeyValue)]);
const Values = z.record(z.string().max(200), z.unknown());

export const WriteResultSchema = z.strictObject({
  object: z.string(),
  rowCount: z.number().int(),
  key: z.record(z.string(), KeyValue).optional(),
});

export const governanceOperations = {
  'auth.whoami': query('The signed-in user of this session: name, admin, permission sets and the objects they can read.', z.strictObject({}), WhoAmISchema),
  'auth.switchUser': query(
    'Signs in another workspace user (admins only; audited as auth.switch_user). Later calls run as them.',
    z.strictObject({ user: z.string().min(1).max(200) }),
    WhoAmISchema,
  ),
  'data.create': query(
    'Creates one record. Needs the datasource to allow writes, the object to be writable and the user to be allowed to create it and edit each field.',
    z.strictObject({ object: ObjectName, values: Values }),
    WriteResultSchema,
  ),
  'data.update': query(
    'Changes fields of one record by primary key, if it is inside the user\'s read and edit rules (same three keys as create).',
    z.strictObject({ object: ObjectName, key: RecordKeySchema, values: Values }),
    WriteResultSchema,
  ),
  'data.delete': query(
    'Deletes one record by primary key, if it is inside the user\'s read and delete rules (same three keys as create).',
    z.strictObject({ object: ObjectName, key: RecordKeySchema }),
    WriteResultSchema,
  ),
} as const;
