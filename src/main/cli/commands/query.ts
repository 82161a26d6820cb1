/**
 * `objectdesk query '<json>' [--explain] [--format table|json|csv]`: one ObjectQL query through the API, as the
 * signed-in workspace user, via "cli". Ctrl-C cancels the statement in the database, not just the command.
 */
import { createApi } from '../../api';
import { ApiError } from '../../../shared/api/errors';
import { openContext } from '../global-options';

export interface QueryCommandOptions {
  workspace: string;
  /** The query AST as JSON text. */
  json: string;
  explain: boolean;
  format: 'table' | 'json' | 'csv';
  user?: string;
  dataDir?: string;
}

export interface QueryCommandIO {
  out: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

/** Exit codes: 0 ok, 1 the query was refused or failed, 2 the argument is not JSON. */
export async function runQuery(opts: QueryCommandOptions, io: QueryCommandIO): Promise<number> {
  const err = io.err ?? io.out;
  let ast: unknown;
  try {
    ast = JSON.parse(opts.json);
  } catch (e) {
    err.write(`The query is not valid JSON (${(e as Error).message}). Example: objectdesk query '{"object":"customer","limit":5}'\n`);
    return 2;
  }
  const app = await openContext({ workspace: opts.workspace, user: opts.user, dataDir: opts.dataDir }, 'cli');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const api = createApi(app);
    const session = { user: app.user.name, via: 'cli' as const, reason: opts.explain ? 'objectdesk query --explain' : 'objectdesk query' };
    if (opts.explain) {
      const plan = (await api.call('data.explain', { query: ast }, session, controller.signal)) as Record<string, unknown>;
      io.out.write(opts.format === 'table' ? formatPlan(plan) : `${JSON.stringify(plan, null, 2)}\n`);
      return 0;
    }
    const result = (await api.call('data.query', { query: ast }, session, controller.signal)) as { rows: Record<string, unknown>[]; nextCursor?: string; plan: Record<string, unknown> };
    if (opts.format === 'json') io.out.write(`${JSON.stringify(result.rows, null, 2)}\n`);
    else if (opts.format === 'csv') io.out.write(toCsv(result.rows));
    else {
      io.out.write(toTable(result.rows));
      const p = result.plan;
      err.write(`${result.rows.length} row(s) · ${String(p.datasource)} (${String(p.driver)}, ${String(p.strategy)}) · ${String(p.rowsRead)} read · ${String(p.elapsedMs)} ms${result.nextCursor ? ` · next cursor: ${result.nextCursor}` : ''}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof ApiError) {
      const allowed = (e.details as { allowed?: string[] } | undefined)?.allowed;
      err.write(`Query refused (${e.code}): ${e.message}${allowed?.length ? `\n  allowed: ${allowed.join(', ')}` : ''}\n`);
      return 1;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await app.close();
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function columnsOf(rows: Record<string, unknown>[]): string[] {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

export function toCsv(rows: Record<string, unknown>[]): string {
  const cols = columnsOf(rows);
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [cols.map(q).join(','), ...rows.map((r) => cols.map((c) => q(cell(r[c]))).join(','))].join('\r\n') + '\r\n';
}

export function toTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)\n';
  const cols = columnsOf(rows);
  const body = rows.map((r) => cols.map((c) => cell(r[c]).replace(/[\r\n\t]/g, ' ')));
  const widths = cols.map((c, i) => Math.min(60, Math.max(c.length, ...body.map((b) => b[i]!.length))));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (cells: string[]) => cells.map((s, i) => fit(s, widths[i]!)).join('  ').trimEnd();
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

export function formatPlan(plan: Record<string, unknown>): string {
  const lines = [`object:     ${String(plan.object)}`, `datasource: ${String(plan.datasource)} (${String(plan.driver)})`, `strategy:   ${String(plan.strategy)}`];
  const fallback = plan.fallback as { reason: string; rowCap: number } | undefined;
  if (fallback) lines.push(`fallback:   ${fallback.reason} (row cap ${fallback.rowCap})`);
  for (const s of (plan.sql as { dialect: string; text: string; parameters: unknown[] }[] | undefined) ?? []) {
    lines.push(`sql (${s.dialect}):`, `  ${s.text}`, `  parameters: ${JSON.stringify(s.parameters)}`);
  }
  for (const p of (plan.pipeline as { collection: string; stages: unknown[] }[] | undefined) ?? []) {
    lines.push(`pipeline on ${p.collection}:`, `  ${JSON.stringify(p.stages)}`);
  }
  lines.push('steps:');
  for (const s of (plan.steps as { step: string; ran: string; detail?: string }[]) ?? []) lines.push(`  ${s.step.padEnd(10)} ${s.ran}${s.detail ? ` — ${s.detail}` : ''}`);
  lines.push(`ast:        ${JSON.stringify(plan.ast)}`);
  return `${lines.join('\n')}\n`;
}
