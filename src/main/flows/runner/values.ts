/** Values at run time: reading a reference path, rendering templates, comparing and testing conditions. */
import { renderTemplate, substitute } from '../refs';
import type { ConditionTest, FlowValue } from '../schema';

export type Env = Map<string, unknown>;

/** Reads `a.b.c`; a segment applied to a list maps over it, `count` and `first` are the list's own. */
export function getPath(env: Env, path: string): unknown {
  const [head, ...rest] = path.split('.');
  let v: unknown = env.get(head!);
  for (const seg of rest) v = stepInto(v, seg);
  return v;
}

function stepInto(v: unknown, seg: string): unknown {
  if (Array.isArray(v)) {
    if (seg === 'count') return v.length;
    if (seg === 'first') return v[0] ?? null;
    return v.map((x) => stepInto(x, seg));
  }
  if (v && typeof v === 'object') return (v as Record<string, unknown>)[seg];
  return undefined;
}

export const render = (env: Env, text: string) => renderTemplate(text, (p) => getPath(env, p));

export function resolveValue(env: Env, v: FlowValue): unknown {
  if (v && typeof v === 'object') return getPath(env, v.$ref) ?? null;
  if (typeof v === 'string') return render(env, v);
  return v;
}

/** A JSON value with `{ $ref }` replaced by values and, optionally, string templates rendered. */
export function resolveDeep(env: Env, value: unknown, renderStrings: boolean): unknown {
  return substitute(value, (p) => getPath(env, p) ?? null, renderStrings ? (s) => render(env, s) : undefined);
}

const numeric = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

/** Equality as a reader means it: 13.5 equals "13.50" (decimals arrive as exact strings). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined && (typeof a === 'number' || typeof b === 'number')) return na === nb;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return String(a) === String(b);
}

function order(a: unknown, b: unknown): number | undefined {
  if (a === null || a === undefined || b === null || b === undefined) return undefined;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined && (typeof a === 'number' || typeof b === 'number' || (typeof a === 'string' && typeof b === 'string' && !/[-:T]/.test(a + b)))) return na - nb;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

export function testCondition(env: Env, t: ConditionTest): boolean {
  const left = getPath(env, t.ref);
  if (t.op === 'empty') return isEmpty(left);
  if (t.op === 'notEmpty') return !isEmpty(left);
  const right = resolveValue(env, t.value ?? null);
  if (t.op === 'eq') return sameValue(left, right);
  if (t.op === 'ne') return !sameValue(left, right);
  const o = order(left, right);
  if (o === undefined) return false;
  return t.op === 'gt' ? o > 0 : t.op === 'gte' ? o >= 0 : t.op === 'lt' ? o < 0 : o <= 0;
}

export function jsonSize(v: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(v) ?? '');
  } catch {
    return 0;
  }
}
