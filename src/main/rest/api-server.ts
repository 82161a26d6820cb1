/**
 * The REST/GraphQL API server: /api/v1/* and /graphql, authenticated by personal access tokens.
 *
 * It is a server of its own, not routes on the browser-mode host, because the two differ in everything
 * that matters for safety:
 * - The host answers to a per-launch token that *is* the signed-in UI user (its /api/rpc runs any
 *   operation, including switching users); it must stay loopback-only (guards.ts assertLoopback). The API
 *   answers only to personal access tokens, each bound to one workspace user, and may be exposed with an
 *   explicit `--listen` — which must never expose the host's cookie, /api/rpc or the renderer.
 * - The desktop app has no HTTP host at all (it speaks IPC); Settings starts this same server there.
 * - It can be switched on and off (Settings) without touching the window or browser mode.
 *
 * On loopback it also checks the Host header (DNS rebinding); bound elsewhere, the Host is whatever name the
 * machine is reached by. Tokens travel only as a bearer header, never in a cookie, so a web page cannot
 * make a browser send one (no CSRF), and no CORS headers are sent, so no other origin can read answers.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { ApiError } from '../../shared/api/errors';
import type { Api } from '../api';
import { graphqlRoute, type GraphqlOptions } from '../graphql/handler';
import { allowedHosts } from '../host/guards';
import { tokenAuth, type ApiEnv } from './auth';
import { DEFAULT_API_LISTEN, exposureWarning, isLoopback, type ListenAddress } from './listen';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit';
import { errorResponse } from './respond';
import { REST_BASE, restRoutes } from './routes';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ApiServerOptions {
  api: Api;
  listen?: ListenAddress;
  rateLimit?: RateLimitOptions;
  maxBodyBytes?: number;
  graphql?: GraphqlOptions;
}

export interface RunningApiServer {
  /** e.g. http://127.0.0.1:8787 */
  origin: string;
  host: string;
  port: number;
  /** The warning to show when the server is reachable from other machines, else null. */
  warning: string | null;
  close(): Promise<void>;
}

export function buildApiApp(opts: Omit<ApiServerOptions, 'listen'> & { loopback: boolean; port: () => number }): Hono<ApiEnv> {
  const { api } = opts;
  const app = new Hono<ApiEnv>();
  const limiter = new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin', referrerPolicy: 'no-referrer' }));
  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    if (opts.loopback) {
      const host = c.req.header('host');
      if (!host || !allowedHosts(opts.port()).has(host)) {
        return errorResponse(c, new ApiError('forbidden', `Host "${host ?? ''}" is not this ObjectDesk API; call it at http://127.0.0.1:${opts.port()}/.`));
      }
    }
    await next();
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => c.json(new ApiError('bad_request', `The request body is larger than ${maxBody} bytes.`).toBody(), 413),
    }),
  );
  app.use('*', tokenAuth(api, limiter));
  app.route(REST_BASE, restRoutes(api));
  const graphql = graphqlRoute(api, opts.graphql);
  app.on(['GET', 'POST'], '/graphql', (c) => graphql(c));
  app.all('*', (c) => errorResponse(c, new ApiError('not_found', `No route ${c.req.method} ${c.req.path}. The API is at ${REST_BASE}/ (see ${REST_BASE}/openapi.json) and /graphql.`)));
  return app;
}

export async function startApiServer(opts: ApiServerOptions): Promise<RunningApiServer> {
  const listen = opts.listen ?? DEFAULT_API_LISTEN;
  let port = listen.port;
  const app = buildApiApp({ ...opts, loopback: isLoopback(listen.host), port: () => port });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: listen.port, hostname: listen.host }, () => resolve(s));
    s.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  const shown = listen.host.includes(':') ? `[${listen.host}]` : listen.host === 'localhost' ? '127.0.0.1' : listen.host;
  return {
    origin: `http://${shown}:${port}`,
    host: listen.host,
    port,
    warning: exposureWarning(listen.host),
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
