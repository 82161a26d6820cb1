/**
 * Reading an object file back: evaluates it with the workspace's own module loader (so it is validated
 * exactly as the workspace loader would), and turns the normalised definition into the plain draft shape
 * the renderer and the re-import merge work on.
 */
import { readFile } from 'node:fs/promises';
import { ModuleLoader } from '../metadata/module-loader';
import type { ObjectDefinition } from '../metadata/object';
import type { DraftField, DraftObject, Snapshot } from './draft';
import { readSnapshot } from './render';

export interface EvaluatedObjectFile {
  file: string;
  source: string;
  object: ObjectDefinition | null;
  snapshot: Snapshot | null;
  /** Why the file did not yield an object (syntax error, failed validation, no export). */
  problems: string[];
}

let loader: ModuleLoader | null = null;

const isObjectDefinition = (v: unknown): v is ObjectDefinition =>
  !!v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string' && typeof (v as { fields?: unknown }).fields === 'object';

export async function evaluateObjectFile(file: string): Promise<EvaluatedObjectFile> {
  loader ??= new ModuleLoader({ cacheDir: false });
  const source = await readFile(file, 'utf8');
  const r = await loader.evaluate(file);
  const problems = r.definitionErrors.map((e) => e.message);
  if (!r.ok) return { file, source, object: null, snapshot: readSnapshot(source), problems: [r.message, ...problems] };
  const object = (isObjectDefinition(r.exports.default) ? r.exports.default : Object.values(r.exports).find(isObjectDefinition)) ?? null;
  if (!object && problems.length === 0) problems.push('the file exports no object');
  return { file, source, object: problems.length ? null : object, snapshot: readSnapshot(source), problems };
}

/** The normalised definition back in authoring form: options as strings where possible, no defaults echoed. */
export function toDraftObject(def: ObjectDefinition): DraftObject {
  const fields: Record<string, DraftField> = {};
  for (const [name, f] of Object.entries(def.fields)) {
    const out: DraftField = { type: f.type };
    for (const [k, v] of Object.entries(f)) {
      if (v === undefined || k === 'type') continue;
      if (k === 'options' && Array.isArray(v)) {
        out.options = (v as Array<{ label: string; value: string | number; color?: string }>).map((o) =>
          o.color === undefined && typeof o.value === 'string' && o.label === o.value ? o.value : o,
        );
      } else out[k] = v;
    }
    fields[name] = out;
  }
  const { fields: _f, primaryKey, external, ...rest } = def;
  const obj = { ...rest, fields } as DraftObject;
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  if (external) {
    const { writable, ...ext } = external;
    obj.external = writable ? { ...ext, writable } : ext;
  }
  if (primaryKey.length === 1) obj.primaryKey = primaryKey[0];
  else if (primaryKey.length > 1) obj.primaryKey = primaryKey;
  // Key order as authored by the generator, so a re-render of an unchanged file is unchanged.
  const order = ['name', 'label', 'pluralLabel', 'description', 'icon', 'namespace', 'datasource', 'external', 'primaryKey', 'titleField', 'fields'];
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => rank(order, a) - rank(order, b))) as DraftObject;
}

const rank = (order: string[], k: string) => (order.includes(k) ? order.indexOf(k) : order.length - 1);
