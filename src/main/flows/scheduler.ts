/**
 * Runs scheduled and change-triggered flows while the app or `objectdesk serve` is up. Each `tick()` looks
 * at every enabled flow once, so tests drive it with an injected clock and never sleep:
 *
 * - schedule: occurrences since the last check (kept in the app store) that are only just due run; older
 *   ones (the machine slept, the app was closed) are recorded as missed runs and reported in the owner's
 *   inbox — never replayed.
 * - change: polls the object as the owner through the API for records past the watermark (the watermark
 *   column, then the primary key, so equal timestamps are neither skipped nor repeated), runs the flow with
 *   them as `trigger.rows`, and moves the watermark only when the run went through (or awaits approval).
 *   Nothing is created in the user's database: no trigger, no table, no column.
 */
import { randomUUID } from 'node:crypto';
import type { FlowDefinition } from './schema';
import type { LoadedFlow } from './loader';
import { decideDue } from './schedule';
import type { FlowService } from './service';
import type { FlowStore } from './store';

export interface SchedulerOptions {
  /** How late an occurrence may be and still run (default 2 minutes). */
  graceMs?: number;
  /** Real timer period for `start()` (default 15 s). */
  intervalMs?: number;
  onError?: (flow: string, error: unknown) => void;
}

export interface TickReport {
  ran: { flow: string; runId: string; status: string; trigger: 'schedule' | 'change'; rows?: number }[];
  missed: { flow: string; scheduledFor: string[]; more: boolean }[];
}

interface Watermark {
  value: string | number | null;
  key: string | number | null;
  empty?: boolean;
}

