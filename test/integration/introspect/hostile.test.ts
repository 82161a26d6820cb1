import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, QueryError } from '../../../src/main/drivers';
import { evaluateObjectFile, planImport, writeImport, type Catalog } from '../../../src/main/introspect';
import type { ObjectDefinition } from '../../../src/main/metadata/object';
import type { DatasourceDefinition } from '../../../src/main/metadata/datasource';
import {
  FIXTURES, createMysqlDatabase, createPgDatabase, mysqlCli, mysqlDatasource, noSecrets, pgDatasource, psql, tempDir, type TestDatabase,
} from '../../helpers/databases';

let pgDb: TestDatabase;
let myDb: TestDatabase;
const dirs: Array<{ cleanup(): void }> = [];
const fixture = (f: string) => readFileSync(path.join(FIXTURES, 'sql', f), 'utf8');

beforeAll(async () => {
  [pgDb, myDb] = await Promise.all([createPgDatabase('hostile'), createMysqlDatabase('hostile')]);
  psql(pgDb.name, fixture('hostile.postgres.sql') + '\ncreate schema secret_stuff; create table secret_stuff.salaries (id int primary key, amount numeric);');
  mysqlCli(myDb.name, fixture('hostile.mysql.sql'));
});
afterAll(async () => {
  await Promise.all([pgDb?.drop(), myDb?.drop()]);
  dirs.forEach((d) => d.cleanup());
});

async function introspect(def: DatasourceDefinition, opts = {}): Promise<Catalog> {
  const d = createDriver(def, { workspaceRoot: '/', ...noSecrets });
  try {
    return await d.introspect(opts);
  } finally {
    await d.close();
  }
}

async function importAll(catalog: Catalog): Promise<Map<string, { object: ObjectDefinition; source: string }>> {
  const out = tempDir();
  dirs.push(out);
  const plan = await planImport(catalog, { datasource: 'legacy', all: true, namespace: 'biz', outDir: out.dir });
  await writeImport(plan);
  const result = new Map<string, { object: ObjectDefinition; source: string }>();
  for (const f of plan.files) {
    const ev = await evaluateObjectFile(f.path);
    expect(ev.problems, f.path).toEqual([]);
    result.set(ev.object!.name, { object: ev.object!, source: ev.source });
  }
  return result;
}

describe('hostile schema on PostgreSQL', () => {
  it('reads composite keys, enums, comments, quoted names, reserved words, views, no-PK tables and unknown types', async () => {
    const cat = await introspect(pgDatasource(pgDb.name));
    const t = (n: string) => cat.tables.find((x) => x.name === n)!;
    expect(cat.tables.map((x) => [x.name, x.kind])).toEqual([
      ['Customer Account', 'table'], ['Paid Orders', 'view'], ['event_log', 'table'], ['no_key_at_all', 'table'], ['order', 'table'], ['order_line', 'table'],
    ]);
    expect(cat.enums).toEqual([{ schema: 'public', name: 'order_status', values: ['new', 'paid', 'shipped', "it's complicated"] }]);
    expect(t('order').primaryKey).toEqual(['select', 'from']);
    expect(t('order').columns.find((c) => c.name === 'status')).toMatchObject({ normalizedType: 'enum', enumValues: ['new', 'paid', 'shipped', "it's complicated"], default: "'new'::order_status" });
    expect(t('order').columns.find((c) => c.name === 'search')).toMatchObject({ dataType: 'tsvector', normalizedType: 'text', unknownType: 'text' });
    expect(t('order').columns.find((c) => c.name === 'valid_during')).toMatchObject({ dataType: 'int4range', unknownType: 'text' });
    expect(t('order').columns.find((c) => c.name === 'tags')).toMatchObject({ dataType: 'text[]', normalizedType: 'json' });
    expect(t('order').columns.find((c) => c.name === 'total')).toMatchObject({ precision: 12, scale: 2 });
    expect(t('order_line').foreignKeys).toEqual([
      { name: 'order_line_order_select_order_from_fkey', columns: ['order_select', 'order_from'], referencedSchema: 'public', referencedTable: 'order', referencedColumns: ['select', 'from'] },
    ]);
    expect(t('Customer Account')).toMatchObject({ comment: 'People and firms we sell to' });
    expect(t('Customer Account').columns.map((c) => [c.name, c.autoIncrement, c.comment])).toEqual([
      ['AccountId', true, null], ['DisplayName', false, 'Name shown on invoices'], ['e-mail', false, null], ['Created At', false, null],
    ]);
    expect(t('Customer Account').uniqueConstraints).toEqual([{ name: 'Customer Account_e-mail_key', columns: ['e-mail'] }]);
    expect(t('event_log').candidateKey).toEqual(['code']);
    expect(t('no_key_at_all').candidateKey).toBeNull();
    expect(cat.warnings).toEqual([
      'public.Paid Orders: view "Paid Orders" has no primary key and no unique key; records cannot be opened one by one until you choose a primaryKey in the object file.',
      'public.event_log: table "event_log" has no primary key; the unique key (code) is offered instead — confirm it identifies one row.',
      'public.no_key_at_all: table "no_key_at_all" has no primary key and no unique key; records cannot be opened one by one until you choose a primaryKey in the object file.',
      'public.order: column "search" has type tsvector, which ObjectDesk does not know; it is read as text.',
      'public.order: column "valid_during" has type int4range, which ObjectDesk does not know; it is read as text.',
    ]);
  });

  it('imports every table into files that validate', async () => {
    const objects = await importAll(await introspect(pgDatasource(pgDb.name)));
    expect([...objects.keys()].sort()).toEqual(['biz_customer_account', 'biz_event_log', 'biz_no_key_at_all', 'biz_order', 'biz_order_line', 'biz_paid_orders']);
    const order = objects.get('biz_order')!;
    expect(order.object.external).toEqual({ table: 'order', schema: 'public', writable: false });
    expect(order.object.primaryKey).toEqual(['select', 'from']);
    expect(order.object.fields.status).toMatchObject({ type: 'select', options: [
      { label: 'new', value: 'new' }, { label: 'paid', value: 'paid' }, { label: 'shipped', value: 'shipped' }, { label: "it's complicated", value: "it's complicated" },
    ] });
    expect(order.object.fields.account_id).toMatchObject({ type: 'lookup', reference_to: 'biz_customer_account', column: 'AccountId' });
    expect(order.object.fields.search).toMatchObject({ type: 'text' });
    expect(order.source).toContain('// database type tsvector is not known to ObjectDesk; read as text');
    expect(order.object.fields.tags).toMatchObject({ type: 'json' });
    const account = objects.get('biz_customer_account')!.object;
    expect(account.description).toBe('People and firms we sell to');
    expect(account.fields.display_name).toMatchObject({ description: 'Name shown on invoices', column: 'DisplayName', required: true });
    expect(account.fields.account_id).toMatchObject({ type: 'autonumber', readonly: true });
    expect(account.fields.created_at).toMatchObject({ type: 'datetime', column: 'Created At' });
    expect(account.fields.created_at).not.toHaveProperty('required');
    expect(objects.get('biz_order_line')!.source).toContain('Composite foreign key (order_select, order_from) → order(select, from)');
    expect(objects.get('biz_event_log')!.object.primaryKey).toEqual(['code']);
    expect(objects.get('biz_no_key_at_all')!.object.primaryKey).toEqual([]);
    expect(objects.get('biz_paid_orders')!.source).toContain('"Paid Orders" is a view');
  });

  it('reads only allowedSchemas (default public), and refuses schemas outside them', async () => {
    const def = pgDatasource(pgDb.name);
    expect((await introspect(def)).tables.some((t) => t.name === 'salaries')).toBe(false);
    await expect(introspect(def, { schemas: ['secret_stuff'] })).rejects.toThrow(QueryError);
    await expect(introspect(def, { schemas: ['secret_stuff'] })).rejects.toThrow(/not in allowedSchemas \(public\)/);
    const both = await introspect(pgDatasource(pgDb.name, { allowedSchemas: ['public', 'secret_stuff'] }));
    expect(both.tables.find((t) => t.name === 'salaries')).toMatchObject({ schema: 'secret_stuff', primaryKey: ['id'] });
    expect(both.schemas).toEqual(['public', 'secret_stuff']);
  });
});

