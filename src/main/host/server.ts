/**
 * The headless host: the same API handlers over HTTP on 127.0.0.1, plus the built renderer. Used by
 * browser mode (`objectdesk serve`), the e2e tests and, later, the REST/GraphQL API.
 *
 *   POST /api/rpc/<operation>   body { input?, reason? }
 *     query  → 200 { result }   |  4xx/5xx { error: { code, message, path? } }
 *     stream → 200 NDJSON: { event } per event, then { end: true } or { error }
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { ApiError } from '../../shared/api/errors';
import type { Session } from '../../shared/api/session';
import type { Api } from '../api';
import { toApiError } from '../api';
import { CONTENT_SECURITY_POLICY } from '../app/csp';
import { allowedHosts, allowedOrigins, assertLoopback, newToken, tokensEqual } from './guards';
import { HTTP_STATUS } from './http-status';

export const TOKEN_COOKIE = 'objectdesk_token';

export interface HostOptions {
  api: Api;
  /** 0 picks a free port. */
  port?: number;
  hostname?: string;
  /** The built renderer (out/renderer). When absent, only the API is served. */
  rendererDir?: string;
  token?: string;
}

export interface RunningHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function errorResponse(c: Context, e: ApiError): Response {
  return c.json(e.toBody(), HTTP_STATUS[e.code] as 400);
}

export function buildHostApp(opts: Required<Pick<HostOptions, 'api' | 'token'>> & { rendererDir?: string; port: () => number }): Hono {
  const { api, token } = opts;
  const app = new Hono();

  // 1. DNS rebinding and cross-site protection: a request must name us, and a browser must come from us.
  app.use('*', async (c, next) => {
    const port = opts.port();
    const host = c.req.header('host');
    if (!host || !allowedHosts(port).has(host)) {
      return errorResponse(c, new ApiError('forbidden', `Host "${host ?? ''}" is not this ObjectDesk host; open it at http://127.0.0.1:${port}/.`));
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !allowedOrigins(port).has(origin)) {
      return errorResponse(c, new ApiError('forbidden', `Requests from origin "${origin}" are refused; only this host's own pages may call it.`));
    }
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    await next();
  });

  // 2. Opening the printed URL trades the token for a strict, HttpOnly cookie and drops it from the address bar.
  app.get('/', async (c, next) => {
    const given = c.req.query('token');
    if (given === undefined) return next();
    if (!tokensEqual(given, token)) return errorResponse(c, new ApiError('unauthorized', 'This link has the wrong token. Use the URL printed by `objectdesk serve`.'));
    setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.redirect('/', 302);
  });

  // 3. Everything else needs the token, as a cookie (the browser) or a bearer header (scripts, tests).
  app.use('*', async (c, next) => {
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (tokensEqual(bearer, token) || tokensEqual(getCookie(c, TOKEN_COOKIE), token)) return next();
    return errorResponse(c, new ApiError('unauthorized', 'Missing or wrong token. Open the URL printed by `objectdesk serve`, or send "Authorization: Bearer <token>".'));
  });

  app.post('/api/rpc/:op', async (c) => {
    const op = c.req.param('op');
    c.header('Cache-Control', 'no-store');
    let body: unknown;
    try {
      const text = await c.req.text();
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch (e) {
      return errorResponse(c, new ApiError('bad_request', `The request body is not valid JSON (${(e as Error).message}). Send {"input": {...}}.`));
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return errorResponse(c, new ApiError('bad_request', 'The request body must be a JSON object like {"input": {...}, "reason": "..."}.'));
    }
    const { input, reason, ...rest } = body as { input?: unknown; reason?: unknown };
    if (Object.keys(rest).length) return errorResponse(c, new ApiError('bad_request', `Unknown key(s) in the request body: ${Object.keys(rest).join(', ')}. Allowed: input, reason.`));
    if (reason !== undefined && typeof reason !== 'string') return errorResponse(c, new ApiError('bad_request', '"reason" must be a string.'));

    const session: Session = { user: api.app.user.name, via: 'ui', ...(reason ? { reason } : {}) };
    const kind = api.kindOf(op);
    if (kind === undefined) return errorResponse(c, new ApiError('not_found', `Unknown operation "${op}".`));

    if (kind === 'query') {
      try {
        return c.json({ result: await api.call(op, input, session, c.req.raw.signal) });
      } catch (e) {
        return errorResponse(c, toApiError(e));
      }
    }

    // Streams: validation errors are answered as plain errors before the stream starts.
    const abort = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const iterator = api.stream(op, input, session, abort.signal)[Symbol.asyncIterator]();
    let first: IteratorResult<unknown>;
    try {
      first = await iterator.next();
    } catch (e) {
      return errorResponse(c, toApiError(e));
    }
    const encoder = new TextEncoder();
    const line = (v: unknown) => encoder.encode(`${JSON.stringify(v)}\n`);
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          let r = first;
          while (!r.done) {
            controller.enqueue(line({ event: r.value }));
            r = await iterator.next();
          }
          controller.enqueue(line({ end: true }));
        } catch (e) {
          controller.enqueue(line(toApiError(e).toBody()));
        } finally {
          controller.close();
        }
      },
      async cancel() {
        abort.abort();
        await iterator.return?.();
      },
    });
    return new Response(stream, { headers: { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' } });
  });

  app.all('/api/*', (c) => errorResponse(c, new ApiError('not_found', `No API route ${c.req.method} ${c.req.path}. Operations are POSTed to /api/rpc/<operation>.`)));

  const rendererDir = opts.rendererDir;
  const indexFile = rendererDir ? path.join(rendererDir, 'index.html') : undefined;
  if (rendererDir && indexFile && existsSync(indexFile)) {
    const root = path.relative(process.cwd(), rendererDir) || '.';
    app.use('/assets/*', serveStatic({ root }));
    app.get('*', (c) => {
      c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      c.header('Cache-Control', 'no-store');
      return c.html(readFileSync(indexFile, 'utf8'));
    });
  } else {
    app.get('*', (c) =>
      c.text('The ObjectDesk renderer is not built. Run `npm run build`, then start `objectdesk serve` again.', 503),
    );
  }
  return app;
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const hostname = opts.hostname ?? '127.0.0.1';
  assertLoopback(hostname);
  const token = opts.token ?? newToken();
  let port = 0;
  const app = buildHostApp({ api: opts.api, token, rendererDir: opts.rendererDir, port: () => port });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${hostname === '::1' ? '[::1]' : hostname === 'localhost' ? '127.0.0.1' : hostname}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
