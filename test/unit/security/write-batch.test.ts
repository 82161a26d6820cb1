/**
 * data.batch on SQLite (PostgreSQL and MariaDB: test/integration/security/write-batch.test.ts): five writes in
 * one transaction, each through the checks of a single write. When the 3rd is refused by a key, by a record
 * rule or fails in the database, 0 rows change (checksum) and the audit has each write and the batch; a batch
 * over two datasources is refused; creates answer with the new key (given, or SQLite's lastInsertRowid).
 */
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { ApiError } from '../../../src/shared/api/errors';
import type { Session } from '../../../src/shared/api/session';
import { openTestApp } from '../../helpers/app';
import { sqliteChecksum } from './checksum';
import { DEMO, governanceWorkspace } from './workspace';

const jane: Session = { user: 'jane.peacock', via: 'ui', reason: 'batch test' };

// Jane (agent_writer: the customers she supports) also keeps playlists here.
export const BATCH_WRITER = `{
      name: 'batch_writer',
      objects: {
        playlist: { allowRead: true, allowCreate: true, allowEdit: true, allowDelete: true },
        playlist_track: { allowRead: true, allowCreate: true, allowDelete: true },
        note: { allowRead: true, allowCreate: true },
      },
    },`;

/** Five writes; `third` replaces the 3rd. */
const five = (third: Record<string, unknown>) => [
  { kind: 'create', object: 'playlist', values: { playlist_id: 9001, name: 'Batch' } },
  { kind: 'update', object: 'playlist', key: 9001, values: { name: 'Batch, renamed' } }, // sees write 1 inside the transaction
  third,
  { kind: 'update', object: 'customer', key: 1, values: { city: 'Batchville' } },
  { kind: 'delete', object: 'playlist_track', key: { playlist_id: 1, track_id: 3402 } },
];
const GOOD_THIRD = { kind: 'create', object: 'playlist_track', values: { playlist_id: 9001, track_id: 1 } };

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the batch to be refused');
}

