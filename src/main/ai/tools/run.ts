/**
 * Runs one tool call as exactly one API call with the caller's Session, so the permissions and the audit of
 * the API apply by construction (there is no AI identity and no shortcut to the engine). Every outcome —
 * success, invalid arguments, a refusal — becomes a message for the model and a summary for the transcript.
 */
import { ApiError } from '../../../shared/api/errors';
import type { ObjectDescription, ObjectSummary, QueryResultDto } from '../../../shared/api/contract';
import type { CitedQuery } from '../../../shared/api/contract-ai';
import type { Session } from '../../../shared/api/session';
import { DEFAULT_QUERY_RECORDS_LIMIT, type AggregateDataInput, type QueryRecordsInput } from './args';
import { isToolName, toolDefinition, TOOL_NAMES, type ToolName } from './catalog';
import { describeApiError, describeArgsError } from './errors';
import { PRIVACY_NOTE, shapeOf } from './privacy';

/** The one door to the API a tool uses (createApi(app) satisfies it). */
export interface ApiCaller {
  call(op: string, input: unknown, session: Session, signal?: AbortSignal): Promise<unknown>;
}

export interface ToolContext {
  api: ApiCaller;
  session: Session;
  signal?: AbortSignal;
  privacyMode: boolean;
  /** With many objects, list_objects sends names only and the model describes what it needs. */
  namesOnlyAbove?: number;
}

export interface ToolOutcome {
  name: string;
  ok: boolean;
  summary: string;
  /** Exactly what the model (or MCP client) receives. */
  content: string;
  error?: { code: string; message: string };
  query?: Omit<CitedQuery, 'callId'>;
  rows?: Record<string, unknown>[];
  /** The structured result, for MCP's structuredContent. */
  data?: unknown;
}

export const OBJECT_LIST_BUDGET = 40;
/** Rows and characters of one result the model receives; the UI gets the rows in full. */
const MODEL_ROW_CAP = 50;
const MODEL_CONTENT_CAP = 12_000;

export async function runTool(name: string, rawArgs: unknown, ctx: ToolContext): Promise<ToolOutcome> {
  if (!isToolName(name)) {
    const message = `Unknown tool "${name}". The tools are: ${TOOL_NAMES.join(', ')}.`;
    return fail(name, 'unknown_tool', message);
  }
  const def = toolDefinition(name);
  const args = normaliseArgs(rawArgs);
  const parsed = def.args.safeParse(args);
  if (!parsed.success) {
    const keys = Object.keys(((def.args as unknown as { shape?: Record<string, unknown> }).shape ?? {}));
    return fail(name, 'invalid_arguments', describeArgsError(name, parsed.error, keys));
  }
  try {
    return await RUNNERS[name](parsed.data as never, ctx);
  } catch (e) {
    if (ctx.signal?.aborted) throw e;
    if (e instanceof ApiError) {
      if (e.code === 'cancelled') throw e;
      return fail(name, e.code, describeApiError(name, e));
    }
    throw e;
  }
}

/** Some models send the arguments as a JSON string rather than an object. */
function normaliseArgs(raw: unknown): unknown {
  if (raw === undefined || raw === null) return {};
  if (typeof raw === 'string') {
    try {
      return raw.trim() === '' ? {} : (JSON.parse(raw) as unknown);
    } catch {
      return raw;
    }
  }
  return raw;
}

function fail(name: string, code: string, message: string): ToolOutcome {
  return { name, ok: false, summary: message, content: `Error: ${message}`, error: { code, message } };
}

function toModel(value: unknown): string {
  return JSON.stringify(value);
}

type Runner<A> = (args: A, ctx: ToolContext) => Promise<ToolOutcome>;

