/**
 * Governance on real servers. Acceptance on the demo's rules with Chinook on SQLite, PostgreSQL (snake_case
 * names: the fixture workspace is generated with table = object name, column = field name) and MariaDB:
 * per-user row counts equal hand-written SQL for the same rule, and agents never see customer email/phone.
 * Write paths and write-smuggling reads on each engine: refused paths and smuggling change 0 rows (database
 * checksum before/after), allowed writes change exactly one row, and reads run in read-only sessions.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { ApiError } from '../../../src/shared/api/errors';
import type { Session } from '../../../src/shared/api/session';
import { openTestApp } from '../../helpers/app';
import { mariaChinookEngine as mariaEngine, pgChinookEngine, refusal, type ServerEngine as Engine } from '../../helpers/chinook-servers';

// This suite names columns like `support_rep_id` from `SupportRepId`.
const pgEngine = () => pgChinookEngine({ snake: (s) => s.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/Id$/, '_id').replace(/__/g, '_').toLowerCase() });
import { sqliteChecksum } from '../../unit/security/checksum';
import { governanceWorkspace } from '../../unit/security/workspace';

const as = (user: string): Session => ({ user, via: 'cli', reason: 'governance acceptance' });
const USERS = ['jane.peacock', 'nancy.edwards', 'andrew.adams'] as const;

function sqliteEngine(): Engine & { file?: string } {
  const e: Engine & { file?: string } = {
    name: 'sqlite',
    async setup() {
      return { datasource: '', snakeCase: false };
    },
    async sql(text) {
      const db = new Database(e.file!, { readonly: true });
      try {
        return db.prepare(text).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    checksum: async () => sqliteChecksum(e.file!),
    teardown: async () => {},
    n: (s) => s,
  };
  return e;
}

for (const make of [sqliteEngine, pgEngine, mariaEngine]) {
  describe(`governance on ${make().name}`, () => {
    const engine = make();
    let ws: ReturnType<typeof governanceWorkspace>;
    let t: Awaited<ReturnType<typeof openTestApp>>;
    let api: Api;
    beforeAll(async () => {
      const { datasource, snakeCase } = await engine.setup();
      ws = governanceWorkspace({ ...(datasource ? { datasource } : {}), snakeCase, writable: ['customer', 'invoice_line', 'playlist_track'], janeWrites: true });
      if (!datasource) (engine as { file?: string }).file = ws.sqliteFile;
      t = await openTestApp({ workspaceDir: ws.dir });
      expect(t.app.problems).toEqual([]);
      api = createApi(t.app);
    });
    afterAll(async () => {
      await t?.dispose();
      ws?.cleanup();
      await engine.teardown();
    });
    const n = (s: string) => engine.n(s);
    const count = async (user: string, object: string) =>
      Number(((await api.call('data.query', { query: { object, aggregations: [{ function: 'count', alias: 'n' }] } }, as(user))) as { rows: { n: number }[] }).rows[0]!.n);
    const listed = async (user: string, object: string) => ((await api.call('data.query', { query: { object, limit: 100_000 } }, as(user))) as { rows: Record<string, unknown>[] }).rows;

    test('acceptance: each user\'s customers, invoices and lines equal hand-written SQL for the same rule', async () => {
      const reps: Record<(typeof USERS)[number], string> = { 'jane.peacock': '(3)', 'nancy.edwards': '(2, 3, 4, 5)', 'andrew.adams': '(1, 2, 3, 4, 5, 6, 7, 8)' };
      for (const user of USERS) {
        const rep = reps[user];
        const [C, I, L, cid, iid, rid] = [n('Customer'), n('Invoice'), n('InvoiceLine'), n('CustomerId'), n('InvoiceId'), n('SupportRepId')];
        const expected = {
          customer: `SELECT count(*) AS n FROM ${C} WHERE ${rid} IN ${rep}`,
          invoice: `SELECT count(*) AS n FROM ${I} i JOIN ${C} c ON c.${cid} = i.${cid} WHERE c.${rid} IN ${rep}`,
          invoice_line: `SELECT count(*) AS n FROM ${L} l JOIN ${I} i ON i.${iid} = l.${iid} JOIN ${C} c ON c.${cid} = i.${cid} WHERE c.${rid} IN ${rep}`,
        };
        for (const [object, text] of Object.entries(expected)) {
          const want = Number((await engine.sql(text))[0]!.n);
          expect(await count(user, object), `${user} ${object}`).toBe(want);
          expect((await listed(user, object)).length, `${user} lists ${object}`).toBe(want);
        }
      }
      expect(await count('jane.peacock', 'customer')).toBe(21);
      expect(await count('andrew.adams', 'invoice_line')).toBe(2240);
    });

    test('acceptance: agents never see customer email or phone; the general manager does', async () => {
      for (const f of ['email', 'phone']) {
        expect((await refusal(api.call('data.query', { query: { object: 'customer', fields: [f] } }, as('jane.peacock')))).message).toMatch(`unknown field "${f}"`);
      }
      for (const r of await listed('jane.peacock', 'customer')) {
        expect(r).not.toHaveProperty('email');
        expect(r).not.toHaveProperty('phone');
        expect(r.support_rep_id).toBe(3);
      }
      expect((await listed('andrew.adams', 'customer'))[0]).toHaveProperty('email');
    });

    test('write-smuggling reads change 0 rows (checksum before and after)', async () => {
      const before = await engine.checksum();
      const payloads = [
        "x'; DELETE FROM Customer; --",
        "x'); DROP TABLE Invoice; --",
        'WITH d AS (DELETE FROM Customer RETURNING *) SELECT * FROM d',
        'SELECT * FROM Customer FOR UPDATE',
        "'; UPDATE Customer SET City = 'pwned'; --",
        '$out',
        '{"$merge":{"into":"customer"}}',
      ];
      for (const p of payloads) {
        for (const query of [
          { object: 'customer', where: { city: p } },
          { object: 'customer', where: { last_name: { $icontains: p } } },
          { object: 'customer', search: p },
          { object: 'invoice', where: { billing_city: { $in: [p] } }, aggregations: [{ function: 'count', alias: 'n' }] },
          { object: 'customer', where: { city: { $ne: { $out: 'stolen' } } } },
          { object: 'customer', where: { $merge: { into: 'x' } } },
        ]) {
          for (const user of USERS) await api.call('data.query', { query }, as(user)).catch((e) => expect(e).toBeInstanceOf(ApiError));
        }
      }
      expect(await engine.checksum()).toBe(before);
    });

    test('reads run in read-only sessions even on a writable datasource', async () => {
      const before = await engine.checksum();
      const driver = t.app.drivers.get('chinook');
      if (driver.kind !== 'sql') throw new Error('sql expected');
      await expect(driver.query({ sql: `UPDATE ${n('Customer')} SET ${n('City')} = 'x'`, parameters: [] })).rejects.toThrow();
      await expect(driver.query({ sql: `DELETE FROM ${n('InvoiceLine')}`, parameters: [] })).rejects.toThrow();
      const stream = driver.stream({ sql: `DELETE FROM ${n('InvoiceLine')}`, parameters: [] });
      await expect((async () => {
        for await (const _ of stream) void _;
      })()).rejects.toThrow();
      expect(await engine.checksum()).toBe(before);
    });

    test('every write path: refused paths change nothing and are audited as denied; allowed ones change exactly one row', async () => {
      const before = await engine.checksum();
      const nancy = as('nancy.edwards');
      const jane = as('jane.peacock');
      const refused: Array<[string, Record<string, unknown>, Session]> = [
        ['data.update', { object: 'customer', key: 1, values: { city: 'X' } }, nancy], // no allowEdit
        ['data.delete', { object: 'customer', key: 1 }, nancy],
        ['data.create', { object: 'playlist_track', values: { playlist_id: 1, track_id: 1 } }, nancy],
        ['data.update', { object: 'invoice', key: 1, values: { billing_city: 'X' } }, jane], // invoice not writable
        ['data.update', { object: 'customer', key: 2, values: { city: 'X' } }, jane], // rep 5: outside her rules
        ['data.delete', { object: 'invoice_line', key: 1 }, jane], // outside her rules
        ['data.update', { object: 'customer', key: 1, values: { company: 'X' } }, jane], // not editable
        ['data.update', { object: 'customer', key: 1, values: { email: 'x@y.z' } }, jane], // hidden
        ['data.update', { object: 'customer', key: "1' OR '1'='1", values: { city: 'X' } }, jane],
      ];
      for (const [op, input, s] of refused) await refusal(api.call(op, input, s));
      expect(await engine.checksum()).toBe(before);
      const denied = t.app.audit.list({ outcome: 'denied' }).filter((e) => e.operation.startsWith('data.'));
      expect(denied.length).toBeGreaterThanOrEqual(7);

      expect(await api.call('data.update', { object: 'customer', key: 1, values: { city: "O'Brien; DROP TABLE x" } }, jane)).toMatchObject({ rowCount: 1 });
      const [row] = await engine.sql(`SELECT ${n('City')} AS c FROM ${n('Customer')} WHERE ${n('CustomerId')} = 1`);
      expect(row!.c).toBe("O'Brien; DROP TABLE x");
      const [line] = await engine.sql(`SELECT l.${n('InvoiceLineId')} AS id FROM ${n('InvoiceLine')} l JOIN ${n('Invoice')} i ON i.${n('InvoiceId')} = l.${n('InvoiceId')} JOIN ${n('Customer')} c ON c.${n('CustomerId')} = i.${n('CustomerId')} WHERE c.${n('SupportRepId')} = 3 ORDER BY 1 LIMIT 1`);
      expect(await api.call('data.update', { object: 'invoice_line', key: Number(line!.id), values: { quantity: 2 } }, jane)).toMatchObject({ rowCount: 1 });
      expect(await api.call('data.delete', { object: 'playlist_track', key: { playlist_id: 1, track_id: 3402 } }, jane)).toMatchObject({ rowCount: 1 });
      expect(await api.call('data.create', { object: 'playlist_track', values: { playlist_id: 1, track_id: 3402 } }, jane)).toMatchObject({ rowCount: 1 });
      expect(t.app.audit.verify().ok).toBe(true);
    });
  });
}
