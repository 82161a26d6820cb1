/**
 * Object drafts: one catalog table → the ObjectSchema.create input for it, plus the comments worth
 * showing the reviewer and a snapshot of what the database said (so a later re-import can tell the
 * user's edits from the database's changes). Pure: no I/O.
 */
import type { Catalog, CatalogTable } from './catalog';
import type { FieldType } from '../metadata/field';
import { mapColumn } from './type-mapping';
import { humanize, lookupLabel, objectName, pluralize, uniqueNames } from './naming';

export interface DraftField {
  type: FieldType;
  label?: string;
  description?: string;
  required?: boolean;
  readonly?: boolean;
  hidden?: boolean;
  unique?: boolean;
  maxLength?: number;
  precision?: number;
  scale?: number;
  options?: Array<string | { label: string; value: string | number; color?: string }>;
  reference_to?: string;
  reference_field?: string;
  column?: string;
  [key: string]: unknown;
}

export interface DraftObject {
  name: string;
  label?: string;
  pluralLabel?: string;
  description?: string;
  datasource?: string;
  external?: { table: string; schema?: string; writable?: boolean };
  primaryKey?: string | string[];
  titleField?: string;
  fields: Record<string, DraftField>;
  [key: string]: unknown;
}

/** What the database said for one column, in field terms: the base of a three-way re-import merge. */
export interface SnapshotField {
  column: string;
  type: FieldType;
  maxLength?: number;
  precision?: number;
  scale?: number;
  required?: boolean;
  unique?: boolean;
  options?: string[];
  reference_to?: string;
  reference_field?: string;
}

export interface Snapshot {
  v: 1;
  table: string;
  schema?: string;
  /** Keyed by field name as first generated. */
  fields: Record<string, SnapshotField>;
  primaryKey: string[];
}

export interface Draft {
  table: CatalogTable;
  object: DraftObject;
  /** Comments: `object` above the definition, `fields[name]` above a field. */
  comments: { object: string[]; fields: Record<string, string[]> };
  snapshot: Snapshot;
}

export interface DraftOptions {
  datasource: string;
  namespace?: string;
  /** Tables whose objects exist or are being drafted now (lowercased raw name → object name); lookups only point at these. */
  objectsByTable?: Map<string, string>;
  /** The object name, when the caller had to disambiguate it. */
  name?: string;
}

const TITLE_CANDIDATES = ['name', 'full_name', 'display_name', 'title', 'label', 'subject', 'description'];

export function tableKey(schema: string | null | undefined, table: string): string {
  return `${schema ?? ''}.${table}`.toLowerCase();
}

export function draftTable(catalog: Catalog, table: CatalogTable, opts: DraftOptions): Draft {
  const name = opts.name ?? objectName(table.name, opts.namespace);
  const fieldNames = uniqueNames(table.columns.map((c) => c.name));
  const fields: Record<string, DraftField> = {};
  const snapshotFields: Record<string, SnapshotField> = {};
  const fieldComments: Record<string, string[]> = {};
  const objectComments: string[] = [];
  const lookups = new Map<string, { reference_to: string; reference_field?: string }>();
  const objectsByTable = opts.objectsByTable ?? new Map<string, string>();

  for (const fk of table.foreignKeys) {
    const target = objectsByTable.get(tableKey(fk.referencedSchema ?? table.schema, fk.referencedTable)) ?? objectsByTable.get(tableKey(null, fk.referencedTable));
    const refTable = catalog.tables.find((t) => t.name === fk.referencedTable && (fk.referencedSchema === null || t.schema === fk.referencedSchema || t.schema === null));
    if (fk.columns.length > 1) {
      objectComments.push(
        `Composite foreign key (${fk.columns.map((c) => fieldNames.get(c)).join(', ')}) → ${fk.referencedTable}(${fk.referencedColumns.join(', ')}): kept as plain fields; lookups hold one column.`,
      );
      continue;
    }
    const col = fk.columns[0];
    if (!target) {
      (fieldComments[fieldNames.get(col)!] ??= []).push(`References ${fk.referencedTable}.${fk.referencedColumns.join(', ')}, which has no object yet: import it to make this a lookup.`);
      continue;
    }
    let reference_field: string | undefined;
    const refCol = fk.referencedColumns[0];
    if (refTable && refCol && !(refTable.primaryKey.length === 1 && refTable.primaryKey[0] === refCol)) {
      reference_field = uniqueNames(refTable.columns.map((c) => c.name)).get(refCol);
    }
    lookups.set(col, { reference_to: target, ...(reference_field ? { reference_field } : {}) });
  }
  const uniqueSingles = new Set(table.uniqueConstraints.filter((u) => u.columns.length === 1).map((u) => u.columns[0]));

  for (const col of table.columns) {
    const fieldName = fieldNames.get(col.name)!;
    const mapped = mapColumn(col, fieldName);
    const lookup = lookups.get(col.name);
    // Values the database assigns itself (identity, defaults, MongoDB's _id) are not required input.
    const required = !col.nullable && col.default === null && !col.autoIncrement && table.kind !== 'view' && !(col.normalizedType === 'objectid' && col.name === '_id');
    const f: DraftField = lookup
      ? { type: 'lookup', label: lookupLabel(fieldName), reference_to: lookup.reference_to, ...(lookup.reference_field ? { reference_field: lookup.reference_field } : {}) }
      : { type: mapped.type, label: humanize(fieldName) };
    if (col.comment) f.description = col.comment;
    if (required) f.required = true;
    if (!lookup) {
      if (mapped.maxLength !== undefined) f.maxLength = mapped.maxLength;
      if (mapped.precision !== undefined) f.precision = mapped.precision;
      if (mapped.scale !== undefined) f.scale = mapped.scale;
      if (mapped.options) f.options = mapped.options;
      if (mapped.readonly) f.readonly = true;
      if (mapped.hidden) f.hidden = true;
    }
    if (uniqueSingles.has(col.name) && !(table.primaryKey.length === 1 && table.primaryKey[0] === col.name)) f.unique = true;
    if (fieldName !== col.name) f.column = col.name;
    if (mapped.note) (fieldComments[fieldName] ??= []).push(mapped.note);
    fields[fieldName] = f;
    snapshotFields[fieldName] = snapshotOf(f, col.name);
  }

  const pkColumns = table.primaryKey.length > 0 ? table.primaryKey : table.candidateKey ?? [];
  const primaryKey = pkColumns.map((c) => fieldNames.get(c)!);
  if (table.kind === 'view') objectComments.push(`"${table.name}" is a view: read-only, and it has no key of its own.`);
  if (table.primaryKey.length === 0 && table.kind === 'table') {
    objectComments.push(
      table.candidateKey
        ? `The table has no primary key; the unique key (${primaryKey.join(', ')}) is used instead — confirm it identifies one row.`
        : 'The table has no primary key and no unique key: set primaryKey to the fields that identify one row.',
    );
  }
  const titleField =
    TITLE_CANDIDATES.find((t) => fields[t] && ['text', 'textarea', 'email'].includes(fields[t].type)) ??
    Object.entries(fields).find(([n, f]) => f.type === 'text' && f.required && !primaryKey.includes(n))?.[0];

  const label = humanize(objectName(table.name));
  const object: DraftObject = {
    name,
    label,
    pluralLabel: pluralize(label),
    ...(table.comment ? { description: table.comment } : {}),
    datasource: opts.datasource,
    external: { table: table.name, ...(table.schema && catalog.engine === 'postgres' ? { schema: table.schema } : {}) },
    ...(primaryKey.length === 1 ? { primaryKey: primaryKey[0] } : primaryKey.length > 1 ? { primaryKey } : {}),
    ...(titleField ? { titleField } : {}),
    fields,
  };
  return {
    table,
    object,
    comments: { object: objectComments, fields: fieldComments },
    snapshot: { v: 1, table: table.name, ...(table.schema ? { schema: table.schema } : {}), fields: snapshotFields, primaryKey },
  };
}