const RUNNERS: { [K in ToolName]: Runner<never> } = {
  list_objects: (async (_args: unknown, ctx: ToolContext) => {
    const objects = (await ctx.api.call('workspace.objects', {}, ctx.session, ctx.signal)) as ObjectSummary[];
    const namesOnly = objects.length > (ctx.namesOnlyAbove ?? OBJECT_LIST_BUDGET);
    const data = namesOnly
      ? { objects: objects.map((o) => o.name), note: `${objects.length} objects: names only. Call describe_object for the ones you need.` }
      : { objects: objects.map((o) => ({ name: o.name, label: o.label, ...(o.description ? { description: o.description } : {}) })) };
    return { name: 'list_objects', ok: true, summary: `${objects.length} objects`, content: toModel(data), data };
  }) as Runner<never>,

  describe_object: (async (args: { objectName: string }, ctx: ToolContext) => {
    const d = (await ctx.api.call('objects.describe', { objectName: args.objectName }, ctx.session, ctx.signal)) as ObjectDescription;
    const data = {
      name: d.name,
      label: d.label,
      ...(d.description ? { description: d.description } : {}),
      primaryKey: d.primaryKey,
      fields: d.fields.map((f) => ({
        name: f.name,
        type: f.type,
        label: f.label,
        ...(f.description ? { description: f.description } : {}),
        ...(f.reference_to ? { reference_to: f.reference_to } : {}),
        ...(f.options ? { options: f.options.map((o) => o.value) } : {}),
      })),
    };
    return { name: 'describe_object', ok: true, summary: `${d.fields.length} fields of ${d.name}`, content: toModel(data), data };
  }) as Runner<never>,

  query_records: (async (args: QueryRecordsInput, ctx: ToolContext) => {
    const ast = {
      object: args.objectName,
      ...(args.fields ? { fields: args.fields } : {}),
      ...(args.where ? { where: args.where } : {}),
      ...(args.orderBy ? { orderBy: args.orderBy.map((s) => ({ field: s.field, order: s.order ?? 'asc' })) } : {}),
      limit: args.limit ?? DEFAULT_QUERY_RECORDS_LIMIT,
    };
    return runQuery('query_records', args.objectName, ast, false, ctx);
  }) as Runner<never>,

  aggregate_data: (async (args: AggregateDataInput, ctx: ToolContext) => {
    const ast = {
      object: args.objectName,
      aggregations: args.aggregations,
      ...(args.groupBy ? { groupBy: args.groupBy } : {}),
      ...(args.where ? { where: args.where } : {}),
      ...(args.orderBy ? { orderBy: args.orderBy.map((s) => ({ field: s.field, order: s.order ?? 'asc' })) } : {}),
      ...(args.limit ? { limit: args.limit } : {}),
    };
    return runQuery('aggregate_data', args.objectName, ast, Boolean(args.groupBy?.length), ctx);
  }) as Runner<never>,
};

async function runQuery(tool: 'query_records' | 'aggregate_data', objectName: string, ast: Record<string, unknown>, grouped: boolean, ctx: ToolContext): Promise<ToolOutcome> {
  const result = (await ctx.api.call('data.query', { query: ast }, ctx.session, ctx.signal)) as QueryResultDto;
  const plan = result.plan as { ast?: unknown; sql?: CitedQuery['sql']; pipeline?: unknown[] };
  const rows = result.rows;
  const query: Omit<CitedQuery, 'callId'> = {
    tool,
    objectName,
    ast: plan.ast ?? ast,
    sql: plan.sql ?? [],
    ...(plan.pipeline ? { pipeline: plan.pipeline } : {}),
    rowCount: rows.length,
  };
  const what = tool === 'aggregate_data' ? (grouped ? 'group' : 'aggregate row') : 'record';
  const summary = `${rows.length} ${what}${rows.length === 1 ? '' : 's'} from ${objectName}`;
  // Ungrouped aggregates describe the whole set, not any row: privacy mode lets them through.
  const withholdValues = ctx.privacyMode && !(tool === 'aggregate_data' && !grouped);
  const data = withholdValues
    ? { objectName, ...shapeOf(rows), ...(result.nextCursor ? { moreRows: true } : {}), note: PRIVACY_NOTE }
    : fitRows(objectName, rows, Boolean(result.nextCursor));
  return { name: tool, ok: true, summary, content: toModel(data), query, rows, data: { objectName, rows, rowCount: rows.length } };
}

function fitRows(objectName: string, rows: Record<string, unknown>[], more: boolean): Record<string, unknown> {
  let shown = rows.slice(0, MODEL_ROW_CAP);
  const build = () => ({
    objectName,
    rowCount: rows.length,
    ...(shown.length < rows.length ? { rowsShown: shown.length, truncated: 'only the first rows are shown; narrow the query or aggregate instead' } : {}),
    ...(more ? { moreRows: true } : {}),
    rows: shown,
  });
  let out = build();
  while (shown.length > 1 && JSON.stringify(out).length > MODEL_CONTENT_CAP) {
    shown = shown.slice(0, Math.max(1, Math.floor(shown.length / 2)));
    out = build();
  }
  return out;
}
