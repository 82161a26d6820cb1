/**
 * `objectdesk diff [datasource] [--json]`: compares the workspace's objects with the live schema of each
 * datasource they read; prints one line and one fix per drift item; exit 1 on drift.
 */
import { readFileSync } from 'node:fs';
import { diffObjects, formatDrift, type DriftItem } from '../../introspect/diff';
import { readSnapshot } from '../../introspect/render';
import { println } from '../io';
import { driverFor, loadForCommand, reportFailure, type CommandContext, type CommandIO } from './introspect';

export async function runDiff(opts: { workspace: string; datasource?: string; json: boolean }, io: CommandIO, ctx: CommandContext = {}): Promise<number> {
  const workspace = await loadForCommand(opts.workspace, io);
  if (!workspace) return 1;
  const names = opts.datasource ? [opts.datasource] : [...workspace.datasources.values()].filter((d) => d.active !== false).map((d) => d.name);
  const items: DriftItem[] = [];
  let failed = false;
  for (const name of names) {
    const objects = [...workspace.objects.values()].filter((o) => o.datasource === name);
    if (objects.length === 0 && !opts.datasource) continue;
    const driver = driverFor(workspace, name, io, ctx);
    if (!driver) return 2;
    try {
      const catalog = await driver.introspect();
      const subjects = objects.map((o) => ({ object: o, file: o.file, snapshot: readSnapshot(readFileSync(o.file, 'utf8')) }));
      items.push(...diffObjects(catalog, subjects));
    } catch (e) {
      reportFailure(e, io);
      failed = true;
    } finally {
      await driver.close();
    }
  }
  if (opts.json) println(io.out, JSON.stringify({ drift: items.length > 0, items }, null, 2));
  else println(io.out, formatDrift(items));
  return items.length > 0 || failed ? 1 : 0;
}