describe('hostile schema on MariaDB', () => {
  it('reads composite keys, ENUM columns, comments, quoted names, views, no-PK tables and unknown types', async () => {
    const cat = await introspect(mysqlDatasource(myDb.name));
    expect(cat.engine).toBe('mariadb');
    const t = (n: string) => cat.tables.find((x) => x.name === n)!;
    expect(cat.tables.map((x) => [x.name, x.kind])).toEqual([
      ['Customer Account', 'table'], ['Paid Orders', 'view'], ['event_log', 'table'], ['no_key_at_all', 'table'], ['order', 'table'], ['order_line', 'table'],
    ]);
    expect(t('order').columns.find((c) => c.name === 'status')).toMatchObject({ normalizedType: 'enum', enumValues: ['new', 'paid', 'shipped', "it's complicated"] });
    expect(t('order').columns.find((c) => c.name === 'area')).toMatchObject({ unknownType: 'text' });
    expect(t('order').columns.find((c) => c.name === 'flags')).toMatchObject({ unknownType: 'text' });
    expect(t('event_log').columns.find((c) => c.name === 'payload')).toMatchObject({ normalizedType: 'json' });
    expect(t('order_line').foreignKeys).toEqual([
      { name: 'order_line_ibfk_1', columns: ['order_select', 'order_from'], referencedSchema: null, referencedTable: 'order', referencedColumns: ['select', 'from'] },
    ]);
    expect(t('order').foreignKeys.map((f) => [f.columns, f.referencedTable])).toEqual([[['AccountId'], 'Customer Account']]);
    expect(t('Customer Account')).toMatchObject({ comment: 'People and firms we sell to', primaryKey: ['AccountId'] });
    expect(t('Customer Account').columns.find((c) => c.name === 'DisplayName')).toMatchObject({ comment: 'Name shown on invoices', maxLength: 80 });
    expect(t('event_log').candidateKey).toEqual(['code']);
    expect(t('no_key_at_all').warnings[0]).toMatch(/no primary key and no unique key/);
  });

  it('imports every table into files that validate, with the same object names as on PostgreSQL', async () => {
    const objects = await importAll(await introspect(mysqlDatasource(myDb.name)));
    expect([...objects.keys()].sort()).toEqual(['biz_customer_account', 'biz_event_log', 'biz_no_key_at_all', 'biz_order', 'biz_order_line', 'biz_paid_orders']);
    const order = objects.get('biz_order')!.object;
    expect(order.external).toEqual({ table: 'order', writable: false });
    expect(order.fields.status).toMatchObject({ type: 'select' });
    expect(order.fields.account_id).toMatchObject({ type: 'lookup', reference_to: 'biz_customer_account' });
    expect(objects.get('biz_event_log')!.object.fields.payload).toMatchObject({ type: 'json' });
  });
});
