import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDriver } from '../../../src/main/drivers';
import { evaluateObjectFile, planImport, writeImport, type Catalog } from '../../../src/main/introspect';
import { CHINOOK_SQLITE, noSecrets, sqliteDatasource, tempDir, tempSqlite } from '../../helpers/databases';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

async function introspectFile(file: string): Promise<Catalog> {
  const d = createDriver(sqliteDatasource(file), { workspaceRoot: '/', ...noSecrets });
  try {
    return await d.introspect();
  } finally {
    await d.close();
  }
}

describe('sqlite introspection of a hostile schema', () => {
  it('reads composite keys, views, quoted names, reserved words, no-PK tables and unknown types', async () => {
    const db = tempSqlite('hostile.sqlite.sql');
    cleanups.push(db.cleanup);
    const cat = await introspectFile(db.file);
    const t = (n: string) => cat.tables.find((x) => x.name === n)!;
    expect(cat.tables.map((x) => [x.name, x.kind])).toEqual([
      ['Customer Account', 'table'], ['Paid Orders', 'view'], ['event_log', 'table'], ['no_key_at_all', 'table'], ['order', 'table'], ['order_line', 'table'],
    ]);
    expect(t('order').primaryKey).toEqual(['select', 'from']);
    expect(t('order_line').foreignKeys).toEqual([
      { name: null, columns: ['order_select', 'order_from'], referencedSchema: null, referencedTable: 'order', referencedColumns: ['select', 'from'] },
    ]);
    expect(t('Customer Account').columns.map((c) => c.name)).toEqual(['AccountId', 'DisplayName', 'e-mail', 'Created At']);
    expect(t('Customer Account').uniqueConstraints).toEqual([{ name: null, columns: ['e-mail'] }]);
    expect(t('Customer Account').columns[0].autoIncrement).toBe(true);
    expect(t('event_log').candidateKey).toEqual(['code']);
    expect(t('no_key_at_all').candidateKey).toBeNull();
    expect(t('no_key_at_all').warnings[0]).toMatch(/no primary key and no unique key/);
    const area = t('order').columns.find((c) => c.name === 'area')!;
    expect(area).toMatchObject({ normalizedType: 'text', unknownType: 'text', dataType: 'GEOGRAPHY' });
    expect(cat.warnings.some((w) => w.includes('GEOGRAPHY'))).toBe(true);
    expect(t('order').columns.find((c) => c.name === 'total')).toMatchObject({ normalizedType: 'decimal', precision: 12, scale: 2 });
  });

  it('imports every table to files that load and validate, with a namespace', async () => {
    const db = tempSqlite('hostile.sqlite.sql');
    const out = tempDir();
    cleanups.push(db.cleanup, out.cleanup);
    const plan = await planImport(await introspectFile(db.file), { datasource: 'legacy', all: true, namespace: 'biz', outDir: out.dir });
    await writeImport(plan);
    expect(plan.files.map((f) => [path.basename(f.path), f.action])).toEqual([
      ['biz_customer_account.object.ts', 'create'], ['biz_paid_orders.object.ts', 'create'], ['biz_event_log.object.ts', 'create'],
      ['biz_no_key_at_all.object.ts', 'create'], ['biz_order.object.ts', 'create'], ['biz_order_line.object.ts', 'create'],
    ]);
    for (const f of plan.files) {
      const ev = await evaluateObjectFile(f.path);
      expect(ev.problems, f.path).toEqual([]);
      expect(ev.object!.name).toBe(f.object);
    }
    const order = (await evaluateObjectFile(path.join(out.dir, 'biz_order.object.ts'))).object!;
    expect(order.external).toEqual({ table: 'order', writable: false });
    expect(order.primaryKey).toEqual(['select', 'from']);
    expect(order.fields.account_id).toMatchObject({ type: 'lookup', reference_to: 'biz_customer_account', column: 'AccountId', label: 'Account' });
    expect(order.fields.select).toMatchObject({ type: 'number' });
    expect(order.fields.select).not.toHaveProperty('column');
    const text = readFileSync(path.join(out.dir, 'biz_order.object.ts'), 'utf8');
    expect(text).toContain("import { ObjectSchema, Field } from '@objectstack/spec/data';");
    expect(text).toContain('// database type GEOGRAPHY is not known to ObjectDesk; read as text');
    const account = (await evaluateObjectFile(path.join(out.dir, 'biz_customer_account.object.ts'))).object!;
    expect(account.fields.e_mail).toMatchObject({ type: 'email', column: 'e-mail', unique: true, maxLength: 120 });
    expect(account.fields.created_at).toMatchObject({ type: 'datetime', column: 'Created At' });
    expect(account.fields.account_id).toMatchObject({ type: 'autonumber', readonly: true });
    const ev = (await evaluateObjectFile(path.join(out.dir, 'biz_event_log.object.ts'))).object!;
    expect(ev.primaryKey).toEqual(['code']);
    expect(readFileSync(path.join(out.dir, 'biz_event_log.object.ts'), 'utf8')).toContain('has no primary key; the unique key (code) is used instead');
  });

  it('imports the bundled Chinook: one valid file per table with lookups and composite keys', async () => {
    const out = tempDir();
    cleanups.push(out.cleanup);
    const plan = await planImport(await introspectFile(CHINOOK_SQLITE), { datasource: 'chinook', all: true, outDir: out.dir });
    await writeImport(plan);
    expect(plan.files.map((f) => f.object).sort()).toEqual(
      ['album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track'],
    );
    const objects = new Map<string, NonNullable<Awaited<ReturnType<typeof evaluateObjectFile>>['object']>>();
    for (const f of plan.files) {
      const ev = await evaluateObjectFile(f.path);
      expect(ev.problems).toEqual([]);
      objects.set(f.object, ev.object!);
    }
    expect(objects.get('customer')!.fields.support_rep_id).toMatchObject({ type: 'lookup', reference_to: 'employee', column: 'SupportRepId' });
    expect(objects.get('employee')!.fields.reports_to).toMatchObject({ type: 'lookup', reference_to: 'employee', column: 'ReportsTo' });
    expect(objects.get('playlist_track')!.primaryKey).toEqual(['playlist_id', 'track_id']);
    expect(objects.get('invoice')!.fields.total).toMatchObject({ type: 'number', precision: 10, scale: 2, required: true });
    expect(objects.get('invoice')!.fields.invoice_date).toMatchObject({ type: 'datetime', required: true });
    expect(objects.get('track')!.external).toEqual({ table: 'Track', writable: false });
  });

  it('imports only the chosen tables; lookups to tables not imported stay plain, with a note', async () => {
    const out = tempDir();
    cleanups.push(out.cleanup);
    const plan = await planImport(await introspectFile(CHINOOK_SQLITE), { datasource: 'chinook', tables: ['Album', 'artist'], outDir: out.dir });
    expect(plan.files.map((f) => f.object)).toEqual(['album', 'artist']);
    expect(plan.files[0].content).toContain("Field.lookup('artist'");
    const partial = await planImport(await introspectFile(CHINOOK_SQLITE), { datasource: 'chinook', tables: ['Album'], outDir: out.dir });
    expect(partial.files[0].content).toContain('References Artist.ArtistId, which has no object yet');
    await expect(planImport(await introspectFile(CHINOOK_SQLITE), { datasource: 'chinook', tables: ['Nope'], outDir: out.dir })).rejects.toThrow(/No table named "Nope"/);
  });
});
