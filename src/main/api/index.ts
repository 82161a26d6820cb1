/**
 * The API every transport calls: validates input against the contract, runs the one handler with the
 * caller's Session, validates the output, and turns every failure into an ApiError. IPC, HTTP, the CLI
 * and (later) the AI tools, REST and MCP all go through `call` / `stream` — never to a handler directly.
 */
import { z } from 'zod';
import { isOperationName, operations, type OperationName } from '../../shared/api/contract';
import { ApiError, describeZodError } from '../../shared/api/errors';
import { SessionSchema, ViaSchema, type Session } from '../../shared/api/session';
import type { AppContext, AuditSink } from '../app/context';
import { AuditInputError, type AuditInput } from '../audit';
import { READ_ONLY_OPERATIONS, entryFor, errorCodeOf, outcomeOf, requestedAst } from '../security/audit-call';
import { handlers as defaultHandlers } from './handlers';
import { QueryError } from '../objectql/errors';
import { ConnectionError, QueryCancelledError, QueryTimeoutError, WriteNotAllowedError, QueryError as DriverQueryError } from '../drivers/errors';
import { SecretError } from '../secrets';
import type { HandlerContext, HandlerTable } from './types';

export interface Api {
  readonly app: AppContext;
  call(op: string, input: unknown, session: Session, signal?: AbortSignal): Promise<unknown>;
  stream(op: string, input: unknown, session: Session, signal?: AbortSignal): AsyncIterable<unknown>;
  kindOf(op: string): 'query' | 'stream' | undefined;
}

/** An audit sink that can also queue an entry without waiting for its commit (the app's AuditLog can). */
export type ApiAuditSink = AuditSink & { enqueue?(entry: AuditInput): Promise<void> };

export interface ApiOptions {
  /** Where every call is recorded; the app's audit log unless a test or benchmark passes another. */
  audit?: ApiAuditSink;
  /** Overrides the workspace's `audit.waitForCommit` (benchmarks, tests). */
  waitForCommit?: boolean;
}

/**
 * Every call is audited (src/main/security/audit-call.ts says what is kept): reads, writes, denials and
 * errors. A call starts only when the audit can be written (else it fails closed with the audit's error).
 * A read's entry is queued, in order, before its result is returned, and committed in the background
 * ("answer, then commit"); every other call returns only once its entry is committed, and so do reads
 * when the workspace sets `audit.waitForCommit`. A queued entry is never dropped: if its commit fails it
 * stays queued and goes in first when the log recovers, and meanwhile every call is refused.
 */
