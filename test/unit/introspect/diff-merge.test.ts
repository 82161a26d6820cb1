import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDriver } from '../../../src/main/drivers';
import { diffObjects, evaluateObjectFile, planImport, writeImport, type Catalog } from '../../../src/main/introspect';
import { noSecrets, sqliteDatasource, tempDir, tempSqlite } from '../../helpers/databases';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

async function catalogOf(file: string): Promise<Catalog> {
  const d = createDriver(sqliteDatasource(file, { name: 'shop' }), { workspaceRoot: '/', ...noSecrets });
  try {
    return await d.introspect();
  } finally {
    await d.close();
  }
}

const CREATE = `CREATE TABLE Product (
  ProductId INTEGER PRIMARY KEY, Name VARCHAR(40) NOT NULL, Price NUMERIC(10,2), LegacyCode VARCHAR(10),
  Stock INTEGER, InternalFlag INTEGER)`;

/** The user's edits to the imported file: a label, a description, a hidden field, a validation, a removed field. */
function editLikeAUser(text: string): string {
  const edited = text
    .replace("name: Field.text({ label: 'Name',", "name: Field.text({ label: 'Product name',")
    .replace("price: Field.number({ label: 'Price',", "price: Field.number({ label: 'Price', description: 'Net of VAT', min: 0,")
    .replace("stock: Field.number({ label: 'Stock',", "stock: Field.number({ label: 'Stock', hidden: true,")
    .replace(/\n\s*internal_flag: Field\.number\([^\n]*\),/, '');
  expect(edited).not.toBe(text);
  return edited;
}

describe('schema diff and re-import merge (sqlite)', () => {
  it('reports a dropped, a retyped and an added column exactly, and merges only those changes', async () => {
    const db = tempSqlite();
    const ws = tempDir();
    cleanups.push(db.cleanup, ws.cleanup);
    db.exec(CREATE);
    const first = await planImport(await catalogOf(db.file), { datasource: 'shop', all: true, outDir: ws.dir });
    await writeImport(first);
    const file = path.join(ws.dir, 'product.object.ts');
    writeFileSync(file, editLikeAUser(readFileSync(file, 'utf8')));
    const edited = await evaluateObjectFile(file);
    expect(edited.problems).toEqual([]);

    // Nothing changed in the database yet: no drift, and re-import leaves the user's file untouched.
    expect(diffObjects(await catalogOf(db.file), [{ object: edited.object!, file, snapshot: edited.snapshot }])).toEqual([]);
    const noop = await planImport(await catalogOf(db.file), { datasource: 'shop', tables: ['Product'], outDir: ws.dir });
    expect(noop.files[0].diff).toBe('');
    expect(noop.files[0].action).toBe('unchanged');

    db.exec(`
      CREATE TABLE Product2 (ProductId INTEGER PRIMARY KEY, Name VARCHAR(40) NOT NULL, Price NUMERIC(10,2),
        Stock VARCHAR(20), InternalFlag INTEGER, Sku VARCHAR(12));
      DROP TABLE Product;
      ALTER TABLE Product2 RENAME TO Product;`);
    const live = await catalogOf(db.file);
    const items = diffObjects(live, [{ object: edited.object!, file, snapshot: edited.snapshot }]);
    expect(items.map((i) => [i.kind, i.severity, i.field ?? null, i.column])).toEqual([
      ['column_missing', 'error', 'legacy_code', 'LegacyCode'],
      ['type_changed', 'error', 'stock', 'Stock'],
      ['column_added', 'warning', null, 'Sku'],
    ]);
    expect(items[0].fix).toBe(`Remove field "legacy_code" in ${file} (or set its column: to the column's new name); every query that selects it would fail.`);
    expect(items[1].message).toBe('field "product.stock" is number, but column "Stock" is now VARCHAR(20) (a text field).');
    expect(items[2].fix).toBe('Run `objectdesk import shop --tables Product` to add it as a field (your edits are kept), or ignore it.');

    const plan = await planImport(live, { datasource: 'shop', tables: ['Product'], outDir: ws.dir });
    const f = plan.files[0];
    expect(f.action).toBe('update');
    expect(f.changes).toEqual([
      'removed field "legacy_code": column "LegacyCode" no longer exists in Product',
      'field "stock": type number → text (column Stock changed in the database)',
      'added field "sku" for new column "Sku"',
    ]);
    expect(f.diff).toContain("-    legacy_code: Field.text({ label: 'Legacy Code', maxLength: 10, column: 'LegacyCode' }),");
    expect(f.diff).toContain("+    stock: Field.text({ label: 'Stock', hidden: true, maxLength: 20, column: 'Stock' }),");
    expect(f.diff).toContain("+    sku: Field.text({ label: 'SKU', maxLength: 12, column: 'Sku' }),");
    expect(readFileSync(file, 'utf8')).toBe(edited.source); // a plan writes nothing

    await writeImport(plan);
    const merged = await evaluateObjectFile(file);
    expect(merged.problems).toEqual([]);
    expect(merged.object!.fields).toEqual({
      product_id: { type: 'number', label: 'Product ID', required: true, scale: 0, column: 'ProductId' },
      name: { type: 'text', label: 'Product name', required: true, maxLength: 40, column: 'Name' },
      price: { type: 'number', label: 'Price', description: 'Net of VAT', min: 0, precision: 10, scale: 2, column: 'Price' },
      stock: { type: 'text', label: 'Stock', hidden: true, maxLength: 20, column: 'Stock' },
      sku: { type: 'text', label: 'SKU', maxLength: 12, column: 'Sku' },
    });
    // After the merge the object matches the database again, and the removed field stays removed.
    expect(diffObjects(live, [{ object: merged.object!, file, snapshot: merged.snapshot }])).toEqual([]);
    const again = await planImport(live, { datasource: 'shop', tables: ['Product'], outDir: ws.dir });
    expect(again.files[0].action).toBe('unchanged');
  });

  it('reports a missing table and a changed primary key with a fix', async () => {
    const db = tempSqlite();
    const ws = tempDir();
    cleanups.push(db.cleanup, ws.cleanup);
    db.exec('CREATE TABLE a (x INTEGER NOT NULL, y INTEGER NOT NULL, PRIMARY KEY (x)); CREATE TABLE gone (id INTEGER PRIMARY KEY);');
    await writeImport(await planImport(await catalogOf(db.file), { datasource: 'shop', all: true, outDir: ws.dir }));
    const a = await evaluateObjectFile(path.join(ws.dir, 'a.object.ts'));
    const gone = await evaluateObjectFile(path.join(ws.dir, 'gone.object.ts'));
    db.exec('DROP TABLE gone; CREATE TABLE a2 (x INTEGER NOT NULL, y INTEGER NOT NULL, PRIMARY KEY (x, y)); DROP TABLE a; ALTER TABLE a2 RENAME TO a;');
    const items = diffObjects(await catalogOf(db.file), [
      { object: a.object!, snapshot: a.snapshot },
      { object: gone.object!, snapshot: gone.snapshot },
    ]);
    expect(items.map((i) => [i.kind, i.object])).toEqual([['key_changed', 'a'], ['table_missing', 'gone']]);
    expect(items[0].message).toBe('object "a" uses primary key (x), but table "a" now has primary key (x, y).');
    const plan = await planImport(await catalogOf(db.file), { datasource: 'shop', tables: ['a'], outDir: ws.dir });
    expect(plan.files[0].changes).toEqual(['primary key (x) → (x, y)']);
  });
});

