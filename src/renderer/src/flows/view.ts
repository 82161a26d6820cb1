/** Pure helpers of the Flows screen: how triggers, statuses and record changes read. Unit-tested. */
import type { ChangeSet, FlowSummary, RunDto } from '../../../shared/api/contract-flows';

export function triggerText(t: FlowSummary['trigger']): string {
  if (t.type === 'schedule') return `Schedule ${t.cron} (${t.timezone})`;
  if (t.type === 'change') return `When ${t.object}.${t.watermark} grows (every ${t.every} s)`;
  return 'Manual';
}

const STATUS: Record<RunDto['status'], string> = {
  running: 'Running',
  awaiting_approval: 'Awaiting approval',
  succeeded: 'Succeeded',
  failed: 'Failed',
  rejected: 'Rejected',
  dry_run: 'Dry run',
  missed: 'Missed',
};
export const statusText = (s: RunDto['status']) => STATUS[s];

export function when(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '';
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const show = (v: unknown) => (v === null || v === undefined ? '∅' : typeof v === 'string' ? v : JSON.stringify(v));

/** One line per record: key, then each field as `old → new` (or the new value for a create). */
export function changeLines(set: ChangeSet): { key: string; fields: string; status: string; error?: string }[] {
  return set.records.map((r) => ({
    key: r.key ? Object.values(r.key).join(', ') : 'new',
    fields: Object.keys(r.after)
      .map((f) => (r.before ? `${f}: ${show(r.before[f])} → ${show(r.after[f])}` : `${f}: ${show(r.after[f])}`))
      .join('; '),
    status: r.status,
    ...(r.error ? { error: r.error } : {}),
  }));
}
