/**
 * Schema drift: the workspace's objects against the live catalog. Each item names the object, the
 * field/column and a sentence saying how to fix it, so a vanished column is reported here instead of
 * being discovered by a failed query.
 */
import type { FieldType } from '../metadata/field';
import type { ObjectDefinition } from '../metadata/object';
import type { Catalog, CatalogColumn, CatalogTable } from './catalog';
import type { Snapshot } from './draft';
import { compatibleTypes } from './merge';
import { mapColumn } from './type-mapping';

export type DriftKind = 'table_missing' | 'column_missing' | 'type_changed' | 'column_added' | 'key_changed';

export interface DriftItem {
  kind: DriftKind;
  /** error: reads would fail or be wrong; warning: the database has something the object does not show yet. */
  severity: 'error' | 'warning';
  datasource: string;
  object: string;
  file?: string;
  table: string;
  field?: string;
  column?: string;
  message: string;
  fix: string;
}

export interface DiffSubject {
  object: ObjectDefinition;
  file?: string;
  /** The import snapshot from the object file, when it has one: tells new columns from ones the user removed. */
  snapshot?: Snapshot | null;
}

function findTable(catalog: Catalog, object: ObjectDefinition): CatalogTable | undefined {
  const name = object.external?.table ?? object.name;
  const schema = object.external?.schema;
  return catalog.tables.find((t) => t.name === name && (!schema || t.schema === null || t.schema === schema));
}

function describeColumn(c: CatalogColumn): string {
  return `${c.dataType}${c.nullable ? '' : ' not null'}`;
}

const where = (s: DiffSubject) => (s.file ? ` in ${s.file}` : '');

export function diffObjects(catalog: Catalog, subjects: readonly DiffSubject[], importCommand = `objectdesk import ${catalog.datasource}`): DriftItem[] {
  const items: DriftItem[] = [];
  for (const s of subjects) {
    const o = s.object;
    const base = { datasource: catalog.datasource, object: o.name, ...(s.file ? { file: s.file } : {}) };
    const table = findTable(catalog, o);
    const tableName = o.external?.table ?? o.name;
    if (!table) {
      const similar = catalog.tables.find((t) => t.name.toLowerCase() === tableName.toLowerCase());
      items.push({
        ...base, kind: 'table_missing', severity: 'error', table: tableName,
        message: `object "${o.name}" reads table "${tableName}"${o.external?.schema ? ` in schema "${o.external.schema}"` : ''}, which does not exist in datasource "${catalog.datasource}".`,
        fix: similar
          ? `Set external.table to "${similar.name}"${where(s)} (the database spells it that way).`
          : `Delete the object file${where(s)}, or point external.table at the table's new name.`,
      });
      continue;
    }
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const used = new Set<string>();
    for (const [fieldName, field] of Object.entries(o.fields)) {
      const colName = field.column ?? fieldName;
      used.add(colName);
      const col = byName.get(colName);
      if (!col) {
        const similar = table.columns.find((c) => c.name.toLowerCase() === colName.toLowerCase());
        items.push({
          ...base, kind: 'column_missing', severity: 'error', table: table.name, field: fieldName, column: colName,
          message: `field "${o.name}.${fieldName}" reads column "${colName}", which no longer exists in "${table.name}".`,
          fix: similar
            ? `Set column: '${similar.name}' on field "${fieldName}"${where(s)}.`
            : `Remove field "${fieldName}"${where(s)} (or set its column: to the column's new name); every query that selects it would fail.`,
        });
        continue;
      }
      const mapped = mapColumn(col, fieldName).type as FieldType;
      const ftype = field.type as FieldType;
      if (!compatibleTypes(ftype, mapped) || (ftype === 'lookup' && mapped !== 'number' && mapped !== 'text' && mapped !== 'autonumber')) {
        items.push({
          ...base, kind: 'type_changed', severity: 'error', table: table.name, field: fieldName, column: colName,
          message: `field "${o.name}.${fieldName}" is ${ftype}, but column "${colName}" is now ${describeColumn(col)} (a ${mapped} field).`,
          fix: `Change field "${fieldName}" to Field.${mapped}(…)${where(s)}, or run \`${importCommand} --tables ${table.name}\` to merge the change.`,
        });
        continue;
      }
      const f = field as { maxLength?: number; precision?: number; scale?: number };
      const facts: Array<[string, number | undefined, number | null]> = [
        ['maxLength', f.maxLength, col.maxLength],
        ['precision', f.precision, col.precision],
        ['scale', ftype === 'number' && col.normalizedType !== 'decimal' ? undefined : f.scale, col.scale],
      ];
      for (const [k, declared, actual] of facts) {
        if (declared === undefined || declared === (actual ?? undefined)) continue;
        items.push({
          ...base, kind: 'type_changed', severity: 'error', table: table.name, field: fieldName, column: colName,
          message: `field "${o.name}.${fieldName}" declares ${k} ${declared}, but column "${colName}" is now ${describeColumn(col)}.`,
          fix: actual === null ? `Remove ${k} from field "${fieldName}"${where(s)}.` : `Set ${k}: ${actual} on field "${fieldName}"${where(s)}.`,
        });
      }
    }
    const known = new Set(s.snapshot ? Object.values(s.snapshot.fields).map((x) => x.column) : []);
    if (s.snapshot) {
      for (const col of table.columns) {
        if (used.has(col.name) || known.has(col.name)) continue;
        items.push({
          ...base, kind: 'column_added', severity: 'warning', table: table.name, column: col.name,
          message: `column "${table.name}.${col.name}" (${describeColumn(col)}) was added to the database after "${o.name}" was imported.`,
          fix: `Run \`${importCommand} --tables ${table.name}\` to add it as a field (your edits are kept), or ignore it.`,
        });
      }
    }
    if (table.primaryKey.length > 0) {
      const pkCols = o.primaryKey.map((n) => o.fields[n]?.column ?? n);
      if (JSON.stringify(pkCols) !== JSON.stringify(table.primaryKey)) {
        items.push({
          ...base, kind: 'key_changed', severity: 'error', table: table.name,
          message: `object "${o.name}" uses primary key (${pkCols.join(', ') || 'none'}), but table "${table.name}" now has primary key (${table.primaryKey.join(', ')}).`,
          fix: `Set primaryKey to the field(s) for (${table.primaryKey.join(', ')})${where(s)}, or re-import the table to merge it.`,
        });
      }
    }
  }
  return items;
}

export function formatDrift(items: readonly DriftItem[]): string {
  if (items.length === 0) return 'No drift: every object matches the live schema.';
  return items.map((i) => `${i.severity === 'error' ? '✗' : '!'} [${i.kind}] ${i.message}\n    fix: ${i.fix}`).join('\n');
}
