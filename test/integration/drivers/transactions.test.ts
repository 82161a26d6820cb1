/**
 * `transaction(fn)` on PostgreSQL (BEGIN READ WRITE on one pooled client) and MariaDB (START TRANSACTION READ
 * WRITE on one connection): committed when fn resolves; rolled back when a statement fails, fn throws, the
 * signal aborts (the running statement is cancelled on the server) or the statement timeout expires; refused
 * on a datasource without writes; reads inside see the transaction's own rows, other sessions do not; the
 * pool gets its connection back in a clean state (the next read is read-only again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, QueryCancelledError, QueryError, QueryTimeoutError, WriteNotAllowedError, type SqlDriver } from '../../../src/main/drivers';
import { createMysqlDatabase, createPgDatabase, mysqlCli, mysqlDatasource, noSecrets, pgDatasource, psql, type TestDatabase } from '../../helpers/databases';

const ctx = { workspaceRoot: '/', ...noSecrets };

interface Engine {
  name: string;
  setup(): Promise<{ rw: SqlDriver; ro: SqlDriver; db: TestDatabase }>;
  insert(name: string): { sql: string; parameters: unknown[] };
  sleep: string;
}

const engines: Engine[] = [
  {
    name: 'postgres',
    async setup() {
      const db = await createPgDatabase('pgtx');
      psql(db.name, `create table item (id serial primary key, name text not null unique); insert into item (name) values ('one'), ('two');`);
      return {
        db,
        rw: createDriver(pgDatasource(db.name, { allowWrites: true, readOnly: false, pool: { max: 2 } }), ctx) as SqlDriver,
        ro: createDriver(pgDatasource(db.name), ctx) as SqlDriver,
      };
    },
    insert: (name) => ({ sql: 'insert into item (name) values ($1) returning id', parameters: [name] }),
    sleep: 'select pg_sleep(30)',
  },
  {
    name: 'mariadb',
    async setup() {
      const db = await createMysqlDatabase('mytx');
      mysqlCli(db.name, `create table item (id int auto_increment primary key, name varchar(50) not null unique) engine=InnoDB; insert into item (name) values ('one'), ('two');`);
      return {
        db,
        rw: createDriver(mysqlDatasource(db.name, { allowWrites: true, readOnly: false, pool: { max: 2 } }), ctx) as SqlDriver,
        ro: createDriver(mysqlDatasource(db.name), ctx) as SqlDriver,
      };
    },
    insert: (name) => ({ sql: 'insert into item (name) values (?)', parameters: [name] }),
    sleep: 'select sleep(30)',
  },
];

for (const engine of engines) {
  describe(`${engine.name} transactions`, () => {
    let rw: SqlDriver;
    let ro: SqlDriver;
    let db: TestDatabase;
    beforeAll(async () => {
      ({ rw, ro, db } = await engine.setup());
    });
    afterAll(async () => {
      await rw?.close();
      await ro?.close();
      await db?.drop();
    });
    const names = async () => (await ro.query<{ name: string }>({ sql: 'select name from item order by id', parameters: [] })).rows.map((r) => r.name);

    it('commits when the function resolves; its own reads see its rows, another session does not until COMMIT', async () => {
      const ids = await rw.transaction(async (tx) => {
        const a = await tx.write(engine.insert('three'));
        const b = await tx.write(engine.insert('four'));
        expect((await tx.query<{ n: number }>({ sql: 'select count(*) as n from item', parameters: [] })).rows[0]!.n).toBe(4);
        expect(await names()).toEqual(['one', 'two']);
        return engine.name === 'postgres' ? [a.rows[0]!.id, b.rows[0]!.id] : [a.insertId, b.insertId];
      });
      expect(ids.map(Number)).toEqual([3, 4]);
      expect(await names()).toEqual(['one', 'two', 'three', 'four']);
    });

    it('rolls back everything when a statement fails or the function throws', async () => {
      const failed = await rw.transaction(async (tx) => {
        await tx.write(engine.insert('five'));
        await tx.write(engine.insert('one'));
      }).catch((e) => e);
      expect(failed).toBeInstanceOf(QueryError);
      const thrown = await rw.transaction(async (tx) => {
        await tx.write(engine.insert('five'));
        throw new Error('changed my mind');
      }).catch((e) => e);
      expect(thrown.message).toBe('changed my mind');
      expect(await names()).toEqual(['one', 'two', 'three', 'four']);
      // The connection went back to the pool clean: a plain read on the writable driver is read-only again.
      await expect(rw.query(engine.insert('six'))).rejects.toBeInstanceOf(WriteNotAllowedError);
    });

    it('aborting cancels the running statement on the server and rolls back', async () => {
      const ac = new AbortController();
      const p = rw.transaction(async (tx) => {
        await tx.write(engine.insert('five'));
        setTimeout(() => ac.abort(), 200);
        await tx.query({ sql: engine.sleep, parameters: [] });
      }, { signal: ac.signal });
      await expect(p).rejects.toBeInstanceOf(QueryCancelledError);
      expect(await names()).toEqual(['one', 'two', 'three', 'four']);
    });

    it('the statement timeout applies to every statement and rolls back', async () => {
      const p = rw.transaction(async (tx) => {
        await tx.write(engine.insert('five'));
        await tx.query({ sql: engine.sleep, parameters: [] });
      }, { timeoutMs: 300 });
      await expect(p).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(await names()).toEqual(['one', 'two', 'three', 'four']);
    });

    it('is refused on a datasource that does not allow writes', async () => {
      let ran = false;
      await expect(ro.transaction(async () => {
        ran = true;
      })).rejects.toBeInstanceOf(WriteNotAllowedError);
      expect(ran).toBe(false);
    });
  });
}
