/**
 * The second phase: carries out a preview. Writes go only through the governance operations
 * (data.update / data.create), so the datasource, object and user keys, record rules and the audit apply
 * to each. Before writing, every record to update is read again: if anything changed since the preview,
 * nothing is written. The API writes one record per call, so the batch is made all-or-nothing by undoing:
 * when a write fails, the records already written are restored to their previous values (created ones
 * deleted) and each record's fate is reported. Only after all writes succeed do notify, export and http act.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Session } from '../../../shared/api/session';
import { csvChunks, xlsxChunks } from '../../desk/export-file';
import type { ChangeSet, Effect, RecordChange } from '../model';
import { FlowRunError, type RunDeps } from './deps';
import { sameValue } from './values';
import { asRunError } from './plan';

type Row = Record<string, unknown>;

export interface ApplyContext {
  flow: string;
  owner: string;
  runId: string;
  session: Session;
  signal: AbortSignal;
}

export async function checkStale(changes: ChangeSet[], ctx: ApplyContext, deps: RunDeps, primaryKeyOf: (object: string) => string[] | undefined): Promise<void> {
  for (const set of changes) {
    if (set.kind !== 'update') continue;
    const pending = set.records.filter((r) => r.status === 'pending' && r.key);
    if (!pending.length) continue;
    const pk = primaryKeyOf(set.object) ?? Object.keys(pending[0]!.key!);
    const fields = Object.keys(pending[0]!.before ?? {});
    for (let i = 0; i < pending.length; i += 500) {
      const chunk = pending.slice(i, i + 500);
      const where = pk.length === 1 ? { [pk[0]!]: { $in: chunk.map((r) => r.key![pk[0]!]!) } } : { $or: chunk.map((r) => r.key) };
      const res = (await deps.api.call('data.query', { query: { object: set.object, fields: [...pk, ...fields], where, limit: chunk.length } }, ctx.session, ctx.signal)) as { rows: Row[] };
      const byKey = new Map(res.rows.map((row) => [JSON.stringify(pk.map((k) => row[k])), row]));
      for (const r of chunk) {
        const now = byKey.get(JSON.stringify(pk.map((k) => r.key![k])));
        const moved = !now ? 'is gone or no longer visible' : fields.find((f) => !sameValue(now[f], r.before?.[f])) ? 'was changed by someone else' : undefined;
        if (moved) {
          throw new FlowRunError(`${set.object} ${JSON.stringify(r.key)} ${moved} since the preview; nothing was written — run the flow again for a fresh preview`, set.step, set.path, 'stale');
        }
      }
    }
  }
}

/** Writes every pending record; on the first failure undoes the written ones and rethrows. */
export async function applyChanges(changes: ChangeSet[], ctx: ApplyContext, deps: RunDeps): Promise<number> {
  const written: { set: ChangeSet; record: RecordChange }[] = [];
  for (const set of changes) {
    for (const record of set.records) {
      if (record.status !== 'pending') continue;
      try {
        if (set.kind === 'update') {
          await deps.api.call('data.update', { object: set.object, key: record.key, values: record.after }, ctx.session, ctx.signal);
        } else {
          const res = (await deps.api.call('data.create', { object: set.object, values: record.after }, ctx.session, ctx.signal)) as { key?: Record<string, string | number> };
          if (res.key && !record.key) record.key = res.key;
        }
        record.status = 'written';
        written.push({ set, record });
      } catch (e) {
        const err = asRunError(e, set.step, set.path);
        record.status = 'failed';
        record.error = err.message;
        const undone = await undo(written, ctx, deps);
        const which = set.kind === 'update' ? `${set.object} ${JSON.stringify(record.key)}` : `a new ${set.object} record`;
        throw new FlowRunError(
          `writing ${which} failed (${err.message}); ${written.length === 0 ? 'nothing had been written' : undone.failed === 0 ? `the ${undone.ok} record(s) already written were restored` : `${undone.ok} written record(s) were restored and ${undone.failed} could not be — see each record in the preview`}`,
          set.step,
          set.path,
          'write',
        );
      }
    }
  }
  return written.length;
}

