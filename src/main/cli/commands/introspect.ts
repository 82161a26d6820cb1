/**
 * `objectdesk introspect <datasource> [--json]`: what the live database holds (tables, views, columns,
 * keys, enums, row estimates) and what introspection had to flag (no primary key, unknown types).
 * Also exports the workspace/driver plumbing that `import` and `diff` share.
 */
import { loadWorkspace, formatProblem, type Workspace } from '../../metadata';
import { createDriver, ConnectionError, type Driver, type DriverContext } from '../../drivers';
import type { Catalog, CatalogTable } from '../../introspect/catalog';
import { resolveSecret as keychainSecret } from '../../secrets';
import { println, type CliIO } from '../io';

export type CommandIO = Pick<CliIO, 'out' | 'err'>;

export interface CommandContext {
  resolveSecret?: DriverContext['resolveSecret'];
}

/** Loads the workspace or prints its problems; null means "exit 1". */
export async function loadForCommand(root: string, io: CommandIO): Promise<Workspace | null> {
  const { workspace, problems } = await loadWorkspace(root);
  if (!workspace) {
    println(io.err, `The workspace ${root} has ${problems.length} problem(s); fix them first:`);
    for (const p of problems) println(io.err, `  ${formatProblem(p, root)}`);
    return null;
  }
  return workspace;
}

export function driverFor(workspace: Workspace, name: string, io: CommandIO, ctx: CommandContext = {}): Driver | null {
  const def = workspace.datasources.get(name);
  if (!def) {
    const known = [...workspace.datasources.keys()];
    println(io.err, `No datasource "${name}" in this workspace. Datasources: ${known.length ? known.join(', ') : '(none)'}.`);
    return null;
  }
  return createDriver(def, { workspaceRoot: workspace.root, resolveSecret: ctx.resolveSecret ?? keychainSecret });
}

/** Prints a driver failure as the one actionable line it carries; anything else is rethrown. */
export function reportFailure(e: unknown, io: CommandIO): number {
  if (e instanceof ConnectionError) {
    println(io.err, `Cannot connect (${e.code}): ${e.message}`);
    return 1;
  }
  if (e instanceof Error && /^(QueryError|SecretError|WriteNotAllowedError|QueryTimeoutError)$/.test(e.name)) {
    println(io.err, e.message);
    return 1;
  }
  throw e;
}

function describeTable(t: CatalogTable): string[] {
  const lines: string[] = [];
  const name = `${t.schema && t.schema !== 'public' ? `${t.schema}.` : ''}${t.name}`;
  const rows = t.rowCountEstimate === null ? '' : `, ~${t.rowCountEstimate} rows`;
  lines.push(`${name} (${t.kind}${rows})${t.comment ? ` — ${t.comment}` : ''}`);
  for (const c of t.columns) {
    const flags = [
      t.primaryKey.includes(c.name) ? 'pk' : '',
      c.nullable ? 'null' : 'not null',
      c.default !== null ? `default ${c.default}` : '',
      c.autoIncrement ? 'auto' : '',
      c.enumValues ? `enum(${c.enumValues.join(', ')})` : '',
      c.unknownType ? `unknown type → ${c.unknownType}` : '',
    ].filter(Boolean);
    lines.push(`  ${c.name}: ${c.dataType} [${c.normalizedType}] ${flags.join(', ')}${c.comment ? ` — ${c.comment}` : ''}`);
  }
  for (const fk of t.foreignKeys) lines.push(`  → (${fk.columns.join(', ')}) references ${fk.referencedTable}(${fk.referencedColumns.join(', ')})${fk.inferred ? ' [inferred]' : ''}`);
  for (const u of t.uniqueConstraints) lines.push(`  unique (${u.columns.join(', ')})`);
  for (const w of t.warnings) lines.push(`  ! ${w}`);
  return lines;
}

export function formatCatalog(c: Catalog): string {
  const head = `${c.datasource}: ${c.serverVersion ?? c.engine}${c.database ? `, database ${c.database}` : ''}${c.engine === 'postgres' ? `, schemas ${c.schemas.join(', ')}` : ''} — ${c.tables.length} table(s)/view(s)`;
  return [head, '', ...c.tables.flatMap((t) => [...describeTable(t), ''])].join('\n');
}

export async function runIntrospect(
  opts: { workspace: string; datasource: string; json: boolean },
  io: CommandIO,
  ctx: CommandContext = {},
): Promise<number> {
  const workspace = await loadForCommand(opts.workspace, io);
  if (!workspace) return 1;
  const driver = driverFor(workspace, opts.datasource, io, ctx);
  if (!driver) return 2;
  try {
    const catalog = await driver.introspect();
    println(io.out, opts.json ? JSON.stringify(catalog, null, 2) : formatCatalog(catalog));
    return 0;
  } catch (e) {
    return reportFailure(e, io);
  } finally {
    await driver.close();
  }
}
