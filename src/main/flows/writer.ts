/**
 * The flow editor's write path: a definition becomes a formatted `*.flow.ts` (render.ts), the rendered text
 * is loaded by the real flow loader from a scratch file in the app's data folder — strict schema, typed
 * references, the owner's view of the objects — and only a flow without problems is written, atomically
 * (a dot-file in the same folder renamed into place, so the workspace watcher never reads half a file).
 * Nothing in the workspace changes when a flow is refused.
 *
 * Who may write: the flow's owner (a flow runs with their permissions) or an admin. A non-admin can neither
 * save a flow owned by someone else nor take over someone else's flow file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../app/context';
import { ModuleLoader } from '../metadata/module-loader';
import { FLOW_FILE, loadFlowFile, type FlowProblem } from './loader';
import { flowLoadContext, flowModuleCacheDir, forgetFlows, loadedFlows } from './registry';
import { leadingComment, renderFlowFile, UnrenderableValueError } from './render';
import { FLOW_NAME, FlowSchema } from './schema';

export const FLOW_DIR = 'flows';

export interface SaveFlowRequest {
  /** The file to write, absolute or relative to the workspace; default `flows/<name>.flow.ts`. */
  file?: string;
  definition: Record<string, unknown>;
  /** Check only: render and load, report, write nothing. */
  validateOnly?: boolean;
}

export interface SaveFlowResult {
  name: string;
  /** Relative to the workspace, with forward slashes. */
  file: string;
  created: boolean;
  written: boolean;
}

export class FlowSaveError extends Error {
  constructor(
    message: string,
    readonly code: 'bad_request' | 'forbidden' | 'internal' = 'bad_request',
    readonly problems: FlowProblem[] = [],
    readonly path?: string,
  ) {
    super(message);
    this.name = 'FlowSaveError';
  }
}

/** One save at a time per app: each checks names and files against what the previous one left. */
const queues = new WeakMap<object, Promise<unknown>>();
function serialized<T>(app: AppContext, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(app.events) ?? Promise.resolve()).then(fn, fn);
  queues.set(app.events, run.catch(() => undefined));
  return run;
}

export function isAdmin(app: AppContext, user: string): boolean {
  if (app.partial.users.size === 0) return true;
  return app.partial.users.get(user)?.admin === true;
}

export function saveFlow(app: AppContext, caller: string, request: SaveFlowRequest): Promise<SaveFlowResult> {
  return serialized(app, () => saveNow(app, caller, request));
}

async function saveNow(app: AppContext, caller: string, { file: requested, definition, validateOnly }: SaveFlowRequest): Promise<SaveFlowResult> {
  const root = app.options.workspaceDir;
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const admin = isAdmin(app, caller);
  const name = typeof definition.name === 'string' ? definition.name : '';
  const owner = typeof definition.owner === 'string' ? definition.owner : undefined;
  if (!admin && owner !== undefined && owner !== caller) {
    throw new FlowSaveError(`only an admin can save a flow owned by someone else — a flow runs with its owner's permissions; set owner to "${caller}"`, 'forbidden', [], 'definition.owner');
  }

  const target = targetFile(root, requested, name);
  const { flows } = await loadedFlows(app);
  const here = [...flows.values()].filter((f) => path.resolve(f.file) === target);
  const created = !existsSync(target);
  if (!created) {
    if (here.length === 0) {
      throw new FlowSaveError(`${rel(target)} exists but holds no flow that loads (see its problems in the flow list) — fix or delete that file by hand, or save under another name`, 'bad_request', [], 'file');
    }
    if (here.length > 1) throw new FlowSaveError(`${rel(target)} defines ${here.length} flows; the app rewrites only files that hold one — edit it by hand`, 'bad_request', [], 'file');
    const current = here[0]!.definition;
    if (!admin && current.owner !== caller) {
      throw new FlowSaveError(`flow "${current.name}" in ${rel(target)} belongs to ${current.owner}; only they or an admin can change it`, 'forbidden', [], 'file');
    }
  }
  const other = flows.get(name);
  if (other && path.resolve(other.file) !== target) {
    throw new FlowSaveError(`a flow named "${name}" already exists in ${rel(other.file)} — pick another name, or edit that one`, 'bad_request', [], 'definition.name');
  }

  // Valid input is written as the schema reads it (defaults spelled out); invalid input is rendered as
  // given, only so that the loader can name its problems.
  const parsed = FlowSchema.safeParse(definition);
  const value = parsed.success ? (parsed.data as unknown as Record<string, unknown>) : definition;
  const previous = created ? null : await readFile(target, 'utf8');
  let text: string;
  try {
    text = await renderFlowFile(value, { comment: previous ? leadingComment(previous) : undefined });
  } catch (e) {
    if (e instanceof UnrenderableValueError) throw new FlowSaveError(e.message, 'bad_request', [], `definition.${e.path}`);
    throw e;
  }

  const problems = await check(app, text, target);
  if (problems.length) {
    const first = problems[0]!;
    throw new FlowSaveError(
      `The flow was not saved: ${problems.length === 1 ? 'it has a problem' : `it has ${problems.length} problems`} — ${first.message}${problems.length > 1 ? ' (and more, listed)' : ''}`,
      'bad_request',
      problems,
      first.path ? `definition.${first.path}` : 'definition',
    );
  }
  if (!parsed.success) throw new FlowSaveError('The flow was not saved: it does not match the flow schema', 'internal');
  if (!validateOnly) {
    await writeAtomically(target, text);
    forgetFlows(app);
  }
  return { name: parsed.data.name, file: rel(target), created, written: !validateOnly };
}

