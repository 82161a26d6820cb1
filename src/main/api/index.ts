/**
 * The API every transport calls: validates input against the contract, runs the one handler with the
 * caller's Session, validates the output, and turns every failure into an ApiError. IPC, HTTP, the CLI
 * and (later) the AI tools, REST and MCP all go through `call` / `stream` — never to a handler directly.
 */
import { z } from 'zod';
import { isOperationName, operations, type OperationName } from '../../shared/api/contract';
import { ApiError, describeZodError } from '../../shared/api/errors';
import { SessionSchema, type Session } from '../../shared/api/session';
import type { AppContext } from '../app/context';
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

export function createApi(app: AppContext, handlers: HandlerTable = defaultHandlers): Api {
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
    const ctx: HandlerContext = { session: s.data, app, signal: signal ?? new AbortController().signal };
    return { op: op as OperationName, def, input: parsed.data, ctx };
  };

  return {
    app,
    kindOf: (op) => (isOperationName(op) ? operations[op].kind : undefined),

    async call(op, input, session, signal) {
      const p = prepare(op, input, session, signal, 'query');
      const handler = handlers[p.op] as (i: unknown, c: HandlerContext) => Promise<unknown>;
      const out = await guard(() => handler(p.input, p.ctx));
      return checkOutput(p.op, (p.def as { output: z.ZodType }).output, out);
    },

    async *stream(op, input, session, signal) {
      const p = prepare(op, input, session, signal, 'stream');
      const handler = handlers[p.op] as (i: unknown, c: HandlerContext) => AsyncIterable<unknown>;
      const eventSchema = (p.def as { event: z.ZodType }).event;
      try {
        for await (const event of handler(p.input, p.ctx)) {
          yield checkOutput(p.op, eventSchema, event);
        }
      } catch (e) {
        throw toApiError(e);
      }
    },
  };
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toApiError(e);
  }
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