export function snapshotOf(f: DraftField, column: string): SnapshotField {
  const s: SnapshotField = { column, type: f.type };
  if (f.maxLength !== undefined) s.maxLength = f.maxLength;
  if (f.precision !== undefined) s.precision = f.precision;
  if (f.scale !== undefined) s.scale = f.scale;
  if (f.required) s.required = true;
  if (f.unique) s.unique = true;
  if (f.options) s.options = f.options.map((o) => (typeof o === 'string' ? o : String(o.value)));
  if (f.reference_to) s.reference_to = f.reference_to;
  if (f.reference_field) s.reference_field = f.reference_field;
  return s;
}

export interface DraftSelection {
  tables?: string[];
  all?: boolean;
  namespace?: string;
  datasource: string;
  /** Objects already in the workspace for this datasource (table key → object name), for lookups. */
  existing?: Map<string, string>;
}

/** Drafts the selected tables; lookups point at tables drafted together or already in the workspace. */
export function draftCatalog(catalog: Catalog, sel: DraftSelection): Draft[] {
  let tables = catalog.tables;
  if (!sel.all) {
    const wanted = sel.tables ?? [];
    if (wanted.length === 0) throw new Error('Choose tables to import (--tables a,b) or import all of them (--all).');
    const missing: string[] = [];
    tables = wanted.map((w) => {
      const t = catalog.tables.find((x) => x.name === w) ?? catalog.tables.find((x) => x.name.toLowerCase() === w.toLowerCase() || objectName(x.name) === w);
      if (!t) missing.push(w);
      return t!;
    });
    if (missing.length > 0) {
      throw new Error(`No table named ${missing.map((m) => `"${m}"`).join(', ')} in datasource "${sel.datasource}". Tables: ${catalog.tables.map((t) => t.name).join(', ')}.`);
    }
  }
  const objectsByTable = new Map(sel.existing ?? []);
  const taken = new Set<string>();
  const names = new Map<CatalogTable, string>();
  for (const t of tables) {
    const existing = objectsByTable.get(tableKey(t.schema, t.name));
    let name = existing ?? objectName(t.name, sel.namespace);
    // Two tables that normalise to one name ("Order" and "order"): the second gets a suffix.
    for (let i = 2; taken.has(name); i++) name = `${objectName(t.name, sel.namespace)}_${i}`;
    taken.add(name);
    names.set(t, name);
    objectsByTable.set(tableKey(t.schema, t.name), name);
    if (!objectsByTable.has(tableKey(null, t.name))) objectsByTable.set(tableKey(null, t.name), name);
  }
  return tables.map((t) => draftTable(catalog, t, { datasource: sel.datasource, namespace: sel.namespace, objectsByTable, name: names.get(t) }));
}
