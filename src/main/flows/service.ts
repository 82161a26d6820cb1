/**
 * The flows area's one entry point for handlers, the CLI and the scheduler: list flows with their next and
 * last runs, start runs (owner only), approve or reject them, read the history and the inbox. All data
 * access goes through the API as the flow's owner; this module only keeps the flows' own records.
 */
import type { AppContext } from '../app/context';
import type { FlowSummary, RunDto } from '../../shared/api/contract-flows';
import type { Step } from './schema';
import { WRITE_STEPS } from './schema';
import { loadedFlows } from './registry';
import type { LoadedFlow } from './loader';
import { runReason, type RunRecord } from './model';
import { nextRuns } from './schedule';
import { FlowStore } from './store';
import { approveRun, rejectRun, startRun, type StartOptions } from './runner/run';
import { desktopNotifier } from './notifier';
import { FlowRunError, type DesktopNotifier, type FlowApi } from './runner/deps';

export interface FlowServiceOptions {
  clock?: () => Date;
  notifier?: DesktopNotifier;
  fetch?: typeof fetch;
}

export class FlowAccessError extends Error {
  constructor(message: string, readonly code: 'not_found' | 'forbidden' | 'bad_request' = 'forbidden') {
    super(message);
    this.name = 'FlowAccessError';
  }
}

export class FlowService {
  readonly clock: () => Date;

