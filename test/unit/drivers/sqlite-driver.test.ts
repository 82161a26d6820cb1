import { afterEach, describe, expect, it } from 'vitest';
import { createDriver, DriverRegistry, ConnectionError, WriteNotAllowedError, DriverClosedError, type SqlDriver } from '../../../src/main/drivers';
import { CHINOOK_SQLITE, noSecrets, sqliteDatasource, tempSqlite, type TempSqlite } from '../../helpers/databases';

let tmp: TempSqlite | null = null;
afterEach(() => {
  tmp?.cleanup();
  tmp = null;
});

const ctx = (root = '/') => ({ workspaceRoot: root, ...noSecrets });

describe('sqlite driver', () => {
  it('resolves a relative filename against the workspace root and reports the version', async () => {
    tmp = tempSqlite('hostile.sqlite.sql');
    const d = createDriver(sqliteDatasource('db.sqlite'), ctx(tmp.dir)) as SqlDriver;
    const check = await d.testConnection();
    expect(check.ok).toBe(true);
    expect(check.serverVersion).toMatch(/^SQLite 3\./);
    expect(d.status()).toMatchObject({ connected: true, poolSize: 1 });
    await d.close();
    expect(d.status().connected).toBe(false);
  });

  it('answers a missing file with database_missing, naming the file', async () => {
    const d = createDriver(sqliteDatasource('nope/missing.sqlite'), ctx('/tmp'));
    const err = await d.testConnection().catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.code).toBe('database_missing');
    expect(err.message).toContain('nope/missing.sqlite');
  });

  it('decodes datetimes as ISO text and decimals as exact strings', async () => {
    const d = createDriver(sqliteDatasource(CHINOOK_SQLITE), ctx()) as SqlDriver;
    const { rows } = await d.query({ sql: 'select InvoiceDate, Total, InvoiceId from Invoice where InvoiceId = ?', parameters: [1] });
    expect(rows).toEqual([{ InvoiceDate: '2021-01-01T00:00:00', Total: '1.98', InvoiceId: 1 }]);
    await d.close();
  });

  it('returns array rows on request, decoded the same, for query and stream, and still refuses writes', async () => {
    const d = createDriver(sqliteDatasource(CHINOOK_SQLITE), ctx()) as SqlDriver;
    const sql = 'select InvoiceDate, Total, InvoiceId, InvoiceId from Invoice where InvoiceId <= ? order by InvoiceId';
    const objects = await d.query({ sql: 'select InvoiceDate, Total, InvoiceId from Invoice where InvoiceId <= ? order by InvoiceId', parameters: [2] });
    const arrays = await d.query<unknown[]>({ sql, parameters: [2] }, { rowMode: 'array' });
    expect(arrays.rows).toEqual([['2021-01-01T00:00:00', '1.98', 1, 1], ['2021-01-02T00:00:00', '3.96', 2, 2]]);
    expect(arrays.rows.map(([a, b, c]) => ({ InvoiceDate: a, Total: b, InvoiceId: c }))).toEqual(objects.rows);
    // The default mode of the same statement is unaffected by an array read before it.
    expect((await d.query({ sql, parameters: [1] })).rows).toEqual([{ InvoiceDate: '2021-01-01T00:00:00', Total: '1.98', InvoiceId: 1 }]);
    const streamed: unknown[] = [];
    for await (const r of d.stream<unknown[]>({ sql, parameters: [2] }, { rowMode: 'array' })) streamed.push(r);
    expect(streamed).toEqual(arrays.rows);
    await d.close();
  });

  it('refuses writes on a read-only datasource, in query and in write', async () => {
    tmp = tempSqlite('hostile.sqlite.sql');
    const d = createDriver(sqliteDatasource(tmp.file), ctx()) as SqlDriver;
    await expect(d.query({ sql: 'delete from "order"', parameters: [] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    await expect(d.write({ sql: 'delete from "order"', parameters: [] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    await expect(d.query({ sql: 'delete from "order"', parameters: [] }, { rowMode: 'array' })).rejects.toBeInstanceOf(WriteNotAllowedError);
    expect((await d.query({ sql: 'select count(*) as n from "order"', parameters: [] })).rows[0]).toEqual({ n: 1 });
    await d.close();
  });

  it('writes only through write() when the datasource allows it', async () => {
    tmp = tempSqlite('hostile.sqlite.sql');
    const d = createDriver(sqliteDatasource(tmp.file, { allowWrites: true, readOnly: false }), ctx()) as SqlDriver;
    await expect(d.query({ sql: 'delete from "order"', parameters: [] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    expect((await d.write({ sql: 'delete from "order" where "select" = ?', parameters: [1] })).rowCount).toBe(1);
    expect(d.capabilities.writes).toBe(true);
    await d.close();
  });

  it('streams rows with iterate() and stops when aborted', async () => {
    const d = createDriver(sqliteDatasource(CHINOOK_SQLITE), ctx()) as SqlDriver;
    let n = 0;
    for await (const r of d.stream<{ TrackId: number }>({ sql: 'select TrackId from Track order by TrackId', parameters: [] })) {
      expect(r.TrackId).toBe(++n);
    }
    expect(n).toBe(3503);
    const ac = new AbortController();
    let seen = 0;
    await expect(
      (async () => {
        for await (const _ of d.stream({ sql: 'select * from Track', parameters: [] }, { signal: ac.signal })) if (++seen === 10) ac.abort();
      })(),
    ).rejects.toThrow(/cancelled/);
    expect(seen).toBe(10);
    await d.close();
  });
});

describe('driver registry', () => {
  it('creates drivers lazily, once per datasource, and closes them all', async () => {
    const defs = [sqliteDatasource(CHINOOK_SQLITE, { name: 'a' }), sqliteDatasource(CHINOOK_SQLITE, { name: 'b' })];
    const reg = new DriverRegistry(defs, ctx());
    expect(reg.open()).toEqual([]);
    const a = reg.get('a') as SqlDriver;
    expect(reg.get('a')).toBe(a);
    await a.testConnection();
    expect(reg.open()).toEqual(['a']);
    expect(() => reg.get('zzz')).toThrow(/Unknown datasource "zzz".*a, b/);
    await reg.closeAll();
    expect(reg.open()).toEqual([]);
    await expect(a.query({ sql: 'select 1', parameters: [] })).rejects.toBeInstanceOf(DriverClosedError);
    expect(reg.get('a')).not.toBe(a);
    await reg.closeAll();
  });
});
