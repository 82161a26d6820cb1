import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, ConnectionError, DriverRegistry, QueryCancelledError, QueryTimeoutError, WriteNotAllowedError, type SqlDriver } from '../../../src/main/drivers';
import { createPgDatabase, noSecrets, pgAdmin, pgDatasource, pgSessions, psql, uniqueName, type TestDatabase } from '../../helpers/databases';

let db: TestDatabase;
const ctx = { workspaceRoot: '/', ...noSecrets };

beforeAll(async () => {
  db = await createPgDatabase('pgdriver');
  psql(db.name, `
    create table t (id int primary key, at timestamp, at_tz timestamptz, d date, amount numeric(20, 6), big int8, huge int8, flag boolean, doc jsonb);
    insert into t values (1, '2024-02-29 13:45:06.123456', '2024-02-29 13:45:06+02', '2024-02-29', 12345678901234.123456, 9007199254740991, 9223372036854775807, true, '{"a": [1, 2]}');
    insert into t select g, null, null, null, g, g, g, false, null from generate_series(2, 5000) g;`);
});
afterAll(async () => {
  await db?.drop();
});

/** A fake server speaking just enough of the PostgreSQL protocol to fail the way a real one would. */
async function fakeServer(onConnect: (socket: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnect(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((r) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => r());
    }),
  };
}

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([Buffer.from(`SFATAL\0C${code}\0M${message}\0`), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

describe('postgres driver: connection errors are specific and never echo the password', () => {
  it('auth_failed when the server rejects the password (fake server asking for a cleartext password)', async () => {
    const srv = await fakeServer((s) => {
      let stage = 0;
      s.on('data', () => {
        if (stage++ === 0) s.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
        else s.end(errorResponse('28P01', 'password authentication failed for user "ana"'));
      });
    });
    try {
      const d = createDriver(pgDatasource('crm', { config: { port: srv.port, user: 'ana', password: 'Tr0ub4dor&3' } }), ctx);
      const err = await d.testConnection().catch((e) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err.code).toBe('auth_failed');
      expect(err.message).toContain('user "ana"');
      expect(err.message).not.toContain('Tr0ub4dor&3');
      expect(JSON.stringify(err)).not.toContain('Tr0ub4dor&3');
      await d.close();
    } finally {
      await srv.close();
    }
  });

  it('auth_failed from a secret resolved through ctx.resolveSecret, message still without it', async () => {
    const srv = await fakeServer((s) => {
      let stage = 0;
      s.on('data', () => {
        if (stage++ === 0) s.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
        else s.end(errorResponse('28P01', 'password authentication failed for user "ana"'));
      });
    });
    try {
      const asked: string[] = [];
      const d = createDriver(pgDatasource('crm', { name: 'crm', config: { port: srv.port, user: 'ana', password: { $secret: 'crm' } } }), {
        workspaceRoot: '/',
        resolveSecret: async (ref) => (asked.push(ref.$secret), 'k3ych41n-value'),
      });
      const err = await d.testConnection().catch((e) => e);
      expect(asked).toEqual(['crm']);
      expect(err.code).toBe('auth_failed');
      expect(err.message).not.toContain('k3ych41n-value');
      await d.close();
    } finally {
      await srv.close();
    }
  });

  it('tls_required when the server demands encryption, and when ssl is asked of a server without it', async () => {
    const srv = await fakeServer((s) => s.once('data', () => s.end(errorResponse('28000', 'no pg_hba.conf entry for host "127.0.0.1", user "postgres", database "crm", no encryption'))));
    try {
      const d = createDriver(pgDatasource('crm', { config: { port: srv.port } }), ctx);
      expect((await d.testConnection().catch((e) => e)).code).toBe('tls_required');
      await d.close();
    } finally {
      await srv.close();
    }
    const real = createDriver(pgDatasource(db.name, { ssl: true }), ctx); // the test server runs without TLS
    expect((await real.testConnection().catch((e) => e)).code).toBe('tls_required');
    await real.close();
  });

  it('timeout when the server accepts but never answers', async () => {
    const srv = await fakeServer(() => {});
    try {
      const d = createDriver(pgDatasource('crm', { config: { port: srv.port }, pool: { connectionTimeoutMillis: 300 } }), ctx);
      const err = await d.testConnection().catch((e) => e);
      expect(err.code).toBe('timeout');
      expect(err.message).toContain('within 300 ms');
      await d.close();
    } finally {
      await srv.close();
    }
  });

  it('unknown_host, refused and database_missing against real endpoints', async () => {
    const unknown = createDriver(pgDatasource(db.name, { config: { host: 'objectdesk-no-such-host.invalid' } }), ctx);
    expect((await unknown.testConnection().catch((e) => e)).code).toBe('unknown_host');
    const port = await new Promise<number>((r) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const refused = createDriver(pgDatasource(db.name, { config: { port } }), ctx);
    const err = await refused.testConnection().catch((e) => e);
    expect(err.code).toBe('refused');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    const missing = createDriver(pgDatasource('od_does_not_exist_' + Date.now()), ctx);
    const m = await missing.testConnection().catch((e) => e);
    expect(m.code).toBe('database_missing');
    expect(m.message).toMatch(/database "od_does_not_exist_\d+" does not exist/);
    await Promise.all([unknown.close(), refused.close(), missing.close()]);
  });

  it('connects and reports the server version and latency', async () => {
    const d = createDriver(pgDatasource(db.name), ctx);
    const ok = await d.testConnection();
    expect(ok.ok).toBe(true);
    expect(ok.serverVersion).toMatch(/^PostgreSQL 15\./);
    expect(ok.latencyMs).toBeGreaterThan(0);
    await d.close();
  });
});

describe('postgres driver: reads', () => {
  it('decodes rows deliberately: ISO timestamps, exact numerics, safe int8 as numbers, big int8 as strings', async () => {
    const d = createDriver(pgDatasource(db.name), ctx) as SqlDriver;
    const { rows } = await d.query({ sql: 'select * from t where id = $1', parameters: [1] });
    expect(rows).toEqual([{
      id: 1, at: '2024-02-29T13:45:06.123456', at_tz: '2024-02-29T11:45:06Z', d: '2024-02-29', amount: '12345678901234.123456',
      big: 9007199254740991, huge: '9223372036854775807', flag: true, doc: { a: [1, 2] },
    }]);
    await d.close();
  });

  it('returns array rows on request, decoded exactly like object rows, from query and from the cursor', async () => {
    const d = createDriver(pgDatasource(db.name), ctx) as SqlDriver;
    const sql = 'select * from t where id <= $1 order by id';
    const objects = (await d.query({ sql, parameters: [3] })).rows;
    const arrays = (await d.query<unknown[]>({ sql, parameters: [3] }, { rowMode: 'array' })).rows;
    expect(arrays).toEqual(objects.map((o) => Object.values(o)));
    const streamed: unknown[] = [];
    for await (const r of d.stream<unknown[]>({ sql, parameters: [3] }, { rowMode: 'array', batchSize: 2 })) streamed.push(r);
    expect(streamed).toEqual(arrays);
    await expect(d.query({ sql: 'delete from t where id = $1', parameters: [2] }, { rowMode: 'array' })).rejects.toBeInstanceOf(WriteNotAllowedError);
    await d.close();
  });

  it('runs every read in a read-only session; write() refuses unless the datasource allows writes', async () => {
    const ro = createDriver(pgDatasource(db.name), ctx) as SqlDriver;
    await expect(ro.query({ sql: 'delete from t where id = $1', parameters: [2] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    await expect(ro.query({ sql: 'create table evil (x int)', parameters: [] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    await expect(ro.write({ sql: 'delete from t where id = $1', parameters: [2] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    expect((await ro.query({ sql: 'select count(*)::int as n from t', parameters: [] })).rows[0]).toEqual({ n: 5000 });
    await ro.close();
    const rw = createDriver(pgDatasource(db.name, { allowWrites: true, readOnly: false }), ctx) as SqlDriver;
    await expect(rw.query({ sql: 'delete from t where id = $1', parameters: [5000] })).rejects.toBeInstanceOf(WriteNotAllowedError);
    expect((await rw.write({ sql: 'delete from t where id = $1', parameters: [5000] })).rowCount).toBe(1);
    await rw.close();
  });

  it('streams through a server cursor in batches', async () => {
    const d = createDriver(pgDatasource(db.name), ctx) as SqlDriver;
    let n = 0;
    let last = 0;
    for await (const r of d.stream<{ id: number }>({ sql: 'select id from t where id > $1 order by id', parameters: [0] }, { batchSize: 128 })) {
      expect(r.id).toBeGreaterThan(last);
      last = r.id;
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(4999);
    expect(d.status()).toMatchObject({ poolSize: 1, idle: 1 });
    await d.close();
  });

  it('cancels on the server when the signal aborts, and stops at statement_timeout', async () => {
    const d = createDriver(pgDatasource(db.name, { queryTimeoutMs: 60_000 }), ctx) as SqlDriver;
    const ac = new AbortController();
    const running = d.query({ sql: 'select pg_sleep(30)', parameters: [] }, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    await expect(running).rejects.toBeInstanceOf(QueryCancelledError);
    await expect(d.query({ sql: 'select pg_sleep(30)', parameters: [] }, { timeoutMs: 150 })).rejects.toBeInstanceOf(QueryTimeoutError);
    expect((await d.query({ sql: 'select 1 as one', parameters: [] })).rows).toEqual([{ one: 1 }]);
    await d.close();
  });
});

describe('postgres driver: pools close cleanly', () => {
  it('leaves no server session behind after closeAll (pg_stat_activity by application_name)', async () => {
    const app = uniqueName('app');
    const reg = new DriverRegistry([pgDatasource(db.name, { name: 'pool_test', config: { applicationName: app }, pool: { min: 0, max: 4 } })], ctx);
    const d = reg.get('pool_test') as SqlDriver;
    await Promise.all([1, 2, 3].map(() => d.query({ sql: 'select pg_sleep(0.2)', parameters: [] })));
    expect(d.status()).toMatchObject({ connected: true, poolSize: 3 });
    expect(await pgSessions(app)).toBe(3);
    await reg.closeAll();
    expect(await pgSessions(app)).toBe(0);
  });

  it('honours pool.max: the fourth concurrent query waits for a connection', async () => {
    const app = uniqueName('app');
    const d = createDriver(pgDatasource(db.name, { config: { applicationName: app }, pool: { max: 2 } }), ctx) as SqlDriver;
    await Promise.all([1, 2, 3, 4].map(() => d.query({ sql: 'select pg_sleep(0.1)', parameters: [] })));
    expect(d.status().poolSize).toBe(2);
    await d.close();
    expect(await pgAdmin(async (c) => (await c.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [app])).rows[0].n)).toBe(0);
  });
});
