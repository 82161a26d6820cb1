/**
 * API operations of the datasource manager (issue: Connect a database from the app). Merged into the one
 * table in ./contract.ts.
 *
 * The password is write-only: `datasources.test` and `datasources.save` accept it as a separate input
 * field, and no output schema below has any field that could carry it. A datasource is described by a
 * *draft*: the definition as the form edits it, with the password replaced by where it comes from
 * (the OS keychain, an environment variable, or nowhere).
 */
import { z } from 'zod';
import { query } from './operation';

// Same shape as ProblemSchema in ./contract.ts, declared here because contract.ts imports this file.
const ProblemSchema = z.strictObject({
  kind: z.string(),
  file: z.string(),
  line: z.number().optional(),
  object: z.string().optional(),
  path: z.string().optional(),
  message: z.string(),
});

/** Datasource names are keychain accounts too, so they follow the same rule. */
export const DatasourceNameSchema = z
  .string()
  .max(63, 'a datasource name has at most 63 characters')
  .regex(/^[a-z_][a-z0-9_]*$/, 'datasource names are lower snake_case (letters, digits, "_"), e.g. "business_primary"');

/** The new password, typed by the user. Write-only: it appears in inputs, never in an output. */
export const NewPasswordSchema = z.string().min(1, 'the password is empty — leave the field out to keep the stored one').max(4096, 'a password has at most 4096 characters');

export const PasswordSourceSchema = z.discriminatedUnion('source', [
  /** `password: secret('<name>')` — the OS keychain, service "objectdesk", account = datasource name. */
  z.strictObject({ source: z.literal('keychain') }),
  /** `password: process.env.<variable>` — read when the workspace loads. */
  z.strictObject({
    source: z.literal('env'),
    variable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name has letters, digits and "_" only, e.g. BIZ_DB_PASSWORD'),
  }),
  z.strictObject({ source: z.literal('none') }),
]);
export type PasswordSource = z.infer<typeof PasswordSourceSchema>;

const Host = z.string().trim().min(1, 'give the server host name or IP address').max(255);
const Port = z.number().int().min(1, 'a port is 1–65535').max(65535, 'a port is 1–65535');
const Database = z.string().trim().min(1, 'give the database name').max(255);
const User = z.string().trim().min(1).max(255);

export const PoolDraftSchema = z.strictObject({
  min: z.number().int().min(0).max(1000).optional(),
  max: z.number().int().min(1).max(1000).optional(),
  idleTimeoutMillis: z.number().int().min(0).max(86_400_000).optional(),
  connectionTimeoutMillis: z.number().int().min(1).max(600_000).optional(),
});

export const SslDraftSchema = z.union([
  z.boolean(),
  z.strictObject({
    rejectUnauthorized: z.boolean().optional(),
    /** PEM text of the CA certificate(s) to trust. */
    ca: z.string().max(200_000).optional(),
    /** PEM text of the client certificate. */
    cert: z.string().max(200_000).optional(),
    /** The client key lives in the keychain; only a reference is ever written or shown. */
    key: z.strictObject({ $secret: DatasourceNameSchema }).optional(),
    servername: z.string().max(255).optional(),
  }),
]);

/**
 * `scheme://user:password@host` or a password in the query string. Credentials belong in `user` and
 * the separate password field, so that the file can be committed and the password kept in the keychain.
 */
export function urlHasCredentials(url: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]*@/i.test(url)) return true;
  const q = url.indexOf('?');
  return q >= 0 && /(^|&)(password|pass|pwd|authPassword)=/i.test(url.slice(q + 1));
}

const MongoUrl = z
  .string()
  .trim()
  .min(1, 'give the connection string, e.g. mongodb://127.0.0.1:27017')
  .max(2000)
  .regex(/^mongodb(\+srv)?:\/\//, 'a MongoDB connection string starts with mongodb:// or mongodb+srv://')
  .refine((u) => !urlHasCredentials(u), {
    message: 'the connection string contains a password — remove "user:password@" (and any password= option) from it, put the user in "user" and the password in the password field',
  });

const common = {
  name: DatasourceNameSchema,
  label: z.string().trim().max(200).optional(),
  active: z.boolean().optional(),
  readOnly: z.boolean().default(true),
  allowWrites: z.boolean().default(false),
  queryTimeoutMs: z.number().int().min(1).max(86_400_000).optional(),
  allowedSchemas: z.array(z.string().trim().min(1).max(255)).max(200).optional(),
  pool: PoolDraftSchema.optional(),
  ssl: SslDraftSchema.optional(),
};

export const DatasourceDraftSchema = z.discriminatedUnion('driver', [
  z.strictObject({
    ...common,
    driver: z.literal('postgres'),
    config: z.strictObject({ host: Host, port: Port.optional(), database: Database, user: User.optional(), applicationName: z.string().max(63).optional() }),
    password: PasswordSourceSchema.default({ source: 'keychain' }),
  }),
  z.strictObject({
    ...common,
    driver: z.literal('mysql'),
    config: z.strictObject({ host: Host, port: Port.optional(), database: Database, user: User.optional() }),
    password: PasswordSourceSchema.default({ source: 'keychain' }),
  }),
  z.strictObject({
    ...common,
    driver: z.literal('sqlite'),
    /** Relative paths resolve against the workspace folder. */
    config: z.strictObject({ filename: z.string().trim().min(1, 'give the path of the SQLite file').max(4096) }),
  }),
  z.strictObject({
    ...common,
    driver: z.literal('mongodb'),
    config: z.strictObject({ url: MongoUrl, database: Database, user: User.optional(), sampleSize: z.number().int().min(1).max(100_000).optional() }),
    password: PasswordSourceSchema.default({ source: 'keychain' }),
  }),
]);
export type DatasourceDraft = z.output<typeof DatasourceDraftSchema>;
export type DatasourceDraftInput = z.input<typeof DatasourceDraftSchema>;
export type DriverKind = DatasourceDraft['driver'];

export const KeychainStatusSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true) }),
  z.strictObject({ ok: z.literal(false), reason: z.string(), howToFix: z.string() }),
]);

