/**
 * Load-time checks of one flow against the objects its owner can see: every object, field and filter in
 * its queries (through ObjectQL's own validator), every reference between steps (it names an earlier step,
 * a key that step produces, and a value that fits where it is used), the write steps' fields and keys, and
 * the trigger. Each issue names the step and the key path, and says what to change.
 */
import { Cron } from 'croner';
import type { ObjectDefinition } from '../metadata/object';
import { QueryError } from '../objectql/errors';
import { validateQuery } from '../objectql/validate';
import { findRefs, templateRefs } from './refs';
import type { ConditionTest, FlowDefinition, FlowValue, Step } from './schema';
import {
  compatible,
  describeType,
  fieldKind,
  isNumeric,
  isTemporal,
  kindOfLiteral,
  list,
  record,
  recordOf,
  resolvePath,
  scalar,
  type ScalarKind,
  type VType,
} from './types';

export interface CheckContext {
  /** The objects as the flow's owner sees them (hidden objects and fields are absent). */
  objects: (name: string) => ObjectDefinition | undefined;
  objectNames: () => string[];
  timezone: string;
  defaultLimit: number;
  maxLimit: number;
}

export interface CheckIssue {
  kind: 'flow-reference' | 'flow-query' | 'flow-step' | 'flow-trigger' | 'flow-duplicate-step';
  /** Key path inside the flow, e.g. `steps.1.then.0.set.total`. */
  path: string;
  step?: string;
  message: string;
}

type Env = Map<string, VType>;
const RESERVED = new Set(['trigger', 'run', 'flow']);

export function checkFlow(flow: FlowDefinition, ctx: CheckContext): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const seen = new Map<string, string>();
  const env: Env = new Map([
    ['trigger', triggerType(flow, ctx, issues)],
    ['run', record({ id: scalar('text'), startedAt: scalar('datetime'), date: scalar('date') })],
    ['flow', record({ name: scalar('text'), owner: scalar('text') })],
  ]);
  walk(flow.steps, env, 'steps', { ctx, issues, seen });
  return issues;
}

interface Walk {
  ctx: CheckContext;
  issues: CheckIssue[];
  seen: Map<string, string>;
}

function walk(steps: Step[], env: Env, prefix: string, w: Walk): void {
  steps.forEach((step, i) => {
    const at = `${prefix}.${i}`;
    const issue = (kind: CheckIssue['kind'], path: string, message: string) => w.issues.push({ kind, path, step: step.id, message });
    if (RESERVED.has(step.id)) issue('flow-step', `${at}.id`, `"${step.id}" is a reserved name (trigger, run and flow are built in) — rename the step`);
    const first = w.seen.get(step.id);
    if (first) issue('flow-duplicate-step', `${at}.id`, `step id "${step.id}" is already used at ${first} — give every step its own id`);
    else w.seen.set(step.id, at);
    const out = checkStep(step, env, at, w, issue);
    env.set(step.id, out);
  });
}

type Issue = (kind: CheckIssue['kind'], path: string, message: string) => void;

