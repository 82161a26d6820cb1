import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/main/audit';
import { chainHash, entryLine } from '../../../src/main/audit/chain';
import { entry, tamper, tempDataDir } from './helpers';

describe('verify() names what was tampered with', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let file: string;
  const open = () => AuditLog.open({ dataDir: tmp.dir, mode: 'inline' });
  const verify = async () => {
    const log = await open();
    const report = log.verify();
    await log.close();
    return report;
  };
  const kinds = (r: Awaited<ReturnType<typeof verify>>) => r.problems.map((p) => [p.seq, p.kind]);
  const hashOf = (seq: number) => {
    const db = new Database(file, { readonly: true });
    const h = (db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(seq) as { hash: string }).hash;
    db.close();
    return h;
  };

  beforeEach(async () => {
    tmp = tempDataDir();
    const log = await open();
    for (let i = 1; i <= 10; i++) await log.append(entry({ rowCount: i, reason: `read ${i}` }));
    file = log.path;
    await log.close();
  });
  afterEach(() => tmp.cleanup());

  it('an untouched log verifies and reports its head', async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, entries: 10, problems: [] });
    expect(r.head).toEqual({ seq: 10, hash: hashOf(10) });
  });

  it('an edited field (triggers dropped first) is named by seq', async () => {
    tamper(file, (db) => db.prepare(`UPDATE audit_log SET user = 'mallory' WHERE seq = 4`).run());
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(kinds(r)).toEqual([[4, 'edited']]);
  });

  it('an edited AST and an edited row count are both named', async () => {
    tamper(file, (db) => {
      db.prepare(`UPDATE audit_log SET ast = '{"object":"Invoice"}' WHERE seq = 2`).run();
      db.prepare('UPDATE audit_log SET row_count = 0 WHERE seq = 9').run();
    });
    expect(kinds(await verify())).toEqual([[2, 'edited'], [9, 'edited']]);
  });

  it('an entry edited and re-hashed is caught where the chain breaks', async () => {
    tamper(file, (db) => {
      const prev = hashOf(4);
      const line = entryLine({ at: '2020-01-01T00:00:00.000Z', user: 'mallory', via: 'ui', operation: 'query', object: 'Invoice', ast: null, rowCount: 1, outcome: 'ok' });
      db.prepare('UPDATE audit_log SET at = ?, user = ?, ast = NULL, row_count = 1, reason = NULL, hash = ? WHERE seq = 5').run('2020-01-01T00:00:00.000Z', 'mallory', chainHash(prev, line));
    });
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(kinds(r)).toEqual([[6, 'deleted']]);
    expect(r.problems[0].message).toMatch(/seq 5 replaced it/);
  });

  it('a deleted entry is named', async () => {
    tamper(file, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 5').run());
    const r = await verify();
    expect(kinds(r)).toEqual([[6, 'deleted']]);
    expect(r.problems[0].message).toMatch(/^seq 5 deleted/);
  });

  it('a deleted entry with the later ones renumbered is still found', async () => {
    tamper(file, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 5').run();
      db.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq > 5').run();
      db.prepare('UPDATE audit_log SET seq = seq - 1001 WHERE seq > 1000').run();
    });
    const r = await verify();
    expect(kinds(r)).toEqual([[5, 'deleted']]);
    expect(r.entries).toBe(9);
  });

  it('deleting the first entries is named', async () => {
    tamper(file, (db) => db.prepare('DELETE FROM audit_log WHERE seq <= 2').run());
    expect(kinds(await verify())).toEqual([[3, 'deleted']]);
  });

  it('two swapped entries are named as reordered', async () => {
    tamper(file, (db) => {
      db.prepare('UPDATE audit_log SET seq = -seq WHERE seq IN (5, 6)').run();
      db.prepare('UPDATE audit_log SET seq = 6 WHERE seq = -5').run();
      db.prepare('UPDATE audit_log SET seq = 5 WHERE seq = -6').run();
    });
    const r = await verify();
    expect(kinds(r)).toEqual([[5, 'reordered'], [6, 'reordered']]);
    expect(r.problems[0].message).toMatch(/written right after the entry now at seq 6/);
  });

  it('the last two entries swapped are named as reordered', async () => {
    tamper(file, (db) => {
      db.prepare('UPDATE audit_log SET seq = -seq WHERE seq IN (9, 10)').run();
      db.prepare('UPDATE audit_log SET seq = 10 WHERE seq = -9').run();
      db.prepare('UPDATE audit_log SET seq = 9 WHERE seq = -10').run();
    });
    expect(kinds(await verify())).toEqual([[9, 'reordered'], [10, 'reordered']]);
  });

  it('an entry moved to the end is named', async () => {
    tamper(file, (db) => {
      db.prepare('UPDATE audit_log SET seq = 100 WHERE seq = 3').run();
      db.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq > 3 AND seq < 100').run();
      db.prepare('UPDATE audit_log SET seq = seq - 1001 WHERE seq > 1000').run();
      db.prepare('UPDATE audit_log SET seq = 10 WHERE seq = 100').run();
    });
    expect(kinds(await verify())).toEqual([[10, 'reordered']]);
  });

  it('a forged entry inserted in the middle with a correct hash is named as inserted', async () => {
    tamper(file, (db) => {
      const prev = hashOf(5);
      db.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq > 5').run();
      db.prepare('UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000').run();
      const fields = { at: '2020-01-01T00:00:00.000Z', user: 'alice', via: 'ui', operation: 'query', object: 'Invoice', ast: null, rowCount: 0, outcome: 'ok', errorCode: null, reason: 'forged', durationMs: null };
      db.prepare(
        `INSERT INTO audit_log (seq, at, user, via, operation, object, ast, row_count, outcome, error_code, reason, duration_ms, prev_hash, hash)
         VALUES (6, @at, @user, @via, @operation, @object, @ast, @rowCount, @outcome, @errorCode, @reason, @durationMs, @prev, @hash)`,
      ).run({ ...fields, prev, hash: chainHash(prev, entryLine(fields)) });
    });
    const r = await verify();
    expect(r.entries).toBe(11);
    expect(kinds(r)).toEqual([[6, 'inserted']]);
  });

  it('a forged entry appended with a made-up hash is named', async () => {
    tamper(file, (db) =>
      db
        .prepare(`INSERT INTO audit_log (seq, at, user, via, operation, outcome, prev_hash, hash) VALUES (11, '2020-01-01T00:00:00.000Z', 'alice', 'ui', 'query', 'ok', ?, ?)`)
        .run(hashOf(10), 'f'.repeat(64)),
    );
    expect(kinds(await verify())).toEqual([[11, 'edited']]);
  });

  it('changing only seq values is named as renumbered', async () => {
    tamper(file, (db) => db.prepare('UPDATE audit_log SET seq = seq + 10 WHERE seq >= 8').run());
    expect(kinds(await verify())).toEqual([[18, 'renumbered']]);
  });

  it('entries appended after a tampered one still chain (the log keeps working) and the damage stays named', async () => {
    tamper(file, (db) => db.prepare(`UPDATE audit_log SET outcome = 'denied' WHERE seq = 3`).run());
    const log = await open();
    await log.append(entry());
    const r = log.verify();
    await log.close();
    expect(kinds(r)).toEqual([[3, 'edited']]);
    expect(r.entries).toBe(11);
  });
});
