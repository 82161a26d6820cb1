/**
 * Finds the workspace's `*.flow.ts` files, evaluates them with the same jiti loader as object files, and
 * validates each exported flow strictly (unknown keys are errors) and against its owner's view of the
 * objects (check.ts). Every problem names the file, line, flow, step and key, and says what to fix.
 * A flow with problems is listed but cannot run; the other flows are unaffected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { issuesFromZod } from '../metadata/authoring';
import { ModuleLoader, type ModuleLoaderOptions } from '../metadata/module-loader';
import type { Problem } from '../metadata/problems';
import { lineOfKey, lineOfName } from '../metadata/source-scan';
import type { Workspace } from '../metadata/workspace';
import { isMarkedFlow } from './authoring';
import { checkFlow } from './check';
import { FlowSchema, STEP_TYPES, type FlowDefinition, type Step } from './schema';

export const FLOW_FILE = /\.flow\.(c|m)?ts$/;
const IGNORED_DIRS = new Set(['node_modules', '.git', 'out', 'dist']);

export interface FlowProblem extends Problem {
  flow?: string;
  step?: string;
}

export interface LoadedFlow {
  definition: FlowDefinition;
  file: string;
  line?: number;
  /** Problems of this flow; a flow with any cannot run. */
  problems: FlowProblem[];
}

export interface FlowLoadResult {
  flows: Map<string, LoadedFlow>;
  /** Every problem, including those of files that export no usable flow. */
  problems: FlowProblem[];
}

export interface FlowLoadContext {
  workspace: Workspace;
  /** The workspace as a user sees it (their hidden objects and fields absent); undefined for an unknown user. */
  viewFor(user: string): Workspace | undefined;
}

export function listFlowFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!IGNORED_DIRS.has(entry.name)) visit(full);
      } else if (entry.isFile() && FLOW_FILE.test(entry.name)) out.push(full);
    }
  };
  visit(root);
  return out.sort();
}

export async function loadFlows(ctx: FlowLoadContext, options: ModuleLoaderOptions & { modules?: ModuleLoader } = {}): Promise<FlowLoadResult> {
  const modules = options.modules ?? new ModuleLoader(options);
  const flows = new Map<string, LoadedFlow>();
  const problems: FlowProblem[] = [];
  for (const file of listFlowFiles(ctx.workspace.root)) {
    const inFile = await loadFlowFile(file, ctx, modules);
    problems.push(...inFile.problems);
    for (const loaded of inFile.flows) {
      const existing = flows.get(loaded.definition.name);
      if (existing) {
        const p: FlowProblem = {
          kind: 'duplicate-flow',
          file,
          line: loaded.line,
          flow: loaded.definition.name,
          message: `flow "${loaded.definition.name}" is defined twice, in ${path.relative(ctx.workspace.root, existing.file)} and ${path.relative(ctx.workspace.root, file)} — rename one`,
        };
        problems.push(p);
        existing.problems.push(p);
        continue;
      }
      flows.set(loaded.definition.name, loaded);
    }
  }
  return { flows, problems };
}

/**
 * One flow file, evaluated and validated: the flows it defines (each with its own problems) and every
 * problem found in it. `reportAs` names the file in problems when the evaluated file is a stand-in (the
 * flow editor checks its rendered text in a scratch file before writing the real one).
 */
export async function loadFlowFile(file: string, ctx: FlowLoadContext, modules: ModuleLoader, reportAs: string = file): Promise<{ flows: LoadedFlow[]; problems: FlowProblem[] }> {
  let text: string | undefined;
  const source = () => (text ??= safeRead(file));
  const evaluated = await modules.evaluate(file);
  if (!evaluated.ok) {
    return { flows: [], problems: [{ kind: evaluated.kind, file: reportAs, line: evaluated.line, message: evaluated.message.split(file).join(reportAs) }] };
  }
  const candidates = [...new Set(Object.values(evaluated.exports))].filter(
    (v) => isMarkedFlow(v) || (v && typeof v === 'object' && !Array.isArray(v) && 'steps' in v && 'name' in v),
  );
  if (candidates.length === 0) {
    return { flows: [], problems: [{ kind: 'invalid', file: reportAs, message: "this flow file exports no flow — `export default Flow.create({ name, owner, steps: [ … ] })` (import { Flow } from 'objectdesk')" }] };
  }
  const flows: LoadedFlow[] = [];
  const problems: FlowProblem[] = [];
  for (const value of candidates) {
    const loaded = validateFlow(value, reportAs, source, ctx);
    problems.push(...loaded.problems);
    if (loaded.definition) flows.push({ definition: loaded.definition, file: reportAs, line: loaded.line, problems: loaded.problems });
  }
  return { flows, problems };
}

