/**
 * The step editor's form state and its two conversions: a flow definition → what the form shows (text,
 * pickers and JSON text), and the form → the definition `flows.save` checks and writes. Pure and
 * unit-tested (test/unit/flows/draft.test.ts): a loaded flow opened and saved unchanged is the same flow.
 *
 * Only JSON syntax and number fields are checked here; everything else (keys, types, references, fields the
 * owner can see) is the server's flow loader's job, whose problems are shown next to the control they name.
 */
import type { FlowProblemDto } from '../../../shared/api/contract-flows';

export const STEP_TYPES = ['query', 'aggregate', 'condition', 'loop', 'notify', 'export', 'update', 'create', 'ai', 'http'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export type ControlKind = 'text' | 'textarea' | 'number' | 'json' | 'object' | 'fields' | 'format' | 'checkbox' | 'list';

export interface Control {
  /** The step's key this control edits (`object`/`fields` of query steps live inside `query`). */
  key: string;
  label: string;
  kind: ControlKind;
  optional?: boolean;
  hint?: string;
  placeholder?: string;
}

const object = (label = 'Object'): Control => ({ key: 'object', label, kind: 'object' });

/** What each step type shows; every other key of a step lives in its JSON text. */
export const CONTROLS: Record<StepType, Control[]> = {
  query: [
    object(),
    { key: 'fields', label: 'Fields', kind: 'fields', optional: true, hint: 'none ticked: every field you may read' },
    { key: 'query', label: 'Rest of the query (JSON: where, orderBy, limit…)', kind: 'json', optional: true, placeholder: '{ "where": { "total": { "$gt": 10 } }, "limit": 100 }' },
  ],
  aggregate: [
    object(),
    { key: 'query', label: 'Rest of the query (JSON: groupBy, aggregations, where, having, orderBy, limit)', kind: 'json', placeholder: '{ "aggregations": [{ "function": "count", "alias": "n" }] }' },
  ],
  condition: [
    { key: 'if', label: 'If (JSON: { ref, op, value } or { all: [...] } / { any: [...] })', kind: 'json', placeholder: '{ "ref": "big.count", "op": "gt", "value": 0 }' },
    { key: 'then', label: 'Then: steps (JSON list)', kind: 'json' },
    { key: 'else', label: 'Else: steps (JSON list)', kind: 'json', optional: true },
  ],
  loop: [
    { key: 'over', label: 'Over (a list of an earlier step)', kind: 'text', placeholder: 'big.rows' },
    { key: 'as', label: 'Each item as', kind: 'text', placeholder: 'item' },
    { key: 'max', label: 'At most (items)', kind: 'number' },
    { key: 'steps', label: 'Steps for each item (JSON list)', kind: 'json' },
  ],
  notify: [
    { key: 'title', label: 'Title', kind: 'text', placeholder: '{{big.count}} invoices need a look' },
    { key: 'message', label: 'Message', kind: 'textarea' },
    { key: 'desktop', label: 'Also as a desktop notification', kind: 'checkbox' },
  ],
  export: [
    { key: 'rows', label: 'Rows (a list of an earlier step)', kind: 'text', placeholder: 'big.rows' },
    { key: 'format', label: 'Format', kind: 'format' },
    { key: 'filename', label: 'File name', kind: 'text', placeholder: 'report-{{run.date}}' },
    { key: 'folder', label: 'Folder (default: the one in Settings)', kind: 'text', optional: true },
    { key: 'columns', label: 'Columns (comma-separated; default: all)', kind: 'list', optional: true },
  ],
  update: [
    object(),
    { key: 'records', label: 'Records (from an earlier step), or…', kind: 'text', optional: true, placeholder: 'big.rows' },
    { key: 'where', label: '…a filter (JSON)', kind: 'json', optional: true },
    { key: 'set', label: 'Set (JSON: field → value or { "$ref": … })', kind: 'json', placeholder: '{ "billing_state": "ZZ" }' },
  ],
  create: [object(), { key: 'values', label: 'Values (JSON: field → value)', kind: 'json', placeholder: '{ "name": "New" }' }],
  ai: [
    { key: 'prompt', label: 'Prompt', kind: 'textarea' },
    { key: 'model', label: 'Model (default: the app’s)', kind: 'text', optional: true },
  ],
  http: [
    { key: 'url', label: 'URL (POST; its origin must be allowed in Settings)', kind: 'text', placeholder: 'https://hooks.example.com/…' },
    { key: 'body', label: 'Body (JSON)', kind: 'json' },
  ],
};

export interface StepDraft {
  /** React key: stays with the step when it moves. */
  uid: number;
  id: string;
  label: string;
  type: StepType;
  /** Text of text/number/json/list controls, by key. */
  text: Record<string, string>;
  object: string;
  fields: string[];
  /** `desktop` of notify steps (default true). */
  checked: boolean;
  format: 'csv' | 'xlsx';
}

export interface FlowDraft {
  name: string;
  label: string;
  description: string;
  owner: string;
  trigger: { type: 'manual' | 'schedule' | 'change'; cron: string; timezone: string; object: string; watermark: string; every: string; batch: string };
  approval: 'writes' | 'never';
  maxRecords: string;
  maxSeconds: string;
  enabled: boolean;
  steps: StepDraft[];
}

let nextUid = 1;
const uid = () => nextUid++;

export function emptyStep(type: StepType, existingIds: readonly string[] = []): StepDraft {
  let n = 1;
  while (existingIds.includes(`${type}_${n}`)) n++;
  const text: Record<string, string> = {};
  if (type === 'loop') text.max = '100';
  if (type === 'aggregate') text.query = '{\n  "aggregations": [{ "function": "count", "alias": "n" }]\n}';
  return { uid: uid(), id: `${type}_${n}`, label: '', type, text, object: '', fields: [], checked: true, format: 'csv' };
}

export function emptyFlow(owner: string): FlowDraft {
  return {
    name: '',
    label: '',
    description: '',
    owner,
    trigger: { type: 'manual', cron: '0 8 * * 1-5', timezone: '', object: '', watermark: '', every: '60', batch: '500' },
    approval: 'writes',
    maxRecords: '100',
    maxSeconds: '60',
    enabled: true,
    steps: [emptyStep('query')],
  };
}

/** Query and aggregate steps keep their object inside `query`. */
const inQuery = (t: StepType) => t === 'query' || t === 'aggregate';
const json = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2));
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function stepDraft(s: Record<string, unknown>): StepDraft {
  const type = (STEP_TYPES as readonly string[]).includes(s.type as string) ? (s.type as StepType) : 'query';
  const d: StepDraft = { uid: uid(), id: str(s.id), label: str(s.label), type, text: {}, object: '', fields: [], checked: s.desktop !== false, format: s.format === 'xlsx' ? 'xlsx' : 'csv' };
  for (const c of CONTROLS[type]) {
    const v = s[c.key];
    if (c.key === 'query') {
      const { object: o, fields, ...rest } = (v ?? {}) as Record<string, unknown>;
      d.object = str(o);
      if (type === 'query' && Array.isArray(fields)) d.fields = fields.map(String);
      const remaining = type === 'query' ? rest : { ...(fields !== undefined ? { fields } : {}), ...rest };
      d.text.query = Object.keys(remaining).length ? json(remaining) : '';
    } else if (c.kind === 'object') {
      if (!inQuery(type)) d.object = str(v);
    } else if (c.kind === 'json') d.text[c.key] = json(v);
    else if (c.kind === 'list') d.text[c.key] = Array.isArray(v) ? v.join(', ') : '';
    else if (c.kind === 'text' || c.kind === 'textarea' || c.kind === 'number') d.text[c.key] = str(v);
  }
  return d;
}

