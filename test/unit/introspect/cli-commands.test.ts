import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runIntrospect } from '../../../src/main/cli/commands/introspect';
import { runImport } from '../../../src/main/cli/commands/import';
import { runDiff } from '../../../src/main/cli/commands/diff';
import { CHINOOK_SQLITE, tempDir, tempSqlite } from '../../helpers/databases';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '', e = '';
  out.on('data', (d) => (o += d));
  err.on('data', (d) => (e += d));
  return { io: { out, err }, text: () => o, errors: () => e };
}

/** A workspace with one SQLite datasource named "legacy" and no objects yet. */
function workspace(dbFile: string): string {
  const ws = tempDir('objectdesk-ws-');
  cleanups.push(ws.cleanup);
  writeFileSync(
    path.join(ws.dir, 'objectdesk.config.ts'),
    `import { defineWorkspace } from 'objectdesk';
export default defineWorkspace({
  name: 'test',
  datasources: [{ name: 'legacy', driver: 'sqlite', config: { filename: ${JSON.stringify(dbFile)} } }],
  datasourceMapping: [{ default: true, datasource: 'legacy' }],
});
`,
  );
  return ws.dir;
}

describe('introspect / import / diff commands', () => {
  it('introspect prints tables, keys and flags; --json prints the catalog', async () => {
    const ws = workspace(CHINOOK_SQLITE);
    const c = capture();
    expect(await runIntrospect({ workspace: ws, datasource: 'legacy', json: false }, c.io)).toBe(0);
    expect(c.text()).toContain('PlaylistTrack (table');
    expect(c.text()).toContain('  → (SupportRepId) references Employee(EmployeeId)');
    const j = capture();
    expect(await runIntrospect({ workspace: ws, datasource: 'legacy', json: true }, j.io)).toBe(0);
    expect(JSON.parse(j.text()).tables).toHaveLength(11);
    const bad = capture();
    expect(await runIntrospect({ workspace: ws, datasource: 'nope', json: false }, bad.io)).toBe(2);
    expect(bad.errors()).toContain('No datasource "nope" in this workspace. Datasources: legacy.');
  });

  it('import writes loadable files into <workspace>/<datasource>, dry-run writes nothing, and diff reports drift with exit 1', async () => {
    const db = tempSqlite('hostile.sqlite.sql');
    cleanups.push(db.cleanup);
    const ws = workspace(db.file);
    const dry = capture();
    expect(await runImport({ workspace: ws, datasource: 'legacy', all: true, namespace: 'biz', dryRun: true }, dry.io)).toBe(0);
    expect(dry.text()).toContain('create    legacy/biz_order.object.ts  (order → biz_order)');
    expect(dry.text()).toContain('Dry run: nothing written (6 to create, 0 to update).');
    expect(existsSync(path.join(ws, 'legacy'))).toBe(false);

    const run = capture();
    expect(await runImport({ workspace: ws, datasource: 'legacy', all: true, namespace: 'biz' }, run.io)).toBe(0);
    expect(run.text()).toContain('Wrote 6 file(s); 0 unchanged.');
    const ok = capture();
    expect(await runDiff({ workspace: ws, json: false }, ok.io)).toBe(0);
    expect(ok.text()).toContain('No drift');

    db.exec('ALTER TABLE event_log DROP COLUMN payload; ALTER TABLE event_log ADD COLUMN source VARCHAR(30);');
    const drift = capture();
    expect(await runDiff({ workspace: ws, json: true }, drift.io)).toBe(1);
    const report = JSON.parse(drift.text());
    expect(report.items.map((i: { kind: string; column: string }) => [i.kind, i.column])).toEqual([['column_missing', 'payload'], ['column_added', 'source']]);

    const again = capture();
    expect(await runImport({ workspace: ws, datasource: 'legacy', tables: ['event_log'] }, again.io)).toBe(0);
    expect(again.text()).toContain('update    legacy/biz_event_log.object.ts');
    expect(again.text()).toContain('-    payload: Field.json');
    expect(again.text()).toContain("+    source: Field.text({ label: 'Source', maxLength: 30 }),");
    expect(readFileSync(path.join(ws, 'legacy', 'biz_event_log.object.ts'), 'utf8')).toContain("source: Field.text({ label: 'Source', maxLength: 30 })");
    const clean = capture();
    expect(await runDiff({ workspace: ws, datasource: 'legacy', json: false }, clean.io)).toBe(0);
  });

  it('asks for --tables or --all', async () => {
    const c = capture();
    expect(await runImport({ workspace: '/nonexistent', datasource: 'x' }, c.io)).toBe(2);
    expect(c.errors()).toContain('--tables a,b, or --all');
  });
});
