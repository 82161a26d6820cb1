/** Handlers for the operations declared in src/shared/api/contract-flows.ts: flows, runs, approvals, inbox. */
import type { QueryHandler } from '../types';
import type { Api } from '..';
import type { AppContext } from '../../app/context';
import { ApiError } from '../../../shared/api/errors';
import { FlowAccessError, FlowSaveError, FlowService, isAdmin, nextRuns, saveFlow, toDto } from '../../flows';

async function service(app: AppContext): Promise<FlowService> {
  // Imported when called: the API module imports this handler table.
  const { createApi } = (await import('..')) as { createApi: (a: AppContext) => Api };
  return new FlowService(app, createApi(app));
}

async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FlowAccessError) throw new ApiError(e.code, e.message);
    if (e instanceof FlowSaveError) throw new ApiError(e.code, e.message, e.path, e.problems.length ? { problems: e.problems } : undefined);
    throw e;
  }
}

const list: QueryHandler<'flows.list'> = async (_input, { app, session }) => guard(async () => (await service(app)).list(session.user));

const run: QueryHandler<'flows.run'> = async ({ flow, dryRun }, { app, session, signal }) =>
  guard(async () => toDto(await (await service(app)).run(flow, session.user, { trigger: 'manual', dryRun, signal })));

const runs: QueryHandler<'flows.runs'> = async (filter, { app, session }) => guard(async () => ({ runs: (await service(app)).runs(session.user, filter).map(toDto) }));

const preview: QueryHandler<'flows.preview'> = async ({ runId }, { app, session }) => guard(async () => toDto((await service(app)).getRun(runId, session.user)));

const approve: QueryHandler<'flows.approve'> = async ({ runId }, { app, session, signal }) => guard(async () => toDto(await (await service(app)).approve(runId, session.user, signal)));

const reject: QueryHandler<'flows.reject'> = async ({ runId, reason }, { app, session }) => guard(async () => toDto((await service(app)).reject(runId, session.user, reason)));

const settingsGet: QueryHandler<'flows.settings.get'> = async (_input, { app, session }) => (await service(app)).withStore((s) => s.getSettings(session.user));

const settingsSet: QueryHandler<'flows.settings.set'> = async (patch, { app, session }) => {
  if (patch.httpAllowed) {
    for (const o of patch.httpAllowed) {
      let origin: string | undefined;
      try {
        origin = new URL(o).origin;
      } catch {
        origin = undefined;
      }
      if (!origin || origin !== o.replace(/\/$/, '')) throw new ApiError('bad_request', `"${o}" is not an origin — give scheme, host and port only, e.g. https://hooks.example.com`, 'httpAllowed');
    }
  }
  return (await service(app)).withStore((s) => s.setSettings(session.user, { ...patch, ...(patch.httpAllowed ? { httpAllowed: patch.httpAllowed.map((o) => new URL(o).origin) } : {}) }));
};

const get: QueryHandler<'flows.get'> = async ({ flow }, { app, session }) =>
  guard(async () => {
    const f = await (await service(app)).get(flow);
    if (f.definition.owner !== session.user && !isAdmin(app, session.user)) {
      throw new ApiError('forbidden', `only the owner of "${flow}" (${f.definition.owner}) or an admin can edit it`);
    }
    return { name: f.definition.name, file: f.file, definition: f.definition as unknown as Record<string, unknown>, problems: f.problems };
  });

const save: QueryHandler<'flows.save'> = async ({ file, definition, validateOnly }, { app, session }) =>
  guard(() => saveFlow(app, session.user, { file, definition, validateOnly }));

const schedulePreview: QueryHandler<'flows.nextRuns'> = async ({ cron, timezone, count }, { app }) => {
  const zone = timezone ?? (app.workspace ?? app.partial).timezone;
  try {
    return { timezone: zone, runs: nextRuns(cron, zone, new Date(), count).map((d) => d.toISOString()) };
  } catch (e) {
    throw new ApiError('bad_request', `${(e as Error).message} — a cron schedule has 5 fields (minute hour day month weekday) or 6 (seconds first), e.g. "0 8 * * 1-5"; the time zone is an IANA name such as Europe/Berlin`, 'cron');
  }
};

const inboxList: QueryHandler<'inbox.list'> = async ({ unreadOnly, limit }, { app, session }) =>
  (await service(app)).withStore((s) => {
    const all = s.listInbox(session.user, 500);
    const unread = all.filter((i) => !i.read).length;
    return { items: (unreadOnly ? all.filter((i) => !i.read) : all).slice(0, limit), unread };
  });

const inboxMarkRead: QueryHandler<'inbox.markRead'> = async ({ ids }, { app, session }) => (await service(app)).withStore((s) => ({ marked: s.markRead(session.user, ids ?? 'all') }));

export const flowHandlers = {
  'flows.list': list,
  'flows.run': run,
  'flows.runs': runs,
  'flows.preview': preview,
  'flows.approve': approve,
  'flows.reject': reject,
  'flows.settings.get': settingsGet,
  'flows.settings.set': settingsSet,
  'flows.get': get,
  'flows.save': save,
  'flows.nextRuns': schedulePreview,
  'inbox.list': inboxList,
  'inbox.markRead': inboxMarkRead,
} as const;
