/**
 * The visual modeler's use of the introspect area: the live catalog in the shape the screen shows, a
 * preview of the object files for the selected tables with the user's form edits (labels, descriptions,
 * field visibility, select options, lookups) applied to new drafts, writing them, and schema drift for the
 * datasource's objects.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../introspect/catalog';
import { diffObjects, draftCatalog, planImport, readSnapshot, renderObjectFile, unifiedDiff, writeImport, type DraftObject, type ExistingObject, type ImportPlan } from '../introspect';
import type { CatalogTable } from '../introspect/catalog';
import { tableKey, type DraftField } from '../introspect/draft';
import { mapColumn } from '../introspect/type-mapping';
import type { Workspace } from '../metadata';

export interface FieldOverride {
  label?: string;
  description?: string;
  hidden?: boolean;
  options?: Array<{ value: string | number; label: string }>;
  reference_to?: string | null;
}
export interface ObjectOverride {
  label?: string;
  pluralLabel?: string;
  description?: string;
  fields?: Record<string, FieldOverride>;
}
export interface Selection {
  datasource: string;
  tables: string[];
  namespace?: string;
  overrides?: Record<string, ObjectOverride>;
}

export function existingObjects(ws: Workspace, datasource: string): ExistingObject[] {
  return [...ws.objects.values()]
    .filter((o) => o.datasource === datasource)
    .map((o) => ({ name: o.name, file: o.file, table: o.external?.table ?? o.name, ...(o.external?.schema ? { schema: o.external.schema } : {}) }));
}

export function catalogView(catalog: Catalog, existing: ExistingObject[]) {
  const byTable = new Map(existing.map((e) => [tableKey(e.schema ?? null, e.table), e.name]));
  return {
    datasource: catalog.datasource,
    engine: catalog.engine,
    tables: catalog.tables.map((t) => {
      const refs = new Map<string, string>();
      for (const fk of t.foreignKeys) if (fk.columns.length === 1) refs.set(fk.columns[0]!, fk.referencedTable);
      const object = byTable.get(tableKey(t.schema, t.name)) ?? byTable.get(tableKey(null, t.name));
      return {
        schema: t.schema,
        name: t.name,
        kind: t.kind,
        rowCountEstimate: t.rowCountEstimate,
        columns: t.columns.map((c) => ({
          name: c.name,
          dataType: c.dataType,
          normalizedType: c.normalizedType,
          nullable: c.nullable,
          primaryKey: t.primaryKey.includes(c.name),
          ...(refs.has(c.name) ? { references: refs.get(c.name)! } : {}),
        })),
        ...(object ? { object } : {}),
        warnings: t.warnings,
      };
    }),
  };
}

/** A form edit that cannot become a valid object file; `path` names the edit (overrides.<table>.fields.<field>.<key>). */
export class ModelerEditError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
  }
}

export interface OverrideContext {
  /** The table the draft is for, used in error paths. */
  table: string;
  /** Objects a lookup may point at: the workspace's and the ones drafted in this selection. */
  objects: ReadonlySet<string>;
  /** The field as the column's own type (no lookup), for an edit that removes a lookup. */
  plain?(name: string): DraftField | undefined;
}

/** Field types whose values a select can list (the stored value is the option's value). */
const SELECTABLE = new Set(['select', 'text', 'number']);
/** Keys a select or lookup field shares with any field (the rest belong to the old type). */
const COMMON_KEYS = ['label', 'description', 'required', 'readonly', 'hidden', 'unique', 'column'] as const;

function common(f: DraftField): Partial<DraftField> {
  const out: Partial<DraftField> = {};
  for (const k of COMMON_KEYS) if (f[k] !== undefined) (out as Record<string, unknown>)[k] = f[k];
  return out;
}

function applyStructure(name: string, field: DraftField, f: FieldOverride, ctx: OverrideContext | undefined): DraftField {
  const at = (key: string) => `overrides.${ctx?.table ?? ''}.fields.${name}.${key}`;
  let next = field;
  if (f.reference_to !== undefined) {
    if (f.reference_to === null) {
      if (next.type === 'lookup') {
        const plain = ctx?.plain?.(name);
        if (!plain) throw new ModelerEditError(`${name}: the column's own type is unknown, so the lookup cannot be removed here; edit the file after writing it.`, at('reference_to'));
        next = { ...plain, ...common(next) };
      }
    } else {
      if (ctx && !ctx.objects.has(f.reference_to)) {
        throw new ModelerEditError(`${name}: there is no object "${f.reference_to}" to look up. Choose one of: ${[...ctx.objects].sort().join(', ')} — or select its table too.`, at('reference_to'));
      }
      const keepField = next.type === 'lookup' && next.reference_to === f.reference_to && next.reference_field ? { reference_field: next.reference_field } : {};
      next = { ...common(next), type: 'lookup', reference_to: f.reference_to, ...keepField };
    }
  }
  if (f.options !== undefined) {
    if (next.type === 'lookup') throw new ModelerEditError(`${name} is a lookup; remove the lookup before giving it options.`, at('options'));
    if (!SELECTABLE.has(next.type)) throw new ModelerEditError(`${name} is a ${next.type} field; only text, number and select fields can have options.`, at('options'));
    const seen = new Set<string>();
    for (const [i, o] of f.options.entries()) {
      const key = String(o.value);
      if (seen.has(key)) throw new ModelerEditError(`${name}: the value "${key}" is listed twice; each option needs its own value.`, `${at('options')}.${i}.value`);
      seen.add(key);
      if (next.type === 'number' && typeof o.value !== 'number') throw new ModelerEditError(`${name} stores numbers; option "${o.label}" needs a number value.`, `${at('options')}.${i}.value`);
    }
    if (f.options.length === 0) {
      if (next.type === 'select') throw new ModelerEditError(`${name} is a select: give it at least one option.`, at('options'));
    } else {
      next = { ...common(next), type: 'select', options: f.options.map((o) => ({ label: o.label, value: o.value })) };
    }
  }
  return next;
}

