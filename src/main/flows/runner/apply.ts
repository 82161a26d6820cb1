/**
 * The second phase: carries out a preview. Writes go only through the governance operations
 * (data.batch: every write through the checks of data.update / data.create), so the datasource, object and
 * user keys, record rules and the audit apply to each. Before writing, every record to update is read again:
 * if anything changed since the preview, nothing is written. All writes of a run are one transaction on one
 * datasource, so a refused or failing write leaves nothing half-written, even if the app dies mid-way.
 * Only after the batch committed do notify, export and http act.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ApiError } from '../../../shared/api/errors';
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

/**
 * Writes every pending record in ONE `data.batch` call: one transaction on the datasource, each write
 * through the same governance checks as data.update/data.create. A refusal or failure of any write rolls the
 * whole batch back — the records written before it in the transaction are marked `undone` (the database
 * undid them), the failing one `failed`, the ones after it stay `pending` (never written).
 */
export async function applyChanges(changes: ChangeSet[], ctx: ApplyContext, deps: RunDeps): Promise<number> {
  const items: { set: ChangeSet; record: RecordChange }[] = [];
  for (const set of changes) for (const record of set.records) if (record.status === 'pending') items.push({ set, record });
  if (items.length === 0) return 0;
  const writes = items.map(({ set, record }) =>
    set.kind === 'update' ? { kind: 'update', object: set.object, key: record.key, values: record.after } : { kind: 'create', object: set.object, values: record.after },
  );
  let res: { results: { key?: Record<string, string | number> }[] };
  try {
    res = (await deps.api.call('data.batch', { writes }, ctx.session, ctx.signal)) as typeof res;
  } catch (e) {
    const at = e instanceof ApiError ? /^writes\.(\d+)/.exec(e.path ?? '') : null;
    const index = at ? Number(at[1]) : -1;
    const failed = items[index];
    const first = failed ?? items[0]!;
    const err = asRunError(failed && e instanceof ApiError ? withoutBatchWording(e, writes[index]!, index, writes.length) : e, first.set.step, first.set.path);
    items.forEach((item, i) => {
      if (i < index) item.record.status = 'undone';
    });
    if (failed) {
      failed.record.status = 'failed';
      failed.record.error = err.message;
    }
    const which = !failed ? 'the batch' : failed.set.kind === 'update' ? `${failed.set.object} ${JSON.stringify(failed.record.key)}` : `a new ${failed.set.object} record`;
    throw new FlowRunError(`writing ${which} failed (${err.message}); nothing was written: the run's ${items.length} write(s) are one transaction`, first.set.step, first.set.path, 'write');
  }
  items.forEach(({ record }, i) => {
    record.status = 'written';
    const key = res.results[i]?.key;
    if (key && !record.key) record.key = key;
  });
  return items.length;
}

/** The refusal of one write as data.batch words it, without the batch's framing (the run says that itself). */
function withoutBatchWording(e: ApiError, w: { kind: string; object: string; key?: unknown }, index: number, total: number): ApiError {
  const prefix = `write ${index + 1} of ${total} (${w.kind} "${w.object}"${w.key !== undefined ? ` ${JSON.stringify(w.key)}` : ''}): `;
  const suffix = ' — nothing was written: the whole batch was rolled back';
  if (!e.message.startsWith(prefix) || !e.message.endsWith(suffix)) return e;
  return new ApiError(e.code, e.message.slice(prefix.length, -suffix.length), e.path, e.details);
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
