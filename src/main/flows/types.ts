/**
 * The types of the values that pass between steps, so a reference like `big.first.total` is checked when
 * the flow loads: it must name an earlier step, a key that step produces, and a value that fits where it
 * is used (a number compared with a number, a list under `$in`, records of the right object to update).
 */
import type { FieldDefinition } from '../metadata/field';
import type { ObjectDefinition } from '../metadata/object';

export type ScalarKind = 'number' | 'decimal' | 'text' | 'boolean' | 'date' | 'datetime' | 'time' | 'any';

export type VType =
  | { kind: 'scalar'; of: ScalarKind }
  | { kind: 'record'; object?: string; fields: Record<string, VType> }
  | { kind: 'list'; of: VType };

export const scalar = (of: ScalarKind): VType => ({ kind: 'scalar', of });
export const list = (of: VType): VType => ({ kind: 'list', of });
export const record = (fields: Record<string, VType>, object?: string): VType => ({ kind: 'record', fields, ...(object ? { object } : {}) });

export function describeType(t: VType): string {
  if (t.kind === 'scalar') return t.of === 'any' ? 'a value' : t.of === 'decimal' ? 'a number' : `a ${t.of}`;
  if (t.kind === 'list') {
    if (t.of.kind === 'record') return `a list of ${`${t.of.object ?? ''} records`.trim()}`;
    if (t.of.kind === 'scalar') return t.of.of === 'any' ? 'a list of values' : `a list of ${t.of.of === 'decimal' ? 'number' : t.of.of}s`;
    return `a list of ${describeType(t.of).replace(/^an? /, '')}`;
  }
  return t.object ? `a ${t.object} record` : 'a record';
}

/** The scalar kind of a field's values as rows carry them (decimals are exact strings, compared as numbers). */
export function fieldKind(f: FieldDefinition, objects?: (name: string) => ObjectDefinition | undefined): ScalarKind {
  switch (f.type) {
    case 'number':
    case 'autonumber':
      return 'number';
    case 'currency':
    case 'percent':
      return 'decimal';
    case 'boolean':
      return 'boolean';
    case 'date':
    case 'datetime':
    case 'time':
      return f.type;
    case 'lookup': {
      const target = objects?.(f.reference_to);
      const ref = target?.fields[f.reference_field ?? target.primaryKey[0] ?? ''];
      return ref && ref.type !== 'lookup' ? fieldKind(ref, objects) : 'any';
    }
    case 'json':
    case 'multiselect':
      return 'any';
    case 'select':
      return f.options?.every((o) => typeof o.value === 'number') ? 'number' : 'text';
    default:
      return 'text';
  }
}

export function recordOf(object: ObjectDefinition, fields: string[] | undefined, objects: (name: string) => ObjectDefinition | undefined): VType {
  const names = fields ?? Object.keys(object.fields);
  const out: Record<string, VType> = {};
  for (const n of names) {
    const f = object.fields[n];
    // Dotted lookup paths come back under their dotted name, which a reference cannot spell; typed loosely.
    out[n] = f ? scalar(fieldKind(f, objects)) : scalar('any');
  }
  return record(out, object.name);
}

export const isNumeric = (k: ScalarKind) => k === 'number' || k === 'decimal';
export const isTemporal = (k: ScalarKind) => k === 'date' || k === 'datetime' || k === 'time';

/** Whether a value of kind `from` may be written to / compared with a field of kind `to`. */
export function compatible(to: ScalarKind, from: ScalarKind): boolean {
  if (to === 'any' || from === 'any' || to === from) return true;
  if (isNumeric(to) && isNumeric(from)) return true;
  if (isTemporal(to) && isTemporal(from)) return true;
  if (to === 'text') return true;
  // Dates travel as ISO strings.
  if (isTemporal(to) && from === 'text') return true;
  return false;
}

export function kindOfLiteral(v: unknown): ScalarKind {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'text';
  return 'any';
}

/**
 * Resolves a dotted path. A segment applied to a list maps over its items (`big.rows.customer_id` is the
 * list of customer ids); `count` and `first` are the list's own keys.
 */
export function resolvePath(env: ReadonlyMap<string, VType>, path: string): { type: VType } | { error: string } {
  const [head, ...rest] = path.split('.');
  let t = env.get(head!);
  if (!t) {
    const known = [...env.keys()];
    return { error: `"${head}" is not an earlier step or loop item here${known.length ? ` — known here: ${known.join(', ')}` : ''}` };
  }
  let at = head!;
  for (const seg of rest) {
    const next = step(t, seg);
    if (!next) {
      const keys = t.kind === 'record' ? Object.keys(t.fields) : t.kind === 'list' ? ['count', 'first', ...(t.of.kind === 'record' ? Object.keys(t.of.fields) : [])] : [];
      return { error: `"${at}" is ${describeType(t)} and has no "${seg}"${keys.length ? ` — use one of: ${keys.join(', ')}` : ''}` };
    }
    t = next;
    at = `${at}.${seg}`;
  }
  return { type: t };
}

function step(t: VType, seg: string): VType | undefined {
  if (t.kind === 'record') return t.fields[seg];
  if (t.kind === 'list') {
    if (seg === 'count') return scalar('number');
    if (seg === 'first') return t.of;
    const inner = step(t.of, seg);
    return inner ? list(inner) : undefined;
  }
  if (t.of === 'any') return scalar('any');
  return undefined;
}
