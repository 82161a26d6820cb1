/**
 * SQLite catalog reader: `pragma_table_list`, `pragma_table_xinfo`, `pragma_foreign_key_list`,
 * `pragma_index_list`/`pragma_index_info`, used as table-valued functions with bound table names.
 * Types follow SQLite's affinity rules on the declared type text.
 */
import type { Catalog, CatalogColumn, CatalogQuery, CatalogTable, IntrospectOptions, NormalizedType } from '../catalog';
import { byTableName, finishTable, tableFilter } from '../keys';

interface Ctx {
  datasource: string;
  serverVersion: string | null;
  options: IntrospectOptions;
}

export function sqliteType(declared: string): { type: NormalizedType; length: number | null; precision: number | null; scale: number | null; unknown?: string } {
  const d = declared.trim().toUpperCase();
  const args = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(d);
  const a = args ? Number(args[1]) : null;
  const b = args?.[2] !== undefined ? Number(args[2]) : null;
  const base = d.replace(/\(.*$/, '').trim();
  if (base === 'BIGINT' || base === 'INT8' || base === 'UNSIGNED BIG INT') return { type: 'bigint', length: null, precision: null, scale: null };
  if (base === 'BOOLEAN' || base === 'BOOL') return { type: 'boolean', length: null, precision: null, scale: null };
  if (base === 'DATE') return { type: 'date', length: null, precision: null, scale: null };
  if (base === 'DATETIME' || base.startsWith('TIMESTAMP')) return { type: 'datetime', length: null, precision: null, scale: null };
  if (base === 'TIME') return { type: 'time', length: null, precision: null, scale: null };
  if (base === 'JSON' || base === 'JSONB') return { type: 'json', length: null, precision: null, scale: null };
  if (base === 'UUID') return { type: 'uuid', length: null, precision: null, scale: null };
  if (base === 'DECIMAL' || base === 'NUMERIC') return { type: 'decimal', length: null, precision: a, scale: b ?? (a !== null ? 0 : null) };
  if (d.includes('INT')) return { type: 'integer', length: null, precision: null, scale: null };
  if (d.includes('CHAR') || d.includes('CLOB') || d.includes('TEXT')) return { type: 'text', length: a, precision: null, scale: null };
  if (d.includes('BLOB')) return { type: 'binary', length: null, precision: null, scale: null };
  if (d.includes('REAL') || d.includes('FLOA') || d.includes('DOUB')) return { type: 'float', length: null, precision: null, scale: null };
  // Empty declared type (BLOB affinity: anything) or a name SQLite treats as NUMERIC affinity.
  return { type: 'text', length: null, precision: null, scale: null, unknown: 'text' };
}

export async function readSqliteCatalog(run: CatalogQuery, ctx: Ctx): Promise<Catalog> {
  const wanted = tableFilter(ctx.options.tables);
  const includeViews = ctx.options.includeViews ?? true;
  const list = await run(
    `select name, type from pragma_table_list where schema = 'main' and type in ('table', 'view') and name not like 'sqlite\\_%' escape '\\' order by name`,
    [],
  );
  const tables: CatalogTable[] = [];
  for (const r of list) {
    const name = String(r.name);
    const kind = r.type === 'view' ? 'view' : 'table';
    if (!wanted(name) || (kind === 'view' && !includeViews)) continue;
    const ddl = String((await run('select sql from sqlite_schema where name = ?', [name]))[0]?.sql ?? '');
    // Only AUTOINCREMENT makes a rowid alias an auto-numbered key in the sense the other engines use.
    const autoIncrementDeclared = /\bAUTOINCREMENT\b/i.test(ddl);
    const cols = await run('select cid, name, type, "notnull", dflt_value, pk, hidden from pragma_table_xinfo(?) where hidden in (0, 2, 3) order by cid', [name]);
    const pkCols = cols.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => String(c.name));
    const columns: CatalogColumn[] = cols.map((c, i) => {
      const declared = String(c.type ?? '');
      const t = sqliteType(declared);
      // INTEGER PRIMARY KEY is the rowid alias: never NULL.
      const isRowid = pkCols.length === 1 && pkCols[0] === c.name && /^INTEGER$/i.test(declared.trim());
      return {
        name: String(c.name),
        ordinal: i + 1,
        dataType: declared || '(none)',
        normalizedType: t.type,
        nullable: Number(c.notnull) === 0 && !(Number(c.pk) > 0 && isRowid),
        default: c.dflt_value == null ? null : String(c.dflt_value),
        maxLength: t.length,
        precision: t.precision,
        scale: t.scale,
        comment: null,
        autoIncrement: isRowid && autoIncrementDeclared,
        ...(t.unknown ? { unknownType: t.unknown } : {}),
      };
    });
    const fkRows = kind === 'table' ? await run('select id, seq, "table", "from", "to" from pragma_foreign_key_list(?) order by id, seq', [name]) : [];
    const fks = new Map<number, { table: string; from: string[]; to: (string | null)[] }>();
    for (const f of fkRows) {
      const id = Number(f.id);
      const e = fks.get(id) ?? { table: String(f.table), from: [], to: [] };
      e.from.push(String(f.from));
      e.to.push(f.to == null ? null : String(f.to));
      fks.set(id, e);
    }
    const idx = kind === 'table' ? await run(`select name, "unique", origin, partial from pragma_index_list(?) where "unique" = 1 and origin <> 'pk' and partial = 0`, [name]) : [];
    const uniqueConstraints = [];
    for (const ix of idx) {
      const info = await run('select seqno, name from pragma_index_info(?) order by seqno', [String(ix.name)]);
      if (info.some((i) => i.name == null)) continue; // expression index
      uniqueConstraints.push({ name: String(ix.name).startsWith('sqlite_autoindex_') ? null : String(ix.name), columns: info.map((i) => String(i.name)) });
    }
    let rowCountEstimate: number | null = null;
    if (kind === 'table') {
      try {
        const r2 = await run(`select max(rowid) as n from "${name.replace(/"/g, '""')}"`, []);
        rowCountEstimate = r2[0]?.n == null ? 0 : Number(r2[0].n);
      } catch {
        rowCountEstimate = null; // WITHOUT ROWID table
      }
    }
    tables.push(
      finishTable({
        schema: null,
        name,
        kind,
        comment: null,
        columns,
        primaryKey: pkCols,
        foreignKeys: [...fks.values()].map((f) => ({
          name: null,
          columns: f.from,
          referencedSchema: null,
          referencedTable: f.table,
          referencedColumns: f.to.every((t) => t !== null) ? (f.to as string[]) : [],
        })),
        uniqueConstraints,
        rowCountEstimate,
      }),
    );
  }
  // SQLite may leave the referenced columns implicit (the referenced table's primary key): fill them in.
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  for (const t of tables) {
    for (const fk of t.foreignKeys) {
      if (fk.referencedColumns.length === 0) fk.referencedColumns = byName.get(fk.referencedTable.toLowerCase())?.primaryKey ?? [];
      const target = byName.get(fk.referencedTable.toLowerCase());
      if (target) fk.referencedTable = target.name;
    }
  }
  tables.sort(byTableName);
  return {
    datasource: ctx.datasource,
    engine: 'sqlite',
    serverVersion: ctx.serverVersion,
    database: null,
    schemas: ['main'],
    tables,
    enums: [],
    warnings: tables.flatMap((t) => t.warnings.map((w) => `${t.name}: ${w}`)),
  };
}
