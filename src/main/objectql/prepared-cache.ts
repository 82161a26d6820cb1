/**
 * Prepared queries: the validated, permission-applied, bound and compiled form of a query *shape*, so a
 * repeated query with other values skips zod, the permission step, the binder and the compiler, and only
 * rebinds its values.
 *
 * - The key is the structure of the raw AST (structure.ts): every value a caller compares with (filter
 *   operands, `limit`, `offset`) replaced by a tag of its JSON type, everything else verbatim.
 * - An entry records, for each value of the AST, the Param it became and the check it passed (`BindTrace`).
 *   A hit re-runs exactly those checks on the new values (`acceptValue`, the same function the binder uses)
 *   and converts them the way the statement's slots say. A value the check refuses — or one that would be
 *   bound differently, such as a relative-date token where the entry had a date — sends the query down
 *   the full path, which gives the canonical error (or result).
 * - Not cached: `search`, `cursor`, relative dates (the binder marks them: they depend on more than the
 *   value's type, or on the clock), fallback plans, document datasources, and any binding whose values
 *   cannot be traced one to one from the raw AST to the AST after permissions (see `buildEntry`).
 * - Where entries live (the engine): one store per engine — an engine's resolvers, permission hook, driver
 *   lookup, time zone and limits are fixed when it is built, and AppContext builds one per Session and call
 *   — and, when the engine has a permission hook, one per `session` object. A hit also re-resolves every
 *   object the binding used and the driver, and is refused when any of them changed.
 */
import type { Driver } from '../drivers/types';
import type { Query } from './ast';
import { convertParameter, type SqlDialect, type SqlStatement } from './compile/sql';
import { joinPath } from './errors';
import type { BoundQuery, ObjectResolver, Param, QueryObjectDef } from './ir';
import type { PlanStep } from './plan';
import { astBuilder, type AstBuilder } from './prepared-ast';
import { isRelativeDateToken } from './relative-dates';
import type { Structure } from './structure';
import { acceptValue, LIMITS, Refusal, type BindTrace, type ValueCheck } from './validate';

export { PreparedStore, sameSignature, structureOf, type Probe, type Signature, type Structure } from './structure';

type Seg = string | number;

// ---- entries ---------------------------------------------------------------------------------------

/** A refused value: the caller's query takes the full path, which reports it. */
const REFUSED: unique symbol = Symbol('refused');

function recheck(v: unknown, c: ValueCheck): unknown {
  switch (c.t) {
    case 'value': {
      if (c.relativeDates && isRelativeDateToken(v)) return REFUSED;
      const r = acceptValue(v, c.kind, c.field);
      return r instanceof Refusal ? REFUSED : r;
    }
    case 'pattern':
      return typeof v === 'string' && v.length > 0 && v.length <= LIMITS.maxTextPattern ? v : REFUSED;
    case 'limit':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= c.max ? v : REFUSED;
    case 'offset':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= LIMITS.maxOffset ? v : REFUSED;
  }
}

/** An object lookup the binding depended on; a hit is refused when the resolver answers differently now. */
export interface Resolved {
  resolve: ObjectResolver;
  name: string;
  def: QueryObjectDef | undefined;
}

export interface PreparedEntry {
  datasource: string;
  driver: Driver;
  dialect: SqlDialect;
  object: QueryObjectDef & { datasource: string };
  resolved: Resolved[];
  statement: SqlStatement;
  /** Per value of the structure: its checks (the first gives the canonical value) and its path in the AST after permissions. */
  leaves: Array<{ checks: ValueCheck[]; astPath: Seg[] }>;
  /** Per statement parameter: the value it converts, or its fixed value (permission rules, defaults). */
  slots: Array<{ leaf: number; conv: SqlStatement['slots'][number]['conv']; value: unknown }>;
  /** The AST after permissions with the values of the query that made the entry; frozen, shared by hits. */
  ast: Query;
  /** `ast` with new values (one per leaf, in leaf order) at their paths. */
  buildAst: AstBuilder;
  /** The bound query that made the entry: only its structure (mode, sort fingerprint) may be read. */
  bound: BoundQuery;
  steps: readonly PlanStep[];
  /** Leaf of `limit`/`offset`, or -1 when fixed (then `*Value` holds it). */
  limitLeaf: number;
  limitValue: number;
  offsetLeaf: number;
  offsetValue: number;
  pageStep: number;
  lastPage?: { limit: number; offset: number; steps: readonly PlanStep[] };
}

