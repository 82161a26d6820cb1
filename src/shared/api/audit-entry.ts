/** One audit log entry as stored and as shown (CLI, audit viewer): shared by src/main/audit and the desk API. */
import { z } from 'zod';
import { ViaSchema } from './session';

export const OUTCOMES = ['ok', 'denied', 'error'] as const;
export const OutcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const AuditEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.string(),
  user: z.string(),
  via: ViaSchema,
  operation: z.string(),
  object: z.string().optional(),
  ast: z.string().optional(),
  rowCount: z.number().int().optional(),
  outcome: OutcomeSchema,
  errorCode: z.string().optional(),
  reason: z.string().optional(),
  durationMs: z.number().optional(),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