async function undo(written: { set: ChangeSet; record: RecordChange }[], ctx: ApplyContext, deps: RunDeps): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  const session = { ...ctx.session, reason: `${ctx.session.reason} (undo after a failed write)` };
  for (const { set, record } of [...written].reverse()) {
    try {
      if (set.kind === 'update') await deps.api.call('data.update', { object: set.object, key: record.key, values: record.before }, session);
      else if (record.key) await deps.api.call('data.delete', { object: set.object, key: record.key }, session);
      else throw new Error('the created record has no known key (give its primary key in values to make creates undoable)');
      record.status = 'undone';
      ok++;
    } catch (e) {
      record.status = 'not_undone';
      record.error = `could not be restored: ${e instanceof Error ? e.message : String(e)}`;
      failed++;
    }
  }
  return { ok, failed };
}

export async function performEffects(effects: Effect[], ctx: ApplyContext, deps: RunDeps): Promise<void> {
  for (const effect of effects) {
    if (effect.status !== 'pending') continue;
    try {
      effect.result = await perform(effect, ctx, deps);
      effect.status = 'done';
      await deps.audit?.({ user: ctx.owner, via: 'flow', reason: ctx.session.reason, operation: `flow.${effect.type}`, outcome: 'ok', ...(effect.type === 'export' ? { rowCount: (effect.payload as { rows: unknown[] }).rows.length } : {}) });
    } catch (e) {
      effect.status = 'failed';
      effect.result = e instanceof Error ? e.message : String(e);
      await deps.audit?.({ user: ctx.owner, via: 'flow', reason: ctx.session.reason, operation: `flow.${effect.type}`, outcome: 'error', errorCode: 'internal' }).catch(() => undefined);
      throw new FlowRunError(`${effect.type} failed: ${effect.result}`, effect.step, effect.path);
    }
  }
}

async function perform(effect: Effect, ctx: ApplyContext, deps: RunDeps): Promise<string> {
  if (effect.type === 'notify') {
    const p = effect.payload as { title: string; message: string; desktop: boolean };
    deps.store.addInbox({ user: ctx.owner, flow: ctx.flow, runId: ctx.runId, title: p.title, message: p.message, createdAt: deps.clock().toISOString() });
    if (p.desktop) deps.notifier?.notify(p.title, p.message);
    return 'in the inbox';
  }
  if (effect.type === 'export') {
    const p = effect.payload as { file: string; format: 'csv' | 'xlsx'; columns: string[]; rows: Row[] };
    await writeExport(p.file, p.format, p.columns, p.rows, ctx.signal);
    return p.file;
  }
  const p = effect.payload as { url: string; body: unknown };
  const res = await (deps.fetch ?? fetch)(p.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.body ?? null), signal: ctx.signal, redirect: 'error' });
  if (!res.ok) throw new Error(`${p.url} answered HTTP ${res.status}`);
  return `HTTP ${res.status}`;
}

async function writeExport(file: string, format: 'csv' | 'xlsx', columns: string[], rows: Row[], signal: AbortSignal): Promise<void> {
  async function* source() {
    yield* rows;
  }
  const cols = columns.map((c) => ({ key: c, label: c }));
  // 'wx': never overwrite a file that is already there.
  const out = createWriteStream(file, { flags: 'wx' });
  await once(out, 'open');
  try {
    const chunks = format === 'csv' ? csvChunks(source(), cols, signal) : xlsxChunks(source(), cols, 'Export', signal);
    for await (const c of chunks) {
      if (c.kind !== 'chunk') continue;
      if (!out.write(Buffer.from(c.data, c.encoding === 'base64' ? 'base64' : 'utf8'))) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
}
