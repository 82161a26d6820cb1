/**
 * The first phase of every run: runs the steps in order as the owner. Reads (query, aggregate, ai) happen
 * for real; write steps compute exactly which records would change and how (current and new values) without
 * writing; notify, export and http are rendered but deferred. The result is the run's preview: what a
 * dry run shows, what the owner approves, and what the apply phase carries out — all or nothing.
 */
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { Session } from '../../../shared/api/session';
import type { ObjectDefinition } from '../../metadata/object';
import type { LoadedFlow } from '../loader';
import type { ChangeSet, Effect, FlowSettings, RecordChange, StepOutcome } from '../model';
import type { Step } from '../schema';
import { FlowRunError, type RunDeps } from './deps';
import { getPath, jsonSize, render, resolveDeep, resolveValue, sameValue, testCondition, type Env } from './values';

export interface PlanInput {
  flow: LoadedFlow;
  runId: string;
  session: Session;
  env: Env;
  settings: FlowSettings;
  objects: (name: string) => ObjectDefinition | undefined;
  deadline: number;
  signal: AbortSignal;
}

export interface PlanResult {
  outcomes: StepOutcome[];
  changes: ChangeSet[];
  effects: Effect[];
  recordCount: number;
}

const MAX_OUTCOMES = 1000;
const IN_CHUNK = 500;

type Row = Record<string, unknown>;

export async function planRun(input: PlanInput, deps: RunDeps, outcomes: StepOutcome[] = []): Promise<PlanResult> {
  const p = new Planner(input, deps, outcomes);
  await p.steps(input.flow.definition.steps, input.env, 'steps', undefined);
  return { outcomes, changes: p.changes, effects: p.effects, recordCount: p.recordCount };
}

class Planner {
  readonly changes: ChangeSet[] = [];
  readonly effects: Effect[] = [];
  recordCount = 0;
  private dropped = 0;

  constructor(
    private readonly input: PlanInput,
    private readonly deps: RunDeps,
    private readonly outcomes: StepOutcome[],
  ) {}

  private get def() {
    return this.input.flow.definition;
  }