/**
 * Pure: the draft with the form's edits; empty strings clear a label or description back to the draft's.
 * Options and lookups change a field's type (select, lookup) and drop the keys of the old one.
 */
export function applyOverride(object: DraftObject, o: ObjectOverride | undefined, ctx?: OverrideContext): DraftObject {
  if (!o) return object;
  const next: DraftObject = { ...object, fields: { ...object.fields } };
  if (o.label?.trim()) next.label = o.label.trim();
  if (o.pluralLabel?.trim()) next.pluralLabel = o.pluralLabel.trim();
  if (o.description !== undefined) {
    if (o.description.trim()) next.description = o.description.trim();
    else delete next.description;
  }
  for (const [name, f] of Object.entries(o.fields ?? {})) {
    const field = next.fields[name];
    if (!field) continue;
    const nf = { ...applyStructure(name, field, f, ctx) };
    if (f.label?.trim()) nf.label = f.label.trim();
    if (f.description !== undefined) {
      if (f.description.trim()) nf.description = f.description.trim();
      else delete nf.description;
    }
    if (f.hidden !== undefined) {
      if (f.hidden) nf.hidden = true;
      else delete nf.hidden;
    }
    next.fields[name] = nf;
  }
  return next;
}

export async function previewImport(catalog: Catalog, ws: Workspace, sel: Selection): Promise<ImportPlan & { objects: Map<string, DraftObject> }> {
  const existing = existingObjects(ws, sel.datasource);
  const outDir = path.join(ws.root, sel.datasource);
  const command = 'the ObjectDesk modeler';
  const plan = await planImport(catalog, { datasource: sel.datasource, tables: sel.tables, namespace: sel.namespace, outDir, existing, command: `objectdesk import ${sel.datasource} --tables ${sel.tables.join(',')}` });
  const existingNames = new Map<string, string>();
  for (const e of existing) {
    existingNames.set(tableKey(e.schema ?? null, e.table), e.name);
    if (!existingNames.has(tableKey(null, e.table))) existingNames.set(tableKey(null, e.table), e.name);
  }
  const drafts = draftCatalog(catalog, { datasource: sel.datasource, tables: sel.tables, namespace: sel.namespace, existing: existingNames });
  const objects = new Map<string, DraftObject>();
  const lookupTargets = new Set([...ws.objects.keys(), ...plan.files.map((f) => f.object)]);
  for (const f of plan.files) {
    const d = drafts.find((x) => x.object.name === f.object);
    if (!d) continue;
    if (f.action !== 'create') {
      objects.set(f.object, d.object);
      continue;
    }
    const override = sel.overrides?.[f.table];
    const edited = applyOverride(d.object, override, {
      table: f.table,
      objects: lookupTargets,
      plain: (name) => plainField(d.table, d.object.fields[name], name),
    });
    objects.set(f.object, edited);
    if (edited === d.object) continue;
    const what = `${d.table.kind === 'view' ? 'view' : d.table.kind === 'collection' ? 'collection' : 'table'} ${d.table.schema ? `${d.table.schema}.` : ''}${d.table.name}`;
    // A note like "References X, which has no object yet" is wrong once the form made the field a lookup.
    const fieldComments = Object.fromEntries(
      Object.entries(d.comments.fields).map(([name, lines]) => [name, override?.fields?.[name]?.reference_to !== undefined ? lines.filter((l) => !l.startsWith('References ')) : lines]),
    );
    f.content = await renderObjectFile({
      object: edited,
      comments: { header: [`Drafted by ${command} from ${what}.`, 'Edit freely: re-importing merges database changes into your edits.'], object: d.comments.object, fields: fieldComments },
      snapshot: d.snapshot,
    });
    f.diff = unifiedDiff('', f.content, path.basename(f.path));
  }
  return { ...plan, objects };
}

/** The field a column gets without a lookup (what removing a lookup in the form returns to). */
function plainField(table: CatalogTable, field: DraftField | undefined, name: string): DraftField | undefined {
  const col = table.columns.find((c) => c.name === (field?.column ?? name));
  if (!col) return undefined;
  const m = mapColumn(col, name);
  const f: DraftField = { type: m.type };
  if (m.maxLength !== undefined) f.maxLength = m.maxLength;
  if (m.precision !== undefined) f.precision = m.precision;
  if (m.scale !== undefined) f.scale = m.scale;
  if (m.options) f.options = m.options;
  return f;
}

export { writeImport };

export function drift(catalog: Catalog, ws: Workspace, datasource: string) {
  const objects = [...ws.objects.values()].filter((o) => o.datasource === datasource);
  const subjects = objects.map((o) => {
    let snapshot = null;
    try {
      snapshot = readSnapshot(readFileSync(o.file, 'utf8'));
    } catch {
      /* unreadable file: diff without a snapshot */
    }
    return { object: o, file: path.relative(ws.root, o.file), snapshot };
  });
  return diffObjects(catalog, subjects);
}
