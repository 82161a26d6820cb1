/**
 * Authentication of the REST/GraphQL API: `Authorization: Bearer odp_…`, a personal access token bound to a
 * workspace user. Every request then runs as that user (via `rest` or `graphql`), so permissions and the
 * audit apply exactly as in the UI. Tokens travel only in that header — never in a URL, where proxies and
 * browser history would keep them.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../shared/api/errors';
import type { Session } from '../../shared/api/session';
import type { Api } from '../api';
import { tokensFor, type Verification } from '../tokens';
import type { RateLimiter } from './rate-limit';
import { errorResponse } from './respond';

export interface ApiVariables {
  /** The token's user; `via` is set per route (rest or graphql). */
  user: string;
  tokenId: string;
  reason?: string;
}
export type ApiEnv = { Variables: ApiVariables };

const REASONS: Record<Exclude<Verification, { ok: true }>['reason'], string> = {
  missing: 'Send a personal access token as "Authorization: Bearer odp_…". Create one in Settings or with `objectdesk token create --user NAME`.',
  malformed: 'The bearer token is not an ObjectDesk personal access token (they look like odp_<12 characters>_<43 characters>).',
  wrong: 'The personal access token is wrong or does not exist. Check that it was copied whole, or create a new one.',
  revoked: 'This personal access token was revoked. Create a new one in Settings or with `objectdesk token create`.',
  expired: 'This personal access token has expired. Create a new one in Settings or with `objectdesk token create`.',
  other_workspace: 'This personal access token belongs to another workspace. Create one for this workspace.',
};

export function sessionOf(c: Context<ApiEnv>, via: 'rest' | 'graphql'): Session {
  const reason = c.get('reason');
  return { user: c.get('user'), via, ...(reason ? { reason } : {}) };
}

export function tokenAuth(api: Api, limiter: RateLimiter): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const v: Verification = header !== undefined && bearer === undefined ? { ok: false, reason: 'malformed' } : tokensFor(api.app).verify(bearer);
    if (!v.ok) return errorResponse(c, new ApiError('unauthorized', REASONS[v.reason]));
    // A token outlives the workspace files: its user must still exist in them.
    const ws = api.app.workspace ?? api.app.partial;
    const known = ws.users.size === 0 ? v.token.user === api.app.user.name : ws.users.has(v.token.user);
    if (!known) return errorResponse(c, new ApiError('unauthorized', `This token's user "${v.token.user}" is no longer a user of this workspace.`));
    const wait = limiter.take(v.token.id);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.json(new ApiError('unavailable', `Too many requests with this token; try again in ${wait} s.`).toBody(), 429);
    }
    c.set('user', v.token.user);
    c.set('tokenId', v.token.id);
    // The caller's own words for the audit ("why"), e.g. the notebook or report that made the request.
    const reason = c.req.header('x-objectdesk-reason');
    if (reason) c.set('reason', reason.slice(0, 2000));
    await next();
  };
}