function validateFlow(value: unknown, file: string, source: () => string, ctx: FlowLoadContext): { definition?: FlowDefinition; line?: number; problems: FlowProblem[] } {
  const rawName = typeof (value as { name?: unknown }).name === 'string' ? (value as { name: string }).name : undefined;
  const start = rawName ? lineOfName(source(), rawName) : undefined;
  const raw = value as { steps?: unknown };
  const parsed = FlowSchema.safeParse(value);
  if (!parsed.success) {
    const problems = issuesFromZod(parsed.error).map((i) =>
      problem(i.code === 'unrecognized_keys' ? 'unknown-key' : 'invalid', file, source, start, rawName, raw.steps, i.path, explain(i.path, i.message, i.code)),
    );
    return { problems, line: start };
  }
  const flow = parsed.data;
  const problems: FlowProblem[] = [];
  const ws = ctx.workspace;
  if (ws.users.size > 0 && !ws.users.has(flow.owner)) {
    problems.push(problem('flow-owner', file, source, start, flow.name, flow.steps, 'owner', `unknown owner "${flow.owner}" — a flow runs as a workspace user: ${[...ws.users.keys()].join(', ')}`));
  }
  // An unknown owner is reported above; the rest is still checked, against the whole workspace.
  const view = ctx.viewFor(flow.owner) ?? ws;
  {
    const issues = checkFlow(flow, {
      objects: (n) => view.objects.get(n),
      objectNames: () => [...view.objects.keys()].sort(),
      timezone: ws.timezone,
      defaultLimit: ws.config.query.defaultLimit,
      maxLimit: ws.config.query.maxLimit,
    });
    for (const i of issues) problems.push(problem(i.kind, file, source, start, flow.name, flow.steps, i.path, i.message));
  }
  return { definition: flow, line: start, problems };
}

function explain(path: string, message: string, code: string | undefined): string {
  if (code === 'unrecognized_keys') return message;
  if (code === 'invalid_discriminator' || (path.endsWith('type') && /discriminator|Invalid input/i.test(message))) {
    return path.startsWith('trigger') ? 'unknown trigger type — use manual, schedule or change' : `unknown step type — use one of: ${STEP_TYPES.join(', ')}`;
  }
  return `${message} — fix the value of "${path || '(root)'}"`;
}

/** The step a key path lies in (the innermost), for naming it in the problem. */
function stepAt(steps: unknown, keyPath: string): string | undefined {
  const segs = keyPath.split('.');
  let found: string | undefined;
  let node: unknown = { steps };
  for (const s of segs) {
    if (!node || typeof node !== 'object') break;
    node = (node as Record<string, unknown>)[s];
    if (node && typeof node === 'object' && !Array.isArray(node) && typeof (node as Step).id === 'string' && 'type' in node) found = (node as Step).id;
  }
  return found;
}

function problem(kind: string, file: string, source: () => string, start: number | undefined, flow: string | undefined, steps: unknown, keyPath: string, message: string): FlowProblem {
  const step = stepAt(steps, keyPath);
  const text = source();
  let line = start;
  if (step) {
    const m = new RegExp(`\\bid\\s*:\\s*(['"\`])${step.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`).exec(text);
    if (m) line = text.slice(0, m.index).split('\n').length;
  }
  const last = keyPath.split('.').filter((s) => s && !/^\d+$/.test(s) && !s.startsWith('$')).pop();
  const keyLine = last ? lineOfKey(text, last, line ?? 1) : undefined;
  const where = [flow && `flow "${flow}"`, step && `step "${step}"`].filter(Boolean).join(', ');
  return {
    kind,
    file,
    ...((keyLine ?? line) ? { line: keyLine ?? line } : {}),
    ...(keyPath ? { path: keyPath } : {}),
    ...(flow ? { flow } : {}),
    ...(step ? { step } : {}),
    message: where ? `${where}: ${message}` : message,
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
