/**
 * What an audit entry is. Callers pass an `AuditInput` (the Session's user/via/reason plus what happened);
 * the writer adds `at`, `seq`, `prev_hash` and `hash`. The input schema is strict and has no field that
 * could carry rows, records, results or error messages: that is how row values stay out of the audit.
 */
import { z } from 'zod';
import { VIA, ViaSchema } from '../../shared/api/session';

export { OUTCOMES, OutcomeSchema, type Outcome } from '../../shared/api/audit-entry';
import { OUTCOMES, OutcomeSchema } from '../../shared/api/audit-entry';

/** `query`, `aggregate`, `describe`, `write`, `ai.tool`, `auth.switch_user`, `ai.tool.query_records` … */
export const OPERATION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
/** An ApiErrorCode or a driver code such as `sqlite.busy`: a code, never a message (messages can quote values). */
export const ERROR_CODE_PATTERN = /^[a-z][a-z0-9_.]{0,63}$/;
// eslint-disable-next-line no-control-regex
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

const Name = z.string().min(1).max(200).regex(NO_CONTROL_CHARS, 'must not contain control characters');

export const AuditInputSchema = z.strictObject({
  user: Name,
  via: ViaSchema,
  /** The question, chat turn or UI action that caused the call — the user's words, never model output or results. */
  reason: z.string().max(2000).optional(),
  operation: z.string().max(64).regex(OPERATION_PATTERN, 'must be a dotted lower-case name such as "query" or "ai.tool"'),
  /** The object asked for, as the caller named it (also when it was denied or does not exist). */
  object: Name.optional(),
  /** The ObjectQL AST after permissions (see sanitize-ast.ts for what is accepted). */
  ast: z.unknown().optional(),
  rowCount: z.number().int().min(0).optional(),
  outcome: OutcomeSchema,
  errorCode: z.string().regex(ERROR_CODE_PATTERN, 'must be an error code such as "forbidden", not a message').optional(),
  durationMs: z.number().finite().min(0).optional(),
});
export type AuditInput = z.input<typeof AuditInputSchema>;

/*
 * The hot path's check. AuditInputSchema above is the one definition of what an entry may hold; parsing
 * it costs a few µs per entry, most of a small read's audit cost on the main thread. `quickAccept` is a
 * hand-written check of the same rules that may only ever say "certainly valid": when it says false the
 * entry goes through the schema, which accepts it or produces the error. Its limits are read from the
 * schema, and test/unit/audit/quick-accept.test.ts proves it never accepts what the schema refuses.
 */
const shape = AuditInputSchema.shape;
const NAME_MAX = Math.min(shape.user.maxLength ?? 0, shape.object.unwrap().maxLength ?? 0);
const NAME_MIN = Math.max(shape.user.minLength ?? 1, shape.object.unwrap().minLength ?? 1, 1);
const REASON_MAX = shape.reason.unwrap().maxLength ?? 0;
const OPERATION_MAX = shape.operation.maxLength ?? 0;
const KEYS = new Set(Object.keys(shape));
const VIAS = new Set<unknown>(VIA);
const OUTCOME_SET = new Set<unknown>(OUTCOMES);
/** The last names and operation accepted: a session's user, object and operation repeat from call to call. */
const NONE = Symbol('none yet');
let okUser: unknown = NONE;
let okObject: unknown = NONE;
let okOperation: unknown = NONE;
const name = (v: unknown) => typeof v === 'string' && v.length >= NAME_MIN && v.length <= NAME_MAX && NO_CONTROL_CHARS.test(v);
const user = (v: unknown) => v === okUser || (name(v) && ((okUser = v), true));
const object = (v: unknown) => v === okObject || (name(v) && ((okObject = v), true));
const operation = (v: unknown) =>
  v === okOperation || (typeof v === 'string' && v.length <= OPERATION_MAX && OPERATION_PATTERN.test(v) && ((okOperation = v), true));
const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/** True only for an input AuditInputSchema certainly accepts unchanged; false means "ask the schema". */
export function quickAccept(input: unknown): input is AuditInput {
  if (input === null || typeof input !== 'object' || Object.getPrototypeOf(input) !== Object.prototype) return false;
  const e = input as Record<string, unknown>;
  for (const k in e) if (!KEYS.has(k)) return false;
  if (!user(e.user) || !VIAS.has(e.via) || !OUTCOME_SET.has(e.outcome) || !operation(e.operation)) return false;
  if (e.object !== undefined && !object(e.object)) return false;
  if (e.reason !== undefined && (typeof e.reason !== 'string' || e.reason.length > REASON_MAX)) return false;
  if (e.rowCount !== undefined && !count(e.rowCount)) return false;
  if (e.errorCode !== undefined && (typeof e.errorCode !== 'string' || !ERROR_CODE_PATTERN.test(e.errorCode))) return false;
  const d = e.durationMs;
  if (d !== undefined && (typeof d !== 'number' || !Number.isFinite(d) || d < 0)) return false;
  return true;
}

/** One stored entry, as `list()` returns it. `ast` is the canonical JSON text that was hashed. */
export { AuditEntrySchema, type AuditEntry } from '../../shared/api/audit-entry';

export const AuditFilterSchema = z.strictObject({
  user: z.string().optional(),
  object: z.string().optional(),
  /** Inclusive lower bound on `at` (ISO date or date-time; a date means its start, UTC). */
  since: z.string().optional(),
  /** Exclusive upper bound on `at`. */
  until: z.string().optional(),
  via: ViaSchema.optional(),
  outcome: OutcomeSchema.optional(),
  /** Newest entries first when set; all entries, oldest first, when not. */
  limit: z.number().int().positive().optional(),
});
export type AuditFilter = z.infer<typeof AuditFilterSchema>;
