/**
 * Handlers for the operations declared in src/shared/api/contract-datasources.ts. Managing datasources
 * (seeing their settings, testing, saving, removing) is for admins; the connection status is for everyone.
 * The password is write-only: it arrives in `test` and `save` inputs and no output has room for it.
 */
import { ApiError } from '../../../shared/api/errors';
import type { Session } from '../../../shared/api/session';
import type { AppContext } from '../../app/context';
import { DatasourceManager, type ManagerDeps } from '../../datasources';
import { defaultSecretStore } from '../../secrets';
import type { QueryHandler } from '../types';

function requireAdmin(app: AppContext, session: Session): void {
  const user = app.partial.users.get(session.user) ?? (app.user.name === session.user ? app.user : undefined);
  if (!user?.admin) {
    throw new ApiError(
      'forbidden',
      `Only an admin can manage datasources, and "${session.user}" is not one — sign in as an admin user (admin: true in objectdesk.config.ts).`,
    );
  }
}

/** The handlers over a given secret store: the OS keychain in the app, an in-memory stand-in in unit tests. */
export function createDatasourceHandlers(deps: () => ManagerDeps) {
  const manager = (app: AppContext) => new DatasourceManager(app, deps());

  const list: QueryHandler<'datasources.list'> = async (_input, { app, session }) => {
    requireAdmin(app, session);
    return manager(app).list();
  };
  const status: QueryHandler<'datasources.status'> = async ({ names, check }, { app }) => manager(app).status(names, check);
  const test: QueryHandler<'datasources.test'> = async ({ draft, password }, { app, session }) => {
    requireAdmin(app, session);
    return manager(app).test(draft, password);
  };
  const save: QueryHandler<'datasources.save'> = async ({ draft, password, previousName }, { app, session }) => {
    requireAdmin(app, session);
    return manager(app).save({ draft, password, previousName });
  };
  const remove: QueryHandler<'datasources.remove'> = async ({ name, force }, { app, session }) => {
    requireAdmin(app, session);
    return manager(app).remove(name, force);
  };
  return {
    'datasources.list': list,
    'datasources.status': status,
    'datasources.test': test,
    'datasources.save': save,
    'datasources.remove': remove,
  } as const;
}

export const datasourceHandlers = createDatasourceHandlers(() => ({ secrets: defaultSecretStore() }));