/** The form for a loaded flow (its definition as `flows.get` answers). */
export function draftOf(definition: Record<string, unknown>): FlowDraft {
  const t = (definition.trigger ?? { type: 'manual' }) as Record<string, unknown>;
  const limits = (definition.limits ?? {}) as Record<string, unknown>;
  return {
    name: str(definition.name),
    label: str(definition.label),
    description: str(definition.description),
    owner: str(definition.owner),
    trigger: {
      type: t.type === 'schedule' || t.type === 'change' ? t.type : 'manual',
      cron: str(t.cron),
      timezone: str(t.timezone),
      object: str(t.object),
      watermark: str(t.watermark),
      every: t.every === undefined ? '60' : str(t.every),
      batch: t.batch === undefined ? '500' : str(t.batch),
    },
    approval: definition.approval === 'never' ? 'never' : 'writes',
    maxRecords: limits.maxRecords === undefined ? '100' : str(limits.maxRecords),
    maxSeconds: limits.maxSeconds === undefined ? '60' : str(limits.maxSeconds),
    enabled: definition.enabled !== false,
    steps: Array.isArray(definition.steps) ? definition.steps.map((s) => stepDraft((s ?? {}) as Record<string, unknown>)) : [],
  };
}

/** Errors the form finds itself, keyed by the definition path they concern (`steps.2.set`, `limits.maxRecords`). */
export type DraftErrors = Record<string, string>;

function parseNumber(text: string, path: string, errors: DraftErrors): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) {
    errors[path] = `"${t}" is not a number`;
    return undefined;
  }
  return n;
}

function parseJson(text: string, path: string, errors: DraftErrors): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    errors[path] = `not valid JSON: ${(e as Error).message}`;
    return undefined;
  }
}

