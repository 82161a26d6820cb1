// workspace.drift: the API twin of `objectdesk diff`, run against a copy of the demo whose database drifted.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../src/main/api';
import { DEMO_WORKSPACE, openTestApp } from '../../helpers/app';

let dir: string;
let env: Awaited<ReturnType<typeof openTestApp>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-drift-'));
  cpSync(DEMO_WORKSPACE, dir, { recursive: true });
  const db = new Database(path.join(dir, 'data/chinook.sqlite'));
  db.exec('ALTER TABLE Customer DROP COLUMN Fax; ALTER TABLE Artist ADD COLUMN Country TEXT;');
  db.close();
  env = await openTestApp({ workspaceDir: dir });
});
afterAll(async () => {
  await env?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('workspace.drift', () => {
  // The hand-written demo objects carry no import snapshot, so a new column cannot be told from one the
  // user left out on purpose: only the vanished column is drift (see docs/drivers.md, "diff").
  it('reports a vanished column as an error with its fix', async () => {
    const api = createApi(env.app);
    const drift = (await api.call('workspace.drift', {}, { user: env.app.user.name, via: 'ui' })) as {
      items: { kind: string; severity: string; object: string; column?: string; fix: string }[];
      unreachable: unknown[];
    };
    expect(drift.unreachable).toEqual([]);
    const summary = drift.items.map((i) => `${i.severity}:${i.kind}:${i.object}:${i.column}`).sort();
    expect(summary).toEqual(['error:column_missing:customer:Fax']);
    expect(drift.items.find((i) => i.kind === 'column_missing')?.fix).toMatch(/fax/i);
  });
});