export interface BuildInput {
  structure: Structure & { paths: Seg[][] };
  /** The AST as parsed (first validation pass). */
  parsed: Query;
  /** The AST after permissions (what was bound the second time; `parsed` without a permission hook). */
  final: Query;
  /** The trace of the first pass, when a permission hook ran and the AST was bound twice. */
  firstTrace?: BindTrace;
  finalTrace: BindTrace;
  bound: BoundQuery;
  statement: SqlStatement;
  params: Param[];
  values: unknown[];
  dialect: SqlDialect;
  driver: Driver;
  object: QueryObjectDef & { datasource: string };
  resolved: Resolved[];
  steps: PlanStep[];
}

/** An entry, or why this query cannot be rebound by value. */
export function buildEntry(b: BuildInput): PreparedEntry | string {
  if (b.finalTrace.uncacheable) return b.finalTrace.uncacheable;
  if (b.firstTrace?.uncacheable) return b.firstTrace.uncacheable;
  const where = containerPaths(b.final);
  if (typeof where === 'string') return where;
  const finalAt = byAt(b.finalTrace);
  const firstAt = b.firstTrace ? byAt(b.firstTrace) : undefined;
  const leafOf = new Map<Param, number>();
  const leaves: PreparedEntry['leaves'] = [];
  const { values: raw, paths } = b.structure;
  for (let i = 0; i < raw.length; i++) {
    const rawPath = paths[i]!;
    const astPath = finalPath(b.parsed, b.final, where, rawPath);
    if (!astPath || !Object.is(valueAt(b.final, astPath), raw[i])) return 'a value moved by the permission step';
    // The final binding decides the parameter; the first (the caller's view) must accept the value too.
    const rec = single(finalAt.get(pathText(astPath)));
    if (!rec || leafOf.has(rec.param)) return 'a value not bound exactly once';
    const checks = [rec.check];
    if (firstAt) {
      const first = single(firstAt.get(pathText(rawPath)));
      if (!first) return 'a value not bound exactly once by the first pass';
      if (!sameCheck(first.check, rec.check)) checks.push(first.check);
    }
    // The entry is only as good as its checks: they must give the value the binder gave.
    const canon = recheck(raw[i], checks[0]!);
    if (canon === REFUSED || !Object.is(canon, rec.param.value) || checks.some((c) => recheck(raw[i], c) === REFUSED)) return 'a value the checks do not reproduce';
    leafOf.set(rec.param, i);
    leaves.push({ checks, astPath });
  }
  const inStatement = new Set(b.params);
  for (const p of leafOf.keys()) if (!inStatement.has(p)) return 'a value missing from the statement';
  const slots: PreparedEntry['slots'] = b.statement.slots.map((s) => {
    const leaf = leafOf.get(b.params[s.index]!);
    return leaf === undefined ? { leaf: -1, conv: s.conv, value: convertParameter(b.dialect, s.conv, b.values[s.index]) } : { leaf, conv: s.conv, value: undefined };
  });
  const limitLeaf = leafOf.get(b.bound.limit) ?? -1;
  const offsetLeaf = leafOf.get(b.bound.offset) ?? -1;
  const steps = b.steps.map((s) => Object.freeze({ ...s }));
  const ast = deepFreeze(structuredClone(b.final));
  let buildAst: AstBuilder;
  try {
    buildAst = astBuilder(ast, leaves.map((l) => l.astPath));
  } catch {
    return 'an AST the builder cannot take';
  }
  return {
    datasource: b.object.datasource,
    driver: b.driver,
    dialect: b.dialect,
    object: b.object,
    resolved: b.resolved,
    statement: b.statement,
    leaves,
    slots,
    ast,
    buildAst,
    bound: b.bound,
    steps: Object.freeze(steps),
    limitLeaf,
    limitValue: Number(b.bound.limit.value),
    offsetLeaf,
    offsetValue: Number(b.bound.offset.value),
    pageStep: steps.findIndex((s) => s.step === 'page'),
  };
}

export interface Rebound {
  parameters: unknown[];
  ast: Query;
  steps: readonly PlanStep[];
  limit: number;
}

