/**
 * Record rules hold for the VALUES written, not only for the record a write starts from (SQLite; the same
 * cases on PostgreSQL and MariaDB in test/integration/security/write-rules.test.ts): Jane, a support agent
 * whose rules are "Customers I support" and "Invoices of customers I support", creates and changes her own
 * customers and invoices, and cannot create a record for another rep, move one out of her rules, or point
 * a lookup at a record she cannot see. Every refusal names the rule, leaks nothing, is audited as denied,
 * and changes 0 rows (database checksum).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { ApiError } from '../../../src/shared/api/errors';
import type { Session } from '../../../src/shared/api/session';
import { compileInsert, compileUpdate } from '../../../src/main/objectql/write';
import { buildScope } from '../../../src/main/security/access-scope';
import { createRows } from '../../../src/main/security/write-rules';
import { openTestApp } from '../../helpers/app';
import { sqliteChecksum } from './checksum';
import { governanceWorkspace } from './workspace';

/** Jane may create and edit the customers and invoices of her rules; the lines' rules come only from their invoice. */
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

export function writeRulesWorkspace(opts: Parameters<typeof governanceWorkspace>[0] = {}): ReturnType<typeof governanceWorkspace> {
  const ws = governanceWorkspace({ ...opts, writable: ['customer', 'invoice', 'invoice_line'], extraSets: REP_WRITER });
  const file = path.join(ws.dir, 'objectdesk.config.ts');
  const config = readFileSync(file, 'utf8')
    .replace("permissionSets: ['support_agent'],", "permissionSets: ['support_agent', 'rep_writer'],")
    .replace("permissionSets: ['sales_manager'],", "permissionSets: ['sales_manager', 'team_writer'],");
  if (!config.includes("'support_agent', 'rep_writer'") || !config.includes("'sales_manager', 'team_writer'")) throw new Error('the demo users changed');
  writeFileSync(file, config);
  return ws;
}

const jane: Session = { user: 'jane.peacock', via: 'ui', reason: 'write rules test' };
const nancy: Session = { user: 'nancy.edwards', via: 'ui', reason: 'write rules test' };

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the call to be refused');
}

const customer = (id: number, rep: number | null) => ({ customer_id: id, first_name: 'Ada', last_name: 'Lovelace', email: `ada${id}@example.com`, support_rep_id: rep });
const invoice = (id: number, customerId: number) => ({ invoice_id: id, customer_id: customerId, invoice_date: '2024-05-01T10:00:00', total: '9.90' });

