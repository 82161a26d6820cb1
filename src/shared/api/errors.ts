/**
 * The typed error every caller sees. One shape for IPC, HTTP, CLI, AI tools and MCP, so a message that
 * says what to fix reaches the user unchanged whichever way they came in.
 */
import { z } from 'zod';

export const API_ERROR_CODES = [
  'bad_request', // the input did not match the operation's schema
  'unauthorized', // no or wrong token (HTTP)
  'forbidden', // the caller may not do this (without revealing whether the target exists)
  'not_found', // unknown operation, object or record — also what a hidden object looks like
  'workspace_invalid', // the workspace has load problems; details list them
  'unavailable', // a datasource, keychain or model cannot be reached
  'cancelled',
  'timeout',
  'internal',
] as const;
export const ApiErrorCodeSchema = z.enum(API_ERROR_CODES);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: ApiErrorCodeSchema,
    message: z.string(),
    /** Where in the input the problem is, e.g. `where.$and[1].total`. */
    path: z.string().optional(),
    details: z.unknown().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly path?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.path !== undefined ? { path: this.path } : {}),
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }

  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.error.code, body.error.message, body.error.path, body.error.details);
  }
}

/** Turns zod issues into one readable sentence per problem, naming the path. */
export function describeZodError(error: z.ZodError, prefix = 'input'): { message: string; path?: string } {
  const first = error.issues[0];
  const render = (i: z.core.$ZodIssue) => {
    const p = i.path.length ? `${prefix}.${i.path.map(String).join('.')}` : prefix;
    return `${p}: ${i.message}`;
  };
  return {
    message: error.issues.map(render).join('; '),
    path: first && first.path.length ? first.path.map(String).join('.') : undefined,
  };
}
