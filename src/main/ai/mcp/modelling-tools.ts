/**
 * The modelling tools MCP offers admins, for "let a coding agent model the tables": each is one API call
 * (datasources.list, modeler.catalog, modeler.preview, workspace.drift), so the API's admin checks and the
 * audit apply. draft_objects returns the generated object files without writing them — the agent (or the
 * user) decides what to save.
 */
import { z } from 'zod';
import { ApiError } from '../../../shared/api/errors';
import type { Session } from '../../../shared/api/session';
import { describeApiError, describeArgsError } from '../tools/errors';
import type { ApiCaller } from '../tools/run';

const datasource = z.string().min(1).max(200).describe('Datasource name, as returned by list_datasources.');

export const MODELLING_TOOLS = [
  {
    name: 'list_datasources',
    description: 'Lists the datasources of the workspace: driver, where the password comes from (never its value), the objects that use each, and load problems.',
    args: z.strictObject({}),
    op: 'datasources.list',
    input: () => ({}),
  },
  {
    name: 'introspect_schema',
    description: 'Reads the live schema of a datasource: tables, columns with types, keys, and which tables already have objects.',
    args: z.strictObject({ datasource }),
    op: 'modeler.catalog',
    input: (a: { datasource: string }) => ({ datasource: a.datasource }),
  },
  {
    name: 'draft_objects',
    description: 'Generates the *.object.ts files for the given tables (merged with existing files), WITHOUT writing them; returns each file\'s path, action and content.',
    args: z.strictObject({
      datasource,
      tables: z.array(z.string().min(1).max(400)).min(1).max(500).describe('Table names from introspect_schema.'),
      namespace: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits and "_"').optional(),
    }),
    op: 'modeler.preview',
    input: (a: { datasource: string; tables: string[]; namespace?: string }) => a,
  },
  {
    name: 'diff_schema',
    description: "Compares the workspace's objects with the live schema: missing tables or columns, type and key changes, new columns, each with its fix.",
    args: z.strictObject({ datasource: datasource.optional() }),
    op: 'workspace.drift',
    input: (a: { datasource?: string }) => a,
  },
] as const;

export const MODELLING_TOOL_NAMES: readonly string[] = MODELLING_TOOLS.map((t) => t.name);

const MAX_TEXT = 200_000;

export async function runModellingTool(name: string, rawArgs: unknown, ctx: { api: ApiCaller; session: Session; signal?: AbortSignal }): Promise<{ ok: boolean; content: string }> {
  const tool = MODELLING_TOOLS.find((t) => t.name === name)!;
  const parsed = tool.args.safeParse(rawArgs ?? {});
  if (!parsed.success) return { ok: false, content: `Error: ${describeArgsError(name, parsed.error, Object.keys(tool.args.shape))}` };
  try {
    const out = await ctx.api.call(tool.op, (tool.input as (a: unknown) => unknown)(parsed.data), ctx.session, ctx.signal);
    const text = JSON.stringify(out);
    return { ok: true, content: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (truncated: ask for fewer tables)` : text };
  } catch (e) {
    if (e instanceof ApiError && e.code !== 'cancelled') return { ok: false, content: `Error: ${describeApiError(name, e)}` };
    throw e;
  }
}
