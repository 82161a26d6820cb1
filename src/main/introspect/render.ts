/**
 * Renders an object draft as a formatted `*.object.ts` file in the ObjectSchema.create format (importing
 * from '@objectstack/spec/data'), and reads back the import snapshot embedded at its end.
 */
import { format } from 'prettier';
import type { DraftField, DraftObject, Snapshot } from './draft';

export const SNAPSHOT_MARKER = '// @objectdesk-import-snapshot ';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));

function literal(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return `{ ${entries.map(([k, x]) => `${key(k)}: ${literal(x)}`).join(', ')} }`;
}

const comment = (lines: readonly string[] | undefined, indent = '') => (lines ?? []).map((l) => `${indent}// ${l.replace(/\n/g, ' ')}\n`).join('');

/** `Field.<type>(…)` source for one field; lookups and selects use their positional forms. */
const FIELD_KEY_ORDER = [
  'label', 'description', 'required', 'readonly', 'hidden', 'searchable', 'unique', 'defaultValue',
  'maxLength', 'precision', 'scale', 'min', 'max', 'currency', 'options', 'reference_to', 'reference_field', 'format', 'column',
];
const fieldRank = (k: string) => (FIELD_KEY_ORDER.includes(k) ? FIELD_KEY_ORDER.indexOf(k) : FIELD_KEY_ORDER.length - 1);

export function fieldSource(f: DraftField): string {
  const { type, ...unordered } = f;
  const rest = Object.fromEntries(Object.entries(unordered).filter(([, v]) => v !== undefined).sort(([a], [b]) => fieldRank(a) - fieldRank(b))) as Omit<DraftField, 'type'>;
  if (type === 'lookup') {
    const { reference_to, ...opts } = rest;
    return Object.keys(opts).length ? `Field.lookup(${literal(reference_to)}, ${literal(opts)})` : `Field.lookup(${literal(reference_to)})`;
  }
  if (type === 'select' || type === 'multiselect') {
    const { options, ...opts } = rest;
    return Object.keys(opts).length ? `Field.${type}(${literal(options)}, ${literal(opts)})` : `Field.${type}(${literal(options)})`;
  }
  return Object.keys(rest).length ? `Field.${type}(${literal(rest)})` : `Field.${type}()`;
}

export interface RenderInput {
  object: DraftObject;
  comments?: { object?: string[]; fields?: Record<string, string[]>; header?: string[] };
  snapshot?: Snapshot;
  /** Keep a file's `export const <name> =` form instead of `export default`. */
  exportName?: string;
}

export async function renderObjectFile(input: RenderInput): Promise<string> {
  const { object, comments = {}, snapshot, exportName } = input;
  const { fields, ...top } = object;
  const order = ['name', 'label', 'pluralLabel', 'description', 'icon', 'namespace', 'datasource', 'external', 'primaryKey', 'titleField'];
  const topKeys = [...order.filter((k) => k in top), ...Object.keys(top).filter((k) => !order.includes(k))];
  let body = '';
  for (const k of topKeys) {
    const v = top[k];
    if (v === undefined) continue;
    if (k === 'external' && v && typeof v === 'object' && (v as { writable?: boolean }).writable === false) {
      const { writable: _w, ...ext } = v as Record<string, unknown>;
      body += `  ${key(k)}: ${literal(ext)},\n`;
    } else body += `  ${key(k)}: ${literal(v)},\n`;
  }
  body += '  fields: {\n';
  for (const [name, f] of Object.entries(fields)) {
    body += comment(comments.fields?.[name], '    ');
    body += `    ${key(name)}: ${fieldSource(f)},\n`;
  }
  body += '  },\n';
  const text =
    comment(comments.header) +
    `import { ObjectSchema, Field } from '@objectstack/spec/data';\n\n` +
    comment(comments.object) +
    `${exportName ? `export const ${exportName} =` : 'export default'} ObjectSchema.create({\n${body}});\n` +
    (snapshot ? `\n// Written by \`objectdesk import\`: what the database said at import time, so a re-import can keep your edits.\n${SNAPSHOT_MARKER}${JSON.stringify(snapshot)}\n` : '');
  return format(text, { parser: 'typescript', singleQuote: true, printWidth: 110, trailingComma: 'all' });
}

export function readSnapshot(source: string): Snapshot | null {
  const i = source.lastIndexOf(SNAPSHOT_MARKER);
  if (i < 0) return null;
  const line = source.slice(i + SNAPSHOT_MARKER.length).split('\n')[0];
  try {
    const s = JSON.parse(line) as Snapshot;
    return s && s.v === 1 && typeof s.fields === 'object' ? s : null;
  } catch {
    return null;
  }
}
