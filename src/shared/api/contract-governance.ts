/**
 * API operations of governance (issue: Governance): who am I, switching the signed-in user (admins,
 * audited), and the write path — one record by primary key, behind the datasource, object and user keys,
 * or a batch of such writes in one transaction.
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

/** One write of a batch: the input of data.create / data.update / data.delete with its kind. */
export const BatchWriteSchema = z
  .strictObject({
    kind: z.enum(['create', 'update', 'delete']),
    object: ObjectName,
    key: RecordKeySchema.optional(),
    values: Values.optional(),
  })
  .superRefine((w, ctx) => {
    if (w.kind === 'create' && w.values === undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: 'a create needs values' });
    if (w.kind === 'create' && w.key !== undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: 'a create takes no key: give the key fields in values' });
    if (w.kind !== 'create' && w.key === undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: `an ${w.kind} needs the record key` });
    if (w.kind === 'update' && w.values === undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: 'an update needs values' });
    if (w.kind === 'delete' && w.values !== undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: 'a delete takes no values' });
  });
export type BatchWrite = z.infer<typeof BatchWriteSchema>;

/** As many writes as a flow run may change (flows' limits.maxRecords). */
export const MAX_BATCH_WRITES = 100_000;

export const BatchResultSchema = z.strictObject({
  datasource: z.string(),
  /** Rows changed by the whole batch. */
  rowCount: z.number().int(),
  /** One per write, in order. */
  results: z.array(WriteResultSchema),
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
  'data.batch': query(
    'Runs creates, updates and deletes as ONE transaction on one datasource: every write passes the same checks as data.create/update/delete, and if any is refused or fails nothing is written. A batch over two datasources is refused.',
    z.strictObject({ writes: z.array(BatchWriteSchema).min(1).max(MAX_BATCH_WRITES) }),
    BatchResultSchema,
  ),
} as const;
