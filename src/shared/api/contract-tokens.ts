/**
 * Operations of the local REST/GraphQL API area: personal access tokens (Settings and `objectdesk token`),
 * the API server switched on and off inside the running app (Settings), and a row stream for the API's
 * NDJSON/CSV responses. A token is shown once, in the answer to
 * `tokens.create`; afterwards only its public hint (`odp_<id>_…`) is ever returned.
 */
import { z } from 'zod';
import { query, stream } from './operation';

export const TokenInfoSchema = z.strictObject({
  id: z.string(),
  user: z.string(),
  name: z.string(),
  hint: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
  revokedAt: z.string().optional(),
});
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

export const ApiServerStatusSchema = z.strictObject({
  running: z.boolean(),
  /** e.g. http://127.0.0.1:8787; REST is under /api/v1, GraphQL at /graphql. */
  origin: z.string().optional(),
  port: z.number().int().optional(),
  startedBy: z.string().optional(),
  startedAt: z.string().optional(),
});
export type ApiServerStatus = z.infer<typeof ApiServerStatusSchema>;

const TokenId = z.string().regex(/^[a-z0-9]{12}$/, 'a token id is the 12 characters after "odp_" (see tokens list)');

export const tokenOperations = {
  'tokens.create': query(
    'Creates a personal access token for the REST/GraphQL API, bound to a workspace user (yourself; administrators may name another user). The token is in this answer only.',
    z.strictObject({
      name: z.string().trim().min(1, 'give the token a name that says where it is used').max(100),
      user: z.string().min(1).max(200).optional(),
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    }),
    z.strictObject({ token: z.string(), info: TokenInfoSchema }),
  ),
  'tokens.list': query(
    'Your personal access tokens (administrators: `all` lists everyone\'s), newest first, revoked ones included. Never the token text.',
    z.strictObject({ all: z.boolean().optional() }),
    z.array(TokenInfoSchema),
  ),
  'tokens.revoke': query(
    'Revokes a personal access token at once (your own; administrators: anyone\'s). Revoking twice is harmless.',
    z.strictObject({ id: TokenId }),
    TokenInfoSchema,
  ),
  'apiServer.status': query(
    'Whether the REST/GraphQL API server of this app is running, and where (127.0.0.1 and its port).',
    z.strictObject({}),
    ApiServerStatusSchema,
  ),
  'apiServer.start': query(
    'Starts the REST/GraphQL API server inside this app on 127.0.0.1 (administrators). `port` 0 or left out picks a free port. Starting a running server changes nothing.',
    z.strictObject({ port: z.number().int().min(0).max(65535).optional() }),
    ApiServerStatusSchema,
  ),
  'apiServer.stop': query('Stops the REST/GraphQL API server of this app (administrators); requests in flight are cut off.', z.strictObject({}), ApiServerStatusSchema),
  'data.stream': stream(
    'Runs an ObjectQL records query as the caller and emits its rows one by one from the database cursor (no page limit unless `limit` is given): the REST API\'s NDJSON and CSV responses.',
    z.strictObject({ query: z.record(z.string(), z.unknown()) }),
    z.record(z.string(), z.unknown()),
  ),
} as const;
