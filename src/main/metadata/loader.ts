/**
 * The workspace loader: finds the files (the config, its object globs, `*.datasource.ts`), evaluates each
 * once and caches the result per file, then assembles the workspace and collects every problem in one pass.
 * `reload(changed)` re-reads only the changed files; a change to any other source file (a helper the
 * definitions import) re-reads everything, because its importers are unknown.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { assembleWorkspace } from './assemble';
import { parseWorkspaceConfig } from './config-parse';
import { evaluateFile, type FileResult, type FileRole } from './file-results';
import { ModuleLoader, type ModuleLoaderOptions } from './module-loader';
import { WorkspaceNotFoundError, sortProblems, type Problem } from './problems';
import type { Workspace } from './workspace';

export const CONFIG_FILE = 'objectdesk.config.ts';
export const DATASOURCE_GLOB = '**/*.datasource.ts';
const IGNORED_DIRS = new Set(['node_modules', '.git', 'out', 'dist']);
const SOURCE_FILE = /\.(c|m)?(t|j)sx?$/;

export interface LoadResult {
  /** null when there are problems: a workspace with problems does not load (the app shows the problems). */
  workspace: Workspace | null;
  problems: Problem[];
  /** Everything that did load, even when there are problems — for explaining and for showing partial state. */
  partial: Workspace;
}

export interface LoaderOptions extends ModuleLoaderOptions {}

export class WorkspaceLoader {
  readonly root: string;
  private readonly modules: ModuleLoader;
  private readonly cache = new Map<string, FileResult>();
  private objectGlobs: string[] = [];

  constructor(root: string, options: LoaderOptions = {}) {
    this.root = path.resolve(root);
    this.modules = new ModuleLoader(options);
  }

  get configFile(): string {
    return path.join(this.root, CONFIG_FILE);
  }

  /** Loads every file not yet cached; returns the assembled result and the files that were (re-)read. */
  async load(): Promise<LoadResult & { read: string[] }> {
    if (!existsSync(this.root) || !statSync(this.root).isDirectory()) throw new WorkspaceNotFoundError(this.root);
    const read: string[] = [];
    const configResult = existsSync(this.configFile) ? await this.get(this.configFile, 'config', read) : undefined;
    const config = parseWorkspaceConfig(configResult?.config, this.configFile, configResult?.source ?? (() => ''), this.root);
    this.objectGlobs = config.config.objects;

    const { objectFiles, datasourceFiles } = this.listFiles();
    for (const f of [...this.cache.keys()]) {
      if (f !== this.configFile && !objectFiles.includes(f) && !datasourceFiles.includes(f)) this.cache.delete(f);
    }
    const datasourceResults: FileResult[] = [];
    for (const f of datasourceFiles) datasourceResults.push(await this.get(f, 'datasource', read));
    const objectResults: FileResult[] = [];
    for (const f of objectFiles) objectResults.push(await this.get(f, 'object', read));

    const { workspace, problems } = assembleWorkspace({
      root: this.root,
      configFile: this.configFile,
      config,
      configResult,
      datasourceFiles: datasourceResults,
      objectFiles: objectResults,
    });
    if (!configResult) {
      problems.push({
        kind: 'config-missing',
        file: this.configFile,
        message: `the workspace has no ${CONFIG_FILE} — create it with \`export default defineWorkspace({ name: '…', datasources: [ … ] })\``,
      });
    }
    problems.push(...config.problems);
    for (const r of [...(configResult ? [configResult] : []), ...datasourceResults, ...objectResults]) problems.push(...r.problems);
    sortProblems(problems);
    return { workspace: problems.length ? null : workspace, problems, partial: workspace, read };
  }

  /**
   * Forgets the given files and loads again: only they (and files that appeared) are re-read. Returns
   * which files were read. A changed file that is neither the config nor a definition file invalidates all.
   */
  async reload(changed: string[]): Promise<LoadResult & { read: string[] }> {
    for (const file of changed.map((f) => path.resolve(this.root, f))) {
      if (this.cache.has(file)) this.cache.delete(file);
      else if (SOURCE_FILE.test(file) && !this.isDefinitionFile(file)) this.cache.clear();
    }
    return this.load();
  }

  /** Whether a file (that may not exist yet) is one the loader reads. */
  isDefinitionFile(file: string): boolean {
    const rel = path.relative(this.root, file).split(path.sep).join('/');
    if (rel.startsWith('..')) return false;
    if (rel === CONFIG_FILE) return true;
    return picomatch.isMatch(rel, DATASOURCE_GLOB) || (this.objectGlobs.length > 0 && picomatch.isMatch(rel, this.objectGlobs));
  }

  /** Whether a change to this file can affect the workspace (definition files and any source they import). */
  isRelevant(file: string): boolean {
    const rel = path.relative(this.root, file);
    if (rel.startsWith('..')) return false;
    if (rel.split(path.sep).some((s) => IGNORED_DIRS.has(s) || s.startsWith('.'))) return false;
    return SOURCE_FILE.test(file) || this.isDefinitionFile(file);
  }

  private async get(file: string, role: FileRole, read: string[]): Promise<FileResult> {
    const cached = this.cache.get(file);
    if (cached && cached.role === role) return cached;
    const result = await evaluateFile(this.modules, file, role);
    this.cache.set(file, result);
    read.push(file);
    return result;
  }

  private listFiles(): { objectFiles: string[]; datasourceFiles: string[] } {
    const isObject = picomatch(this.objectGlobs.length ? this.objectGlobs : ['**/*.object.ts']);
    const isDatasource = picomatch(DATASOURCE_GLOB);
    const objectFiles: string[] = [];
    const datasourceFiles: string[] = [];
    for (const rel of walk(this.root)) {
      if (rel === CONFIG_FILE || rel.endsWith('.d.ts')) continue;
      if (isDatasource(rel)) datasourceFiles.push(path.join(this.root, rel));
      else if (isObject(rel)) objectFiles.push(path.join(this.root, rel));
    }
    return { objectFiles: objectFiles.sort(), datasourceFiles: datasourceFiles.sort() };
  }
}

/** Relative paths ("/"-separated) of the files under root, skipping dependencies, build output and dot folders. */
function walk(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) {
        if (!IGNORED_DIRS.has(entry.name)) visit(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      } else if (entry.isFile()) out.push(`${prefix}${entry.name}`);
    }
  };
  visit(root, '');
  return out;
}

/** Loads a workspace folder. Throws only `WorkspaceNotFoundError`; everything else is returned as problems. */
export async function loadWorkspace(root: string, options: LoaderOptions = {}): Promise<LoadResult> {
  const { workspace, problems, partial } = await new WorkspaceLoader(root, options).load();
  return { workspace, problems, partial };
}
