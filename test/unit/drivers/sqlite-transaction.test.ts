/**
 * SqliteDriver.transaction: one BEGIN IMMEDIATE … COMMIT on the one connection. Committed when the function
 * resolves, rolled back when it throws, is cancelled or runs past its timeout; refused on a datasource that
 * does not allow writes; other callers' reads and writes wait until it ends (they never see uncommitted
 * rows nor join it); an INSERT reports lastInsertRowid as insertId.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDriver, QueryCancelledError, QueryError, QueryTimeoutError, WriteNotAllowedError, type SqlDriver } from '../../../src/main/drivers';
import { noSecrets, sqliteDatasource, tempSqlite, type TempSqlite } from '../../helpers/databases';

let tmp: TempSqlite | null = null;
let driver: SqlDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
  tmp?.cleanup();
  tmp = null;
});

function open(writable = true): SqlDriver {
  tmp = tempSqlite();
  tmp.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
  tmp.exec("INSERT INTO item (id, name) VALUES (1, 'one'), (2, 'two')");
  driver = createDriver(sqliteDatasource('db.sqlite', writable ? { readOnly: false, allowWrites: true } : {}), { workspaceRoot: tmp.dir, ...noSecrets }) as SqlDriver;
  return driver;
}

const names = async (d: SqlDriver) => (await d.query<{ name: string }>({ sql: 'SELECT name FROM item ORDER BY id', parameters: [] })).rows.map((r) => r.name);
const insert = (name: string) => ({ sql: 'INSERT INTO item (name) VALUES (?)', parameters: [name] });

describe('sqlite transactions', () => {
  it('commits every write when the function resolves, and reports the rowid of each insert', async () => {
    const d = open();
    const ids = await d.transaction(async (tx) => {
      const a = await tx.write(insert('three'));
      const b = await tx.write(insert('four'));
      // A read inside the transaction sees its own writes.
      expect((await tx.query({ sql: 'SELECT count(*) AS n FROM item', parameters: [] })).rows).toEqual([{ n: 4 }]);
      return [a.insertId, b.insertId];
    });
    expect(ids).toEqual([3, 4]);
    expect(await names(d)).toEqual(['one', 'two', 'three', 'four']);
    // An UPDATE has no insertId, although the connection's lastInsertRowid is still 4.
    expect(await d.write({ sql: 'UPDATE item SET name = ? WHERE id = ?', parameters: ['uno', 1] })).toEqual({ rows: [], rowCount: 1 });
  });

  it('rolls everything back when a statement fails or the function throws', async () => {
    const d = open();
    const failed = await d.transaction(async (tx) => {
      await tx.write(insert('three'));
      await tx.write(insert('one')); // UNIQUE violation
    }).catch((e) => e);
    expect(failed).toBeInstanceOf(QueryError);
    expect(failed.message).toMatch(/UNIQUE constraint failed/);
    const thrown = await d.transaction(async (tx) => {
      await tx.write(insert('five'));
      throw new Error('changed my mind');
    }).catch((e) => e);
    expect(thrown.message).toBe('changed my mind');
    expect(await names(d)).toEqual(['one', 'two']);
  });

  it('a cancelled or timed-out transaction writes nothing', async () => {
    const d = open();
    const ac = new AbortController();
    const cancelled = await d.transaction(async (tx) => {
      await tx.write(insert('three'));
      ac.abort();
      await tx.write(insert('four'));
    }, { signal: ac.signal }).catch((e) => e);
    expect(cancelled).toBeInstanceOf(QueryCancelledError);
    // Aborted after the last statement: the COMMIT is refused too.
    const late = new AbortController();
    const atCommit = await d.transaction(async (tx) => {
      await tx.write(insert('three'));
      late.abort();
    }, { signal: late.signal }).catch((e) => e);
    expect(atCommit).toBeInstanceOf(QueryCancelledError);
    const timedOut = await d.transaction(async (tx) => {
      await tx.write(insert('three'));
      await new Promise((r) => setTimeout(r, 30));
      await tx.write(insert('four'));
    }, { timeoutMs: 5 }).catch((e) => e);
    expect(timedOut).toBeInstanceOf(QueryTimeoutError);
    expect(await names(d)).toEqual(['one', 'two']);
  });

  it('is refused unless the datasource allows writes', async () => {
    const d = open(false);
    let ran = false;
    await expect(d.transaction(async () => {
      ran = true;
    })).rejects.toBeInstanceOf(WriteNotAllowedError);
    expect(ran).toBe(false);
  });

  it('other callers wait for the transaction: they neither see its uncommitted rows nor join it', async () => {
    const d = open();
    let release!: () => void;
    const paused = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    const tx = d.transaction(async (t) => {
      await t.write(insert('three'));
      inserted();
      await paused;
      throw new Error('roll back');
    }).catch((e) => e);
    await didInsert;
    const outsideRead = names(d);
    const outsideWrite = d.write(insert('outside'));
    const second = d.transaction(async (t) => t.write(insert('second')));
    release();
    expect((await tx).message).toBe('roll back');
    expect(await outsideRead).toEqual(['one', 'two']);
    expect((await outsideWrite).rowCount).toBe(1);
    expect((await second).rowCount).toBe(1);
    expect(await names(d)).toEqual(['one', 'two', 'outside', 'second']);
  });

  it('a transaction object cannot be used after it ended', async () => {
    const d = open();
    let leaked: Parameters<Parameters<SqlDriver['transaction']>[0]>[0] | null = null;
    await d.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.write(insert('late'))).rejects.toThrow(/already ended/);
    expect(await names(d)).toEqual(['one', 'two']);
  });
});
