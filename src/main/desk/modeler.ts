/**
 * The visual modeler's use of the introspect area: the live catalog in the shape the screen shows, a
 * preview of the object files for the selected tables with the user's form edits (labels, descriptions,
 * field visibility) applied to new drafts, writing them, and schema drift for the datasource's objects.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../introspect/catalog';
import { diffObjects, draftCatalog, planImport, readSnapshot, renderObjectFile, unifiedDiff, writeImport, type DraftObject, type ExistingObject, type ImportPlan } from '../introspect';
import { tableKey } from '../introspect/draft';
import type { Workspace } from '../metadata';

export interface FieldOverride {
  label?: string;
  description?: string;
  hidden?: boolean;
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

/** Pure: the draft with the form's edits; empty strings clear a label or description back to the draft's. */
export function applyOverride(object: DraftObject, o: ObjectOverride | undefined): DraftObject {
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
    const nf = { ...field };
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
  for (const f of plan.files) {
    const d = drafts.find((x) => x.object.name === f.object);
    if (!d) continue;
    if (f.action !== 'create') {
      objects.set(f.object, d.object);
      continue;
    }
    const edited = applyOverride(d.object, sel.overrides?.[f.table]);
    objects.set(f.object, edited);
    if (edited === d.object) continue;
    const what = `${d.table.kind === 'view' ? 'view' : d.table.kind === 'collection' ? 'collection' : 'table'} ${d.table.schema ? `${d.table.schema}.` : ''}${d.table.name}`;
    f.content = await renderObjectFile({
      object: edited,
      comments: { header: [`Drafted by ${command} from ${what}.`, 'Edit freely: re-importing merges database changes into your edits.'], object: d.comments.object, fields: d.comments.fields },
      snapshot: d.snapshot,
    });
    f.diff = unifiedDiff('', f.content, path.basename(f.path));
  }
  return { ...plan, objects };
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
