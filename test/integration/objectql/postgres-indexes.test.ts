/**
 * PostgreSQL uses its indexes for what ObjectQL compiles: primary-key lookups and sorts need no Sort node, and
 * text ranges and sorts (compiled as `(col COLLATE "C") ASC NULLS FIRST, <primary key>` for code-point order with
 * NULL smallest) use an index built as `(col COLLATE "C" NULLS FIRST, <primary key>)` — forwards ascending,
 * backwards descending. A default-collation index cannot serve code-point order; docs/objectql.md says which index to
 * create. Checked with EXPLAIN on the exact statement and parameters the engine runs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDriver } from '../../../src/main/drivers';
import type { SqlDriver } from '../../../src/main/drivers/types';
import { ObjectQL } from '../../../src/main/objectql/engine';
import type { QueryObjectDef } from '../../../src/main/objectql/ir';
import { createPgDatabase, pgDatasource, psql, type TestDatabase } from '../../helpers/databases';

let db: TestDatabase;
let driver: SqlDriver;
let engine: ObjectQL;

const item: QueryObjectDef = {
  name: 'item', datasource: 'pg', primaryKey: ['id'], external: { table: 'item', writable: false },
  fields: { id: { type: 'number' }, code: { type: 'text' }, label: { type: 'text' }, price: { type: 'currency', scale: 2 } },
} as QueryObjectDef;

beforeAll(async () => {
  db = await createPgDatabase('pgidx');
  psql(db.name, `
    create table item (id int primary key, code text not null, label text not null, price numeric(12, 2) not null);
    insert into item select g, 'c' || lpad(g::text, 6, '0'), 'l' || (g % 1000), g / 100.0 from generate_series(1, 50000) g;
    create index item_code_c on item (code collate "C" nulls first, id);
    create index item_label_default on item (label);
    analyze item;`);
  driver = createDriver(pgDatasource(db.name), { workspaceRoot: process.cwd(), resolveSecret: async () => '' }) as SqlDriver;
  engine = new ObjectQL({ objects: (n) => (n === 'item' ? item : undefined), drivers: () => driver });
});

afterAll(async () => {
  await driver?.close();
  await db?.drop();
});

async function explain(ast: unknown): Promise<string> {
  const plan = await engine.explain(ast);
  const { text, parameters } = plan.sql![0]!;
  const rows = (await driver.query<{ 'QUERY PLAN': string }>({ sql: `explain ${text}`, parameters })).rows;
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

it('a primary-key lookup and a primary-key sort use the primary key index, without a Sort', async () => {
  const lookup = await explain({ object: 'item', where: { id: 4242 }, limit: 1 });
  expect(lookup).toMatch(/Index Scan using item_pkey/);
  const page = await explain({ object: 'item', orderBy: [{ field: 'id', order: 'desc' }], limit: 20 });
  expect(page).toMatch(/Index Scan Backward using item_pkey/);
  expect(page).not.toMatch(/Sort/);
});

it('text equality uses any index; text ranges and sorts use a COLLATE "C" index', async () => {
  expect(await explain({ object: 'item', where: { label: 'l7' }, limit: 5 })).toMatch(/item_label_default/);
  const range = await explain({ object: 'item', fields: ['code'], where: { code: { $gte: 'c049990' } }, orderBy: [{ field: 'code' }], limit: 5 });
  expect(range).toMatch(/Index (Only )?Scan using item_code_c/);
  expect(range).not.toMatch(/Sort/);
  const desc = await explain({ object: 'item', fields: ['code'], orderBy: [{ field: 'code', order: 'desc' }], limit: 5 });
  // Backwards the primary-key tie-breaker runs the wrong way, so only rows with equal codes are re-sorted.
  expect(desc).toMatch(/Index (Only )?Scan Backward using item_code_c/);
  expect(desc).not.toMatch(/(?<!Incremental )Sort {2}\(/);
  const rows = (await engine.query({ object: 'item', fields: ['code'], where: { code: { $gte: 'c049990' } }, orderBy: [{ field: 'code' }], limit: 3 })).rows;
  expect(rows).toEqual([{ code: 'c049990' }, { code: 'c049991' }, { code: 'c049992' }]);
});

it('a default-collation index does not give code-point order (the documented reason to index with COLLATE "C")', async () => {
  const sorted = await explain({ object: 'item', fields: ['label'], orderBy: [{ field: 'label' }], limit: 5 });
  expect(sorted).not.toMatch(/item_label_default/);
});