describe('record rules constrain the values written (SQLite)', () => {
  let ws: ReturnType<typeof governanceWorkspace>;
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  let db: Database.Database;
  beforeAll(async () => {
    ws = writeRulesWorkspace();
    t = await openTestApp({ workspaceDir: ws.dir });
    expect(t.app.problems).toEqual([]);
    api = createApi(t.app);
    db = new Database(ws.sqliteFile!, { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await t.dispose();
    ws.cleanup();
  });
  const one = (text: string, ...params: unknown[]) => db.prepare(text).get(...params) as Record<string, unknown> | undefined;
  /** Runs a call that must be refused and proves it changed nothing. */
  const refusedUnchanged = async (p: () => Promise<unknown>) => {
    const before = sqliteChecksum(ws.sqliteFile!);
    const e = await refusal(p());
    expect(sqliteChecksum(ws.sqliteFile!)).toBe(before);
    return e;
  };

  test('Jane creates a customer of her own and changes it', async () => {
    expect(await api.call('data.create', { object: 'customer', values: customer(9001, 3) }, jane)).toMatchObject({ rowCount: 1 });
    expect(one('SELECT SupportRepId FROM Customer WHERE CustomerId = 9001')).toEqual({ SupportRepId: 3 });
    expect(await api.call('data.update', { object: 'customer', key: 9001, values: { city: 'London', support_rep_id: 3 } }, jane)).toMatchObject({ rowCount: 1 });
    expect(one('SELECT City, SupportRepId FROM Customer WHERE CustomerId = 9001')).toEqual({ City: 'London', SupportRepId: 3 });
  });

  test('Jane cannot create a customer for another rep, or one without a rep: refused naming the rule, audited, 0 rows changed', async () => {
    const other = await refusedUnchanged(() => api.call('data.create', { object: 'customer', values: customer(9002, 4) }, jane));
    expect(other.code).toBe('forbidden');
    expect(other.message).toMatch(/^create refused: the new record of "customer" would be outside your record rules \("Customers I support"\)/);
    expect(other.message).not.toMatch(/email|phone/);
    const none = await refusedUnchanged(() => api.call('data.create', { object: 'customer', values: customer(9002, null) }, jane));
    expect(none.message).toBe(other.message);
    const omitted = { ...customer(9002, 3) } as Record<string, unknown>;
    delete omitted.support_rep_id;
    expect((await refusedUnchanged(() => api.call('data.create', { object: 'customer', values: omitted }, jane))).message).toBe(other.message);
    expect(one('SELECT count(*) AS n FROM Customer WHERE CustomerId = 9002')).toEqual({ n: 0 });
    const denied = t.app.audit.list({ user: 'jane.peacock', outcome: 'denied' }).filter((e) => e.operation === 'data.create');
    expect(denied.length).toBe(3);
    expect(denied.every((e) => e.errorCode === 'forbidden.record_rule' && e.object === 'customer')).toBe(true);
    expect(JSON.stringify(t.app.audit.list())).not.toContain('Lovelace');
  });

  test('Jane cannot move her customer to another rep; another rep\'s customer stays "not found"', async () => {
    const moved = await refusedUnchanged(() => api.call('data.update', { object: 'customer', key: 1, values: { support_rep_id: 4 } }, jane));
    expect(moved.code).toBe('forbidden');
    expect(moved.message).toMatch(/^update refused: the changed record of "customer" would be outside your record rules \("Customers I support"\)/);
    expect(moved.path).toBeUndefined();
    expect(one('SELECT SupportRepId FROM Customer WHERE CustomerId = 1')).toEqual({ SupportRepId: 3 });
    // Changing a field and the rep at once changes neither.
    await refusedUnchanged(() => api.call('data.update', { object: 'customer', key: 1, values: { city: 'Nowhere', support_rep_id: 5 } }, jane));
    expect(one('SELECT City FROM Customer WHERE CustomerId = 1')).not.toEqual({ City: 'Nowhere' });
    // Customer 2 is rep 5's: pulling it into her rules is answered like a missing record, not with her rule.
    const pulled = await refusedUnchanged(() => api.call('data.update', { object: 'customer', key: 2, values: { support_rep_id: 3 } }, jane));
    const missing = await refusedUnchanged(() => api.call('data.update', { object: 'customer', key: 99999, values: { support_rep_id: 3 } }, jane));
    expect(pulled.code).toBe('not_found');
    expect(pulled.message.replace('2', 'N')).toBe(missing.message.replace('99999', 'N'));
    const audit = t.app.audit.list({ user: 'jane.peacock', outcome: 'denied' }).filter((e) => e.operation === 'data.update');
    expect(audit.map((e) => e.errorCode)).toEqual(['forbidden.record_rule', 'forbidden.record_rule', 'not_found.not_writable', 'not_found.not_writable']);
  });

  test('Jane creates an invoice for her customer, not for another rep\'s customer, and cannot move one there', async () => {
    expect(await api.call('data.create', { object: 'invoice', values: invoice(9001, 1) }, jane)).toMatchObject({ rowCount: 1 });
    expect(one('SELECT CustomerId, Total FROM Invoice WHERE InvoiceId = 9001')).toEqual({ CustomerId: 1, Total: 9.9 });
    const other = await refusedUnchanged(() => api.call('data.create', { object: 'invoice', values: invoice(9002, 2) }, jane)); // customer 2: rep 5
    expect(other.code).toBe('forbidden');
    expect(other.message).toMatch(/^create refused: the new record of "invoice" would be outside your record rules \("Invoices of customers I support"\)/);
    const nowhere = await refusedUnchanged(() => api.call('data.create', { object: 'invoice', values: invoice(9002, 99999) }, jane));
    expect(nowhere.message).toBe(other.message);
    const moved = await refusedUnchanged(() => api.call('data.update', { object: 'invoice', key: 9001, values: { customer_id: 2 } }, jane));
    expect(moved.message).toMatch(/^update refused: the changed record of "invoice" would be outside your record rules \("Invoices of customers I support"\)/);
    expect(await api.call('data.update', { object: 'invoice', key: 9001, values: { customer_id: 3, billing_city: 'Prague' } }, jane)).toMatchObject({ rowCount: 1 });
    expect(one('SELECT CustomerId FROM Invoice WHERE InvoiceId = 9001')).toEqual({ CustomerId: 3 });
  });

  test('a lookup must point at a record the user can read: a hidden and a missing record get the same answer', async () => {
    // Jane's line rules come only from rep_writer (none): every line is hers, so only the lookup is checked.
    const own = one('SELECT l.InvoiceLineId AS id FROM InvoiceLine l JOIN Invoice i ON i.InvoiceId = l.InvoiceId JOIN Customer c ON c.CustomerId = i.CustomerId WHERE c.SupportRepId = 3 ORDER BY 1 LIMIT 1')!.id as number;
    const hidden = await refusedUnchanged(() => api.call('data.update', { object: 'invoice_line', key: own, values: { invoice_id: 1 } }, jane)); // invoice 1: customer 2, rep 5
    const missing = await refusedUnchanged(() => api.call('data.update', { object: 'invoice_line', key: own, values: { invoice_id: 999999 } }, jane));
    expect(hidden.code).toBe('forbidden');
    expect(hidden.path).toBe('values.invoice_id');
    expect(hidden.message).toBe('update refused: the changed record of "invoice_line" cannot point "invoice_id" at 1: that is not a "invoice" record you can see — choose one you can read');
    expect(missing.message).toBe(hidden.message.replace('at 1:', 'at 999999:'));
    const created = await refusedUnchanged(() => api.call('data.create', { object: 'invoice_line', values: { invoice_line_id: 9001, invoice_id: 1, track_id: 1, unit_price: '0.99', quantity: 1 } }, jane));
    expect(created.message).toMatch(/^create refused: .* cannot point "invoice_id" at 1: that is not a "invoice" record you can see/);
    // A lookup to an object without rules (track) still needs an existing record.
    const noTrack = await refusedUnchanged(() => api.call('data.create', { object: 'invoice_line', values: { invoice_line_id: 9001, invoice_id: 9001, track_id: 999999, unit_price: '0.99', quantity: 1 } }, jane));
    expect(noTrack.message).toMatch(/cannot point "track_id" at 999999: that is not a "track" record you can see/);
    expect(await api.call('data.create', { object: 'invoice_line', values: { invoice_line_id: 9001, invoice_id: 9001, track_id: 1, unit_price: '0.99', quantity: 1 } }, jane)).toMatchObject({ rowCount: 1 });
    expect(await api.call('data.update', { object: 'invoice_line', key: 9001, values: { invoice_id: 98 } }, jane)).toMatchObject({ rowCount: 1 }); // invoice 98: customer 1
  });

  test('$user.subordinates rules: Nancy creates customers for her team, not for her own manager', async () => {
    expect(await api.call('data.create', { object: 'customer', values: customer(9003, 3) }, nancy)).toMatchObject({ rowCount: 1 });
    const boss = await refusedUnchanged(() => api.call('data.create', { object: 'customer', values: customer(9004, 1) }, nancy));
    expect(boss.message).toMatch(/outside your record rules \("My own and my team's customers"; the rule \{"support_rep_id":\{"\$in":"\$user.subordinates"\}\}\)/);
    expect(boss.message).not.toMatch(/\[3, ?4, ?5\]/);
    expect(one('SELECT count(*) AS n FROM Customer WHERE CustomerId = 9004')).toEqual({ n: 0 });
  });
});

describe('the checked statements', () => {
  const check = { select: { sql: 'select "t0"."Id" as "c0" from "T" as "t0" where "t0"."Rep" = ? limit ?', parameters: [3, 1] }, row: { columns: ['Id', 'Rep', 'Name'], values: [{ column: 'Rep', value: 4 }] } };

  test('create: INSERT … SELECT guarded by the rule on a derived one-row table; values stay parameters', () => {
    const c = compileInsert('sqlite', { table: 'T' }, [{ column: 'Rep', value: 4 }], check);
    expect(c.sql).toBe('INSERT INTO "T" ("Rep") SELECT ? WHERE EXISTS (SELECT 1 FROM (select "t0"."Id" as "c0" from (SELECT NULL AS "Id", ? AS "Rep", NULL AS "Name") as "t0" where "t0"."Rep" = ? limit ?) "n")');
    expect(c.parameters).toEqual([4, 4, 3, 1]);
    const my = compileInsert('mysql', { table: 'T' }, [{ column: 'Rep', value: 4 }], { ...check, select: { ...check.select, sql: check.select.sql.replaceAll('"', '`') } });
    expect(my.sql).toContain('SELECT ? FROM DUAL WHERE EXISTS');
    expect(my.sql).toContain('from (SELECT NULL AS `Id`, ? AS `Rep`, NULL AS `Name` FROM DUAL) as `t0`');
  });

  test('update on PostgreSQL: new values over the old row, typed by a zero-row UNION with the table; $n renumbered', () => {
    const pg = { select: { sql: 'select "t0"."Id" as "c0" from "T" as "t0" where "t0"."Rep" = $1 limit $2', parameters: [3, 1] }, row: { ...check.row, key: [{ column: 'Id', value: 7 }] } };
    const c = compileUpdate('postgres', { table: 'T' }, [{ column: 'Id', value: 7 }], [{ column: 'Rep', value: 4 }], undefined, pg);
    expect(c.sql).toBe(
      'UPDATE "T" SET "Rep" = $1 WHERE "Id" = $2 AND EXISTS (SELECT 1 FROM (select "t0"."Id" as "c0" from (SELECT "Id", "Rep", "Name" FROM "T" WHERE FALSE UNION ALL SELECT "src"."Id" AS "Id", $3 AS "Rep", "src"."Name" AS "Name" FROM "T" AS "src" WHERE "src"."Id" = $4) as "t0" where "t0"."Rep" = $5 limit $6) "n")',
    );
    expect(c.parameters).toEqual([4, 7, 4, 7, 3, 1]);
  });

  test('the table is swapped only where the engine put it, never inside quoted text', () => {
    const quoted = { ...check, select: { sql: 'select \'from "T" as "t0"\' as "c0" from "U" as "t0"', parameters: [] } };
    expect(() => compileInsert('sqlite', { table: 'T' }, [{ column: 'Rep', value: 4 }], quoted)).toThrow(/only inside quoted text/);
    expect(() => compileInsert('sqlite', { table: 'V' }, [{ column: 'Rep', value: 4 }], check)).toThrow(/exactly one/);
  });
});

describe('which rules a create must satisfy', () => {
  const user = { name: 'u', admin: false, permissionSets: ['creator', 'editor'], externalId: 3, attributes: {} };
  const set = (name: string, perms: Record<string, boolean>, rules: Array<{ operation: string; using: Record<string, unknown> }>) => ({
    name,
    objects: { customer: { allowRead: true, allowCreate: false, allowEdit: false, allowDelete: false, viewAllRecords: false, modifyAllRecords: false, ...perms } },
    fields: {},
    recordRules: rules.map((r) => ({ object: 'customer', ...r })),
  });
  const ws = (sets: ReturnType<typeof set>[]) =>
    ({ permissionSets: new Map(sets.map((s) => [s.name, s])), objects: new Map([['customer', { name: 'customer', fields: { customer_id: { type: 'number' }, support_rep_id: { type: 'number' }, country: { type: 'text' } }, primaryKey: ['customer_id'] }]]) }) as never;
  const createOf = (sets: ReturnType<typeof set>[], subordinates: number[] = []) =>
    createRows({ access: buildScope(ws(sets), user as never, subordinates).object('customer')! }, 'customer');

  test('a create-only set: its own edit/all rules (not another set\'s, not read rules), subordinates resolved by the scope', () => {
    const sets = [
      set('creator', { allowCreate: true }, [
        { operation: 'all', using: { support_rep_id: '$user.externalId' } },
        { operation: 'edit', using: { support_rep_id: { $in: '$user.subordinates' } } },
        { operation: 'read', using: { country: 'X' } },
      ]),
      set('editor', { allowEdit: true }, [{ operation: 'edit', using: { country: 'Y' } }]),
    ];
    const rows = createOf(sets, [4, 5]);
    expect(JSON.stringify(rows)).toContain('"support_rep_id":3');
    expect(JSON.stringify(rows)).toContain('[4,5]');
    expect(JSON.stringify(rows)).not.toContain('"Y"');
    expect(JSON.stringify(rows)).not.toContain('"X"');
  });

  test('no edit rules, or modifyAllRecords, on the creating set: any record', () => {
    const editor = set('editor', { allowEdit: true }, [{ operation: 'edit', using: { country: 'Y' } }]);
    expect(createOf([set('creator', { allowCreate: true }, [{ operation: 'read', using: { country: 'X' } }]), editor])).toBe('all');
    expect(createOf([set('creator', { allowCreate: true, modifyAllRecords: true }, [{ operation: 'edit', using: { country: 'Z' } }]), editor])).toBe('all');
  });
});