/** Undefined values dropped, so optional keys left empty are simply absent. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function stepDefinition(s: StepDraft, i: number, errors: DraftErrors): Record<string, unknown> {
  const at = `steps.${i}`;
  const out: Record<string, unknown> = { id: s.id.trim(), type: s.type, label: s.label.trim() || undefined };
  for (const c of CONTROLS[s.type]) {
    const path = `${at}.${c.key}`;
    const text = s.text[c.key] ?? '';
    if (c.key === 'query') {
      const rest = parseJson(text, path, errors);
      if (rest !== undefined && (rest === null || typeof rest !== 'object' || Array.isArray(rest))) {
        errors[path] = 'must be a JSON object, e.g. { "where": { … } }';
        continue;
      }
      out.query = compact({ object: s.object || undefined, fields: s.type === 'query' && s.fields.length ? s.fields : undefined, ...((rest as Record<string, unknown>) ?? {}) });
    } else if (c.kind === 'object') {
      if (!inQuery(s.type)) out.object = s.object || undefined;
    } else if (c.kind === 'json') out[c.key] = parseJson(text, path, errors);
    else if (c.kind === 'number') out[c.key] = parseNumber(text, path, errors);
    else if (c.kind === 'list') {
      const items = text
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      out[c.key] = items.length ? items : undefined;
    } else if (c.kind === 'checkbox') out[c.key] = s.checked ? undefined : false;
    else if (c.kind === 'format') out.format = s.format;
    else if (c.key === 'message') out.message = text;
    else out[c.key] = c.kind === 'textarea' ? text || undefined : text.trim() || undefined;
  }
  return compact(out);
}

/** The definition to send, and the form's own errors (none: send it). */
export function definitionOf(d: FlowDraft): { definition: Record<string, unknown>; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const t = d.trigger;
  const trigger =
    t.type === 'schedule'
      ? compact({ type: 'schedule', cron: t.cron.trim(), timezone: t.timezone.trim() || undefined })
      : t.type === 'change'
        ? compact({
            type: 'change',
            object: t.object || undefined,
            watermark: t.watermark || undefined,
            every: parseNumber(t.every, 'trigger.every', errors),
            batch: parseNumber(t.batch, 'trigger.batch', errors),
          })
        : { type: 'manual' };
  const definition = compact({
    name: d.name.trim(),
    label: d.label.trim() || undefined,
    description: d.description.trim() || undefined,
    owner: d.owner,
    trigger,
    approval: d.approval,
    limits: compact({ maxRecords: parseNumber(d.maxRecords, 'limits.maxRecords', errors), maxSeconds: parseNumber(d.maxSeconds, 'limits.maxSeconds', errors) }),
    enabled: d.enabled,
    steps: d.steps.map((s, i) => stepDefinition(s, i, errors)),
  });
  return { definition, errors };
}

/** Moves step `i` by `by` (−1 up, +1 down); out of range leaves the list as it is. */
export function moveStep(steps: StepDraft[], i: number, by: -1 | 1): StepDraft[] {
  const j = i + by;
  if (i < 0 || i >= steps.length || j < 0 || j >= steps.length) return steps;
  const next = [...steps];
  [next[i], next[j]] = [next[j]!, next[i]!];
  return next;
}

/**
 * The problems that belong next to one control: those whose key path is `path` or lies under it. Paths of
 * the query's `object` and `fields` go to their pickers, the rest of `query` to its JSON text.
 */
export function problemsAt(problems: readonly FlowProblemDto[], path: string, except: readonly string[] = []): FlowProblemDto[] {
  const under = (p: string | undefined, at: string) => p !== undefined && (p === at || p.startsWith(`${at}.`));
  return problems.filter((p) => under(p.path, path) && !except.some((x) => under(p.path, x)));
}

/** Where a server problem is shown: the control whose path it falls under, else its step, else the flow. */
export function controlPathOf(problemPath: string | undefined, steps: readonly StepDraft[]): string {
  if (!problemPath) return '';
  const m = /^steps\.(\d+)(?:\.([^.]+)(?:\.([^.]+))?)?/.exec(problemPath);
  if (!m) return problemPath.split('.')[0] === 'trigger' || problemPath.split('.')[0] === 'limits' ? problemPath.split('.').slice(0, 2).join('.') : problemPath.split('.')[0]!;
  const i = Number(m[1]);
  const step = steps[i];
  if (!step || !m[2]) return `steps.${i}`;
  if (m[2] === 'query' && (m[3] === 'object' || m[3] === 'fields') && step.type === 'query') return `steps.${i}.${m[3] === 'object' ? 'object' : 'fields'}`;
  if (m[2] === 'query' && m[3] === 'object') return `steps.${i}.object`;
  const known = CONTROLS[step.type].some((c) => c.key === m[2]) || m[2] === 'id' || m[2] === 'label' || m[2] === 'type';
  return known ? `steps.${i}.${m[2]}` : `steps.${i}`;
}