function checkStep(step: Step, env: Env, at: string, w: Walk, issue: Issue): VType {
  const ref = (path: string, where: string): VType | undefined => {
    const r = resolvePath(env, path);
    if ('error' in r) {
      issue('flow-reference', where, `reference "${path}": ${r.error}`);
      return undefined;
    }
    return r.type;
  };
  const templates = (text: string, where: string) => {
    for (const p of templateRefs(text)) ref(p, where);
  };

  switch (step.type) {
    case 'query':
    case 'aggregate': {
      const rowType = checkQuery(step.type, step.query, env, `${at}.query`, w.ctx, issue);
      const rows = rowType ?? record({});
      return record({ rows: list(rows), count: scalar('number'), first: rows });
    }
    case 'condition': {
      const tests = 'all' in step.if ? step.if.all.map((t, i) => [t, `${at}.if.all.${i}`] as const) : 'any' in step.if ? step.if.any.map((t, i) => [t, `${at}.if.any.${i}`] as const) : [[step.if, `${at}.if`] as const];
      for (const [t, p] of tests) checkTest(t, p, ref, issue);
      walk(step.then, new Map(env), `${at}.then`, w);
      if (step.else) walk(step.else, new Map(env), `${at}.else`, w);
      return record({ result: scalar('boolean') });
    }
    case 'loop': {
      const over = ref(step.over, `${at}.over`);
      const inner = new Map(env);
      if (over && over.kind !== 'list') issue('flow-reference', `${at}.over`, `"${step.over}" is ${describeType(over)}, not a list — loop over a list such as "<step>.rows"`);
      if (env.has(step.as)) issue('flow-step', `${at}.as`, `"${step.as}" already names an earlier step — pick another name for the loop item`);
      inner.set(step.as, over?.kind === 'list' ? over.of : scalar('any'));
      walk(step.steps, inner, `${at}.steps`, w);
      return record({ count: scalar('number') });
    }
    case 'ai':
      templates(step.prompt, `${at}.prompt`);
      return record({ answer: scalar('text') });
    case 'notify':
      templates(step.title, `${at}.title`);
      templates(step.message, `${at}.message`);
      return record({ sent: scalar('boolean') });
    case 'export': {
      const rows = ref(step.rows, `${at}.rows`);
      if (rows && (rows.kind !== 'list' || rows.of.kind !== 'record')) {
        issue('flow-reference', `${at}.rows`, `"${step.rows}" is ${describeType(rows)} — export a list of records such as "<step>.rows"`);
      } else if (rows?.kind === 'list' && rows.of.kind === 'record' && step.columns) {
        const known = Object.keys(rows.of.fields);
        step.columns.forEach((c, i) => {
          if (!known.includes(c)) issue('flow-reference', `${at}.columns.${i}`, `"${c}" is not a column of "${step.rows}" — use one of: ${known.join(', ')}`);
        });
      }
      templates(step.filename, `${at}.filename`);
      if (/[\\/]/.test(step.filename.replace(/\{\{[^}]*\}\}/g, ''))) issue('flow-step', `${at}.filename`, 'the file name may not contain folders — put the folder in "folder" (or choose one in the app)');
      return record({ file: scalar('text'), count: scalar('number') });
    }
    case 'update':
    case 'create': {
      const object = w.ctx.objects(step.object);
      if (!object) {
        issue('flow-step', `${at}.object`, `unknown object "${step.object}" (or not visible to the flow's owner) — use one of: ${w.ctx.objectNames().join(', ')}`);
        return record({ [step.type === 'update' ? 'changed' : 'created']: scalar('number') });
      }
      const values = step.type === 'update' ? step.set : step.values;
      const key = step.type === 'update' ? 'set' : 'values';
      for (const [name, v] of Object.entries(values)) checkValue(object, name, v, `${at}.${key}.${name}`, step.type, w.ctx, ref, issue);
      if (step.type === 'create') {
        const missing = Object.entries(object.fields).filter(([n, f]) => f.required && !object.primaryKey.includes(n) && !(n in values)).map(([n]) => n);
        if (missing.length) issue('flow-step', `${at}.values`, `required field(s) of "${object.name}" missing: ${missing.join(', ')} — add them to values`);
        return record({ created: scalar('number') });
      }
      if ((step.records === undefined) === (step.where === undefined)) {
        issue('flow-step', at, 'an update needs exactly one of "records" (a list of records from an earlier step) or "where" (a filter)');
      } else if (step.records !== undefined) {
        const t = ref(step.records, `${at}.records`);
        const rec = t?.kind === 'list' ? t.of : t;
        if (t && (rec?.kind !== 'record' || (rec.object && rec.object !== object.name))) {
          issue('flow-reference', `${at}.records`, `"${step.records}" is ${describeType(t)} — give ${object.name} records (from a query step on "${object.name}")`);
        } else if (rec?.kind === 'record') {
          const missing = object.primaryKey.filter((k) => !(k in rec.fields));
          if (missing.length) issue('flow-reference', `${at}.records`, `"${step.records}" lacks the primary key ${missing.join(', ')} of "${object.name}" — add it to the query's fields`);
        }
      } else {
        checkQuery('query', { object: object.name, fields: [...object.primaryKey], where: step.where }, env, `${at}`, w.ctx, issue, { where: 'where' });
      }
      return record({ changed: scalar('number') });
    }
    case 'http':
      for (const r of findRefs(step.body, `${at}.body`)) ref(r.path, r.at);
      walkStrings(step.body, (s) => templates(s, `${at}.body`));
      return record({ status: scalar('number') });
  }
}

