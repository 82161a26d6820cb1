/** The bundled Chinook demo workspace (objects/) loads cleanly and matches the database it describes. */
import Database from 'better-sqlite3';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainRouting, loadWorkspace, type Workspace } from '../../../src/main/metadata';

const root = path.resolve(__dirname, '../../../objects');
let workspace: Workspace;

beforeAll(async () => {
  const result = await loadWorkspace(root);
  expect(result.problems).toEqual([]);
  workspace = result.workspace!;
});

/** What an importer would name a column or table: snake_case of its PascalCase name. */
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

describe('the Chinook demo workspace', () => {
  it('has 11 objects, one per table, on the read-only sqlite datasource', () => {
    expect([...workspace.objects.keys()].sort()).toEqual([
      'album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track',
    ]);
    expect(workspace.name).toBe('Chinook demo');
    expect(workspace.timezone).toBe('UTC');
    expect(workspace.datasources.get('chinook')).toMatchObject({ driver: 'sqlite', readOnly: true, allowWrites: false, config: { filename: 'data/chinook.sqlite' } });
    for (const o of workspace.objects.values()) expect([o.namespace, o.package, o.datasource, o.routing.ruleIndex]).toEqual(['chinook', 'chinook', 'chinook', 0]);
    expect(explainRouting(workspace)).toHaveLength(11);
  });

  it('names every table and column exactly as the database does, with fields in snake_case', () => {
    const db = new Database(path.join(root, 'data/chinook.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[];
      expect(tables).toHaveLength(11);
      for (const { name: table } of tables) {
        const o = workspace.objects.get(snake(table))!;
        expect(o.external).toEqual({ table, writable: false });
        const columns = db.prepare(`select name, pk from pragma_table_info(?)`).all(table) as { name: string; pk: number }[];
        expect(Object.entries(o.fields).map(([f, def]) => [f, def.column])).toEqual(columns.map((c) => [snake(c.name), c.name]));
        expect(o.primaryKey).toEqual(columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => snake(c.name)));
        const fks = db.prepare('select "from", "table" from pragma_foreign_key_list(?)').all(table) as { from: string; table: string }[];
        for (const fk of fks) expect(o.fields[snake(fk.from)]).toMatchObject({ type: 'lookup', reference_to: snake(fk.table) });
      }
    } finally {
      db.close();
    }
  });

  it('types money as currency, dates as datetime, and keys playlist_track on two columns', () => {
    expect(workspace.objects.get('invoice')!.fields.total).toMatchObject({ type: 'currency', precision: 10, scale: 2 });
    expect(workspace.objects.get('track')!.fields.unit_price).toMatchObject({ type: 'currency', precision: 10, scale: 2 });
    expect(workspace.objects.get('invoice')!.fields.invoice_date.type).toBe('datetime');
    expect(workspace.objects.get('employee')!.fields.reports_to).toMatchObject({ type: 'lookup', reference_to: 'employee' });
    expect(workspace.objects.get('customer')!.fields.support_rep_id).toMatchObject({ type: 'lookup', reference_to: 'employee', column: 'SupportRepId' });
    expect(workspace.objects.get('playlist_track')!.primaryKey).toEqual(['playlist_id', 'track_id']);
  });

  it('declares the three Chinook employees as users with their permission sets', () => {
    expect([...workspace.users.values()].map((u) => [u.name, u.externalId, u.admin, u.permissionSets])).toEqual([
      ['jane.peacock', 3, false, ['support_agent']],
      ['nancy.edwards', 2, false, ['sales_manager']],
      ['andrew.adams', 1, true, ['general_manager']],
    ]);
    expect(workspace.config.defaultUser).toBe('andrew.adams');
    expect(workspace.config.hierarchy).toEqual({ object: 'employee', parentField: 'reports_to', maxDepth: 10 });
    const agent = workspace.permissionSets.get('support_agent')!;
    expect(Object.keys(agent.objects)).toHaveLength(11);
    expect(agent.fields).toEqual({ 'customer.email': { readable: false, editable: false }, 'customer.phone': { readable: false, editable: false } });
    expect(agent.recordRules.map((r) => [r.object, r.using])).toEqual([
      ['customer', { support_rep_id: '$user.externalId' }],
      ['invoice', { 'customer_id.support_rep_id': '$user.externalId' }],
      ['invoice_line', { 'invoice_id.customer_id.support_rep_id': '$user.externalId' }],
    ]);
    // The manager sees their own customers and their reports' (issue: "their own and their reports'").
    expect(workspace.permissionSets.get('sales_manager')!.recordRules[0].using).toEqual({
      $or: [{ support_rep_id: '$user.externalId' }, { support_rep_id: { $in: '$user.subordinates' } }],
    });
    expect(Object.values(workspace.permissionSets.get('general_manager')!.objects).every((p) => p.viewAllRecords && p.allowRead)).toBe(true);
  });
});