export function createApi(app: AppContext, handlers: HandlerTable = defaultHandlers, options: ApiOptions = {}): Api {
  const audit: ApiAuditSink = options.audit ?? app.audit;
  const strictFor = (op: string): boolean =>
    !audit.enqueue || !READ_ONLY_OPERATIONS.has(op) || (options.waitForCommit ?? app.workspace?.config.audit?.waitForCommit ?? false);
  const put = (entry: AuditInput, strict: boolean): Promise<void> => (strict ? audit.append(entry) : audit.enqueue!(entry));
  const record = (entry: AuditInput, strict: boolean): Promise<void> =>
    put(entry, strict).catch((e: unknown) => {
      // An AST the audit will not keep (e.g. a non-JSON value from an in-process caller): record the call without it.
      if (!(e instanceof AuditInputError) || entry.ast === undefined) throw e;
      const { ast: _dropped, ...rest } = entry;
      return put(rest, strict);
    });
  const failed = async (op: string, input: unknown, session: Session, e: unknown, started: number): Promise<never> => {
    const err = toApiError(e);
    const ast = requestedAst(op, input);
    await record(entryFor(session, op, input, outcomeOf(err, app.workspace), { ...(ast ? { ast } : {}), errorCode: errorCodeOf(err), durationMs: performance.now() - started }), strictFor(op));
    throw err;
  };
  const prepare = (op: string, input: unknown, session: Session, signal: AbortSignal | undefined, kind: 'query' | 'stream') => {
    if (!isOperationName(op)) throw new ApiError('not_found', `Unknown operation "${op}". Known operations: ${Object.keys(operations).join(', ')}.`);
    const def = operations[op];
    if (def.kind !== kind) {
      throw new ApiError('bad_request', `"${op}" is a ${def.kind} operation; call it with ${def.kind === 'stream' ? 'stream()' : 'call()'}.`);
    }
    const s = SessionSchema.safeParse(session);
    if (!s.success) throw new ApiError('internal', `Invalid session: ${describeZodError(s.error, 'session').message}`);
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) {
      const { message, path } = describeZodError(parsed.error);
      throw new ApiError('bad_request', `${op}: ${message}`, path);
    }
    // Handlers see the workspace as this Session's user sees it (hidden objects and fields are absent).
    // (Reading the audit first commits what is queued: see `readsAudit` in call/stream.)
    const ctx: HandlerContext = { session: s.data, app: app.viewFor(s.data), signal: signal ?? new AbortController().signal };
    return { op: op as OperationName, def, input: parsed.data, ctx };
  };
  /** The session as far as it can be recorded, for calls refused before it was checked. */
  const who = (session: Session): Session => {
    const s = SessionSchema.safeParse(session);
    if (s.success) return s.data;
    const raw = (session ?? {}) as Partial<Session>;
    const user = typeof raw.user === 'string' && raw.user.length > 0 ? raw.user.replace(/[\u0000-\u001f\u007f]/g, '?') : '(none)';
    return { user, via: ViaSchema.safeParse(raw.via).success ? (raw.via as Session['via']) : 'ui' };
  };

  return {
    app,
    kindOf: (op) => (isOperationName(op) ? operations[op].kind : undefined),

    async call(op, input, session, signal) {
      const started = performance.now();
      await audit.ensureWritable();
      let p;
      let out: unknown;
      try {
        p = prepare(op, input, session, signal, 'query');
        if (AUDIT_READS.has(op)) await settleAudit(app);
        const handler = handlers[p.op] as (i: unknown, c: HandlerContext) => Promise<unknown>;
        out = checkOutput(p.op, (p.def as { output: z.ZodType }).output, await handler(p.input, p.ctx));
      } catch (e) {
        return failed(op, input, who(session), e, started);
      }
      // Queued (reads) or committed (everything else) before the result leaves.
      await record(entryFor(p.ctx.session, op, p.input, 'ok', { ...resultFacts(op, p.input, out), durationMs: performance.now() - started }), strictFor(op));
      return out;
    },

    async *stream(op, input, session, signal) {
      const started = performance.now();
      await audit.ensureWritable();
      let events = 0;
      let p;
      try {
        p = prepare(op, input, session, signal, 'stream');
        if (AUDIT_READS.has(op)) await settleAudit(app);
        const handler = handlers[p.op] as (i: unknown, c: HandlerContext) => AsyncIterable<unknown>;
        const eventSchema = (p.def as { event: z.ZodType }).event;
        for await (const event of handler(p.input, p.ctx)) {
          const checked = checkOutput(p.op, eventSchema, event);
          events++;
          yield checked;
        }
      } catch (e) {
        await failed(op, input, who(session), e, started);
      }
      await record(entryFor(p!.ctx.session, op, p!.input, 'ok', { rowCount: events, durationMs: performance.now() - started }), strictFor(op));
    },
  };
}

/**
 * The operations that read the audit log (through their own read-only connection): they first commit the
 * entries still queued, so the viewer shows every call that has returned. A log that cannot be written
 * still shows what is committed.
 */
const AUDIT_READS: ReadonlySet<string> = new Set(['audit.list', 'audit.verify', 'audit.export']);
const settleAudit = (app: AppContext): Promise<void> => app.audit.flush().catch(() => {});

/** The AST after permissions and the row count of a successful call. */
function resultFacts(op: string, input: unknown, out: unknown): Partial<AuditInput> {
  const o = out as { plan?: { ast?: unknown }; rows?: unknown[]; rowCount?: number; ast?: unknown } | undefined;
  if (op === 'data.query') return { ast: o?.plan?.ast, rowCount: o?.rows?.length };
  if (op === 'data.explain') return { ast: o?.ast };
  if (op === 'data.create' || op === 'data.update' || op === 'data.delete') return { ast: requestedAst(op, input), rowCount: o?.rowCount };
  // Each write of a batch has its own entry (with its AST); the batch's entry says how many rows it changed.
  if (op === 'data.batch') return { rowCount: o?.rowCount };
  return {};
}

/** A handler returning something its contract does not allow is our bug, never the caller's. */
function checkOutput(op: string, schema: z.ZodType, value: unknown): unknown {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError('internal', `${op} produced an invalid result: ${describeZodError(r.error, 'output').message}`);
  return r.data;
}

const QUERY_ERROR_CODES: Partial<Record<QueryError['code'], ApiError['code']>> = {
  unknown_object: 'not_found',
  cancelled: 'cancelled',
  execution_failed: 'internal',
};

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof QueryError) return new ApiError(QUERY_ERROR_CODES[e.code] ?? 'bad_request', e.message, e.path || undefined, e.toJSON());
  if (e instanceof ConnectionError) return new ApiError('unavailable', e.message);
  if (e instanceof SecretError) return new ApiError('unavailable', e.message);
  if (e instanceof QueryCancelledError) return new ApiError('cancelled', e.message);
  if (e instanceof QueryTimeoutError) return new ApiError('timeout', e.message);
  if (e instanceof WriteNotAllowedError) return new ApiError('forbidden', e.message);
  if (e instanceof DriverQueryError) return new ApiError('internal', e.message);
  if (e instanceof Error && e.name === 'AbortError') return new ApiError('cancelled', 'The operation was cancelled.');
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError('internal', message);
}