/** Where the password comes from and whether it is there — never the value. */
export const PasswordStateSchema = z.discriminatedUnion('source', [
  /** `stored` is null when the keychain could not be asked. */
  z.strictObject({ source: z.literal('keychain'), stored: z.boolean().nullable() }),
  /** `variable` is null when the file reads the password some other way than `process.env.NAME`. */
  z.strictObject({ source: z.literal('env'), variable: z.string().nullable(), set: z.boolean() }),
  z.strictObject({ source: z.literal('none') }),
]);

export const DatasourceEntrySchema = z.strictObject({
  name: z.string(),
  label: z.string().optional(),
  driver: z.enum(['postgres', 'mysql', 'sqlite', 'mongodb']),
  /** The file it is defined in, relative to the workspace folder. */
  file: z.string(),
  /** Whether the app can edit and remove it (it has a *.datasource.ts file of its own). */
  managed: z.boolean(),
  /** Why not, when it cannot. */
  unmanagedReason: z.string().optional(),
  /** The definition in form shape (no password), when it can be represented as one. */
  draft: DatasourceDraftSchema.nullable(),
  password: PasswordStateSchema,
  /** Objects that read from it. */
  usedBy: z.array(z.string()),
  /** Mapping rules (indexes in datasourceMapping) that name it. */
  mappingRules: z.array(z.number().int()),
  problems: z.array(ProblemSchema),
});
export type DatasourceEntry = z.infer<typeof DatasourceEntrySchema>;

export const DatasourceStatusSchema = z.strictObject({
  name: z.string(),
  driver: z.enum(['postgres', 'mysql', 'sqlite', 'mongodb']),
  active: z.boolean(),
  connected: z.boolean(),
  poolSize: z.number().int(),
  idle: z.number().int(),
  serverVersion: z.string().nullable(),
  latencyMs: z.number().optional(),
  /** When a check was asked for and failed: the driver's specific code (auth_failed, refused, …) and what to do. */
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
});
export type DatasourceStatus = z.infer<typeof DatasourceStatusSchema>;

export const TestResultSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), serverVersion: z.string(), latencyMs: z.number() }),
  z.strictObject({
    ok: z.literal(false),
    /** ConnectionError codes (auth_failed, unknown_host, refused, database_missing, tls_required, timeout, unavailable) or secret_missing / keychain_unavailable. */
    code: z.string(),
    message: z.string(),
  }),
]);
export type TestResult = z.infer<typeof TestResultSchema>;

const WorkspaceAfterSchema = z.strictObject({ problems: z.number().int(), objects: z.number().int() });

export const datasourceOperations = {
  'datasources.list': query(
    'Every datasource of the workspace with its file, where its password comes from (never the value), the objects that use it and its load problems; plus whether the OS keychain can be used here.',
    z.strictObject({}),
    z.strictObject({ keychain: KeychainStatusSchema, datasources: z.array(DatasourceEntrySchema) }),
  ),
  'datasources.status': query(
    'Connection status of each datasource: connected, pool size, server version. With check: true, connects to each (or the named) datasource first and reports the driver-specific error of those that fail.',
    z.strictObject({ names: z.array(DatasourceNameSchema).max(200).optional(), check: z.boolean().default(false) }),
    z.array(DatasourceStatusSchema),
  ),
  'datasources.test': query(
    'Connects with a draft definition (nothing is saved) and reports the server version or the driver-specific error. The password is write-only; without one, the stored password is used.',
    z.strictObject({ draft: DatasourceDraftSchema, password: NewPasswordSchema.optional() }),
    TestResultSchema,
  ),
  'datasources.save': query(
    'Writes the datasource as a formatted *.datasource.ts file (no secret in it), stores the password (write-only) in the OS keychain, and reloads the workspace. `previousName` edits (and may rename) an existing datasource.',
    z.strictObject({ draft: DatasourceDraftSchema, password: NewPasswordSchema.optional(), previousName: DatasourceNameSchema.optional() }),
    z.strictObject({
      name: z.string(),
      file: z.string(),
      created: z.boolean(),
      /** What happened to the keychain entry: set (new or rotated), kept, moved (renamed), removed (no longer keychain), missing (keychain source but no entry). */
      password: z.enum(['set', 'kept', 'moved', 'removed', 'missing', 'none']),
      workspace: WorkspaceAfterSchema,
    }),
  ),
  'datasources.remove': query(
    "Deletes the datasource's *.datasource.ts file and its keychain entry, then reloads the workspace. A datasource that objects or mapping rules use is removed only with force: true.",
    z.strictObject({ name: DatasourceNameSchema, force: z.boolean().default(false) }),
    z.strictObject({ name: z.string(), file: z.string(), keychainEntryRemoved: z.boolean(), workspace: WorkspaceAfterSchema }),
  ),
} as const;
