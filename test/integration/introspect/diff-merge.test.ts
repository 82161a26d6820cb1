import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '../../../src/main/drivers';
import { diffObjects, evaluateObjectFile, planImport, writeImport, type Catalog } from '../../../src/main/introspect';
import type { DatasourceDefinition } from '../../../src/main/metadata/datasource';
import {
  createMysqlDatabase, createPgDatabase, mysqlCli, mysqlDatasource, noSecrets, pgDatasource, psql, tempDir, type TestDatabase,
} from '../../helpers/databases';

let pgDb: TestDatabase;
let myDb: TestDatabase;
const dirs: Array<{ cleanup(): void }> = [];

beforeAll(async () => {
  [pgDb, myDb] = await Promise.all([createPgDatabase('diff'), createMysqlDatabase('diff')]);
});
afterAll(async () => {
  await Promise.all([pgDb?.drop(), myDb?.drop()]);
  dirs.forEach((d) => d.cleanup());
});

async function catalogOf(def: DatasourceDefinition): Promise<Catalog> {
  const d = createDriver(def, { workspaceRoot: '/', ...noSecrets });
  try {
    return await d.introspect();
  } finally {
    await d.close();
  }
}

interface Engine {
  name: string;
  def: () => DatasourceDefinition;
  exec: (sql: string) => void;
  create: string;
  change: string;
}

const engines: Engine[] = [
  {
    name: 'postgres',
    def: () => pgDatasource(pgDb.name, { name: 'shop' }),
    exec: (sql) => psql(pgDb.name, sql),
    create: `create table product (product_id int primary key, name varchar(40) not null, price numeric(10, 2), legacy_code varchar(10), stock int, internal_flag int)`,
    change: `alter table product alter column stock type varchar(20); alter table product drop column legacy_code; alter table product add column sku varchar(12)`,
  },
  {
    name: 'mariadb',
    def: () => mysqlDatasource(myDb.name, { name: 'shop' }),
    exec: (sql) => mysqlCli(myDb.name, sql),
    create: `create table product (product_id int primary key, name varchar(40) not null, price decimal(10, 2), legacy_code varchar(10), stock int, internal_flag int)`,
    change: `alter table product modify stock varchar(20); alter table product drop column legacy_code; alter table product add column sku varchar(12)`,
  },
];

describe.each(engines)('schema diff and re-import merge on $name', (engine) => {
  it('alter a column type, drop one, add one → the exact report and the exact merge', async () => {
    engine.exec(engine.create);
    const ws = tempDir();
    dirs.push(ws);
    await writeImport(await planImport(await catalogOf(engine.def()), { datasource: 'shop', all: true, outDir: ws.dir }));
    const file = path.join(ws.dir, 'product.object.ts');
    // The user's edits: a label, a description and a validation, a hidden field, a removed field.
    const original = readFileSync(file, 'utf8');
    const edited = original
      .replace("name: Field.text({ label: 'Name',", "name: Field.text({ label: 'Product name',")
      .replace("price: Field.number({ label: 'Price',", "price: Field.number({ label: 'Price', description: 'Net of VAT', min: 0,")
      .replace("stock: Field.number({ label: 'Stock',", "stock: Field.number({ label: 'Stock', hidden: true,")
      .replace(/\n\s*internal_flag: Field\.number\([^\n]*\),/, '');
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);
    const mine = await evaluateObjectFile(file);
    expect(mine.problems).toEqual([]);
    expect(diffObjects(await catalogOf(engine.def()), [{ object: mine.object!, file, snapshot: mine.snapshot }])).toEqual([]);

    engine.exec(engine.change);
    const live = await catalogOf(engine.def());
    const report = diffObjects(live, [{ object: mine.object!, file, snapshot: mine.snapshot }]);
    const stockType = engine.name === 'postgres' ? 'character varying(20)' : 'varchar(20)';
    expect(report).toEqual([
      {
        kind: 'column_missing', severity: 'error', datasource: 'shop', object: 'product', file, table: 'product', field: 'legacy_code', column: 'legacy_code',
        message: 'field "product.legacy_code" reads column "legacy_code", which no longer exists in "product".',
        fix: `Remove field "legacy_code" in ${file} (or set its column: to the column's new name); every query that selects it would fail.`,
      },
      {
        kind: 'type_changed', severity: 'error', datasource: 'shop', object: 'product', file, table: 'product', field: 'stock', column: 'stock',
        message: `field "product.stock" is number, but column "stock" is now ${stockType} (a text field).`,
        fix: `Change field "stock" to Field.text(…) in ${file}, or run \`objectdesk import shop --tables product\` to merge the change.`,
      },
      {
        kind: 'column_added', severity: 'warning', datasource: 'shop', object: 'product', file, table: 'product', column: 'sku',
        message: `column "product.sku" (${engine.name === 'postgres' ? 'character varying(12)' : 'varchar(12)'}) was added to the database after "product" was imported.`,
        fix: 'Run `objectdesk import shop --tables product` to add it as a field (your edits are kept), or ignore it.',
      },
    ]);

    const plan = await planImport(live, { datasource: 'shop', tables: ['product'], outDir: ws.dir });
    expect(plan.files).toHaveLength(1);
    expect(plan.files[0].changes).toEqual([
      'removed field "legacy_code": column "legacy_code" no longer exists in product',
      'field "stock": type number → text (column stock changed in the database)',
      'added field "sku" for new column "sku"',
    ]);
    expect(plan.files[0].diff).toContain("-    legacy_code: Field.text({ label: 'Legacy Code', maxLength: 10 }),");
    expect(plan.files[0].diff).toContain("+    stock: Field.text({ label: 'Stock', hidden: true, maxLength: 20 }),");
    expect(plan.files[0].diff).toContain("+    sku: Field.text({ label: 'SKU', maxLength: 12 }),");
    expect(readFileSync(file, 'utf8')).toBe(edited);

    await writeImport(plan);
    const merged = await evaluateObjectFile(file);
    expect(merged.problems).toEqual([]);
    expect(merged.object!.fields).toEqual({
      product_id: { type: 'number', label: 'Product ID', required: true, scale: 0 },
      name: { type: 'text', label: 'Product name', required: true, maxLength: 40 },
      price: { type: 'number', label: 'Price', description: 'Net of VAT', min: 0, precision: 10, scale: 2 },
      stock: { type: 'text', label: 'Stock', hidden: true, maxLength: 20 },
      sku: { type: 'text', label: 'SKU', maxLength: 12 },
    });
    expect(diffObjects(live, [{ object: merged.object!, file, snapshot: merged.snapshot }])).toEqual([]);
    expect((await planImport(live, { datasource: 'shop', tables: ['product'], outDir: ws.dir })).files[0].action).toBe('unchanged');
  });
});