  async steps(steps: Step[], env: Env, prefix: string, iteration: number | undefined): Promise<void> {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const at = `${prefix}.${i}`;
      this.checkTime(step, at);
      const started = this.deps.clock().getTime();
      const outcome: StepOutcome = { path: at, id: step.id, type: step.type, status: 'ok', summary: '', ...(iteration !== undefined ? { iteration } : {}) };
      // Kept before it runs, so a condition or loop is listed ahead of the steps inside it.
      this.record(outcome);
      try {
        const out = await this.step(step, env, at, outcome, iteration);
        env.set(step.id, out);
        outcome.outputSize = jsonSize(out);
      } catch (e) {
        const err = asRunError(e, step.id, at);
        outcome.status = 'failed';
        outcome.error = err.message;
        outcome.summary = outcome.summary || 'failed';
        throw err;
      } finally {
        outcome.ms = Math.max(0, this.deps.clock().getTime() - started);
      }
    }
  }

  private record(o: StepOutcome): void {
    if (this.outcomes.length < MAX_OUTCOMES) this.outcomes.push(o);
    else if (this.dropped++ === 0) this.outcomes.push({ path: o.path, id: '…', type: 'note', status: 'ok', summary: `more step outcomes than ${MAX_OUTCOMES}; the rest are not kept` });
  }

  private checkTime(step: Step, at: string): void {
    if (this.deps.clock().getTime() > this.input.deadline) {
      throw new FlowRunError(
        `the run exceeded limits.maxSeconds (${this.def.limits.maxSeconds} s) and was stopped before step "${step.id}"; nothing was written — raise the limit or make the flow do less`,
        step.id,
        at,
        'limit',
      );
    }
  }

  private signal(): AbortSignal {
    const remaining = Math.max(1, this.input.deadline - this.deps.clock().getTime());
    return AbortSignal.any([this.input.signal, AbortSignal.timeout(remaining)]);
  }

  private async call<T>(op: string, body: unknown, outcome: StepOutcome): Promise<T> {
    outcome.operation = op;
    return (await this.deps.api.call(op, body, this.input.session, this.signal())) as T;
  }

  private async step(step: Step, env: Env, at: string, outcome: StepOutcome, iteration: number | undefined): Promise<unknown> {
    switch (step.type) {
      case 'query':
      case 'aggregate': {
        const query = resolveDeep(env, step.query, false) as Row;
        outcome.inputSize = jsonSize(query);
        const res = await this.call<{ rows: Row[]; nextCursor?: string }>('data.query', { query }, outcome);
        outcome.rows = res.rows.length;
        outcome.summary = `${res.rows.length} ${step.type === 'aggregate' ? 'group(s)' : 'record(s)'} from ${String(query.object)}${res.nextCursor ? ' (more exist: raise the query limit or narrow it)' : ''}`;
        return { rows: res.rows, count: res.rows.length, first: res.rows[0] ?? null };
      }
      case 'condition': {
        const tests = 'all' in step.if ? step.if.all : 'any' in step.if ? step.if.any : [step.if];
        const results = tests.map((t) => testCondition(env, t));
        const result = 'any' in step.if ? results.some(Boolean) : results.every(Boolean);
        outcome.summary = result ? 'true: ran "then"' : step.else ? 'false: ran "else"' : 'false: skipped';
        if (result) await this.steps(step.then, new Map(env), `${at}.then`, iteration);
        else if (step.else) await this.steps(step.else, new Map(env), `${at}.else`, iteration);
        return { result };
      }
      case 'loop': {
        const items = getPath(env, step.over);
        const list = Array.isArray(items) ? items : items === null || items === undefined ? [] : [items];
        if (list.length > step.max) {
          throw new FlowRunError(`"${step.over}" has ${list.length} items, more than this loop's max of ${step.max}; nothing was written — raise "max" or narrow the query`, step.id, at, 'limit');
        }
        outcome.rows = list.length;
        outcome.summary = `${list.length} iteration(s)`;
        for (let n = 0; n < list.length; n++) {
          const inner = new Map(env);
          inner.set(step.as, list[n]);
          await this.steps(step.steps, inner, `${at}.steps`, n);
        }
        return { count: list.length };
      }
      case 'ai':
        return this.ai(step, env, outcome);
      case 'notify': {
        const payload = { title: render(env, step.title), message: render(env, step.message), desktop: step.desktop !== false };
        outcome.inputSize = jsonSize(payload);
        this.defer(step, at, outcome, 'notify', `notify ${this.def.owner}: ${payload.title}`, payload);
        return { sent: true };
      }
      case 'export':
        return this.export(step, env, at, outcome);
      case 'http': {
        const origin = new URL(step.url).origin;
        if (!this.input.settings.httpAllowed.includes(origin)) {
          throw new FlowRunError(
            `http steps are off for ${origin}: nothing leaves the machine unless the owner allows it — add "${origin}" to the allowed http targets in Flows → Settings`,
            step.id,
            at,
          );
        }
        const body = resolveDeep(env, step.body, true);
        const size = jsonSize(body);
        outcome.inputSize = size;
        this.defer(step, at, outcome, 'http', `POST ${step.url} (${size} bytes of JSON)`, { url: step.url, body });
        return { status: 0 };
      }
      case 'update':
        return this.update(step, env, at, outcome);
      case 'create': {
        const values = Object.fromEntries(Object.entries(step.values).map(([k, v]) => [k, resolveValue(env, v)]));
        outcome.inputSize = jsonSize(values);
        const object = this.input.objects(step.object);
        const key = object && object.primaryKey.every((k) => values[k] !== undefined && values[k] !== null) ? pick(values, object.primaryKey) : undefined;
        this.addChanges(step, at, 'create', [{ ...(key ? { key: key as Record<string, string | number> } : {}), after: values, status: 'pending' }]);
        outcome.rows = 1;
        outcome.summary = `would create 1 ${step.object} record`;
        return { created: 1 };
      }
    }
  }

  private defer(step: Step, at: string, outcome: StepOutcome, type: Effect['type'], summary: string, payload: unknown): void {
    outcome.status = 'deferred';
    outcome.summary = summary;
    this.effects.push({ step: step.id, path: at, type, summary, payload, status: 'pending' });
  }

  private async ai(step: Extract<Step, { type: 'ai' }>, env: Env, outcome: StepOutcome): Promise<unknown> {
    const message = render(env, step.prompt);
    outcome.inputSize = jsonSize(message);
    outcome.operation = 'ai.chat';
    let answer: string | undefined;
    let tools = 0;
    for await (const ev of this.deps.api.stream('ai.chat', { message, ...(step.model ? { model: step.model } : {}) }, this.input.session, this.signal())) {
      const e = ev as { type: string; text?: string; message?: string; hint?: string; code?: string };
      if (e.type === 'tool_call') tools++;
      if (e.type === 'final') answer = e.text ?? '';
      if (e.type === 'error') throw new FlowRunError(`the model could not answer (${e.code}): ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
    }
    if (answer === undefined) throw new FlowRunError('the model ended without an answer — check the AI settings (model, endpoint)');
    outcome.summary = `answered in ${answer.length} characters after ${tools} tool call(s)`;
    return { answer };
  }

  private async export(step: Extract<Step, { type: 'export' }>, env: Env, at: string, outcome: StepOutcome): Promise<unknown> {
    const folder = step.folder ?? this.input.settings.exportFolder;
    if (!folder) throw new FlowRunError('no export folder: choose one in Flows → Settings (or set "folder" on the step)', step.id, at);
    const dir = path.resolve(expandHome(folder));
    const st = await stat(dir).catch(() => undefined);
    if (!st?.isDirectory()) throw new FlowRunError(`the export folder ${dir} does not exist — create it or choose another in Flows → Settings`, step.id, at);
    await access(dir).catch(() => {
      throw new FlowRunError(`the export folder ${dir} cannot be written — check its permissions or choose another`, step.id, at);
    });
    const rows = (getPath(env, step.rows) as Row[] | null) ?? [];
    const base = render(env, step.filename).replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/\.(csv|xlsx)$/i, '');
    const file = path.join(dir, `${base}-${this.input.runId.slice(0, 8)}.${step.format}`);
    const columns = step.columns ?? Object.keys(rows[0] ?? {});
    outcome.rows = rows.length;
    this.defer(step, at, outcome, 'export', `export ${rows.length} row(s) as ${step.format.toUpperCase()} to ${file}`, { file, format: step.format, columns, rows });
    return { file, count: rows.length };
  }

  private async update(step: Extract<Step, { type: 'update' }>, env: Env, at: string, outcome: StepOutcome): Promise<unknown> {
    const object = this.input.objects(step.object);
    if (!object) throw new FlowRunError(`unknown object "${step.object}" for the flow's owner`, step.id, at);
    const pk = object.primaryKey;
    const setFields = Object.keys(step.set);
    const after = Object.fromEntries(Object.entries(step.set).map(([k, v]) => [k, resolveValue(env, v)]));
    const limit = this.def.limits.maxRecords - this.recordCount + 1;
    let current: Row[] = [];
    if (step.records !== undefined) {
      const given = getPath(env, step.records);
      const records = (Array.isArray(given) ? given : given ? [given] : []) as Row[];
      const keys = uniqueKeys(records.map((r) => pick(r, pk)));
      for (let i = 0; i < keys.length; i += IN_CHUNK) {
        const chunk = keys.slice(i, i + IN_CHUNK);
        const where = pk.length === 1 ? { [pk[0]!]: { $in: chunk.map((k) => k[pk[0]!]) } } : { $or: chunk };
        const res = await this.call<{ rows: Row[] }>('data.query', { query: { object: object.name, fields: [...pk, ...setFields], where, limit: chunk.length } }, outcome);
        current.push(...res.rows);
      }
    } else {
      const where = resolveDeep(env, step.where, false);
      const res = await this.call<{ rows: Row[]; nextCursor?: string }>('data.query', { query: { object: object.name, fields: [...pk, ...setFields], where, orderBy: pk.map((f) => ({ field: f, order: 'asc' })), limit } }, outcome);
      current = res.rows;
    }
    outcome.inputSize = jsonSize({ set: after, keys: current.length });
    const records: RecordChange[] = current.map((row) => {
      const before = pick(row, setFields);
      const changed = setFields.some((f) => !sameValue(before[f], after[f]));
      return { key: pick(row, pk) as Record<string, string | number>, before, after, status: changed ? 'pending' : 'unchanged' };
    });
    const n = this.addChanges(step, at, 'update', records);
    outcome.rows = n;
    outcome.summary = `would change ${n} ${object.name} record(s)${records.length > n ? `; ${records.length - n} already as asked` : ''}`;
    return { changed: n };
  }

  private addChanges(step: Step, at: string, kind: 'update' | 'create', records: RecordChange[]): number {
    const n = records.filter((r) => r.status === 'pending').length;
    this.recordCount += n;
    if (this.recordCount > this.def.limits.maxRecords) {
      throw new FlowRunError(
        `the run would change more than limits.maxRecords (${this.def.limits.maxRecords}) records; nothing was written — raise the limit or narrow the records`,
        step.id,
        at,
        'limit',
      );
    }
    const object = (step as { object: string }).object;
    this.changes.push({ step: step.id, path: at, object, kind, records });
    return n;
  }
}

function pick(row: Row, keys: string[]): Row {
  return Object.fromEntries(keys.map((k) => [k, row[k] ?? null]));
}

function uniqueKeys(keys: Row[]): Row[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const s = JSON.stringify(k);
    if (seen.has(s)) return false;
    seen.add(s);
    return true;
  });
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(1)) : p;
}

export function asRunError(e: unknown, step?: string, at?: string): FlowRunError {
  if (e instanceof FlowRunError) return e.step ? e : new FlowRunError(e.message, step, at, e.kind);
  if (e instanceof ApiError) return new FlowRunError(`${e.code}: ${e.message}`, step, at, e.code === 'forbidden' ? 'write' : 'step');
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return new FlowRunError(`stopped: ${msg}`, step, at, 'limit');
  return new FlowRunError(msg, step, at);
}