/** New values into a prepared entry; undefined when a value is refused (the caller takes the full path). */
export function rebind(e: PreparedEntry, raw: unknown[]): Rebound | undefined {
  const n = e.leaves.length;
  const canon = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const checks = e.leaves[i]!.checks;
    const c = recheck(raw[i], checks[0]!);
    if (c === REFUSED) return undefined;
    for (let j = 1; j < checks.length; j++) if (recheck(raw[i], checks[j]!) === REFUSED) return undefined;
    canon[i] = c;
  }
  const slots = e.slots;
  const parameters = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    parameters[i] = s.leaf < 0 ? s.value : convertParameter(e.dialect, s.conv, canon[s.leaf]);
  }
  const limit = e.limitLeaf < 0 ? e.limitValue : (canon[e.limitLeaf] as number);
  let steps = e.steps;
  if ((e.limitLeaf >= 0 || e.offsetLeaf >= 0) && e.pageStep >= 0) {
    const offset = e.offsetLeaf < 0 ? e.offsetValue : (canon[e.offsetLeaf] as number);
    // Pages of one size repeat: the (frozen) steps of the last page are reused when it matches.
    const last = e.lastPage;
    if (last && Object.is(last.limit, limit) && Object.is(last.offset, offset)) {
      steps = last.steps;
    } else {
      const copy = steps.slice();
      copy[e.pageStep] = Object.freeze({ ...copy[e.pageStep]!, detail: `limit ${String(limit)} offset ${String(offset)}` });
      steps = Object.freeze(copy);
      e.lastPage = { limit, offset, steps };
    }
  }
  return { parameters, ast: e.buildAst(raw), steps, limit };
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/** Every object and array of the AST by identity → its path; a container met twice cannot be traced. */
function containerPaths(ast: Query): Map<object, Seg[]> | string {
  const map = new Map<object, Seg[]>();
  let shared = false;
  const walk = (v: unknown, path: Seg[]) => {
    if (v === null || typeof v !== 'object' || shared) return;
    if (map.has(v)) {
      shared = true;
      return;
    }
    map.set(v, path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k]);
  };
  walk(ast, []);
  return shared ? 'a container shared twice in the AST after permissions' : map;
}

/** Where the raw value at `rawPath` is in the AST after permissions: its parsed container, found by identity. */
function finalPath(parsed: Query, final: Query, where: Map<object, Seg[]>, rawPath: Seg[]): Seg[] | undefined {
  let container: unknown = parsed;
  for (let d = 0; d < rawPath.length - 1; d++) {
    if (container === null || typeof container !== 'object') return undefined;
    container = (container as Record<Seg, unknown>)[rawPath[d]!];
  }
  if (container === null || typeof container !== 'object') return undefined;
  const last = rawPath[rawPath.length - 1]!;
  if (container === parsed) return final === parsed || !where.has(parsed) ? [last] : undefined;
  const at = where.get(container);
  return at ? [...at, last] : undefined;
}

function valueAt(ast: unknown, path: Seg[]): unknown {
  let v = ast;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<Seg, unknown>)[seg];
  }
  return v;
}

/** A path as the binder prints it (`where.$and[0].total.$gt`). */
function pathText(path: Seg[]): string {
  let s = '';
  for (const seg of path) s = joinPath(s, seg);
  return s;
}

function byAt(trace: BindTrace): Map<string, BindTrace['values']> {
  const m = new Map<string, BindTrace['values']>();
  for (const v of trace.values) {
    const list = m.get(v.at);
    if (list) list.push(v);
    else m.set(v.at, [v]);
  }
  return m;
}

function single<T>(list: T[] | undefined): T | undefined {
  return list && list.length === 1 ? list[0] : undefined;
}

function sameCheck(a: ValueCheck, b: ValueCheck): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'value' && b.t === 'value') return a.kind === b.kind && a.field === b.field && a.relativeDates === b.relativeDates;
  if (a.t === 'limit' && b.t === 'limit') return a.max === b.max;
  return true;
}

/** Whether a resolver's answer now is the one the entry was bound with (same metadata object, or the same parts of it). */
export function sameDef(now: QueryObjectDef | undefined, then: QueryObjectDef | undefined): boolean {
  if (now === then) return true;
  if (!now || !then) return false;
  return now.name === then.name && now.fields === then.fields && now.datasource === then.datasource && now.primaryKey === then.primaryKey && now.external === then.external;
}
