/**
 * `objectdesk validate [--routing]` and `objectdesk explain-routing`: load the workspace, print every problem
 * (file:line, object, key, how to fix) and, with routing, which datasource each object reads from and why.
 * Exit code 0 when the workspace loads cleanly, 1 when it has problems or cannot be found.
 */
import path from 'node:path';
import { explainRouting, formatProblem, loadWorkspace, WorkspaceNotFoundError, type Problem } from '../../metadata';

export interface ValidateOptions {
  workspace: string;
  json: boolean;
  routing: boolean;
}

export async function runValidate(opts: ValidateOptions, out: NodeJS.WritableStream): Promise<number> {
  const root = path.resolve(opts.workspace);
  const write = (line = '') => out.write(`${line}\n`);
  let result: Awaited<ReturnType<typeof loadWorkspace>>;
  try {
    result = await loadWorkspace(root);
  } catch (e) {
    if (!(e instanceof WorkspaceNotFoundError)) throw e;
    if (opts.json) write(JSON.stringify({ ok: false, root, error: e.message, problems: [] }, null, 2));
    else write(e.message);
    return 1;
  }
  const { problems, partial } = result;
  const routing = opts.routing ? explainRouting(partial) : undefined;
  const unrouted = problems.filter((p) => p.kind === 'unmatched-object');

  if (opts.json) {
    write(
      JSON.stringify(
        {
          ok: problems.length === 0,
          root,
          name: partial.name,
          objects: partial.objects.size,
          datasources: [...partial.datasources.keys()],
          problems,
          ...(routing ? { routing: [...routing, ...unrouted.map((p) => ({ object: p.object, file: p.file, datasource: null, reason: p.message }))] } : {}),
        },
        null,
        2,
      ),
    );
    return problems.length ? 1 : 0;
  }

  if (routing) {
    const rules = partial.config.datasourceMapping.length;
    write(`Routing (${rules} datasourceMapping rule${rules === 1 ? '' : 's'}):`);
    const width = Math.max(0, ...routing.map((r) => r.object.length), ...unrouted.map((p) => p.object?.length ?? 0));
    for (const r of routing) {
      write(`  ${r.object.padEnd(width)}  → ${r.datasource}  (${path.relative(root, r.file)})`);
      write(`  ${' '.repeat(width)}    ${r.reason}`);
    }
    for (const p of unrouted) write(`  ${(p.object ?? '').padEnd(width)}  → (no datasource)  ${path.relative(root, p.file)}`);
    write();
  }

  const summary = `${partial.name} (${root}): ${count(partial.objects.size, 'object')}, ${count(partial.datasources.size, 'datasource')}`;
  if (problems.length === 0) {
    write(`${summary} — no problems.`);
    return 0;
  }
  write(`${summary} — ${count(problems.length, 'problem')}:`);
  for (const p of problems) write(`  ${formatProblem(p, root)}`);
  write();
  write(hint(problems));
  return 1;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function hint(problems: Problem[]): string {
  const files = new Set(problems.map((p) => p.file)).size;
  return `Fix the ${count(problems.length, 'problem')} above (in ${count(files, 'file')}) and run \`objectdesk validate\` again; see docs/objects.md for the format.`;
}
