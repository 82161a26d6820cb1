/**
 * One run of a flow, as its owner (via 'flow', reason = flow name + run id): plan (reads and the write
 * preview), then — unless it is a dry run or waits for the owner's approval — apply (all writes or none,
 * then the deferred notify/export/http). Every run is kept with each step's outcome.
 */
import { randomUUID } from 'node:crypto';
import type { Session } from '../../../shared/api/session';
import type { ObjectDefinition } from '../../metadata/object';
import type { LoadedFlow } from '../loader';
import { runReason, type FlowSettings, type RunRecord } from '../model';
import { applyChanges, checkStale, performEffects, type ApplyContext } from './apply';
import { FlowRunError, type RunDeps } from './deps';
import { asRunError, planRun } from './plan';
import type { Env } from './values';

export interface StartOptions {
  trigger: RunRecord['trigger'];
  requestedBy: string;
  dryRun: boolean;
  /** The `trigger` value steps can refer to (`trigger.rows` for a change trigger). */
  triggerValue?: Record<string, unknown>;
  /** Kept with the run (e.g. the scheduled time, the watermark range). */
  triggerInfo?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface RunEnv extends RunDeps {
  /** The objects as the owner sees them. */
  objects: (name: string) => ObjectDefinition | undefined;
  settings: FlowSettings;
}

export async function startRun(flow: LoadedFlow, opts: StartOptions, deps: RunEnv): Promise<RunRecord> {
  const def = flow.definition;
  const id = randomUUID();
  const started = deps.clock();
  const session: Session = { user: def.owner, via: 'flow', reason: runReason(def.name, id) };
  const run: RunRecord = {
    id,
    flow: def.name,
    owner: def.owner,
    requestedBy: opts.requestedBy,
    trigger: opts.trigger,
    status: 'running',
    dryRun: opts.dryRun,
    startedAt: started.toISOString(),
    steps: [],
    ...(opts.triggerInfo ? { triggerInfo: opts.triggerInfo } : {}),
  };
  deps.store.insertRun(run);
  if (flow.problems.length) return finish(run, deps, 'failed', `the flow has ${flow.problems.length} problem(s) and cannot run: ${flow.problems[0]!.message}`);

  const env: Env = new Map<string, unknown>([
    ['trigger', { type: opts.trigger, ...(opts.triggerValue ?? {}) }],
    ['run', { id, startedAt: run.startedAt, date: run.startedAt.slice(0, 10) }],
    ['flow', { name: def.name, owner: def.owner }],
  ]);
  const deadline = started.getTime() + def.limits.maxSeconds * 1000;
  const signal = opts.signal ?? new AbortController().signal;
  let plan;
  try {
    plan = await planRun({ flow, runId: id, session, env, settings: deps.settings, objects: deps.objects, deadline, signal }, deps, run.steps);
  } catch (e) {
    return finish(run, deps, 'failed', describe(asRunError(e)));
  }
  run.preview = { changes: plan.changes, effects: plan.effects, recordCount: plan.recordCount };
  if (opts.dryRun) return finish(run, deps, 'dry_run');
  if (plan.recordCount > 0 && def.approval === 'writes') {
    run.status = 'awaiting_approval';
    deps.store.saveRun(run);
    deps.store.addInbox({
      user: def.owner,
      flow: def.name,
      runId: id,
      title: `Approve "${def.label ?? def.name}"`,
      message: `The run would change ${plan.recordCount} record(s)${plan.effects.length ? ` and then ${plan.effects.length} notification/export/http step(s)` : ''}. Review the preview and approve or reject it.`,
      createdAt: deps.clock().toISOString(),
    });
    return run;
  }
  return apply(run, deps, deadline, signal);
}

/** Applies the preview of a run awaiting approval; only its owner may. */
export async function approveRun(runId: string, user: string, deps: RunEnv & { maxSeconds: number }, signal?: AbortSignal): Promise<RunRecord> {
  const run = decidable(runId, user, deps);
  if (!deps.store.claimRun(runId, 'awaiting_approval', 'running')) throw new FlowRunError(`run ${runId} was already decided`);
  run.status = 'running';
  return apply(run, deps, deps.clock().getTime() + deps.maxSeconds * 1000, signal ?? new AbortController().signal);
}

export function rejectRun(runId: string, user: string, deps: RunDeps, reason?: string): RunRecord {
  const run = decidable(runId, user, deps);
  if (!deps.store.claimRun(runId, 'awaiting_approval', 'rejected')) throw new FlowRunError(`run ${runId} was already decided`);
  return finish(run, deps, 'rejected', `rejected by ${user}${reason ? `: ${reason}` : ''}; nothing was written or sent`);
}

function decidable(runId: string, user: string, deps: RunDeps): RunRecord {
  const run = deps.store.getRun(runId);
  if (!run || run.owner !== user) throw new FlowRunError(`no run ${runId} of your flows`);
  if (run.status !== 'awaiting_approval') throw new FlowRunError(`run ${runId} is ${run.status.replace('_', ' ')}, not awaiting approval`);
  return run;
}

async function apply(run: RunRecord, deps: RunEnv, deadline: number, signal: AbortSignal): Promise<RunRecord> {
  const preview = run.preview ?? { changes: [], effects: [], recordCount: 0 };
  const session: Session = { user: run.owner, via: 'flow', reason: runReason(run.flow, run.id) };
  const remaining = Math.max(1, deadline - deps.clock().getTime());
  const ctx: ApplyContext = { flow: run.flow, owner: run.owner, runId: run.id, session, signal: AbortSignal.any([signal, AbortSignal.timeout(remaining)]) };
  try {
    if (deps.clock().getTime() > deadline) throw new FlowRunError('the run exceeded limits.maxSeconds before writing; nothing was written', undefined, undefined, 'limit');
    await checkStale(preview.changes, ctx, deps, (o) => deps.objects(o)?.primaryKey);
    const written = await applyChanges(preview.changes, ctx, deps);
    if (written) run.steps.push({ path: 'apply', id: 'writes', type: 'apply', status: 'done', summary: `wrote ${written} record(s)`, rows: written, operation: 'data.batch' });
    await performEffects(preview.effects, ctx, deps);
    for (const s of run.steps) if (s.status === 'deferred') s.status = 'done';
    return finish(run, deps, 'succeeded');
  } catch (e) {
    for (const eff of preview.effects) if (eff.status === 'pending') eff.status = 'skipped';
    return finish(run, deps, 'failed', describe(asRunError(e)));
  }
}

function describe(e: FlowRunError): string {
  return e.step ? `step "${e.step}" (${e.path}): ${e.message}` : e.message;
}

function finish(run: RunRecord, deps: RunDeps, status: RunRecord['status'], error?: string): RunRecord {
  run.status = status;
  run.finishedAt = deps.clock().toISOString();
  if (error) run.error = error;
  deps.store.saveRun(run);
  if (status === 'failed' && run.trigger !== 'manual') {
    deps.store.addInbox({ user: run.owner, flow: run.flow, runId: run.id, title: `Flow "${run.flow}" failed`, message: error ?? 'failed', createdAt: run.finishedAt });
  }
  return run;
}
