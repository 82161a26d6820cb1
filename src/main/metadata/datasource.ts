/**
 * Datasource definitions (ObjectOS's `Datasource` shape): which driver, how to connect, and the
 * read-only/write switches. Secrets are references (`secret('name')` or an environment value), never literals.
 */
import { z } from 'zod';

/** A reference to a keychain entry, produced by `secret('name')` in a workspace file. */
export const SecretRefSchema = z.strictObject({ $secret: z.string().min(1) });
export type SecretRef = z.infer<typeof SecretRefSchema>;
export const PasswordSchema = z.union([z.string(), SecretRefSchema]);

const network = {
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).optional(),
  database: z.string().min(1),
  user: z.string().min(1).optional(),
  password: PasswordSchema.optional(),
};

export const SqliteConfigSchema = z.strictObject({
  /** Path to the database file; relative paths resolve against the workspace folder. */
  filename: z.string().min(1),
});
export const PostgresConfigSchema = z.strictObject({ ...network, applicationName: z.string().optional() });
export const MysqlConfigSchema = z.strictObject({ ...network });
export const MongoConfigSchema = z.strictObject({
  /** A connection string WITHOUT credentials; give the password separately. */
  url: z.string().min(1),
  database: z.string().min(1),
  user: z.string().min(1).optional(),
  password: PasswordSchema.optional(),
  /** Documents sampled per collection when inferring fields. */
  sampleSize: z.number().int().min(1).max(100_000).optional(),
});

export const PoolSchema = z.strictObject({
  min: z.number().int().min(0).default(0),
  max: z.number().int().min(1).default(5),
  idleTimeoutMillis: z.number().int().min(0).default(30_000),
  connectionTimeoutMillis: z.number().int().min(1).default(5_000),
});

export const SslSchema = z.union([
  z.boolean(),
  z.strictObject({
    rejectUnauthorized: z.boolean().optional(),
    ca: z.string().optional(),
    cert: z.string().optional(),
    key: PasswordSchema.optional(),
    servername: z.string().optional(),
  }),
]);

const base = {
  name: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'datasource names are lower snake_case (e.g. "business_primary")'),
  label: z.string().optional(),
  pool: PoolSchema.optional(),
  ssl: SslSchema.optional(),
  active: z.boolean().default(true),
  readOnly: z.boolean().default(true),
  allowWrites: z.boolean().default(false),
  queryTimeoutMs: z.number().int().min(1).optional(),
  allowedSchemas: z.array(z.string().min(1)).optional(),
};

export const DatasourceSchema = z.discriminatedUnion('driver', [
  z.strictObject({ ...base, driver: z.literal('sqlite'), config: SqliteConfigSchema }),
  z.strictObject({ ...base, driver: z.literal('postgres'), config: PostgresConfigSchema }),
  z.strictObject({ ...base, driver: z.literal('mysql'), config: MysqlConfigSchema }),
  z.strictObject({ ...base, driver: z.literal('mongodb'), config: MongoConfigSchema }),
]);
export type DatasourceInput = z.input<typeof DatasourceSchema>;
export type DatasourceDefinition = z.output<typeof DatasourceSchema>;
export type DriverName = DatasourceDefinition['driver'];
