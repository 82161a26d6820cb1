import net from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, ConnectionError, QueryCancelledError, QueryTimeoutError, WriteNotAllowedError, type SqlDriver } from '../../../src/main/drivers';
import { MY, createMysqlDatabase, mysqlCli, mysqlDatasource, noSecrets, uniqueName, type TestDatabase } from '../../helpers/databases';

let db: TestDatabase;
const ctx = { workspaceRoot: '/', ...noSecrets };
const user = uniqueName('u').slice(0, 32);
const password = `pw-${user}-Zq9!`;

beforeAll(async () => {
  db = await createMysqlDatabase('mydriver');
  mysqlCli(db.name, `
    create table t (id int primary key, at datetime(6), ts timestamp null, d date, amount decimal(20, 6), big bigint, huge bigint unsigned, flag tinyint(1), kind enum('a', 'b'));
    insert into t values (1, '2024-02-29 13:45:06.123456', '2024-02-29 11:45:06', '2024-02-29', 12345678901234.123456, 9007199254740991, 18446744073709551615, 1, 'b');
    create table n (id int primary key);
    insert into n select seq from seq_1_to_3000;
    create user '${user}'@'127.0.0.1' identified by '${password}';
    grant select on \`${db.name}\`.* to '${user}'@'127.0.0.1';`);
});
afterAll(async () => {
  mysqlCli(null, `drop user if exists '${user}'@'127.0.0.1';`);
  await db?.drop();
});

