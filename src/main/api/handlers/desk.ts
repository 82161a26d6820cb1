/**
 * Handlers for the operations declared in src/shared/api/contract-desk.ts: streaming export (rows through
 * the engine as the caller), saved queries (app store), datasource health, the audit viewer (read-only on
 * the audit store) and the visual modeler (wrapping src/main/introspect).
 */
import { PassThrough } from 'node:stream';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import type { Session } from '../../../shared/api/session';
import type { AppContext } from '../../app/context';
import { listEntries, openAuditReader, verifyChain, exportCsv } from '../../audit';
import type { AuditListFilter } from '../../audit/list';
import { appStorePath, openAppStore } from '../../store/app-store';
import { SavedQueries } from '../../store/saved-queries';
import { csvChunks, xlsxChunks } from '../../desk/export-file';
import { catalogView, drift, existingObjects, ModelerEditError, previewImport, writeImport, type Selection } from '../../desk/modeler';
import type { QueryHandler, StreamHandler } from '../types';

// ---- export ---------------------------------------------------------------------------------------

const dataExport: StreamHandler<'data.export'> = async function* (input, { app, session, signal }) {
  const engine = app.engineFor(session);
  const object = typeof input.query.object === 'string' ? input.query.object : 'export';
  // Exports read everything the query selects, not one page: the engine's stream limit applies.
  const ast = { ...input.query };
  delete ast.cursor;
  const rows = await engine.stream(ast, { session, signal });
  const base = (input.filename?.trim() || `${object}-${new Date().toISOString().slice(0, 10)}`).replace(/\.(csv|xlsx)$/i, '');
  const filename = `${base}.${input.format}`;
  yield {
    kind: 'start',
    filename,
    mime: input.format === 'csv' ? 'text/csv;charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  } as const;
  const chunks = input.format === 'csv' ? csvChunks(rows, input.columns, signal) : xlsxChunks(rows, input.columns, object, signal);
  for await (const c of chunks) {
    if (signal.aborted) return;
    yield c;
  }
};

const deskRun: StreamHandler<'desk.run'> = async function* ({ query }, { app, session, signal }) {
  const r = await app.engineFor(session).query(query, { session, signal });
  yield { rows: r.rows, ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}), plan: r.plan as never };
};

// ---- saved queries --------------------------------------------------------------------------------

const stores = new WeakMap<AppContext, { db: Database.Database; queries: SavedQueries }>();
function savedQueries(app: AppContext): SavedQueries {
  let s = stores.get(app);
  if (!s) {
    const db = openAppStore(appStorePath(app.options.dataDir));
    s = { db, queries: new SavedQueries(db) };
    stores.set(app, s);
  }
  return s.queries;
}

const notFound = (id: string) => new ApiError('not_found', `There is no saved query "${id}" of yours. Open the list of saved queries to pick one.`, 'id');

const queriesList: QueryHandler<'queries.list'> = async (_i, { app, session }) =>
  savedQueries(app)
    .list(session.user)
    .map(({ id, name, object, owner, updatedAt }) => ({ id, name, object, owner, updatedAt }));

const queriesGet: QueryHandler<'queries.get'> = async ({ id }, { app, session }) => {
  const q = savedQueries(app).get(session.user, id);
  if (!q) throw notFound(id);
  return q;
};

const queriesSave: QueryHandler<'queries.save'> = async (input, { app, session, signal }) => {
  // Only queries the engine accepts (for this user) are saved: a broken query is reported at save time.
  await app.engineFor(session).explain(input.query, { session, signal });
  const object = String(input.query.object);
  const saved = savedQueries(app).save(session.user, { ...(input.id ? { id: input.id } : {}), name: input.name, object, query: input.query, ...(input.chart ? { chart: input.chart } : {}) });
  if (!saved) throw notFound(input.id!);
  return saved;
};

const queriesDelete: QueryHandler<'queries.delete'> = async ({ id }, { app, session }) => ({ deleted: savedQueries(app).delete(session.user, id) });

// ---- health ---------------------------------------------------------------------------------------

const HEALTH_TIMEOUT_MS = 5000;

