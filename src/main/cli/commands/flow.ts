/**
 * `objectdesk flow list | run NAME [--dry-run] | approve RUN | reject RUN`: flows from the command line,
 * through the same API as the Flows screen (so the session is the signed-in user via "cli", and the run
 * itself acts as the flow's owner via "flow"). Exit codes: 0 ok, 1 refused/failed/has problems, 2 bad usage.
 */
import { createApi } from '../../api';
import { ApiError } from '../../../shared/api/errors';
import type { FlowSummary, RunDto } from '../../../shared/api/contract-flows';
import { openContext, type GlobalOptions } from '../global-options';
import { println, type CliIO } from '../io';

export interface FlowCommandOptions extends GlobalOptions {
  action: 'list' | 'run' | 'approve' | 'reject';
  /** The flow name (run) or run id (approve, reject). */
  target?: string;
  dryRun?: boolean;
}

export async function runFlow(opts: FlowCommandOptions, io: CliIO): Promise<number> {
  if (opts.action !== 'list' && !opts.target) {
    println(io.err, `objectdesk flow ${opts.action}: give the ${opts.action === 'run' ? 'flow name' : 'run id'}, e.g. objectdesk flow ${opts.action} ${opts.action === 'run' ? 'big_invoices_without_postal_code' : '<run id>'}`);
    return 2;
  }
  const app = await openContext(opts, 'cli');
  try {
    const api = createApi(app);
    const session = { user: app.user.name, via: 'cli' as const, reason: `objectdesk flow ${opts.action}${opts.target ? ` ${opts.target}` : ''}` };
    if (opts.action === 'list') {
      const { flows, problems } = (await api.call('flows.list', {}, session)) as { flows: FlowSummary[]; problems: { file: string; line?: number; message: string; kind: string }[] };
      if (opts.json) println(io.out, JSON.stringify({ flows, problems }, null, 2));
      else {
        if (!flows.length) println(io.out, 'No flows in this workspace (add a *.flow.ts file).');
        for (const f of flows) {
          const trigger = f.trigger.type === 'schedule' ? `schedule "${f.trigger.cron}" ${f.trigger.timezone}` : f.trigger.type === 'change' ? `on change of ${f.trigger.object}.${f.trigger.watermark}` : 'manual';
          println(io.out, `${f.name}  (${trigger}; owner ${f.owner}${f.writes ? '; writes' : ''}${f.enabled ? '' : '; disabled'})`);
          if (f.nextRun) println(io.out, `  next run: ${f.nextRun}`);
          if (f.lastRun) println(io.out, `  last run: ${f.lastRun.startedAt} ${f.lastRun.status}`);
          if (f.pending) println(io.out, `  ${f.pending} run(s) awaiting your approval`);
        }
        for (const p of problems) println(io.err, `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message} [${p.kind}]`);
      }
      return problems.length ? 1 : 0;
    }
    const run =
      opts.action === 'run'
        ? ((await api.call('flows.run', { flow: opts.target, dryRun: Boolean(opts.dryRun) }, session)) as RunDto)
        : opts.action === 'approve'
          ? ((await api.call('flows.approve', { runId: opts.target }, session)) as RunDto)
          : ((await api.call('flows.reject', { runId: opts.target }, session)) as RunDto);
    if (opts.json) println(io.out, JSON.stringify(run, null, 2));
    else printRun(run, io);
    return run.status === 'failed' ? 1 : 0;
  } catch (e) {
    if (e instanceof ApiError) {
      println(io.err, `Flow ${opts.action} refused (${e.code}): ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await app.close();
  }
}

function printRun(run: RunDto, io: CliIO): void {
  println(io.out, `run ${run.id} of ${run.flow}: ${run.status}${run.error ? ` — ${run.error}` : ''}`);
  for (const s of run.steps) println(io.out, `  ${s.status.padEnd(8)} ${s.path.padEnd(16)} ${s.id} (${s.type}): ${s.error ?? s.summary}`);
  const p = run.preview;
  if (p) {
    for (const c of p.changes) {
      println(io.out, `  ${c.kind} ${c.object} (step ${c.step}):`);
      for (const r of c.records) {
        const fields = Object.keys(r.after).map((k) => (r.before ? `${k}: ${JSON.stringify(r.before[k])} → ${JSON.stringify(r.after[k])}` : `${k}: ${JSON.stringify(r.after[k])}`));
        println(io.out, `    ${r.status.padEnd(10)} ${r.key ? JSON.stringify(r.key) : '(new)'} ${fields.join(', ')}${r.error ? ` — ${r.error}` : ''}`);
      }
    }
    for (const e of p.effects) println(io.out, `  ${e.status.padEnd(8)} ${e.summary}${e.result ? ` — ${e.result}` : ''}`);
  }
  if (run.status === 'awaiting_approval') println(io.out, `Approve with: objectdesk flow approve ${run.id}   (or reject: objectdesk flow reject ${run.id})`);
  println(io.out, `Audit: entries with reason "${run.auditReason}"`);
}