describe('mysql driver: connection errors', () => {
  it('auth_failed for a wrong password, without echoing it', async () => {
    const d = createDriver(mysqlDatasource(db.name, { config: { user, password: 'wrong-Secret-42' } }), ctx);
    const err = await d.testConnection().catch((e) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.code).toBe('auth_failed');
    expect(err.message).toContain(`user "${user}"`);
    expect(err.message).not.toContain('wrong-Secret-42');
    await d.close();
    const ok = createDriver(mysqlDatasource(db.name, { config: { user, password } }), ctx);
    expect((await ok.testConnection()).serverVersion).toMatch(/^MariaDB 10\.11/);
    await ok.close();
  });

  it('unknown_host, refused, database_missing and timeout', async () => {
    const unknown = createDriver(mysqlDatasource(db.name, { config: { host: 'objectdesk-no-such-host.invalid' } }), ctx);
    expect((await unknown.testConnection().catch((e) => e)).code).toBe('unknown_host');
    const port = await new Promise<number>((r) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const refused = createDriver(mysqlDatasource(db.name, { config: { port } }), ctx);
    expect((await refused.testConnection().catch((e) => e)).code).toBe('refused');
    const missing = createDriver(mysqlDatasource('od_missing_' + Date.now()), ctx);
    expect((await missing.testConnection().catch((e) => e)).code).toBe('database_missing');
    const silent = net.createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const hang = createDriver(mysqlDatasource(db.name, { config: { port: (silent.address() as net.AddressInfo).port }, pool: { connectionTimeoutMillis: 300 } }), ctx);
    expect((await hang.testConnection().catch((e) => e)).code).toBe('timeout');
    await Promise.all([unknown.close(), refused.close(), missing.close(), hang.close()]);
    silent.close();
  });

  it('tls_required when ssl is asked of a server without TLS', async () => {
    const d = createDriver(mysqlDatasource(db.name, { ssl: true }), ctx);
    expect((await d.testConnection().catch((e) => e)).code).toBe('tls_required');
    await d.close();
  });
});

describe('mysql driver: reads', () => {
  it('decodes decimals as strings, dates as ISO text, big integers as numbers only when safe', async () => {
    const d = createDriver(mysqlDatasource(db.name), ctx) as SqlDriver;
    const { rows } = await d.query({ sql: 'select * from t where id = ?', parameters: [1] });
    expect(rows).toEqual([{
      id: 1, at: '2024-02-29T13:45:06.123456', ts: '2024-02-29T11:45:06Z', d: '2024-02-29', amount: '12345678901234.123456',
      big: 9007199254740991, huge: '18446744073709551615', flag: true, kind: 'b',
    }]);
    await d.close();
  });

  it('returns array rows on request, decoded exactly like object rows, from query and from the stream', async () => {
    const d = createDriver(mysqlDatasource(db.name), ctx) as SqlDriver;
    const sql = 'select t.*, n.id as n_id from t join n on n.id <= 2 where t.id = ? order by n.id';
    const objects = (await d.query({ sql, parameters: [1] })).rows;
    expect(objects).toHaveLength(2);
    const arrays = (await d.query<unknown[]>({ sql, parameters: [1] }, { rowMode: 'array' })).rows;
    expect(arrays).toEqual(objects.map((o) => Object.values(o)));
    const streamed: unknown[] = [];
    for await (const r of d.stream<unknown[]>({ sql, parameters: [1] }, { rowMode: 'array' })) streamed.push(r);
    expect(streamed).toEqual(arrays);
    await expect(d.query({ sql: 'delete from n where id = ?', parameters: [1] }, { rowMode: 'array' })).rejects.toBeInstanceOf(WriteNotAllowedError);
    await d.close();
  });

  it('reads in read-only transactions; writes only through write() when allowed', async () => {
    const ro = createDriver(mysqlDatasource(db.name), ctx) as SqlDriver;
    await expect(ro.query({ sql: 'delete from n where id = ?', parameters: [1] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    await expect(ro.write({ sql: 'delete from n where id = ?', parameters: [1] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    expect((await ro.query({ sql: 'select count(*) as c from n', parameters: [] })).rows).toEqual([{ c: 3000 }]);
    await ro.close();
    const rw = createDriver(mysqlDatasource(db.name, { allowWrites: true, readOnly: false }), ctx) as SqlDriver;
    await expect(rw.query({ sql: 'delete from n where id = ?', parameters: [3000] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    expect((await rw.write({ sql: 'delete from n where id = ?', parameters: [3000] })).rowCount).toBe(1);
    await rw.close();
  });

  it('streams rows and returns the connection to the pool', async () => {
    const d = createDriver(mysqlDatasource(db.name), ctx) as SqlDriver;
    let n = 0;
    for await (const _ of d.stream({ sql: 'select id from n order by id', parameters: [] }, { batchSize: 100 })) n++;
    expect(n).toBeGreaterThanOrEqual(2999);
    expect(d.status()).toMatchObject({ poolSize: 1, idle: 1 });
    await d.close();
  });

  it('cancels with KILL QUERY when aborted, and stops at the statement timeout (MariaDB max_statement_time)', async () => {
    const d = createDriver(mysqlDatasource(db.name), ctx) as SqlDriver;
    const ac = new AbortController();
    const running = d.query({ sql: 'select sleep(30)', parameters: [] }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    await expect(running).rejects.toBeInstanceOf(QueryCancelledError);
    await expect(d.query({ sql: 'select count(*) from n a, n b, n c', parameters: [] }, { timeoutMs: 200 })).rejects.toBeInstanceOf(QueryTimeoutError);
    expect((await d.query({ sql: 'select 1 as one', parameters: [] })).rows).toEqual([{ one: 1 }]);
    await d.close();
  });

  it('leaves no connection behind after close', async () => {
    const admin = await mysql.createConnection({ ...MY });
    const count = async () => {
      const [r] = await admin.query<mysql.RowDataPacket[]>('select count(*) as n from information_schema.PROCESSLIST where DB = ? and USER = ?', [db.name, user]);
      return Number(r[0].n);
    };
    const d = createDriver(mysqlDatasource(db.name, { config: { user, password } }), ctx) as SqlDriver;
    await Promise.all([1, 2, 3].map(() => d.query({ sql: 'select sleep(0.2)', parameters: [] })));
    expect(await count()).toBe(3);
    await d.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await count()).toBe(0);
    await admin.end();
  });
});