const deskHealth: QueryHandler<'desk.health'> = async (_i, { app }) => {
  const defs = [...app.partial.datasources.values()];
  return Promise.all(
    defs.map(async (def) => {
      const base = { name: def.name, label: def.label ?? def.name, driver: def.driver, readOnly: def.readOnly !== false && def.allowWrites !== true };
      try {
        const check = await Promise.race([
          app.drivers.get(def.name).testConnection(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS / 1000} s`)), HEALTH_TIMEOUT_MS).unref()),
        ]);
        return { ...base, status: 'ok' as const, latencyMs: check.latencyMs, serverVersion: check.serverVersion };
      } catch (e) {
        return { ...base, status: 'error' as const, message: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
};

const deskAbout: QueryHandler<'desk.about'> = async (_i, { app }) => ({
  dataDir: app.options.dataDir,
  workspaceDir: app.options.workspaceDir,
  timezone: app.partial.timezone,
  defaultLimit: app.partial.config.query.defaultLimit,
  maxLimit: app.partial.config.query.maxLimit,
});

// ---- audit ----------------------------------------------------------------------------------------

function isAdmin(app: AppContext, session: Session): boolean {
  if (app.partial.users.size === 0) return true;
  return app.partial.users.get(session.user)?.admin === true;
}

/** Non-admins only ever see their own entries, whatever user they filter by. */
function auditFilter(app: AppContext, session: Session, f: AuditListFilter): AuditListFilter {
  const filter: AuditListFilter = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') (filter as Record<string, unknown>)[k] = v;
  if (!isAdmin(app, session)) {
    if (filter.user && filter.user !== session.user) throw new ApiError('forbidden', 'Only administrators can read other users\' audit entries; you can filter by your own name.', 'user');
    filter.user = session.user;
  }
  return filter;
}

/** The log is opened read-only for each request; a data folder that never audited anything has no entries. */
function withAudit<T>(app: AppContext, empty: T, fn: (db: Database.Database) => T): T {
  let db: Database.Database;
  try {
    db = openAuditReader(app.options.dataDir);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'not_found') return empty;
    throw e;
  }
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const auditList: QueryHandler<'audit.list'> = async ({ limit, ...f }, { app, session }) => {
  const filter = auditFilter(app, session, f);
  return withAudit(app, { entries: [], truncated: false }, (db) => {
    const rows = listEntries(db, { ...filter, limit: limit + 1 });
    const truncated = rows.length > limit;
    return { entries: rows.slice(truncated ? 1 : 0).reverse(), truncated };
  });
};

const auditVerify: QueryHandler<'audit.verify'> = async (_i, { app, session }) => {
  if (!isAdmin(app, session)) throw new ApiError('forbidden', 'Only administrators can verify the audit chain.');
  return withAudit(app, { ok: true, entries: 0, head: null, problems: [] }, (db) => verifyChain(db));
};

const auditExport: StreamHandler<'audit.export'> = async function* (f, { app, session, signal }) {
  const filter = auditFilter(app, session, f);
  yield { kind: 'start', filename: `audit-${new Date().toISOString().slice(0, 10)}.csv`, mime: 'text/csv;charset=utf-8' } as const;
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (b: Buffer) => parts.push(b));
  let rows = 0;
  let db: Database.Database | null = null;
  try {
    db = openAuditReader(app.options.dataDir);
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 'not_found')) throw e;
  }
  if (db) {
    try {
      rows = await exportCsv(db, filter, out);
    } finally {
      db.close();
    }
  }
  if (signal.aborted) return;
  const data = Buffer.concat(parts);
  yield { kind: 'chunk', encoding: 'utf8', data: data.toString('utf8') } as const;
  yield { kind: 'done', rows, bytes: data.length } as const;
};

// ---- modeler --------------------------------------------------------------------------------------

async function catalogOf(app: AppContext, datasource: string, signal: AbortSignal) {
  // The partial workspace: modeling is how a workspace with missing objects gets fixed.
  const ws = app.partial;
  if (!ws.datasources.has(datasource)) {
    throw new ApiError('not_found', `There is no datasource "${datasource}" in this workspace. Datasources: ${[...ws.datasources.keys()].join(', ') || 'none — add one first'}.`, 'datasource');
  }
  const catalog = await app.drivers.get(datasource).introspect();
  if (signal.aborted) throw new ApiError('cancelled', 'Reading the schema was cancelled.');
  return { ws, catalog };
}

function requireModeler(app: AppContext, session: Session) {
  if (!isAdmin(app, session)) throw new ApiError('forbidden', 'Only administrators can model objects: object files change what every user of the workspace sees.');
}

const modelerCatalog: QueryHandler<'modeler.catalog'> = async ({ datasource }, { app, session, signal }) => {
  requireModeler(app, session);
  const { ws, catalog } = await catalogOf(app, datasource, signal);
  return catalogView(catalog, existingObjects(ws, datasource));
};

async function planFiles(app: AppContext, sel: Selection, signal: AbortSignal) {
  const { ws, catalog } = await catalogOf(app, sel.datasource, signal);
  let plan;
  try {
    plan = await previewImport(catalog, ws, sel);
  } catch (e) {
    if (e instanceof ModelerEditError) throw new ApiError('bad_request', e.message, e.path);
    if (e instanceof Error && /^(No table named|Choose tables)/.test(e.message)) throw new ApiError('bad_request', e.message, 'tables');
    throw e;
  }
  const files = plan.files.map((f) => {
    const o = plan.objects.get(f.object);
    return {
      object: f.object,
      table: f.table,
      path: path.relative(ws.root, f.path),
      action: f.action,
      content: f.content,
      diff: f.diff,
      changes: f.changes,
      warnings: f.warnings,
      ...(o?.label ? { label: o.label } : {}),
      ...(o?.pluralLabel ? { pluralLabel: o.pluralLabel } : {}),
      ...(o?.description ? { description: o.description } : {}),
      fields: Object.entries(o?.fields ?? {}).map(([name, fd]) => ({
        name,
        type: fd.type,
        ...(fd.label ? { label: fd.label } : {}),
        ...(fd.description ? { description: fd.description } : {}),
        ...(fd.hidden ? { hidden: true } : {}),
        ...(fd.reference_to ? { reference_to: fd.reference_to } : {}),
        ...(fd.options ? { options: fd.options.map((op) => (typeof op === 'string' ? { value: op, label: op } : { value: op.value, label: op.label })) } : {}),
      })),
    };
  });
  return { plan, files };
}

const modelerPreview: QueryHandler<'modeler.preview'> = async (sel, { app, session, signal }) => {
  requireModeler(app, session);
  return { files: (await planFiles(app, sel, signal)).files };
};

const modelerImport: QueryHandler<'modeler.import'> = async (sel, { app, session, signal }) => {
  requireModeler(app, session);
  const { plan, files } = await planFiles(app, sel, signal);
  const conflicts = plan.files.filter((f) => f.action === 'conflict');
  if (conflicts.length) {
    throw new ApiError('bad_request', `${conflicts.map((c) => c.path).join(', ')} does not load; fix it first — the modeler will not overwrite it.`, 'tables');
  }
  const written = await writeImport(plan);
  const reloaded = await app.reload();
  return { files, written: written.map((w) => path.relative(app.options.workspaceDir, w)), objects: reloaded.objects, problems: reloaded.problems };
};

const modelerDrift: QueryHandler<'modeler.drift'> = async ({ datasource }, { app, session, signal }) => {
  requireModeler(app, session);
  const { ws, catalog } = await catalogOf(app, datasource, signal);
  return {
    items: drift(catalog, ws, datasource).map((i) => ({
      kind: i.kind,
      severity: i.severity,
      object: i.object,
      table: i.table,
      message: i.message,
      fix: i.fix,
      ...(i.field ? { field: i.field } : {}),
      ...(i.column ? { column: i.column } : {}),
      ...(i.file ? { file: i.file } : {}),
    })),
  };
};

export const deskHandlers = {
  'data.export': dataExport,
  'desk.run': deskRun,
  'queries.list': queriesList,
  'queries.get': queriesGet,
  'queries.save': queriesSave,
  'queries.delete': queriesDelete,
  'desk.health': deskHealth,
  'desk.about': deskAbout,
  'audit.list': auditList,
  'audit.verify': auditVerify,
  'audit.export': auditExport,
  'modeler.catalog': modelerCatalog,
  'modeler.preview': modelerPreview,
  'modeler.import': modelerImport,
  'modeler.drift': modelerDrift,
} as const;
