/**
 * API access from the command line:
 *
 *   objectdesk token create --user NAME [--name TEXT] [--expires-in-days N]   prints the token once
 *   objectdesk token list   --user NAME [--all]                                 never the token text
 *   objectdesk token revoke --user NAME <id>
 *   objectdesk serve --api [--listen HOST:PORT]                                 the REST/GraphQL API server
 *
 * Token commands go through the API (tokens.*) as the --user NAME, via "cli"; an administrator may pass
 * `--for OTHER` to create a token for another user. `serve --api` starts the API server (127.0.0.1 unless
 * --listen names another address, which prints a warning) next to the browser-mode host, which stays on
 * 127.0.0.1.
 */
import { createApi } from '../../api';
import { rendererBuildDir } from '../../app/version';
import { startHost, type RunningHost } from '../../host/server';
import { startApiServer, type RunningApiServer } from '../../rest/api-server';
import { DEFAULT_API_LISTEN, parseListen } from '../../rest/listen';
import { closeTokens } from '../../tokens';
import type { TokenInfo } from '../../../shared/api/contract-tokens';
import { CliProblem, openContext, type GlobalOptions } from '../global-options';
import { println, type CliIO } from '../io';
import { startFlowScheduler } from '../../flows';

export interface TokenCommandOptions extends GlobalOptions {
  action: 'create' | 'list' | 'revoke';
  /** create: a name saying where the token is used (default: "cli <date>"). */
  name?: string;
  /** create (administrators): the user the token acts as, when not yourself. */
  for?: string;
  expiresInDays?: number;
  /** list (administrators): everyone's tokens. */
  all?: boolean;
  /** revoke: the token id (the 12 characters after "odp_"). */
  id?: string;
}

function row(t: TokenInfo): string {
  const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? `expired ${t.expiresAt}` : 'active';
  return [t.id, t.user, t.name, state, `created ${t.createdAt}`, t.lastUsedAt ? `last used ${t.lastUsedAt}` : 'never used', t.expiresAt && !t.revokedAt ? `expires ${t.expiresAt}` : '']
    .filter(Boolean)
    .join('  ');
}

/** Exit codes: 0 ok, 2 bad usage; a refusal (not found, forbidden) is thrown as the ApiError, which runCli prints (exit 1). */
export async function runToken(opts: TokenCommandOptions, io: CliIO): Promise<number> {
  if (opts.action === 'revoke' && !opts.id) {
    println(io.err, 'objectdesk: token revoke needs the token id, e.g. `objectdesk token revoke --user NAME abc123def456` (see `token list`).');
    return 2;
  }
  if (opts.expiresInDays !== undefined && (!Number.isInteger(opts.expiresInDays) || opts.expiresInDays < 1)) {
    throw new CliProblem('--expires-in-days must be a whole number of days ≥ 1.', 2);
  }
  const app = await openContext(opts, 'cli');
  try {
    const api = createApi(app);
    const session = { user: app.user.name, via: 'cli' as const, reason: `objectdesk token ${opts.action}` };
    if (opts.action === 'create') {
      const out = (await api.call(
        'tokens.create',
        {
          name: opts.name ?? `cli ${new Date().toISOString().slice(0, 10)}`,
          ...(opts.for ? { user: opts.for } : {}),
          ...(opts.expiresInDays ? { expiresInDays: opts.expiresInDays } : {}),
        },
        session,
      )) as { token: string; info: TokenInfo };
      if (opts.json) println(io.out, JSON.stringify(out));
      else {
        println(io.out, out.token);
        println(io.err, `Personal access token ${out.info.id} for ${out.info.user} ("${out.info.name}"${out.info.expiresAt ? `, expires ${out.info.expiresAt}` : ''}).`);
        println(io.err, 'This is the only time it is shown: store it now. Send it as "Authorization: Bearer <token>".');
      }
      return 0;
    }
    if (opts.action === 'list') {
      const list = (await api.call('tokens.list', opts.all ? { all: true } : {}, session)) as TokenInfo[];
      if (opts.json) println(io.out, JSON.stringify(list));
      else if (list.length === 0) println(io.out, `No tokens${opts.all ? '' : ` for ${app.user.name}`}. Create one with \`objectdesk token create --user ${app.user.name}\`.`);
      else for (const t of list) println(io.out, row(t));
      return 0;
    }
    const revoked = (await api.call('tokens.revoke', { id: opts.id }, session)) as TokenInfo;
    if (opts.json) println(io.out, JSON.stringify(revoked));
    else println(io.out, `Revoked ${revoked.id} (${revoked.user}, "${revoked.name}") at ${revoked.revokedAt}.`);
    return 0;
  } finally {
    closeTokens(app);
    await app.close();
  }
}

export interface ServeApiOptions extends GlobalOptions {
  /** `HOST:PORT` for the API server; default 127.0.0.1 and a free port. */
  listen?: string;
  /** Also serve browser mode (the UI host, always on 127.0.0.1), on this port (0 = free). Default: true. */
  withUi?: boolean;
  uiPort?: number;
}

/** Runs until `until` resolves (tests) or SIGINT/SIGTERM. Exit codes: 0 stopped, 2 a bad --listen. */
export async function runServeApi(opts: ServeApiOptions, io: CliIO, until?: Promise<void>): Promise<number> {
  let listen = DEFAULT_API_LISTEN;
  try {
    if (opts.listen !== undefined) listen = parseListen(opts.listen);
  } catch (e) {
    println(io.err, `objectdesk: ${(e as Error).message}`);
    return 2;
  }
  const app = await openContext({ ...opts, watch: true }, 'browser');
  const api = createApi(app);
  let host: RunningHost | undefined;
  let server: RunningApiServer | undefined;
  // Scheduled and change-triggered flows run while `serve --api` runs, as with plain `serve`.
  const flows = startFlowScheduler(app, api);
  try {
    server = await startApiServer({ api, listen });
    if (opts.withUi !== false) host = await startHost({ api, port: opts.uiPort ?? 0, rendererDir: rendererBuildDir() });
    if (opts.json) {
      println(io.out, JSON.stringify({ api: server.origin, rest: `${server.origin}/api/v1`, graphql: `${server.origin}/graphql`, openapi: `${server.origin}/api/v1/openapi.json`, exposed: server.warning !== null, ...(host ? { url: host.url } : {}), workspace: app.workspaceName }));
    } else {
      println(io.out, `ObjectDesk API for "${app.workspaceName}":`);
      println(io.out, `  REST     ${server.origin}/api/v1   (OpenAPI: ${server.origin}/api/v1/openapi.json)`);
      println(io.out, `  GraphQL  ${server.origin}/graphql`);
      println(io.out, '  Authenticate with a personal access token: `objectdesk token create --user NAME`, then "Authorization: Bearer <token>".');
      if (host) println(io.out, `Browser mode (this machine only): ${host.url}`);
      println(io.out, 'Press Ctrl+C to stop.');
    }
    if (server.warning) println(io.err, server.warning);
    await (until ??
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }));
    return 0;
  } finally {
    await flows.stop();
    await host?.close();
    await server?.close();
    closeTokens(app);
    await app.close();
  }
}
