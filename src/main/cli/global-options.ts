/** The options every command accepts, and how they become an open AppContext. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppContext } from '../app/context';
import { defaultDataDir, defaultWorkspaceDir } from '../app/paths';

export interface GlobalOptions {
  workspace?: string;
  user?: string;
  dataDir?: string;
  json?: boolean;
  /** Follow workspace file changes (long-running commands). */
  watch?: boolean;
}

/** A problem the user can fix from the message alone; printed as one line, exit code 1. */
export class CliProblem extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliProblem';
  }
}

export function resolveWorkspaceDir(opts: GlobalOptions): string {
  const dir = path.resolve(opts.workspace ?? defaultWorkspaceDir());
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliProblem(`Workspace folder not found: ${dir} (pass an existing folder with --workspace DIR).`);
  }
  return dir;
}

export async function openContext(opts: GlobalOptions, mode: 'cli' | 'browser'): Promise<AppContext> {
  return AppContext.open({
    workspaceDir: resolveWorkspaceDir(opts),
    dataDir: opts.dataDir ? path.resolve(opts.dataDir) : defaultDataDir(),
    user: opts.user,
    mode,
    watch: opts.watch,
  });
}
