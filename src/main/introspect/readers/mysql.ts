/**
 * MySQL/MariaDB catalog reader on information_schema (the fast path on MariaDB): tables, columns and key
 * usage for one database, three parameterised queries. ENUM values are parsed from COLUMN_TYPE.
 */
import type { Catalog, CatalogColumn, CatalogQuery, CatalogTable, IntrospectOptions, NormalizedType } from '../catalog';
import { byTableName, finishTable, tableFilter } from '../keys';

interface Ctx {
  datasource: string;
  serverVersion: string | null;
  database: string;
  options: IntrospectOptions;
}

const TABLES = `select TABLE_NAME as name, TABLE_TYPE as type, TABLE_COMMENT as comment, TABLE_ROWS as row_estimate
from information_schema.TABLES where TABLE_SCHEMA = ? order by TABLE_NAME`;

const COLUMNS = `select TABLE_NAME as tbl, COLUMN_NAME as name, ORDINAL_POSITION as ordinal, DATA_TYPE as data_type,
  COLUMN_TYPE as column_type, IS_NULLABLE as nullable, COLUMN_DEFAULT as dflt, CHARACTER_MAXIMUM_LENGTH as max_length,
  NUMERIC_PRECISION as num_precision, NUMERIC_SCALE as num_scale, COLUMN_COMMENT as comment, EXTRA as extra
from information_schema.COLUMNS where TABLE_SCHEMA = ? order by TABLE_NAME, ORDINAL_POSITION`;

