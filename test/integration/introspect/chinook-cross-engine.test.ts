import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver } from '../../../src/main/drivers';
import { evaluateObjectFile, planImport, writeImport, type Catalog } from '../../../src/main/introspect';
import type { ObjectDefinition } from '../../../src/main/metadata/object';
import type { DatasourceDefinition } from '../../../src/main/metadata/datasource';
import {
  CHINOOK_SQLITE, loadChinookMysql, loadChinookPostgres, mysqlDatasource, noSecrets, pgDatasource, sqliteDatasource, tempDir, type TestDatabase,
} from '../../helpers/databases';

let pgDb: TestDatabase;
let myDb: TestDatabase;
const dirs: Array<{ cleanup(): void }> = [];

beforeAll(async () => {
  [pgDb, myDb] = await Promise.all([loadChinookPostgres(), loadChinookMysql()]);
});
afterAll(async () => {
  await Promise.all([pgDb?.drop(), myDb?.drop()]);
  dirs.forEach((d) => d.cleanup());
});

async function introspect(def: DatasourceDefinition): Promise<Catalog> {
  const d = createDriver(def, { workspaceRoot: '/', ...noSecrets });
  try {
    return await d.introspect();
  } finally {
    await d.close();
  }
}

/** introspect → import all → load every generated file with the workspace's module loader. */
async function importAll(def: DatasourceDefinition): Promise<{ catalog: Catalog; objects: Map<string, ObjectDefinition> }> {
  const catalog = await introspect(def);
  const out = tempDir();
  dirs.push(out);
  const plan = await planImport(catalog, { datasource: 'chinook', all: true, outDir: out.dir });
  await writeImport(plan);
  const objects = new Map<string, ObjectDefinition>();
  for (const f of plan.files) {
    const ev = await evaluateObjectFile(f.path);
    expect(ev.problems, `${def.driver}: ${f.path}`).toEqual([]);
    objects.set(ev.object!.name, ev.object!);
  }
  return { catalog, objects };
}

/** What may legitimately differ per engine: where the table and columns are, not what the object is. */
function portable(o: ObjectDefinition) {
  const { external: _e, datasource: _d, ...rest } = o;
  return { ...rest, fields: Object.fromEntries(Object.entries(o.fields).map(([n, f]) => [n, (({ column: _c, ...x }) => x)(f as { column?: string })])) };
}

describe('Chinook on SQLite, PostgreSQL and MariaDB drafts to the same objects', () => {
  it('introspects, imports all, validates, and the objects agree across engines', async () => {
    const sqlite = await importAll(sqliteDatasource(CHINOOK_SQLITE, { name: 'chinook' }));
    const pg = await importAll(pgDatasource(pgDb.name, { name: 'chinook' }));
    const my = await importAll(mysqlDatasource(myDb.name, { name: 'chinook' }));

    const names = ['album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track'];
    for (const r of [sqlite, pg, my]) expect([...r.objects.keys()].sort()).toEqual(names);
    for (const n of names) {
      expect(portable(pg.objects.get(n)!), `${n}: postgres vs sqlite`).toEqual(portable(sqlite.objects.get(n)!));
      expect(portable(my.objects.get(n)!), `${n}: mariadb vs sqlite`).toEqual(portable(sqlite.objects.get(n)!));
    }

    // Where they differ, they differ as documented: PostgreSQL's Chinook is snake_case in schema public.
    expect(pg.objects.get('invoice_line')!.external).toEqual({ table: 'invoice_line', schema: 'public', writable: false });
    expect(pg.objects.get('invoice_line')!.fields.unit_price).not.toHaveProperty('column');
    expect(my.objects.get('invoice_line')!.external).toEqual({ table: 'InvoiceLine', writable: false });
    expect(my.objects.get('invoice_line')!.fields.unit_price).toMatchObject({ column: 'UnitPrice' });

    const customer = pg.objects.get('customer')!;
    expect(customer.fields.support_rep_id).toMatchObject({ type: 'lookup', reference_to: 'employee', label: 'Support Rep' });
    expect(customer.fields.email).toMatchObject({ type: 'email', required: true, maxLength: 60 });
    expect(customer.primaryKey).toEqual(['customer_id']);
    expect(pg.objects.get('playlist_track')!.primaryKey).toEqual(['playlist_id', 'track_id']);
    expect(pg.objects.get('track')!.fields.unit_price).toMatchObject({ type: 'number', precision: 10, scale: 2, required: true });

    // Catalog facts the objects do not carry.
    const pgTrack = pg.catalog.tables.find((t) => t.name === 'track')!;
    expect(pgTrack.foreignKeys.map((f) => f.referencedTable).sort()).toEqual(['album', 'genre', 'media_type']);
    const myTrack = my.catalog.tables.find((t) => t.name === 'Track')!;
    expect(myTrack.rowCountEstimate).toBeGreaterThan(3000);
    expect(pg.catalog.schemas).toEqual(['public']);
  });
});
