/**
 * `objectdesk import <datasource> --tables a,b | --all [--namespace biz] [--dry-run]`: drafts one object
 * file per table, merges into files that already exist, prints each change as a unified diff, then writes
 * (unless --dry-run). New files go to `<workspace>/<datasource>/`.
 */
import path from 'node:path';
import { planImport, writeImport, type ExistingObject } from '../../introspect/import';
import { println } from '../io';
import { driverFor, loadForCommand, reportFailure, type CommandContext, type CommandIO } from './introspect';

export interface ImportCommandOptions {
  workspace: string;
  datasource: string;
  tables?: string[];
  all?: boolean;
  namespace?: string;
  dryRun?: boolean;
  /** Where new files go; defaults to `<workspace>/<datasource>`. */
  outDir?: string;
}

export async function runImport(opts: ImportCommandOptions, io: CommandIO, ctx: CommandContext = {}): Promise<number> {
  if (!opts.all && (!opts.tables || opts.tables.length === 0)) {
    println(io.err, 'Say which tables to import: --tables a,b, or --all.');
    return 2;
  }
  const workspace = await loadForCommand(opts.workspace, io);
  if (!workspace) return 1;
  const driver = driverFor(workspace, opts.datasource, io, ctx);
  if (!driver) return 2;
  try {
    const catalog = await driver.introspect();
    const existing: ExistingObject[] = [...workspace.objects.values()]
      .filter((o) => o.datasource === opts.datasource)
      .map((o) => ({ name: o.name, file: o.file, table: o.external?.table ?? o.name, ...(o.external?.schema ? { schema: o.external.schema } : {}) }));
    const flags = opts.all ? '--all' : `--tables ${opts.tables!.join(',')}`;
    let plan;
    try {
      plan = await planImport(catalog, {
        datasource: opts.datasource,
        tables: opts.tables,
        all: opts.all,
        namespace: opts.namespace,
        outDir: opts.outDir ?? path.join(workspace.root, opts.datasource),
        existing,
        command: `objectdesk import ${opts.datasource} ${flags}${opts.namespace ? ` --namespace ${opts.namespace}` : ''}`,
      });
    } catch (e) {
      if (e instanceof Error && /^(No table named|Choose tables)/.test(e.message)) {
        println(io.err, e.message);
        return 2;
      }
      throw e;
    }
    for (const f of plan.files) {
      const rel = path.relative(workspace.root, f.path);
      println(io.out, `${f.action.padEnd(9)} ${rel}  (${f.table} → ${f.object})`);
      for (const c of f.changes) println(io.out, `          - ${c}`);
      for (const w of f.warnings) println(io.out, `          ! ${w}`);
      if (f.action === 'update' || (opts.dryRun && f.action === 'create')) io.out.write(f.diff);
    }
    const conflicts = plan.files.filter((f) => f.action === 'conflict').length;
    if (opts.dryRun) {
      println(io.out, `Dry run: nothing written (${plan.files.filter((f) => f.action === 'create').length} to create, ${plan.files.filter((f) => f.action === 'update').length} to update).`);
    } else {
      const written = await writeImport(plan);
      println(io.out, `Wrote ${written.length} file(s); ${plan.files.filter((f) => f.action === 'unchanged').length} unchanged.`);
    }
    return conflicts > 0 ? 1 : 0;
  } catch (e) {
    return reportFailure(e, io);
  } finally {
    await driver.close();
  }
}
