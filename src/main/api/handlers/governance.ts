/** Handlers for the operations declared in src/shared/api/contract-governance.ts: identity and the write path. */
import type { QueryHandler } from '../types';
import type { AppContext } from '../../app/context';
import type { UserDefinition } from '../../metadata/security-config';
import { executeWrite, PermissionDeniedError } from '../../security';

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

export const governanceHandlers = {
  'auth.whoami': authWhoami,
  'auth.switchUser': authSwitchUser,
  'data.create': write('create'),
  'data.update': write('update'),
  'data.delete': write('delete'),
} as const;
