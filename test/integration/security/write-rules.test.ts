/**
 * Record rules on the VALUES written, on PostgreSQL (snake_case Chinook) and MariaDB (the SQLite unit test
 * is test/unit/security/write-rules.test.ts): the rule check runs inside the write statement against a
 * derived one-row table (PostgreSQL types it from the table; MariaDB materialises it, so an UPDATE may read
 * its own table). Jane creates and changes her own customers and invoices; a customer for another rep, a
 * move out of her rules, an invoice for another rep's customer and a lookup to a hidden or missing record
 * are refused naming the rule, audited as denied, and change 0 rows (database checksum).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import type { Session } from '../../../src/shared/api/session';
import { openTestApp } from '../../helpers/app';
import { mariaChinookEngine as mariaEngine, pgChinookEngine as pgEngine, refusal } from '../../helpers/chinook-servers';
import { governanceWorkspace } from '../../unit/security/workspace';

const REP_WRITER = `{
      name: 'rep_writer',
      objects: {
        customer: { allowRead: true, allowCreate: true, allowEdit: true },
        invoice: { allowRead: true, allowCreate: true, allowEdit: true },
        invoice_line: { allowRead: true, allowCreate: true, allowEdit: true },
      },
      recordRules: [
        { object: 'customer', operation: 'all', using: { support_rep_id: '$user.externalId' }, description: 'Customers I support' },
        { object: 'invoice', operation: 'all', using: { 'customer_id.support_rep_id': '$user.externalId' }, description: 'Invoices of customers I support' },
      ],
    },
    {
      name: 'team_writer',
      objects: { customer: { allowRead: true, allowCreate: true, allowEdit: true } },
      recordRules: [{ object: 'customer', operation: 'all', using: { support_rep_id: { $in: '$user.subordinates' } } }],
    },`;


const jane: Session = { user: 'jane.peacock', via: 'cli', reason: 'write rules on servers' };
const nancy: Session = { user: 'nancy.edwards', via: 'cli', reason: 'write rules on servers' };
const customer = (id: number, rep: number | null) => ({ customer_id: id, first_name: 'Ada', last_name: 'Lovelace', email: `ada${id}@example.com`, support_rep_id: rep });
const invoice = (id: number, customerId: number) => ({ invoice_id: id, customer_id: customerId, invoice_date: '2024-05-01T10:00:00', total: '9.90' });

for (const make of [pgEngine, mariaEngine]) {
  describe(`record rules on written values, ${make().name}`, () => {
    const engine = make();
    const n = (s: string) => engine.n(s);
    let ws: ReturnType<typeof governanceWorkspace>;
    let t: Awaited<ReturnType<typeof openTestApp>>;
    let api: Api;
    beforeAll(async () => {
      const { datasource, snakeCase } = await engine.setup();
      ws = governanceWorkspace({ datasource, snakeCase, writable: ['customer', 'invoice', 'invoice_line'], extraSets: REP_WRITER });
      const file = path.join(ws.dir, 'objectdesk.config.ts');
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replace("permissionSets: ['support_agent'],", "permissionSets: ['support_agent', 'rep_writer'],")
          .replace("permissionSets: ['sales_manager'],", "permissionSets: ['sales_manager', 'team_writer'],"),
      );
      t = await openTestApp({ workspaceDir: ws.dir });
      expect(t.app.problems).toEqual([]);
      api = createApi(t.app);
    });
    afterAll(async () => {
      await t?.dispose();
      ws?.cleanup();
      await engine.teardown();
    });
    const refusedUnchanged = async (p: () => Promise<unknown>) => {
      const before = await engine.checksum();
      const e = await refusal(p());
      expect(await engine.checksum()).toBe(before);
      return e;
    };
    const value = async (text: string) => Object.values((await engine.sql(text))[0] ?? {})[0];

    test('Jane creates and changes her own customer; not one for another rep, and cannot move hers away', async () => {
      expect(await api.call('data.create', { object: 'customer', values: customer(9001, 3) }, jane)).toMatchObject({ rowCount: 1 });
      expect(Number(await value(`SELECT ${n('SupportRepId')} FROM ${n('Customer')} WHERE ${n('CustomerId')} = 9001`))).toBe(3);
      expect(await api.call('data.update', { object: 'customer', key: 9001, values: { city: 'London' } }, jane)).toMatchObject({ rowCount: 1 });

      const other = await refusedUnchanged(() => api.call('data.create', { object: 'customer', values: customer(9002, 4) }, jane));
      expect(other.code).toBe('forbidden');
      expect(other.message).toMatch(/^create refused: the new record of "customer" would be outside your record rules \("Customers I support"\)/);
      expect((await refusedUnchanged(() => api.call('data.create', { object: 'customer', values: customer(9002, null) }, jane))).message).toBe(other.message);

      const moved = await refusedUnchanged(() => api.call('data.update', { object: 'customer', key: 1, values: { city: 'Nowhere', support_rep_id: 4 } }, jane));
      expect(moved.message).toMatch(/^update refused: the changed record of "customer" would be outside your record rules \("Customers I support"\)/);
      expect(Number(await value(`SELECT ${n('SupportRepId')} FROM ${n('Customer')} WHERE ${n('CustomerId')} = 1`))).toBe(3);
      expect((await refusedUnchanged(() => api.call('data.update', { object: 'customer', key: 2, values: { support_rep_id: 3 } }, jane))).code).toBe('not_found');

      const denied = t.app.audit.list({ user: 'jane.peacock', outcome: 'denied' });
      expect(denied.map((e) => e.errorCode)).toEqual(['forbidden.record_rule', 'forbidden.record_rule', 'forbidden.record_rule', 'not_found.not_writable']);
    });

    test('Jane creates an invoice for her customer, not for another rep\'s, and cannot move one there', async () => {
      expect(await api.call('data.create', { object: 'invoice', values: invoice(9001, 1) }, jane)).toMatchObject({ rowCount: 1 });
      expect(String(await value(`SELECT ${n('Total')} FROM ${n('Invoice')} WHERE ${n('InvoiceId')} = 9001`))).toBe('9.90');
      const other = await refusedUnchanged(() => api.call('data.create', { object: 'invoice', values: invoice(9002, 2) }, jane)); // customer 2: rep 5
      expect(other.message).toMatch(/^create refused: the new record of "invoice" would be outside your record rules \("Invoices of customers I support"\)/);
      expect((await refusedUnchanged(() => api.call('data.create', { object: 'invoice', values: invoice(9002, 99999) }, jane))).message).toBe(other.message);
      const moved = await refusedUnchanged(() => api.call('data.update', { object: 'invoice', key: 9001, values: { customer_id: 2 } }, jane));
      expect(moved.message).toMatch(/^update refused: the changed record of "invoice" would be outside your record rules/);
      expect(await api.call('data.update', { object: 'invoice', key: 9001, values: { customer_id: 3, billing_city: 'Prague' } }, jane)).toMatchObject({ rowCount: 1 });
      expect(Number(await value(`SELECT ${n('CustomerId')} FROM ${n('Invoice')} WHERE ${n('InvoiceId')} = 9001`))).toBe(3);
    });

    test('a lookup must point at a record Jane can read; hidden and missing get the same answer', async () => {
      const hidden = await refusedUnchanged(() => api.call('data.create', { object: 'invoice_line', values: { invoice_line_id: 9001, invoice_id: 1, track_id: 1, unit_price: '0.99', quantity: 1 } }, jane));
      const missing = await refusedUnchanged(() => api.call('data.create', { object: 'invoice_line', values: { invoice_line_id: 9001, invoice_id: 999999, track_id: 1, unit_price: '0.99', quantity: 1 } }, jane));
      expect(hidden.path).toBe('values.invoice_id');
      expect(hidden.message).toBe('create refused: the new record of "invoice_line" cannot point "invoice_id" at 1: that is not a "invoice" record you can see — choose one you can read');
      expect(missing.message).toBe(hidden.message.replace('at 1:', 'at 999999:'));
      expect(await api.call('data.create', { object: 'invoice_line', values: { invoice_line_id: 9001, invoice_id: 9001, track_id: 1, unit_price: '0.99', quantity: 1 } }, jane)).toMatchObject({ rowCount: 1 });
      expect((await refusedUnchanged(() => api.call('data.update', { object: 'invoice_line', key: 9001, values: { invoice_id: 1 } }, jane))).message).toBe(hidden.message.replace('create refused: the new', 'update refused: the changed'));
    });

    test('Nancy creates customers for her team ($user.subordinates), not for her manager', async () => {
      expect(await api.call('data.create', { object: 'customer', values: customer(9003, 4) }, nancy)).toMatchObject({ rowCount: 1 });
      const boss = await refusedUnchanged(() => api.call('data.create', { object: 'customer', values: customer(9004, 1) }, nancy));
      expect(boss.code).toBe('forbidden');
      expect(Number(await value(`SELECT count(*) FROM ${n('Customer')} WHERE ${n('CustomerId')} = 9004`))).toBe(0);
      expect(t.app.audit.verify().ok).toBe(true);
    });
  });
}
