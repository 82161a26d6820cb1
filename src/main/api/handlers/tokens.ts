/**
 * Handlers for src/shared/api/contract-tokens.ts: personal access tokens (bound to a workspace user, kept as
 * salted hashes in the app store), the API server switched on and off in Settings, and the row stream
 * behind the REST API's NDJSON/CSV answers.
 */
import { ApiError } from '../../../shared/api/errors';
import type { AppContext } from '../../app/context';
import { apiServerState, startApiServerFor, stopApiServerFor } from '../../rest/api-server-control';
import { tokensFor } from '../../tokens';
import type { Api } from '..';
import type { QueryHandler, StreamHandler } from '../types';

const DAY_MS = 86_400_000;

function workspaceUsers(app: AppContext): string[] {
  return [...(app.workspace ?? app.partial).users.keys()];
}

const tokensCreate: QueryHandler<'tokens.create'> = async ({ name, user, expiresInDays }, { app, session }) => {
  const owner = user ?? session.user;
  if (owner !== session.user) {
    if (!app.user.admin) throw new ApiError('forbidden', 'Only administrators can create tokens for another user; leave out "user" to create one for yourself.', 'user');
    const users = workspaceUsers(app);
    if (!users.includes(owner)) throw new ApiError('bad_request', `Unknown user "${owner}". This workspace's users are: ${users.join(', ')}.`, 'user');
  }
  const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * DAY_MS).toISOString() : undefined;
  const { token, record } = tokensFor(app).create({ user: owner, name, createdBy: session.user, ...(expiresAt ? { expiresAt } : {}) });
  return { token, info: record };
};

const tokensList: QueryHandler<'tokens.list'> = async ({ all }, { app, session }) => {
  if (all && !app.user.admin) throw new ApiError('forbidden', 'Only administrators can list everyone\'s tokens; leave out "all" to list yours.', 'all');
  return tokensFor(app).list(all ? undefined : session.user);
};

const tokensRevoke: QueryHandler<'tokens.revoke'> = async ({ id }, { app, session }) => {
  const store = tokensFor(app);
  const found = store.get(id);
  // Someone else's token looks exactly like a missing one to a non-administrator.
  if (!found || (found.user !== session.user && !app.user.admin)) {
    throw new ApiError('not_found', `You have no token "${id}". List your tokens to see their ids.`, 'id');
  }
  return store.revoke(id)!;
};

function requireAdmin(app: AppContext, what: string): void {
  if (!app.user.admin) throw new ApiError('forbidden', `Only administrators can ${what} the API server: it serves every token holder's data. Ask an administrator, or run \`objectdesk serve --api\`.`);
}

const apiServerStatus: QueryHandler<'apiServer.status'> = async (_input, { app }) => apiServerState(app);

const apiServerStart: QueryHandler<'apiServer.start'> = async ({ port }, { app, session }) => {
  requireAdmin(app, 'start');
  // The server calls the API like any other caller; imported lazily because the handler table is part of it.
  const { createApi } = (await import('..')) as { createApi: (a: AppContext) => Api };
  try {
    return await startApiServerFor(app, createApi, { port: port ?? 0, by: session.user });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ApiError('unavailable', `Port ${port} on 127.0.0.1 is in use by another program; choose another port, or 0 for a free one.`, 'port');
    if (code === 'EACCES') throw new ApiError('forbidden', `Port ${port} needs privileges this app does not have; choose a port above 1023, or 0 for a free one.`, 'port');
    throw e;
  }
};

const apiServerStop: QueryHandler<'apiServer.stop'> = async (_input, { app }) => {
  requireAdmin(app, 'stop');
  return stopApiServerFor(app);
};

const dataStream: StreamHandler<'data.stream'> = async function* ({ query }, { app, session, signal }) {
  const rows = await app.engineFor(session).stream(query, { session, signal });
  for await (const row of rows) {
    if (signal.aborted) return;
    yield row;
  }
};

export const tokenHandlers = {
  'tokens.create': tokensCreate,
  'tokens.list': tokensList,
  'tokens.revoke': tokensRevoke,
  'apiServer.status': apiServerStatus,
  'apiServer.start': apiServerStart,
  'apiServer.stop': apiServerStop,
  'data.stream': dataStream,
};
