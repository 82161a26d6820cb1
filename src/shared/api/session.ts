/** Who is calling, through which door, and why — carried by every API call into the engine and the audit. */
import { z } from 'zod';

export const VIA = ['ui', 'ai', 'rest', 'graphql', 'mcp', 'cli', 'flow'] as const;
export const ViaSchema = z.enum(VIA);
export type Via = z.infer<typeof ViaSchema>;

export const SessionSchema = z.strictObject({
  /** Workspace user name; there is no system identity. */
  user: z.string().min(1),
  via: ViaSchema,
  /** The question, chat turn or UI action that caused the call. */
  reason: z.string().max(2000).optional(),
});
export type Session = z.infer<typeof SessionSchema>;
