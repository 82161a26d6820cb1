/**
 * References inside flow values, shared by the load-time checker and the runner: `{ $ref: 'a.b' }` objects
 * anywhere in a JSON value, and `{{a.b}}` placeholders inside strings.
 */
export const TEMPLATE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*)\s*\}\}/g;

export function isRef(v: unknown): v is { $ref: string } {
  return Boolean(v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $ref?: unknown }).$ref === 'string');
}

export function templateRefs(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1]!);
}

/** Renders `{{path}}` placeholders; lists and records become JSON, null and undefined become ''. */
export function renderTemplate(text: string, get: (path: string) => unknown): string {
  return text.replace(TEMPLATE, (_m, path: string) => {
    const v = get(path);
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  });
}

export interface RefSite {
  path: string;
  /** Where in the value, e.g. `where.customer_id.$in`. */
  at: string;
  /** The key the reference sits under (`$in`, `$gt`, a field name), for deciding what type fits. */
  key: string | undefined;
  /** The field the reference compares with, when it sits in a filter. */
  field: string | undefined;
}

/** Every `{ $ref }` in a value, with its location. */
export function findRefs(value: unknown, at = '', key?: string, field?: string): RefSite[] {
  if (isRef(value)) return [{ path: value.$ref, at, key, field }];
  if (Array.isArray(value)) return value.flatMap((v, i) => findRefs(v, `${at}[${i}]`, key, field));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => findRefs(v, at ? `${at}.${k}` : k, k, k.startsWith('$') ? field : k));
  }
  return [];
}

/** A copy of the value with every `{ $ref }` replaced by `resolve(path)` and, if asked, templates rendered. */
export function substitute(value: unknown, resolve: (path: string, key: string | undefined) => unknown, renderStrings?: (s: string) => string, key?: string): unknown {
  if (isRef(value)) return resolve(value.$ref, key);
  if (typeof value === 'string') return renderStrings ? renderStrings(value) : value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, resolve, renderStrings, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, resolve, renderStrings, k)]));
  }
  return value;
}