describe('re-import of a hand-written object file (no snapshot)', () => {
  it('leaves it byte for byte when it matches the table, and keeps its export form when the table changed', async () => {
    const db = tempSqlite();
    const ws = tempDir();
    cleanups.push(db.cleanup, ws.cleanup);
    db.exec('CREATE TABLE Genre (GenreId INTEGER PRIMARY KEY, Name VARCHAR(120))');
    const file = path.join(ws.dir, 'genre.object.ts');
    const handWritten = `import { ObjectSchema, Field } from '@objectstack/spec/data';

/** Music genres. */
export const Genre = ObjectSchema.create({
  name: 'genre',
  label: 'Genre',
  icon: 'tag',
  external: { table: 'Genre' },
  primaryKey: 'genre_id',
  fields: {
    genre_id: Field.number({ label: 'Genre ID', readonly: true, column: 'GenreId' }),
    name: Field.text({ label: 'Genre name', maxLength: 120, column: 'Name' }),
  },
});
`;
    writeFileSync(file, handWritten);
    const existing = [{ name: 'genre', file, table: 'Genre' }];
    const same = await planImport(await catalogOf(db.file), { datasource: 'shop', tables: ['Genre'], outDir: ws.dir, existing });
    expect(same.files[0]).toMatchObject({ action: 'unchanged', path: file, diff: '' });

    db.exec('ALTER TABLE Genre ADD COLUMN Slug VARCHAR(40)');
    const changed = await planImport(await catalogOf(db.file), { datasource: 'shop', tables: ['Genre'], outDir: ws.dir, existing });
    expect(changed.files[0].action).toBe('update');
    expect(changed.files[0].changes).toEqual(['added field "slug" for new column "Slug"']);
    expect(changed.files[0].content).toContain('export const Genre = ObjectSchema.create({');
    expect(changed.files[0].content).toContain("icon: 'tag',");
    expect(changed.files[0].content).toContain("name: Field.text({ label: 'Genre name', maxLength: 120, column: 'Name' }),");
  });
});
