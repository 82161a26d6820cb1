/**
 * What the API records about one call: who (the Session's user), via, why (Session.reason), the operation,
 * the object the caller named, the AST after permissions (or, for a refused call, the query as asked when
 * it is query-shaped), the row count, the outcome and an error code — never rows, new values or messages.
 * A call refused because the object or field exists but is hidden from the user is `denied` here, though
 * the caller got the same "unknown" answer as for a missing one: the audit is for the auditor.
 */
import { AST_TOP_LEVEL_KEYS } from '../audit/sanitize-ast';
import type { AuditInput, Outcome } from '../audit';
import type { Workspace } from '../metadata';
import type { Session } from '../../shared/api/session';
import type { ApiError } from '../../shared/api/errors';

/**
 * Operations that only read: their result may be returned as soon as their entry is queued ("answer,
 * then commit" — the entry is committed in the background, src/main/audit/audit-log.ts). Every other
 * operation — writes to the user's database, settings, tokens, flows that run or are approved, user
 * switches, and any operation added later until it is listed here — awaits its entry's commit.
 */
export const READ_ONLY_OPERATIONS: ReadonlySet<string> = new Set([
  'app.info', 'app.tick', 'auth.whoami', 'workspace.objects', 'workspace.watch', 'workspace.drift', 'objects.describe',
  'data.query', 'data.explain', 'data.stream', 'data.export', 'desk.run', 'desk.about', 'desk.health',
  'queries.list', 'queries.get', 'audit.list', 'audit.verify', 'audit.export',
  'datasources.list', 'datasources.status', 'modeler.catalog', 'modeler.preview', 'modeler.drift',
  'flows.list', 'flows.runs', 'flows.preview', 'flows.get', 'flows.nextRuns', 'flows.settings.get',
  'inbox.list', 'ai.settings.get', 'ai.models', 'ai.history', 'tokens.list', 'apiServer.status',
]);

const operations = new Map<string, string>();
export function auditOperation(op: string): string {
  let name = operations.get(op);
  if (name === undefined) {
    name = op.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (operations.size < 1000) operations.set(op, name);
  }
  return name;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;

const named = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The object the caller named, made safe to store (the audit refuses control characters and > 200 chars). */
export function namedObject(input: unknown): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const i = input as Record<string, unknown>;
  const q = i.query && typeof i.query === 'object' ? (i.query as Record<string, unknown>).object : undefined;
  const name = named(q) ?? named(i.objectName) ?? named(i.object);
  if (name === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  return name.length <= 200 && !CONTROL_CHAR.test(name) ? name : name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200);
}

/** The query as the caller sent it, when the audit can keep it (query-shaped, plain JSON). */
export function requestedAst(op: string, input: unknown): Record<string, unknown> | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const i = input as Record<string, unknown>;
  if (op === 'data.update' || op === 'data.delete' || op === 'data.create') {
    const values = i.values && typeof i.values === 'object' ? Object.keys(i.values as object) : undefined;
    return { object: i.object, ...(i.key !== undefined ? { id: i.key } : {}), ...(values ? { changedFields: values } : {}) };
  }
  const q = i.query;
  if (!q || typeof q !== 'object' || Array.isArray(q)) return undefined;
  if (!Object.keys(q).every((k) => AST_TOP_LEVEL_KEYS.has(k))) return undefined;
  return q as Record<string, unknown>;
}

/** ok | denied | error for a failed call. */
export function outcomeOf(e: ApiError, ws: Workspace | null): Outcome {
  const details = e.details as { code?: string } | undefined;
  // forbidden: a key of the write path is off, or an admin-only action; not_writable: outside the user's rules.
  if (e.code === 'forbidden' || details?.code === 'not_writable') return 'denied';
  if (!ws) return 'error';
  const hiddenObject = /unknown object "([^"]+)"/i.exec(e.message);
  if ((e.code === 'not_found' || details?.code === 'unknown_object') && hiddenObject && ws.objects.has(hiddenObject[1]!)) return 'denied';
  const hiddenField = /unknown field "([^"]+)" on object "([^"]+)"/.exec(e.message);
  const fields = hiddenField ? ws.objects.get(hiddenField[2]!)?.fields : undefined;
  if (fields && Object.hasOwn(fields, hiddenField![1]!)) return 'denied';
  return 'error';
}

export function errorCodeOf(e: ApiError): string {
  const details = e.details as { code?: unknown } | undefined;
  return typeof details?.code === 'string' && /^[a-z_]+$/.test(details.code) ? `${e.code}.${details.code}` : e.code;
}

export function entryFor(session: Session, op: string, input: unknown, outcome: Outcome, extra?: Partial<AuditInput>): AuditInput {
  // Built by assignment (it runs for every call); keys that would be undefined are left out.
  const e = { user: session.user.length > 200 ? session.user.slice(0, 200) : session.user, via: session.via } as AuditInput;
  if (session.reason !== undefined) e.reason = session.reason;
  e.operation = auditOperation(op);
  const object = namedObject(input);
  if (object !== undefined) e.object = object;
  e.outcome = outcome;
  if (extra) Object.assign(e, extra);
  return e;
}
