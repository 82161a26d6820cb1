/** The errors governance answers with. Each says what to do; none reveals whether a hidden thing exists. */
import { ApiError } from '../../shared/api/errors';

/** A Session naming someone who is not a user of the workspace: there is no system identity. */
export class UnknownSessionUserError extends ApiError {
  constructor(user: string, users: string[]) {
    super(
      'forbidden',
      `"${user.slice(0, 200)}" is not a user of this workspace${users.length ? ` — sign in as one of: ${users.join(', ')} (--user NAME)` : ''}`,
    );
    this.name = 'UnknownSessionUserError';
  }
}

/** A write (or an admin action) refused; `key` names which of the keys is off, so the fix is clear. */
export class PermissionDeniedError extends ApiError {
  constructor(
    message: string,
    readonly key: 'datasource' | 'object' | 'user' | 'field' | 'admin',
  ) {
    super('forbidden', message);
    this.name = 'PermissionDeniedError';
  }
}
