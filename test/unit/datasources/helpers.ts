/**
 * A throwaway COPY of the demo workspace with its own app data folder, and an API whose datasource
 * handlers use a given secret store — so no test ever writes into the real objects/ folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApi, type Api } from '../../../src/main/api';
import { handlers } from '../../../src/main/api/handlers';
import { createDatasourceHandlers } from '../../../src/main/api/handlers/datasources';
import type { HandlerTable } from '../../../src/main/api/types';
import { AppContext } from '../../../src/main/app/context';
import type { SecretStore } from '../../../src/main/secrets';
import type { Session } from '../../../src/shared/api/session';
import { copyDemoWorkspace } from './workspace-copy';

export { copyDemoWorkspace, grantReadInCopy } from './workspace-copy';

export interface ScratchApp {
  app: AppContext;
  api: Api;
  workspace: string;
  dataDir: string;
  /** Captured JSON of every answer and error of `call`, for leak scans. */
  transcript: string[];
  call<T = unknown>(op: string, input: unknown, session?: Partial<Session>): Promise<T>;
  dispose(): Promise<void>;
}

export const ADMIN: Session = { user: 'andrew.adams', via: 'ui' };

/** `secrets` undefined: the handlers use the real OS keychain, as the app does. */
export async function openScratchApp(secrets?: SecretStore): Promise<ScratchApp> {
  const workspace = copyDemoWorkspace();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-data-'));
  const app = await AppContext.open({ workspaceDir: workspace, dataDir, mode: 'cli' });
  const table = (secrets ? { ...handlers, ...createDatasourceHandlers(() => ({ secrets })) } : handlers) as HandlerTable;
  const api = createApi(app, table);
  const transcript: string[] = [];
  return {
    app,
    api,
    workspace,
    dataDir,
    transcript,
    async call<T>(op: string, input: unknown, session: Partial<Session> = {}) {
      try {
        const out = await api.call(op, input, { ...ADMIN, ...session });
        transcript.push(`${op} → ${JSON.stringify(out)}`);
        return out as T;
      } catch (e) {
        const body = e && typeof e === 'object' && 'toBody' in e ? JSON.stringify((e as { toBody(): unknown }).toBody()) : String(e);
        transcript.push(`${op} ✗ ${body} ${String((e as Error)?.stack ?? '')}`);
        throw e;
      }
    },
    async dispose() {
      await app.close();
      rmSync(workspace, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