describe('data.batch on SQLite', () => {
  let ws: ReturnType<typeof governanceWorkspace>;
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    ws = governanceWorkspace({
      writable: ['customer', 'playlist', 'playlist_track', 'note'],
      janeWrites: true,
      extraSets: BATCH_WRITER,
      // A second writable datasource with one object, to show a batch cannot span two.
      datasource: `{ name: 'chinook', driver: 'sqlite', config: { filename: 'data/chinook-copy.sqlite' }, readOnly: false, allowWrites: true },
    { name: 'notes', driver: 'sqlite', config: { filename: 'data/notes.sqlite' }, readOnly: false, allowWrites: true }`,
    });
    copyFileSync(path.join(DEMO, 'data', 'chinook.sqlite'), path.join(ws.dir, 'data', 'chinook-copy.sqlite'));
    ws.sqliteFile = path.join(ws.dir, 'data', 'chinook-copy.sqlite');
    const notes = new Database(path.join(ws.dir, 'data', 'notes.sqlite'));
    notes.exec('CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    notes.close();
    mkdirSync(path.join(ws.dir, 'notes'));
    writeFileSync(
      path.join(ws.dir, 'notes', 'note.object.ts'),
      `import { ObjectSchema, Field } from '@objectstack/spec/data';
export const Note = ObjectSchema.create({
  name: 'note',
  datasource: 'notes',
  external: { table: 'note', writable: true },
  primaryKey: 'id',
  fields: { id: Field.number({ label: 'ID', readonly: true }), body: Field.text({ label: 'Body', required: true }) },
});
`,
    );
    const config = path.join(ws.dir, 'objectdesk.config.ts');
    const { readFileSync } = await import('node:fs');
    writeFileSync(config, readFileSync(config, 'utf8').replace("permissionSets: ['support_agent', 'agent_writer'],", "permissionSets: ['support_agent', 'agent_writer', 'batch_writer'],"));
    t = await openTestApp({ workspaceDir: ws.dir });
    expect(t.app.problems).toEqual([]);
    api = createApi(t.app);
  });
  afterAll(async () => {
    await t?.dispose();
    ws?.cleanup();
  });

  const unchanged = async (writes: unknown[]) => {
    const before = sqliteChecksum(ws.sqliteFile!);
    const e = await refusal(api.call('data.batch', { writes }, jane));
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
    return e;
  };

  test('the 3rd of 5 writes refused by a record rule: nothing is written, and the audit says what happened to each', async () => {
    const e = await unchanged(five({ kind: 'update', object: 'customer', key: 2, values: { city: 'X' } })); // rep 5: outside her rules
    expect(e.code).toBe('not_found');
    expect(e.path).toBe('writes.2.key');
    expect(e.message).toMatch(/^write 3 of 5 \(update "customer" 2\): no record of "customer" with key \{"customer_id":2\} that you may edit — nothing was written: the whole batch was rolled back$/);
    const entries = t.app.audit.list({ user: 'jane.peacock' }).slice(-6);
    expect(entries.map((x) => [x.operation, x.object, x.outcome, x.errorCode ?? null, x.reason])).toEqual([
      ['data.create', 'playlist', 'error', 'cancelled.rolled_back', 'batch test'],
      ['data.update', 'playlist', 'error', 'cancelled.rolled_back', 'batch test'],
      ['data.update', 'customer', 'denied', 'not_found.not_writable', 'batch test'],
      ['data.update', 'customer', 'error', 'cancelled.not_run', 'batch test'],
      ['data.delete', 'playlist_track', 'error', 'cancelled.not_run', 'batch test'],
      ['data.batch', undefined, 'denied', 'not_found.not_writable', 'batch test'],
    ]);
    expect(JSON.parse(entries[2]!.ast!)).toEqual({ object: 'customer', id: 2, changedFields: ['city'] });
  });

  test('the 3rd refused by a key (object not writable) or a field: refused before the transaction, nothing written', async () => {
    const key = await unchanged(five({ kind: 'update', object: 'invoice', key: 1, values: { billing_city: 'X' } }));
    expect(key.code).toBe('forbidden');
    expect(key.message).toMatch(/^write 3 of 5 \(update "invoice" 1\): update refused: the object "invoice" is not writable/);
    const field = await unchanged(five({ kind: 'update', object: 'customer', key: 1, values: { company: 'ACME' } }));
    expect(field.code).toBe('forbidden');
    const hidden = await unchanged(five({ kind: 'update', object: 'customer', key: 1, values: { email: 'x@y.z' } }));
    expect(hidden.message).toMatch(/unknown field "email"/);
    expect(t.app.audit.list({ user: 'jane.peacock' }).at(-1)).toMatchObject({ operation: 'data.batch', outcome: 'denied' });
  });

  test('the 3rd fails in the database (duplicate key): the two writes before it are rolled back', async () => {
    const e = await unchanged(five({ kind: 'create', object: 'playlist_track', values: { playlist_id: 1, track_id: 3402 } }));
    expect(e.code).toBe('internal');
    expect(e.message).toMatch(/^write 3 of 5 \(create "playlist_track"\): .*UNIQUE constraint failed/);
    expect(t.app.audit.list({ user: 'jane.peacock' }).at(-1)).toMatchObject({ operation: 'data.batch', outcome: 'error' });
  });

  test('a batch over two datasources is refused, naming both', async () => {
    const e = await unchanged([GOOD_THIRD, { kind: 'create', object: 'note', values: { body: 'hello' } }]);
    expect(e.code).toBe('bad_request');
    expect(e.path).toBe('writes.1.object');
    expect(e.message).toMatch(/"note" is on the datasource "notes" but this batch writes to "chinook" \("playlist_track"\): one batch is one transaction on one datasource/);
  });

  test('input is checked per kind', async () => {
    const e = await refusal(api.call('data.batch', { writes: [{ kind: 'update', object: 'playlist', values: { name: 'x' } }] }, jane));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/update needs the record key/);
    expect((await refusal(api.call('data.batch', { writes: [] }, jane))).code).toBe('bad_request');
  });

  test('all five pass: every write committed together, creates answer with their keys', async () => {
    const out = (await api.call('data.batch', { writes: five(GOOD_THIRD) }, jane)) as { datasource: string; rowCount: number; results: unknown[] };
    expect(out).toEqual({
      datasource: 'chinook',
      rowCount: 5,
      results: [
        { object: 'playlist', rowCount: 1, key: { playlist_id: 9001 } },
        { object: 'playlist', rowCount: 1, key: { playlist_id: 9001 } },
        { object: 'playlist_track', rowCount: 1, key: { playlist_id: 9001, track_id: 1 } },
        { object: 'customer', rowCount: 1, key: { customer_id: 1 } },
        { object: 'playlist_track', rowCount: 1, key: { playlist_id: 1, track_id: 3402 } },
      ],
    });
    const db = new Database(ws.sqliteFile!, { readonly: true });
    try {
      expect(db.prepare('SELECT Name FROM Playlist WHERE PlaylistId = 9001').get()).toEqual({ Name: 'Batch, renamed' });
      expect(db.prepare('SELECT City FROM Customer WHERE CustomerId = 1').get()).toEqual({ City: 'Batchville' });
      expect(db.prepare('SELECT count(*) AS n FROM PlaylistTrack WHERE PlaylistId = 1 AND TrackId = 3402').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    const entries = t.app.audit.list({ user: 'jane.peacock' }).slice(-6);
    expect(entries.map((x) => [x.operation, x.outcome, x.rowCount])).toEqual([
      ['data.create', 'ok', 1],
      ['data.update', 'ok', 1],
      ['data.create', 'ok', 1],
      ['data.update', 'ok', 1],
      ['data.delete', 'ok', 1],
      ['data.batch', 'ok', 5],
    ]);
    expect(JSON.stringify(t.app.audit.list())).not.toContain('Batchville');
  });

  test('a create without its key answers with the one the database assigned (lastInsertRowid)', async () => {
    const one = (await api.call('data.create', { object: 'playlist', values: { name: 'Keyless' } }, jane)) as { key?: Record<string, number> };
    const db = new Database(ws.sqliteFile!, { readonly: true });
    try {
      const row = db.prepare("SELECT PlaylistId AS id FROM Playlist WHERE Name = 'Keyless'").get() as { id: number };
      expect(one).toEqual({ object: 'playlist', rowCount: 1, key: { playlist_id: row.id } });
    } finally {
      db.close();
    }
    const batch = (await api.call('data.batch', { writes: [{ kind: 'create', object: 'playlist', values: { name: 'Keyless 2' } }, { kind: 'create', object: 'playlist', values: { name: 'Keyless 3' } }] }, jane)) as { results: { key: { playlist_id: number } }[] };
    const ids = batch.results.map((r) => r.key.playlist_id);
    expect(ids[1]).toBe(ids[0]! + 1);
    expect(ids[0]).toBeGreaterThan(one.key!.playlist_id);
  });
});