/** Where the flow goes: the named file (inside the workspace, a `*.flow.ts` the loader reads) or `flows/<name>.flow.ts`. */
function targetFile(root: string, requested: string | undefined, name: string): string {
  if (requested === undefined || requested.trim() === '') {
    // An invalid name is reported by the schema check; the scratch location only has to be inside flows/.
    return path.join(root, FLOW_DIR, `${FLOW_NAME.test(name) ? name : 'unnamed'}.flow.ts`);
  }
  const file = path.resolve(root, requested);
  const inside = path.relative(root, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new FlowSaveError(`"${requested}" is outside the workspace folder — flow files live in the workspace (e.g. flows/<name>.flow.ts)`, 'bad_request', [], 'file');
  }
  const segments = inside.split(path.sep);
  if (segments.some((s) => s.startsWith('.') || s === 'node_modules')) {
    throw new FlowSaveError(`"${requested}" is in a folder the workspace does not read (hidden or node_modules) — pick another place`, 'bad_request', [], 'file');
  }
  if (!FLOW_FILE.test(file) || !file.endsWith('.flow.ts')) throw new FlowSaveError(`"${requested}" is not a flow file — its name must end in .flow.ts`, 'bad_request', [], 'file');
  return file;
}

/** Loads the rendered text with the workspace's own flow loader, from a scratch copy outside the workspace. */
async function check(app: AppContext, text: string, target: string): Promise<FlowProblem[]> {
  const ctx = flowLoadContext(app);
  if (!ctx) {
    return [{ kind: 'workspace_invalid', file: target, message: 'the workspace has problems, so flows cannot be checked or saved — run `objectdesk validate` and fix them first' }];
  }
  const scratchDir = path.join(app.options.dataDir, 'cache', 'flow-editor');
  await mkdir(scratchDir, { recursive: true });
  const scratch = path.join(scratchDir, `${randomBytes(6).toString('hex')}.flow.ts`);
  await writeFile(scratch, text, { encoding: 'utf8', flag: 'wx' });
  try {
    const { flows, problems } = await loadFlowFile(scratch, ctx, new ModuleLoader({ cacheDir: flowModuleCacheDir(app) }), target);
    if (problems.length === 0 && flows.length !== 1) return [{ kind: 'invalid', file: target, message: 'the rendered file did not define exactly one flow — report this as a bug' }];
    return problems;
  } finally {
    await rm(scratch, { force: true });
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new FlowSaveError(`could not write ${file}: ${(e as Error).message} — nothing was changed`, 'internal');
  }
}
