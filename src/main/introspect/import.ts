/**
 * One-step import: catalog → one formatted `*.object.ts` per selected table. New tables get a fresh
 * draft; tables that already have an object file are merged (see merge.ts), and every change is shown
 * as a unified diff before anything is written. Files are written whole, via a temporary file and rename.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Driver } from '../drivers/types';
import type { Catalog, IntrospectOptions } from './catalog';
import { draftCatalog, tableKey, type Draft } from './draft';
import { mergeObject } from './merge';
import { evaluateObjectFile, toDraftObject } from './object-file';
import { renderObjectFile } from './render';
import { unifiedDiff } from './unified-diff';

export interface ExistingObject {
  name: string;
  file: string;
  table: string;
  schema?: string;
}

export interface ImportOptions {
  datasource: string;
  tables?: string[];
  all?: boolean;
  namespace?: string;
  /** Folder for new files (existing objects are updated where they are). */
  outDir: string;
  /** Objects already in the workspace for this datasource: merged instead of duplicated, and lookup targets. */
  existing?: ExistingObject[];
  /** Plan and show the diff, write nothing. */
  dryRun?: boolean;
  /** Shown in the file header, e.g. the command that produced it. */
  command?: string;
}

export interface ImportFile {
  object: string;
  table: string;
  path: string;
  action: 'create' | 'update' | 'unchanged' | 'conflict';
  content: string;
  previous: string | null;
  diff: string;
  /** For updates: one sentence per change the database caused. */
  changes: string[];
  warnings: string[];
}

export interface ImportPlan {
  datasource: string;
  files: ImportFile[];
}

function header(draft: Draft, command: string): string[] {
  const t = draft.table;
  const what = `${t.kind === 'view' ? 'view' : t.kind === 'collection' ? 'collection' : 'table'} ${t.schema ? `${t.schema}.` : ''}${t.name}`;
  return [`Drafted by \`${command}\` from ${what}.`, 'Edit freely: re-importing merges database changes into your edits.'];
}

export async function planImport(catalog: Catalog, opts: ImportOptions): Promise<ImportPlan> {
  const existingByTable = new Map<string, ExistingObject>();
  for (const e of opts.existing ?? []) {
    existingByTable.set(tableKey(e.schema ?? null, e.table), e);
    if (!existingByTable.has(tableKey(null, e.table))) existingByTable.set(tableKey(null, e.table), e);
  }
  const existingNames = new Map([...existingByTable].map(([k, e]) => [k, e.name]));
  const drafts = draftCatalog(catalog, { datasource: opts.datasource, tables: opts.tables, all: opts.all, namespace: opts.namespace, existing: existingNames });
  const command = opts.command ?? `objectdesk import ${opts.datasource}`;
  const files: ImportFile[] = [];
  for (const d of drafts) {
    const known = existingByTable.get(tableKey(d.table.schema, d.table.name)) ?? existingByTable.get(tableKey(null, d.table.name));
    const file = known?.file ?? path.join(opts.outDir, `${d.object.name}.object.ts`);
    const warnings = [...d.table.warnings];
    const comments = { header: header(d, command), object: d.comments.object, fields: d.comments.fields };
    if (!existsSync(file)) {
      const content = await renderObjectFile({ object: d.object, comments, snapshot: d.snapshot });
      files.push({ object: d.object.name, table: d.table.name, path: file, action: 'create', content, previous: null, diff: unifiedDiff('', content, path.basename(file)), changes: [], warnings });
      continue;
    }
    const current = await evaluateObjectFile(file);
    if (!current.object) {
      files.push({
        object: d.object.name, table: d.table.name, path: file, action: 'conflict', content: current.source, previous: current.source, diff: '', changes: [],
        warnings: [...warnings, `${file} does not load (${current.problems.join('; ')}); fix it first — the import will not overwrite it.`],
      });
      continue;
    }
    const mine = toDraftObject(current.object);
    const merged = mergeObject(mine, current.snapshot, d);
    // Nothing to do when the database changed nothing: keep the user's file byte for byte.
    // A hand-written file (no snapshot) that still matches the table is left alone too.
    if (stableJson(merged.object) === stableJson(mine) && (current.snapshot === null || stableJson(merged.snapshot) === stableJson(current.snapshot))) {
      files.push({ object: mine.name, table: d.table.name, path: file, action: 'unchanged', content: current.source, previous: current.source, diff: '', changes: [], warnings });
      continue;
    }
    const exportName = /export\s+const\s+([A-Za-z_$][\w$]*)\s*=\s*ObjectSchema\.create\(/.exec(current.source)?.[1];
    const content = await renderObjectFile({ object: merged.object, comments, snapshot: merged.snapshot, exportName });
    const action = content === current.source ? 'unchanged' : 'update';
    files.push({
      object: merged.object.name, table: d.table.name, path: file, action, content, previous: current.source,
      diff: unifiedDiff(current.source, content, path.basename(file)), changes: merged.changes, warnings,
    });
  }
  return { datasource: opts.datasource, files };
}

/** JSON with object keys sorted, for order-insensitive comparison. */
function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

export async function writeImport(plan: ImportPlan): Promise<string[]> {
  const written: string[] = [];
  for (const f of plan.files) {
    if (f.action !== 'create' && f.action !== 'update') continue;
    await mkdir(path.dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    await writeFile(tmp, f.content, 'utf8');
    await rename(tmp, f.path);
    written.push(f.path);
  }
  return written;
}

/** The API the CLI and the visual modeler call: introspect, plan, and (unless dryRun) write. */
export async function importObjects(driver: Driver, opts: ImportOptions & { introspect?: IntrospectOptions }): Promise<ImportPlan & { written: string[]; catalog: Catalog }> {
  const catalog = await driver.introspect(opts.introspect ?? {});
  const plan = await planImport(catalog, opts);
  const written = opts.dryRun ? [] : await writeImport(plan);
  return { ...plan, written, catalog };
}
