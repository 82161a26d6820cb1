/**
 * Load problems: everything wrong with a workspace, each naming the file, the object and the key, with a
 * sentence that says how to fix it. The loader collects all of them in one pass instead of stopping at the first.
 */
import path from 'node:path';

export type ProblemKind =
  | 'config-missing'
  | 'syntax'
  | 'load'
  | 'unknown-key'
  | 'bad-name'
  | 'invalid'
  | 'duplicate-object'
  | 'duplicate-field'
  | 'duplicate-datasource'
  | 'duplicate-permission-set'
  | 'duplicate-user'
  | 'missing-lookup-target'
  | 'missing-field'
  | 'unknown-datasource'
  | 'unmatched-object'
  | 'mapping-rule'
  | 'literal-password'
  | 'credentials-in-url'
  | 'unknown-permission-object'
  | 'unknown-permission-field'
  | 'unknown-permission-set'
  | 'unknown-user'
  | 'hierarchy';

export interface Problem {
  kind: ProblemKind | (string & {});
  /** Absolute path of the file the problem is in. */
  file: string;
  line?: number;
  object?: string;
  /** Key path inside the definition, e.g. `fields.amount.precision`. */
  path?: string;
  message: string;
}

/** Thrown by `loadWorkspace` only when there is no workspace to report problems about. */
export class WorkspaceNotFoundError extends Error {
  readonly code = 'WORKSPACE_NOT_FOUND';
  constructor(readonly root: string) {
    super(`Workspace folder not found: ${root} — pass an existing folder (it holds objectdesk.config.ts).`);
    this.name = 'WorkspaceNotFoundError';
  }
}

/** One line per problem: `file:line  object  path  message`, paths relative to the workspace. */
export function formatProblem(p: Problem, root?: string): string {
  const file = root ? path.relative(root, p.file) || p.file : p.file;
  const where = `${file}${p.line ? `:${p.line}` : ''}`;
  const subject = [p.object && `object "${p.object}"`, p.path && `key "${p.path}"`].filter(Boolean).join(', ');
  return `${where}: ${subject ? `${subject}: ` : ''}${p.message} [${p.kind}]`;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.message.localeCompare(b.message));
}
