/**
 * The write path's three keys on every write operation (SQLite; PostgreSQL and MariaDB in
 * test/integration/security), record-rule guards, composite keys, and the audit of every call: what is
 * recorded, what never is, and failing closed when the audit cannot be written.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { createApi, type Api } from '../../../src/main/api';
import { AuditUnavailableError } from '../../../src/main/audit';
import { ApiError } from '../../../src/shared/api/errors';
import type { Session } from '../../../src/shared/api/session';
import { computeSubordinates } from '../../../src/main/security';
import type { Workspace } from '../../../src/main/metadata';
import type { ObjectQL } from '../../../src/main/objectql';
import { openTestApp } from '../../helpers/app';
import { sqliteChecksum } from './checksum';
import { governanceWorkspace } from './workspace';

const as = (user: string): Session => ({ user, via: 'ui', reason: 'write test' });
const jane = as('jane.peacock');
const nancy = as('nancy.edwards');

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the call to be refused');
}

const WRITES: Array<[string, Record<string, unknown>]> = [
  ['data.create', { object: 'customer', values: { first_name: 'New', last_name: 'Person', email: 'n@p.example', support_rep_id: 3 } }],
  ['data.update', { object: 'customer', key: 1, values: { city: 'Elsewhere' } }],
  ['data.delete', { object: 'customer', key: 1 }],
  ['data.delete', { object: 'playlist_track', key: { playlist_id: 1, track_id: 3402 } }],
];

describe('writes need all three keys; otherwise refused, audited as denied, and nothing changes', () => {
  const cases: Array<{ name: string; opts: Parameters<typeof governanceWorkspace>[0]; session: Session; key: RegExp }> = [
    { name: 'demo: read-only datasource, objects not writable, no permission', opts: { datasource: `{ name: 'chinook', driver: 'sqlite', config: { filename: 'data/chinook-copy.sqlite' }, readOnly: true }`, janeWrites: true }, session: nancy, key: /datasource "chinook" does not allow writes.*object "\w+" is not writable.*do not allow you/ },
    { name: 'allowWrites but readOnly', opts: { datasource: `{ name: 'chinook', driver: 'sqlite', config: { filename: 'data/chinook-copy.sqlite' }, readOnly: true, allowWrites: true }`, writable: ['customer', 'playlist_track'], janeWrites: true }, session: jane, key: /datasource "chinook" does not allow writes/ },
    { name: 'datasource allows writes, object not writable', opts: { janeWrites: true }, session: jane, key: /object "\w+" is not writable — set external/ },
    { name: 'datasource and object, but not the user', opts: { writable: ['customer', 'playlist_track'] }, session: nancy, key: /permission sets \(sales_manager\) do not allow you/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const ws = governanceWorkspace(c.opts);
      const { copyFileSync } = await import('node:fs');
      const path = await import('node:path');
      const file = path.join(ws.dir, 'data', 'chinook-copy.sqlite');
      copyFileSync(path.join(ws.dir, 'data', 'chinook.sqlite'), file);
      const t = await openTestApp({ workspaceDir: ws.dir });
      try {
        const api = createApi(t.app);
        const before = sqliteChecksum(file);
        for (const [op, input] of WRITES) {
          const e = await refusal(api.call(op, input, c.session));
          expect(e.code).toBe('forbidden');
          expect(e.message).toMatch(c.key);
        }
        expect(sqliteChecksum(file)).toBe(before);
        const denied = t.app.audit.list({ outcome: 'denied' }).filter((x) => x.operation.startsWith('data.'));
        expect(denied.length).toBe(WRITES.length);
        expect(denied.every((x) => x.user === c.session.user && x.errorCode === 'forbidden')).toBe(true);
      } finally {
        await t.dispose();
        ws.cleanup();
      }
    });
  }
});

describe('with all three keys on', () => {
  let ws: ReturnType<typeof governanceWorkspace>;
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  let db: Database.Database;
  beforeAll(async () => {
    ws = governanceWorkspace({ writable: ['customer', 'invoice_line', 'playlist_track'], janeWrites: true });
    t = await openTestApp({ workspaceDir: ws.dir });
    api = createApi(t.app);
    db = new Database(ws.sqliteFile!, { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await t.dispose();
    ws.cleanup();
  });
  const city = (id: number) => (db.prepare('SELECT City FROM Customer WHERE CustomerId = ?').get(id) as { City: string }).City;

  test('update of a record inside the user\'s rules changes exactly it; the audit has the fields, never the values', async () => {
    expect(await api.call('data.update', { object: 'customer', key: 1, values: { city: 'Lisboa' } }, jane)).toEqual({ object: 'customer', rowCount: 1, key: { customer_id: 1 } });
    expect(city(1)).toBe('Lisboa');
    const e = t.app.audit.list({ user: 'jane.peacock' }).find((x) => x.operation === 'data.update')!;
    expect(e.outcome).toBe('ok');
    expect(e.rowCount).toBe(1);
    expect(JSON.parse(e.ast!)).toEqual({ object: 'customer', id: 1, changedFields: ['city'] });
    expect(JSON.stringify(t.app.audit.list())).not.toContain('Lisboa');
  });

  test('a record outside the rules is "not found" (the same as a missing one), unchanged, audited as denied', async () => {
    const before = sqliteChecksum(ws.sqliteFile!);
    const outside = await refusal(api.call('data.update', { object: 'customer', key: 2, values: { city: 'X' } }, jane)); // rep 5
    const missing = await refusal(api.call('data.update', { object: 'customer', key: 99999, values: { city: 'X' } }, jane));
    expect(outside.code).toBe('not_found');
    expect(outside.message.replace('2', 'N')).toBe(missing.message.replace('99999', 'N'));
    const del = await refusal(api.call('data.delete', { object: 'invoice_line', key: 1 }, jane)); // invoice 1 → customer 2 → rep 5
    expect(del.code).toBe('not_found');
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
    expect(t.app.audit.list({ user: 'jane.peacock', outcome: 'denied' }).filter((x) => x.errorCode === 'not_found.not_writable').length).toBe(3);
  });

  test('fields: hidden → unknown field, not editable → forbidden, key and read-only fields cannot change, values are typed', async () => {
    const before = sqliteChecksum(ws.sqliteFile!);
    const hidden = await refusal(api.call('data.update', { object: 'customer', key: 1, values: { email: 'x@y.z' } }, jane));
    const missing = await refusal(api.call('data.update', { object: 'customer', key: 1, values: { nosuchfield: 'x@y.z' } }, jane));
    expect(hidden.message.replaceAll('email', 'F')).toBe(missing.message.replaceAll('nosuchfield', 'F'));
    expect((await refusal(api.call('data.update', { object: 'customer', key: 1, values: { company: 'ACME' } }, jane))).code).toBe('forbidden');
    expect((await refusal(api.call('data.update', { object: 'customer', key: 1, values: { customer_id: 7 } }, jane))).message).toMatch(/primary key/);
    expect((await refusal(api.call('data.update', { object: 'customer', key: 1, values: { city: 42 } }, jane))).message).toMatch(/expected a string/);
    expect((await refusal(api.call('data.update', { object: 'customer', key: 1, values: { city: 'x'.repeat(41) } }, jane))).message).toMatch(/maxLength of 40/);
    expect((await refusal(api.call('data.update', { object: 'customer', key: 1, values: {} }, jane))).message).toMatch(/nothing to change/);
    expect((await refusal(api.call('data.update', { object: 'customer', key: { customer_id: 1, x: 2 }, values: { city: 'a' } }, jane))).message).toMatch(/exactly/);
    expect((await refusal(api.call('data.update', { object: 'customer', key: "1 OR 1=1", values: { city: 'a' } }, jane))).code).toBe('bad_request');
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
  });

  test('create and delete, with a composite key', async () => {
    // customer.email is required and hidden from Jane: she cannot create customers, and the refusal does not name it.
    const c = await refusal(api.call('data.create', { object: 'customer', values: { first_name: 'Ada', last_name: 'Lovelace', support_rep_id: 3 } }, jane));
    expect(c.code).toBe('forbidden');
    expect(c.message).not.toMatch(/email/);
    const rw = new Database(ws.sqliteFile!);
    const id = Number(rw.prepare("INSERT INTO Customer (FirstName, LastName, Email, SupportRepId) VALUES ('Ada', 'Lovelace', 'a@l.example', 3)").run().lastInsertRowid);
    rw.close();
    expect(await api.call('data.delete', { object: 'customer', key: id }, jane)).toMatchObject({ rowCount: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM Customer WHERE CustomerId = ?').get(id)).toEqual({ n: 0 });
    expect(await api.call('data.delete', { object: 'playlist_track', key: { playlist_id: 1, track_id: 3402 } }, jane)).toEqual({ object: 'playlist_track', rowCount: 1, key: { playlist_id: 1, track_id: 3402 } });
    expect(await api.call('data.create', { object: 'playlist_track', values: { playlist_id: 1, track_id: 3402 } }, jane)).toMatchObject({ rowCount: 1 });
    expect((await refusal(api.call('data.delete', { object: 'playlist_track', key: 1 }, jane))).message).toMatch(/composite key/);
  });

  test('reads stay read-only on a writable datasource: a write statement through the read path is refused', async () => {
    const before = sqliteChecksum(ws.sqliteFile!);
    const driver = t.app.drivers.get('chinook');
    if (driver.kind !== 'sql') throw new Error('sql expected');
    await expect(driver.query({ sql: "UPDATE Customer SET City = 'x'", parameters: [] })).rejects.toThrow();
    await expect(driver.query({ sql: 'SELECT 1; DELETE FROM Customer', parameters: [] })).rejects.toThrow();
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
  });
});

describe('audit of every call', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    t = await openTestApp();
    api = createApi(t.app);
  });
  afterAll(() => t.dispose());

  test('who, via, why, what (operation, object, AST after permissions, row count), outcome — and no row values', async () => {
    const res = (await api.call('data.query', { query: { object: 'customer', fields: ['first_name', 'city'], where: { country: 'Brazil' } } }, { user: 'jane.peacock', via: 'ai', reason: 'who are my Brazilian customers?' })) as { rows: { first_name: string }[] };
    const e = t.app.audit.list({ user: 'jane.peacock' }).at(-1)!;
    expect(e).toMatchObject({ user: 'jane.peacock', via: 'ai', reason: 'who are my Brazilian customers?', operation: 'data.query', object: 'customer', outcome: 'ok', rowCount: res.rows.length });
    expect(JSON.parse(e.ast!).where).toEqual({ $and: [{ country: 'Brazil' }, { support_rep_id: 3 }] });
    const text = JSON.stringify(t.app.audit.list());
    for (const r of res.rows) expect(text).not.toContain(r.first_name);
    const failed = await refusal(api.call('data.query', { query: { object: 'customer', where: { city: { $gt: null } } } }, jane));
    const f = t.app.audit.list({ user: 'jane.peacock', outcome: 'error' }).at(-1)!;
    expect(f.errorCode).toBe(`${failed.code}.invalid_value`);
    expect(t.app.audit.verify().ok).toBe(true);
  });

  test('$user.subordinates is computed from two hierarchy columns, audited as the user', async () => {
    await api.call('data.query', { query: { object: 'customer', limit: 1 } }, nancy);
    const e = t.app.audit.list({ user: 'nancy.edwards' }).find((x) => x.operation === 'security.subordinates')!;
    expect(JSON.parse(e.ast!)).toEqual({ object: 'employee', fields: ['employee_id', 'reports_to'], limit: 100001 });
    expect(e.rowCount).toBe(8);
  });

  test('fails closed: when the audit cannot be written, no read is served', async () => {
    const failing = {
      ensureWritable: async () => {},
      append: async () => {
        throw new AuditUnavailableError('/nowhere/objectdesk.sqlite', 'the disk is full');
      },
    };
    const e = await refusal(createApi(t.app, undefined, { audit: failing }).call('data.query', { query: { object: 'artist', limit: 1 } }, jane));
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(/audit log .* cannot be written: the disk is full; reads are refused/);
    let ran = false;
    const down = { ensureWritable: async () => Promise.reject(new AuditUnavailableError('/x', 'the file is read-only')), append: async () => void (ran = true) };
    expect((await refusal(createApi(t.app, undefined, { audit: down }).call('data.query', { query: { object: 'artist' } }, jane))).code).toBe('unavailable');
    expect(ran).toBe(false);
  });
});

describe('$user.subordinates', () => {
  const ws = (maxDepth: number) => ({ config: { hierarchy: { object: 'employee', parentField: 'reports_to', maxDepth } }, objects: new Map([['employee', { primaryKey: ['employee_id'] }]]) }) as unknown as Workspace;
  const engine = (pairs: Array<[number, number | null]>) => ({ stream: async () => (async function* () { for (const [k, p] of pairs) yield { employee_id: k, reports_to: p }; })() }) as unknown as ObjectQL;
  const user = (externalId?: number) => ({ name: 'u', externalId, admin: false, permissionSets: ['x'], attributes: {} });

  test('transitive, excluding the user, bounded by maxDepth, safe against cycles', async () => {
    const tree: Array<[number, number | null]> = [[1, null], [2, 1], [3, 2], [4, 2], [5, 2], [6, 1], [7, 6], [8, 6]];
    expect((await computeSubordinates(ws(10), user(2), engine(tree))).keys.sort()).toEqual([3, 4, 5]);
    expect((await computeSubordinates(ws(10), user(1), engine(tree))).keys.sort()).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect((await computeSubordinates(ws(1), user(1), engine(tree))).keys.sort()).toEqual([2, 6]);
    expect((await computeSubordinates(ws(10), user(3), engine(tree))).keys).toEqual([]);
    expect((await computeSubordinates(ws(10), user(undefined), engine(tree))).keys).toEqual([]);
    const cycle: Array<[number, number | null]> = [[1, 3], [2, 1], [3, 2]];
    expect((await computeSubordinates(ws(50), user(1), engine(cycle))).keys.sort()).toEqual([2, 3]);
  });
});