function walkStrings(v: unknown, fn: (s: string) => void): void {
  if (typeof v === 'string') fn(v);
  else if (Array.isArray(v)) v.forEach((x) => walkStrings(x, fn));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => walkStrings(x, fn));
}

function checkTest(t: ConditionTest, at: string, ref: (p: string, w: string) => VType | undefined, issue: Issue): void {
  const left = ref(t.ref, `${at}.ref`);
  if (t.op === 'empty' || t.op === 'notEmpty') {
    if (t.value !== undefined) issue('flow-step', `${at}.value`, `"${t.op}" takes no value — remove it`);
    return;
  }
  if (t.value === undefined) {
    issue('flow-step', `${at}.value`, `"${t.op}" compares with a value — add "value"`);
    return;
  }
  if (!left) return;
  if (left.kind !== 'scalar') {
    issue('flow-reference', `${at}.ref`, `"${t.ref}" is ${describeType(left)}; compare a single value (e.g. "${t.ref}.count") or test it with "empty"/"notEmpty"`);
    return;
  }
  const rightKind = valueKind(t.value, `${at}.value`, ref);
  if (rightKind === undefined) return;
  const ordered = t.op !== 'eq' && t.op !== 'ne';
  if (ordered && !(isNumeric(left.of) || isTemporal(left.of) || left.of === 'text' || left.of === 'any')) {
    issue('flow-step', `${at}.op`, `"${t.ref}" is ${describeType(left)}, which has no order — use eq or ne`);
  } else if (!comparable(left.of, rightKind)) {
    issue('flow-reference', `${at}.value`, `"${t.ref}" is ${describeType(left)} but the value is ${describeType(scalar(rightKind))} — compare like with like`);
  }
}

