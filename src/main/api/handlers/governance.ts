/** Handlers for the operations declared in src/shared/api/contract-governance.ts: identity and the write path. */
import type { QueryHandler } from '../types';
import type { AppContext } from '../../app/context';
import type { UserDefinition } from '../../metadata/security-config';
import { executeWrite, PermissionDeniedError } from '../../security';
import { BatchWriteError, executeBatch, type BatchWriteStatus, type WriteOutcome, type WriteRequest } from '../../security/write-path';
import { entryFor, errorCodeOf, outcomeOf, requestedAst } from '../../security/audit-call';
import type { AuditInput } from '../../audit';
import { ApiError } from '../../../shared/api/errors';
// A function used at call time only, so this cycle (index → handlers → here) is harmless.
import { toApiError } from '..';

function whoami(app: AppContext, user: UserDefinition) {
  const ws = app.workspace ?? app.partial;
  return {
    name: user.name,
    label: user.label ?? user.name,
    ...(user.email !== undefined ? { email: user.email } : {}),
    admin: user.admin,
    ...(user.externalId !== undefined ? { externalId: user.externalId } : {}),
    permissionSets: [...user.permissionSets],
    owner: ws.users.size === 0,
    // `app` is the caller's view: these are exactly the objects they can read.
    objects: [...ws.objects.keys()].sort(),
  };
}

export const authWhoami: QueryHandler<'auth.whoami'> = async (_input, { app }) => whoami(app, app.user);

export const authSwitchUser: QueryHandler<'auth.switchUser'> = async ({ user }, { app, session }) => {
  const ws = app.workspace ?? app.partial;
  if (!app.user.admin || ws.users.size === 0) {
    throw new PermissionDeniedError(
      ws.users.size === 0
        ? 'this workspace declares no users, so there is no one to switch to — add users to objectdesk.config.ts'
        : `only an admin can switch the signed-in user; "${app.user.name}" is not one`,
      'admin',
    );
  }
  const next = app.switchUser(user);
  return whoami(app.viewFor({ ...session, user: next.name }), next);
};

const write = (kind: 'create' | 'update' | 'delete') =>
  (async (input: { object: string; key?: string | number | Record<string, string | number>; values?: Record<string, unknown> }, { app, session, signal }) => {
    const access = await app.accessFor(session);
    return executeWrite({ kind, object: input.object, key: input.key, values: input.values }, { ...access, drivers: app.drivers, signal });
  }) as QueryHandler<'data.create'> & QueryHandler<'data.update'> & QueryHandler<'data.delete'>;

const OP = { create: 'data.create', update: 'data.update', delete: 'data.delete' } as const;

/**
 * data.batch: every write in one transaction (security/write-path.ts executeBatch). The API records the
 * batch itself as `data.batch`; each write gets its own entry as the single operation would
 * (`data.create`/`data.update`/`data.delete`, object, key, changed fields, the Session's reason), in batch
 * order just before the batch's own entry — `ok` only once the batch committed; after a refusal the refused write is `denied` (or `error`),
 * the ones before it `error`/`cancelled.rolled_back`, the ones after it `error`/`cancelled.not_run`.
 */
export const dataBatch: QueryHandler<'data.batch'> = async ({ writes }, { app, session, signal }) => {
  const access = await app.accessFor(session);
  const reqs: WriteRequest[] = writes.map((w) => ({ kind: w.kind, object: w.object, key: w.key, values: w.values }));
  const audit = (statuses: BatchWriteStatus[], results: WriteOutcome[], failure?: ApiError) =>
    Promise.all(
      reqs.map((req, i) => {
        const op = OP[req.kind];
        const key = results[i]?.key ?? req.key;
        const input = { object: req.object, ...(key !== undefined ? { key } : {}), ...(req.values ? { values: req.values } : {}) };
        const status = statuses[i]!;
        const extra: Partial<AuditInput> = { ast: requestedAst(op, input) };
        if (status === 'ok') return app.audit.append(entryFor(session, op, input, 'ok', { ...extra, rowCount: results[i]!.rowCount }));
        if (status === 'failed' && failure) return app.audit.append(entryFor(session, op, input, outcomeOf(failure, app.workspace), { ...extra, errorCode: errorCodeOf(failure) }));
        return app.audit.append(entryFor(session, op, input, 'error', { ...extra, errorCode: status === 'rolled_back' ? 'cancelled.rolled_back' : 'cancelled.not_run' }));
      }),
    );
  try {
    const out = await executeBatch(reqs, { ...access, drivers: app.drivers, signal });
    await audit(reqs.map(() => 'ok'), out.results);
    return out;
  } catch (e) {
    if (!(e instanceof BatchWriteError)) throw e;
    const cause = toApiError(e.failure);
    await audit(e.statuses, [], cause);
    const req = reqs[e.index];
    const what = req ? `write ${e.index + 1} of ${e.total} (${req.kind} "${req.object}"${req.key !== undefined ? ` ${JSON.stringify(req.key)}` : ''})` : `committing the ${e.total} write(s)`;
    const failure = new ApiError(
      cause.code,
      `${what}: ${cause.message} — nothing was written: the whole batch was rolled back`,
      req ? `writes.${e.index}${cause.path ? `.${cause.path}` : ''}` : 'writes',
      cause.details,
    );
    throw failure;
  }
};

export const governanceHandlers = {
  'auth.whoami': authWhoami,
  'auth.switchUser': authSwitchUser,
  'data.create': write('create'),
  'data.update': write('update'),
  'data.delete': write('delete'),
  'data.batch': dataBatch,
} as const;