export class FlowScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<TickReport> | undefined;
  private readonly graceMs: number;

  constructor(
    private readonly service: FlowService,
    private readonly options: SchedulerOptions = {},
  ) {
    this.graceMs = options.graceMs ?? 120_000;
  }

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 15_000);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }

  /** One pass over all flows; a pass still running is awaited rather than overlapped. */
  tick(): Promise<TickReport> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async pass(): Promise<TickReport> {
    const report: TickReport = { ran: [], missed: [] };
    if (!this.service.app.workspace) return report;
    const { flows } = await this.service.flows();
    for (const flow of flows.values()) {
      const d = flow.definition;
      if (!d.enabled || flow.problems.length || d.trigger.type === 'manual') continue;
      try {
        if (d.trigger.type === 'schedule') await this.schedule(flow, report);
        else await this.change(flow, report);
      } catch (e) {
        this.options.onError?.(d.name, e);
      }
    }
    return report;
  }

  private async schedule(flow: LoadedFlow, report: TickReport): Promise<void> {
    const d = flow.definition;
    const t = d.trigger as Extract<FlowDefinition['trigger'], { type: 'schedule' }>;
    const now = this.service.clock();
    const zone = t.timezone ?? this.service.app.workspace!.timezone;
    const due = this.service.withStore((store) => {
      // A new schedule (or cron) starts counting now; changing the cron resets the check.
      const key = `schedule:${t.cron}@${zone}`;
      const last = store.getState(d.name, key);
      store.setState(d.name, key, now.toISOString());
      if (!last) return undefined;
      const decision = decideDue(t.cron, zone, new Date(last), now, this.graceMs);
      if (decision.missed.length) this.recordMissed(store, d, decision.missed, decision.moreMissed, now);
      return decision;
    });
    if (!due) return;
    if (due.missed.length) report.missed.push({ flow: d.name, scheduledFor: due.missed.map((x) => x.toISOString()), more: due.moreMissed });
    if (due.run) {
      const scheduledFor = due.run.toISOString();
      const run = await this.service.run(d.name, d.owner, { trigger: 'schedule', dryRun: false, requestedBy: 'scheduler', triggerValue: { scheduledFor }, triggerInfo: { scheduledFor } });
      report.ran.push({ flow: d.name, runId: run.id, status: run.status, trigger: 'schedule' });
    }
  }

  private recordMissed(store: FlowStore, d: FlowDefinition, missed: Date[], more: boolean, now: Date): void {
    for (const at of missed) {
      store.insertRun({
        id: randomUUID(),
        flow: d.name,
        owner: d.owner,
        requestedBy: 'scheduler',
        trigger: 'schedule',
        status: 'missed',
        dryRun: false,
        startedAt: at.toISOString(),
        finishedAt: now.toISOString(),
        error: 'not run: the app was not running (or the computer was asleep) at this time; missed runs are reported, not replayed',
        steps: [],
        triggerInfo: { scheduledFor: at.toISOString() },
      });
    }
    const list = missed.slice(-5).map((x) => x.toISOString()).join(', ');
    store.addInbox({
      user: d.owner,
      flow: d.name,
      title: `"${d.label ?? d.name}" missed ${missed.length}${more ? '+' : ''} scheduled run(s)`,
      message: `Not run while the app was closed or the computer slept (${list}${missed.length > 5 ? ', …' : ''}). They are not replayed; run the flow now if you need it.`,
      createdAt: now.toISOString(),
    });
  }

  private async change(flow: LoadedFlow, report: TickReport): Promise<void> {
    const d = flow.definition;
    const t = d.trigger as Extract<FlowDefinition['trigger'], { type: 'change' }>;
    const now = this.service.clock();
    const object = this.service.objectsFor(d.owner)(t.object);
    if (!object) return;
    const pk = object.primaryKey[0]!;
    const stateKey = `watermark:${t.object}.${t.watermark}`;
    const state = this.service.withStore((store) => {
      const last = store.getState(d.name, 'poll:last');
      if (last && now.getTime() - new Date(last).getTime() < t.every * 1000) return 'wait' as const;
      store.setState(d.name, 'poll:last', now.toISOString());
      const raw = store.getState(d.name, stateKey);
      return raw ? (JSON.parse(raw) as Watermark) : undefined;
    });
    if (state === 'wait') return;
    const session = { user: d.owner, via: 'flow' as const, reason: `flow ${d.name} change poll` };
    const query = async (q: Record<string, unknown>) => ((await this.service.api.call('data.query', { query: { object: t.object, ...q } }, session)) as { rows: Record<string, unknown>[] }).rows;
    if (!state) {
      // First poll: start from what is there now, so existing records do not all trigger a run.
      const [top] = await query({ fields: [t.watermark, pk], where: { [t.watermark]: { $null: false } }, orderBy: [{ field: t.watermark, order: 'desc' }, { field: pk, order: 'desc' }], limit: 1 });
      const mark: Watermark = top ? { value: top[t.watermark] as string | number, key: top[pk] as string | number } : { value: null, key: null, empty: true };
      this.service.withStore((store) => store.setState(d.name, stateKey, JSON.stringify(mark)));
      return;
    }
    const where =
      state.empty || state.value === null
        ? { [t.watermark]: { $null: false } }
        : { $or: [{ [t.watermark]: { $gt: state.value } }, { [t.watermark]: state.value, [pk]: { $gt: state.key } }] };
    const rows = await query({ where, orderBy: [{ field: t.watermark, order: 'asc' }, { field: pk, order: 'asc' }], limit: t.batch });
    if (!rows.length) return;
    const last = rows[rows.length - 1]!;
    const run = await this.service.run(d.name, d.owner, {
      trigger: 'change',
      dryRun: false,
      requestedBy: 'scheduler',
      triggerValue: { rows, count: rows.length },
      triggerInfo: { object: t.object, from: state.value, to: last[t.watermark], count: rows.length },
    });
    if (run.status === 'succeeded' || run.status === 'awaiting_approval') {
      const mark: Watermark = { value: last[t.watermark] as string | number, key: last[pk] as string | number };
      this.service.withStore((store) => store.setState(d.name, stateKey, JSON.stringify(mark)));
    }
    report.ran.push({ flow: d.name, runId: run.id, status: run.status, trigger: 'change', rows: rows.length });
  }
}