function comparable(a: ScalarKind, b: ScalarKind): boolean {
  if (a === 'any' || b === 'any' || a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if ((isTemporal(a) && (isTemporal(b) || b === 'text')) || (isTemporal(b) && a === 'text')) return true;
  return false;
}

function valueKind(v: FlowValue, at: string, ref: (p: string, w: string) => VType | undefined): ScalarKind | undefined {
  if (v && typeof v === 'object') {
    const t = ref(v.$ref, `${at}.$ref`);
    if (!t) return undefined;
    if (t.kind !== 'scalar') return 'any';
    return t.of;
  }
  return kindOfLiteral(v);
}

function checkValue(
  object: ObjectDefinition,
  name: string,
  v: FlowValue,
  at: string,
  kind: 'update' | 'create',
  ctx: CheckContext,
  ref: (p: string, w: string) => VType | undefined,
  issue: Issue,
): void {
  const field = object.fields[name];
  if (!field) {
    issue('flow-step', at, `unknown field "${name}" on "${object.name}" (or not visible to the flow's owner) — use one of: ${Object.keys(object.fields).join(', ')}`);
    return;
  }
  if (kind === 'update' && object.primaryKey.includes(name)) return issue('flow-step', at, `"${name}" is part of the primary key and cannot be changed — remove it from set`);
  if (kind === 'update' && field.readonly) return issue('flow-step', at, `"${object.name}.${name}" is read-only — remove it from set`);
  const target = fieldKind(field, ctx.objects);
  if (v === null) {
    if (field.required) issue('flow-step', at, `"${object.name}.${name}" is required and cannot be set to null`);
    return;
  }
  if (typeof v === 'object') {
    const t = ref(v.$ref, `${at}.$ref`);
    if (!t) return;
    if (t.kind !== 'scalar') return issue('flow-reference', at, `"${v.$ref}" is ${describeType(t)}, but "${name}" holds one value — refer to a single value (e.g. "${v.$ref}.first.<field>" or a loop item)`);
    if (!compatible(target, t.of)) issue('flow-reference', at, `"${v.$ref}" is ${describeType(t)} but "${object.name}.${name}" takes ${describeType(scalar(target))}`);
    return;
  }
  if (typeof v === 'string') {
    for (const p of templateRefs(v)) ref(p, at);
    if (templateRefs(v).length && target !== 'text' && target !== 'any') {
      return issue('flow-reference', at, `a {{…}} template makes text, but "${object.name}.${name}" takes ${describeType(scalar(target))} — use { $ref: '…' } instead`);
    }
  }
  if (!compatible(target, kindOfLiteral(v))) issue('flow-step', at, `"${object.name}.${name}" takes ${describeType(scalar(target))}, not ${JSON.stringify(v)}`);
}

/** Sample values of each kind, so ObjectQL's validator can check a query whose values are references. */
const SAMPLE: Record<ScalarKind, unknown> = {
  number: 0,
  decimal: 0,
  text: '',
  boolean: false,
  date: '2000-01-01',
  datetime: '2000-01-01T00:00:00Z',
  time: '00:00:00',
  any: null,
};

function checkQuery(
  type: 'query' | 'aggregate',
  raw: Record<string, unknown>,
  env: Env,
  at: string,
  ctx: CheckContext,
  issue: Issue,
  opts: { where?: string } = {},
): VType | undefined {
  let ok = true;
  const objectName = typeof raw.object === 'string' ? raw.object : undefined;
  const object = objectName ? ctx.objects(objectName) : undefined;
  const fieldKindOf = (name: string | undefined): ScalarKind | undefined => (name && object?.fields[name] ? fieldKind(object.fields[name]!, ctx.objects) : undefined);
  const sampled = substituteSamples(raw, (site) => {
    const r = resolvePath(env, site.path);
    const where = `${at}.${opts.where && site.at.startsWith('where') ? site.at : site.at}`;
    if ('error' in r) {
      issue('flow-reference', where, `reference "${site.path}": ${r.error}`);
      ok = false;
      return null;
    }
    const many = site.key === '$in' || site.key === '$nin';
    const t = r.type;
    const target = fieldKindOf(site.field);
    if (many) {
      if (t.kind !== 'list' || t.of.kind !== 'scalar') {
        issue('flow-reference', where, `"${site.path}" is ${describeType(t)}, but ${site.key} takes a list of values — e.g. "<step>.rows.<field>"`);
        ok = false;
        return [];
      }
      if (target && !compatible(target, t.of.of)) {
        issue('flow-reference', where, `"${site.path}" is ${describeType(t)} but "${site.field}" holds ${describeType(scalar(target))}`);
        ok = false;
      }
      return [SAMPLE[target ?? t.of.of]];
    }
    if (t.kind !== 'scalar') {
      issue('flow-reference', where, `"${site.path}" is ${describeType(t)}, but a filter compares with one value — match any of them with { $in: { $ref: '${site.path}' } }, or refer to one value such as "<step>.first.<field>"`);
      ok = false;
      return null;
    }
    if (target && !compatible(target, t.of)) {
      issue('flow-reference', where, `"${site.path}" is ${describeType(t)} but "${site.field}" holds ${describeType(scalar(target))} — compare like with like`);
      ok = false;
    }
    return SAMPLE[target ?? t.of];
  });
  if (type === 'query' && (raw.aggregations !== undefined || raw.groupBy !== undefined)) {
    issue('flow-step', `${at}.aggregations`, 'a query step returns records — use an "aggregate" step for aggregations and groupBy');
    return undefined;
  }
  if (type === 'aggregate' && raw.aggregations === undefined) {
    issue('flow-step', `${at}.aggregations`, 'an aggregate step needs "aggregations", e.g. [{ function: "sum", field: "total", alias: "revenue" }]');
    return undefined;
  }
  try {
    validateQuery(sampled, { resolve: ctx.objects, timezone: ctx.timezone, defaultLimit: ctx.defaultLimit, maxLimit: ctx.maxLimit });
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    // Unknown objects read the same as hidden ones: the owner cannot query them.
    const help = e.allowed?.length && e.allowed.length <= 40 ? ` — allowed: ${e.allowed.join(', ')}` : '';
    if (ok) issue('flow-query', e.path ? `${at}.${e.path.replace(/\[(\d+)\]/g, '.$1')}` : at, `${e.message}${help}`);
    return undefined;
  }
  if (!object) return undefined;
  if (type === 'query') return recordOf(object, Array.isArray(raw.fields) ? (raw.fields as string[]) : undefined, ctx.objects);
  const fields: Record<string, VType> = {};
  for (const g of (raw.groupBy as unknown[] | undefined) ?? []) {
    if (typeof g === 'string') fields[g] = scalar(fieldKindOf(g) ?? 'any');
    else if (g && typeof g === 'object') {
      const { field, alias, dateGranularity } = g as { field: string; alias?: string; dateGranularity?: string };
      fields[alias ?? (dateGranularity ? `${field}__${dateGranularity}` : field)] = scalar(dateGranularity ? 'text' : (fieldKindOf(field) ?? 'any'));
    }
  }
  for (const a of raw.aggregations as { function: string; field?: string; alias: string }[]) {
    fields[a.alias] = scalar(a.function === 'min' || a.function === 'max' ? (fieldKindOf(a.field) ?? 'any') : a.function === 'count' || a.function === 'count_distinct' ? 'number' : 'decimal');
  }
  return record(fields);
}

function substituteSamples(v: unknown, sample: (site: { path: string; at: string; key?: string; field?: string }) => unknown, at = '', key?: string, field?: string): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $ref?: unknown }).$ref === 'string') {
    return sample({ path: (v as { $ref: string }).$ref, at, key, field });
  }
  if (Array.isArray(v)) return v.map((x, i) => substituteSamples(x, sample, `${at}.${i}`, key, field));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substituteSamples(x, sample, at ? `${at}.${k}` : k, k, k.startsWith('$') ? field : k)]));
  }
  return v;
}

