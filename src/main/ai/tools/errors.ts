/**
 * How a failed tool call is told to the model: one short message that names the argument and what is
 * allowed there, so a small local model can correct its next call instead of giving up.
 */
import type { z } from 'zod';
import { ApiError } from '../../../shared/api/errors';

const MAX_ALLOWED_LISTED = 40;

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '');
}

export function describeArgsError(tool: string, error: z.ZodError, allowedKeys: readonly string[]): string {
  const problems = error.issues.slice(0, 5).map((i) => {
    const at = pathOf(i.path);
    if (i.code === 'unrecognized_keys') {
      return `${at ? `${at}: ` : ''}unknown argument(s) ${i.keys.map((k) => `"${k}"`).join(', ')}${at ? '' : ` — ${tool} accepts: ${allowedKeys.join(', ')}`}`;
    }
    return `${at || 'arguments'}: ${i.message}`;
  });
  return `Invalid arguments for ${tool}: ${problems.join('; ')}. Fix the arguments and call ${tool} again.`;
}

export function describeApiError(tool: string, e: ApiError): string {
  const details = e.details as { allowed?: readonly string[] } | undefined;
  const allowed = details?.allowed?.length
    ? ` Allowed${e.path ? ` at ${e.path}` : ''}: ${details.allowed.slice(0, MAX_ALLOWED_LISTED).join(', ')}${details.allowed.length > MAX_ALLOWED_LISTED ? ', …' : ''}.`
    : '';
  const what =
    e.code === 'forbidden' || e.code === 'not_found'
      ? ' You can only use objects from list_objects and fields from describe_object.'
      : e.code === 'bad_request'
        ? ` Fix the query and call ${tool} again.`
        : '';
  return `${tool} failed (${e.code}): ${e.message}${allowed}${what}`;
}
