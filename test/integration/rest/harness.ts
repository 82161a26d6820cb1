/**
 * A running REST/GraphQL API server on a copy of the Chinook demo workspace, with a personal access token
 * per demo user, and a count of the API calls the server made (to check batching).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApi, type Api } from '../../../src/main/api';
import { AppContext } from '../../../src/main/app/context';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from '../../../src/main/rest/api-server';
import { closeTokens } from '../../../src/main/tokens';
import { DEMO_WORKSPACE } from '../../helpers/app';

export const USERS = ['jane.peacock', 'nancy.edwards', 'andrew.adams'] as const;
export type DemoUser = (typeof USERS)[number];

export interface Harness {
  app: AppContext;
  /** The API the server calls (counting). */
  api: Api;
  /** The API without counting, for in-process comparisons. */
  direct: Api;
  server: RunningApiServer;
  tokens: Record<DemoUser, string>;
  workspaceDir: string;
  dataDir: string;
  calls: Map<string, number>;
  resetCalls(): void;
  get(pathname: string, opts?: { user?: DemoUser; token?: string | null; headers?: Record<string, string> }): Promise<Response>;
  send(method: string, pathname: string, body: unknown, opts?: { user?: DemoUser; headers?: Record<string, string> }): Promise<Response>;
  dispose(): Promise<void>;
}

/** `hideEmployeeFromJane`: the support agent may not read `employee` at all (for the 404 checks). */
export async function startHarness(
  opts: { hideEmployeeFromJane?: boolean; server?: Partial<ApiServerOptions>; /** A prepared copy of the demo (removed on dispose). */ workspaceDir?: string } = {},
): Promise<Harness> {
  const workspaceDir = opts.workspaceDir ?? mkdtempSync(path.join(os.tmpdir(), 'objectdesk-rest-ws-'));
  if (!opts.workspaceDir) cpSync(DEMO_WORKSPACE, workspaceDir, { recursive: true });
  if (opts.hideEmployeeFromJane) {
    const file = path.join(workspaceDir, 'objectdesk.config.ts');
    const text = readFileSync(file, 'utf8').replace(
      "description: 'Sees the catalogue, and only the customers they support, with those customers\\' invoices.',\n      objects: readAll,",
      "description: 'Sees the catalogue, and only the customers they support, with those customers\\' invoices.',\n      objects: { ...readAll, employee: { allowRead: false } },",
    );
    if (!text.includes('employee: { allowRead: false }')) throw new Error('could not hide employee in the copied config');
    writeFileSync(file, text);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-rest-data-'));
  const app = await AppContext.open({ workspaceDir, dataDir, mode: 'cli' });
  if (!app.workspace) throw new Error(`workspace problems: ${JSON.stringify(app.problems)}`);
  const direct = createApi(app);
  const calls = new Map<string, number>();
  const api: Api = {
    app,
    kindOf: (op) => direct.kindOf(op),
    call: (op, input, session, signal) => {
      calls.set(op, (calls.get(op) ?? 0) + 1);
      return direct.call(op, input, session, signal);
    },
    stream: (op, input, session, signal) => {
      calls.set(op, (calls.get(op) ?? 0) + 1);
      return direct.stream(op, input, session, signal);
    },
  };
  const tokens = {} as Record<DemoUser, string>;
  for (const user of USERS) {
    const out = (await direct.call('tokens.create', { name: `test ${user}` }, { user, via: 'cli' })) as { token: string };
    tokens[user] = out.token;
  }
  const server = await startApiServer({ api, ...opts.server });
  const headersFor = (o: { user?: DemoUser; token?: string | null; headers?: Record<string, string> } = {}) => {
    const token = o.token === undefined ? tokens[o.user ?? 'andrew.adams'] : o.token;
    return { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...o.headers };
  };
  return {
    app,
    api,
    direct,
    server,
    tokens,
    workspaceDir,
    dataDir,
    calls,
    resetCalls: () => calls.clear(),
    get: (pathname, o) => fetch(`${server.origin}${pathname}`, { headers: headersFor(o) }),
    send: (method, pathname, body, o) =>
      fetch(`${server.origin}${pathname}`, {
        method,
        headers: { 'content-type': 'application/json', ...headersFor(o) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async dispose() {
      await server.close();
      closeTokens(app);
      await app.close();
      rmSync(workspaceDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Rows of an in-process ObjectQL query as a user (the reference for what REST/GraphQL must return). */
export async function objectql(h: Harness, user: DemoUser, query: Record<string, unknown>) {
  return (await h.direct.call('data.query', { query }, { user, via: 'cli' })) as { rows: Record<string, unknown>[]; nextCursor?: string };
}