function triggerType(flow: FlowDefinition, ctx: CheckContext, issues: CheckIssue[]): VType {
  const t = flow.trigger;
  const issue = (path: string, message: string) => issues.push({ kind: 'flow-trigger', path: `trigger.${path}`, message });
  if (t.type === 'schedule') {
    const tz = t.timezone ?? ctx.timezone;
    try {
      new Cron(t.cron, { timezone: tz, paused: true }).stop();
    } catch (e) {
      const msg = (e as Error).message;
      if (/time ?zone|Invalid time value|RangeError/i.test(msg) || !isValidZone(tz)) issue(t.timezone ? 'timezone' : 'cron', `unknown time zone "${tz}" — use an IANA name such as "Europe/Berlin"`);
      else issue('cron', `bad cron expression "${t.cron}": ${msg.replace(/^CronPattern:\s*/, '')} — use five fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * 1"`);
    }
    return record({ type: scalar('text'), scheduledFor: scalar('datetime') });
  }
  if (t.type === 'change') {
    const object = ctx.objects(t.object);
    if (!object) {
      issue('object', `unknown object "${t.object}" (or not visible to the flow's owner) — use one of: ${ctx.objectNames().join(', ')}`);
      return record({ type: scalar('text'), rows: list(record({})), count: scalar('number') });
    }
    const f = object.fields[t.watermark];
    if (!f) issue('watermark', `unknown field "${t.watermark}" on "${object.name}" — name a column that grows on every insert or change, such as updated_at`);
    else if (!['number', 'autonumber', 'date', 'datetime', 'text'].includes(f.type)) issue('watermark', `"${object.name}.${t.watermark}" is a ${f.type} field — a watermark must be a number, date, datetime or text that grows`);
    if (object.primaryKey.length !== 1) issue('object', `"${object.name}" needs a single-field primary key to be watched for changes`);
    const rec = recordOf(object, undefined, ctx.objects);
    return record({ type: scalar('text'), rows: list(rec), count: scalar('number') });
  }
  return record({ type: scalar('text') });
}

function isValidZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