const KEYS = `select k.TABLE_NAME as tbl, k.CONSTRAINT_NAME as name, c.CONSTRAINT_TYPE as type, k.COLUMN_NAME as col,
  k.ORDINAL_POSITION as pos, k.REFERENCED_TABLE_SCHEMA as ref_schema, k.REFERENCED_TABLE_NAME as ref_table,
  k.REFERENCED_COLUMN_NAME as ref_col
from information_schema.KEY_COLUMN_USAGE k
join information_schema.TABLE_CONSTRAINTS c
  on c.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA and c.TABLE_NAME = k.TABLE_NAME and c.CONSTRAINT_NAME = k.CONSTRAINT_NAME
where k.TABLE_SCHEMA = ? order by k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

const JSON_CHECKS = `select TABLE_NAME as tbl, CHECK_CLAUSE as clause from information_schema.CHECK_CONSTRAINTS where CONSTRAINT_SCHEMA = ?`;

const BY_DATA_TYPE: Record<string, NormalizedType> = {
  tinyint: 'integer', smallint: 'integer', mediumint: 'integer', int: 'integer', integer: 'integer', year: 'integer',
  bigint: 'bigint', decimal: 'decimal', numeric: 'decimal', float: 'float', double: 'float', real: 'float',
  char: 'text', varchar: 'text', tinytext: 'text', text: 'text', mediumtext: 'text', longtext: 'text',
  date: 'date', datetime: 'datetime', timestamp: 'datetimetz', time: 'time', json: 'json',
  binary: 'binary', varbinary: 'binary', tinyblob: 'binary', blob: 'binary', mediumblob: 'binary', longblob: 'binary',
  enum: 'enum', uuid: 'uuid',
};

/** `enum('a','it''s')` → ['a', "it's"]. */
export function parseEnumValues(columnType: string): string[] {
  const body = columnType.replace(/^enum\s*\(/i, '').replace(/\)\s*$/, '');
  const out: string[] = [];
  const re = /'((?:[^'\\]|''|\\.)*)'/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) out.push(m[1].replace(/''/g, "'").replace(/\\(.)/g, '$1'));
  return out;
}

/** MariaDB reports defaults as SQL expressions (`'abc'`, `NULL`); MySQL as raw values. */
function normaliseDefault(v: unknown): string | null {
  if (v == null) return null;
  const s = String(v);
  return s === 'NULL' ? null : s;
}

export async function readMysqlCatalog(run: CatalogQuery, ctx: Ctx): Promise<Catalog> {
  const wanted = tableFilter(ctx.options.tables);
  const includeViews = ctx.options.includeViews ?? true;
  const isMaria = /mariadb/i.test(ctx.serverVersion ?? '');
  const [tbls, cols, keys, checks] = await Promise.all([
    run(TABLES, [ctx.database]),
    run(COLUMNS, [ctx.database]),
    run(KEYS, [ctx.database]),
    // MariaDB's JSON is LONGTEXT plus a json_valid() check; the check is how we recognise it.
    isMaria ? run(JSON_CHECKS, [ctx.database]).catch(() => []) : Promise.resolve([]),
  ]);
  const jsonColumns = new Set<string>();
  for (const c of checks) {
    const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(c.clause).trim());
    if (m) jsonColumns.add(`${c.tbl}\u0000${m[1].replace(/``/g, '`')}`);
  }
  const colsBy = new Map<string, Record<string, unknown>[]>();
  for (const c of cols) (colsBy.get(String(c.tbl)) ?? colsBy.set(String(c.tbl), []).get(String(c.tbl))!).push(c);
  const keysBy = new Map<string, Record<string, unknown>[]>();
  for (const k of keys) (keysBy.get(String(k.tbl)) ?? keysBy.set(String(k.tbl), []).get(String(k.tbl))!).push(k);

  const tables: CatalogTable[] = [];
  for (const t of tbls) {
    const name = String(t.name);
    const kind = String(t.type) === 'VIEW' ? 'view' : 'table';
    if (!wanted(name) || (kind === 'view' && !includeViews)) continue;
    const columns: CatalogColumn[] = (colsBy.get(name) ?? []).map((c) => {
      const dataType = String(c.data_type).toLowerCase();
      const columnType = String(c.column_type);
      let type: NormalizedType = BY_DATA_TYPE[dataType] ?? 'unknown';
      let unknown: string | undefined;
      if (dataType === 'tinyint' && /^tinyint\(1\)/i.test(columnType)) type = 'boolean';
      if (dataType === 'longtext' && jsonColumns.has(`${name}\u0000${c.name}`)) type = 'json';
      if (type === 'unknown') {
        type = 'text';
        unknown = 'text';
      }
      const isText = type === 'text';
      const isDecimal = type === 'decimal';
      return {
        name: String(c.name),
        ordinal: Number(c.ordinal),
        dataType: columnType,
        normalizedType: type,
        nullable: c.nullable === 'YES',
        default: normaliseDefault(c.dflt),
        maxLength: isText && c.max_length != null && /char/.test(dataType) ? Number(c.max_length) : null,
        precision: isDecimal && c.num_precision != null ? Number(c.num_precision) : null,
        scale: isDecimal && c.num_scale != null ? Number(c.num_scale) : null,
        comment: c.comment ? String(c.comment) : null,
        autoIncrement: /auto_increment/i.test(String(c.extra ?? '')),
        ...(type === 'enum' ? { enumValues: parseEnumValues(columnType) } : {}),
        ...(unknown ? { unknownType: unknown } : {}),
      };
    });
    let primaryKey: string[] = [];
    const uniques = new Map<string, string[]>();
    const fks = new Map<string, { cols: string[]; refSchema: string; refTable: string; refCols: string[] }>();
    for (const k of keysBy.get(name) ?? []) {
      const cname = String(k.name);
      if (k.type === 'PRIMARY KEY') primaryKey.push(String(k.col));
      else if (k.type === 'UNIQUE') (uniques.get(cname) ?? uniques.set(cname, []).get(cname)!).push(String(k.col));
      else if (k.type === 'FOREIGN KEY' && k.ref_table != null) {
        const e = fks.get(cname) ?? { cols: [], refSchema: String(k.ref_schema), refTable: String(k.ref_table), refCols: [] };
        e.cols.push(String(k.col));
        e.refCols.push(String(k.ref_col));
        fks.set(cname, e);
      }
    }
    tables.push(
      finishTable({
        schema: null,
        name,
        kind,
        comment: t.comment ? String(t.comment) : null,
        columns,
        primaryKey,
        foreignKeys: [...fks].map(([n, f]) => ({
          name: n,
          columns: f.cols,
          referencedSchema: f.refSchema === ctx.database ? null : f.refSchema,
          referencedTable: f.refTable,
          referencedColumns: f.refCols,
        })),
        uniqueConstraints: [...uniques].map(([n, c]) => ({ name: n, columns: c })),
        rowCountEstimate: kind === 'view' || t.row_estimate == null ? null : Number(t.row_estimate),
      }),
    );
  }
  tables.sort(byTableName);
  return {
    datasource: ctx.datasource,
    engine: isMaria ? 'mariadb' : 'mysql',
    serverVersion: ctx.serverVersion,
    database: ctx.database,
    schemas: [ctx.database],
    tables,
    enums: [],
    warnings: tables.flatMap((t) => t.warnings.map((w) => `${t.name}: ${w}`)),
  };
}