  constructor(
    readonly app: AppContext,
    readonly api: FlowApi,
    private readonly options: FlowServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  withStore<T>(fn: (store: FlowStore) => T): T {
    const store = FlowStore.open(this.app.options.dataDir, this.app.options.workspaceDir);
    try {
      const out = fn(store);
      if (out instanceof Promise) return out.finally(() => store.close()) as T;
      store.close();
      return out;
    } catch (e) {
      store.close();
      throw e;
    }
  }

  async flows() {
    return loadedFlows(this.app);
  }

  async get(name: string): Promise<LoadedFlow> {
    const { flows } = await this.flows();
    const flow = flows.get(name);
    if (!flow) throw new FlowAccessError(`no flow named "${name}" — known flows: ${[...flows.keys()].join(', ') || 'none'}`, 'not_found');
    return flow;
  }

  async list(caller: string): Promise<{ flows: FlowSummary[]; problems: Awaited<ReturnType<typeof loadedFlows>>['problems'] }> {
    const { flows, problems } = await this.flows();
    const now = this.clock();
    const ws = this.app.workspace ?? this.app.partial;
    return this.withStore((store) => ({
      flows: [...flows.values()].map((f) => summarise(f, caller, store, now, ws.timezone)),
      problems,
    }));
  }

  async run(name: string, caller: string, opts: Omit<StartOptions, 'requestedBy'> & { requestedBy?: string }): Promise<RunRecord> {
    const flow = await this.get(name);
    if (opts.trigger === 'manual' && flow.definition.owner !== caller) {
      throw new FlowAccessError(`only the owner of "${name}" (${flow.definition.owner}) can run it — it runs with their permissions`);
    }
    if (!flow.definition.enabled && opts.trigger !== 'manual') throw new FlowAccessError(`"${name}" is disabled`, 'bad_request');
    return this.withStore((store) => startRun(flow, { ...opts, requestedBy: opts.requestedBy ?? caller }, { ...this.deps(store), ...this.owned(flow.definition.owner, store) }));
  }

  async approve(runId: string, caller: string, signal?: AbortSignal): Promise<RunRecord> {
    return this.withStore(async (store) => {
      const run = store.getRun(runId);
      const flow = run ? (await this.flows()).flows.get(run.flow) : undefined;
      try {
        return await approveRun(runId, caller, { ...this.deps(store), ...this.owned(caller, store), maxSeconds: flow?.definition.limits.maxSeconds ?? 60 }, signal);
      } catch (e) {
        throw asAccess(e);
      }
    });
  }

  reject(runId: string, caller: string, reason?: string): RunRecord {
    return this.withStore((store) => {
      try {
        return rejectRun(runId, caller, this.deps(store), reason);
      } catch (e) {
        throw asAccess(e);
      }
    });
  }

  runs(caller: string, filter: { flow?: string; status?: RunRecord['status']; limit?: number }): RunRecord[] {
    return this.withStore((store) => store.listRuns({ ...filter, owner: caller }));
  }

  getRun(runId: string, caller: string): RunRecord {
    const run = this.withStore((store) => store.getRun(runId));
    if (!run || run.owner !== caller) throw new FlowAccessError(`no run ${runId} of your flows`, 'not_found');
    return run;
  }

  deps(store: FlowStore) {
    return {
      api: this.api,
      store,
      clock: this.clock,
      notifier: this.options.notifier ?? desktopNotifier(),
      fetch: this.options.fetch,
      audit: (entry: Parameters<AppContext['audit']['append']>[0]) => this.app.audit.append(entry),
    };
  }

  /** What a run needs to know about its owner: their view of the objects and their flow settings. */
  owned(owner: string, store: FlowStore) {
    return { objects: this.objectsFor(owner), settings: store.getSettings(owner) };
  }

  /** The objects as the user sees them (nothing for an unknown user). */
  objectsFor(user: string): (name: string) => ReturnType<NonNullable<AppContext['workspace']>['objects']['get']> {
    let view: AppContext['workspace'] = null;
    try {
      view = this.app.viewFor({ user, via: 'flow' }).workspace;
    } catch {
      view = null;
    }
    return (name) => view?.objects.get(name);
  }
}

function asAccess(e: unknown): unknown {
  return e instanceof FlowRunError ? new FlowAccessError(e.message, /already decided|not awaiting/.test(e.message) ? 'bad_request' : 'not_found') : e;
}

export function toDto(run: RunRecord): RunDto {
  return { ...run, auditReason: runReason(run.flow, run.id) };
}

function flatten(steps: Step[], prefix = 'steps', depth = 0): FlowSummary['steps'] {
  return steps.flatMap((s, i) => {
    const path = `${prefix}.${i}`;
    const own = { path, id: s.id, type: s.type, ...(s.label ? { label: s.label } : {}), depth };
    if (s.type === 'condition') return [own, ...flatten(s.then, `${path}.then`, depth + 1), ...(s.else ? flatten(s.else, `${path}.else`, depth + 1) : [])];
    if (s.type === 'loop') return [own, ...flatten(s.steps, `${path}.steps`, depth + 1)];
    return [own];
  });
}

function summarise(f: LoadedFlow, caller: string, store: FlowStore, now: Date, workspaceZone: string): FlowSummary {
  const d = f.definition;
  const t = d.trigger;
  const steps = flatten(d.steps);
  let nextRun: string | undefined;
  if (t.type === 'schedule' && d.enabled && !f.problems.length) {
    try {
      nextRun = nextRuns(t.cron, t.timezone ?? workspaceZone, now, 1)[0]?.toISOString();
    } catch {
      nextRun = undefined;
    }
  }
  const last = store.lastRun(d.name);
  const mine = d.owner === caller;
  return {
    name: d.name,
    label: d.label ?? d.name,
    ...(d.description ? { description: d.description } : {}),
    file: f.file,
    ...(f.line ? { line: f.line } : {}),
    owner: d.owner,
    trigger: {
      type: t.type,
      ...(t.type === 'schedule' ? { cron: t.cron, timezone: t.timezone ?? workspaceZone } : {}),
      ...(t.type === 'change' ? { object: t.object, watermark: t.watermark, every: t.every } : {}),
    },
    approval: d.approval,
    limits: d.limits,
    enabled: d.enabled,
    steps,
    writes: steps.some((s) => WRITE_STEPS.has(s.type as Step['type'])),
    ...(nextRun ? { nextRun } : {}),
    ...(last && mine ? { lastRun: { id: last.id, status: last.status, startedAt: last.startedAt, ...(last.finishedAt ? { finishedAt: last.finishedAt } : {}) } } : {}),
    pending: mine ? store.listRuns({ flow: d.name, owner: caller, status: 'awaiting_approval', limit: 500 }).length : 0,
    problems: f.problems,
    mine,
  };
}
