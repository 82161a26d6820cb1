/**
 * The running application's state for one workspace: the loaded metadata and its problems, the
 * signed-in user, the datasource drivers, the query engine and the app data folder. Every transport
 * (Electron, headless host, CLI) opens one of these and hands it to the API; nothing else holds
 * workspace state.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { loadWorkspace, watchWorkspace, type Problem, type Workspace, type WorkspaceWatcher } from '../metadata';
import type { UserDefinition } from '../metadata/security-config';
import { DriverRegistry } from '../drivers';
import { resolveSecret } from '../secrets';
import { ObjectQL } from '../objectql/engine';
import { ApiError } from '../../shared/api/errors';
import type { Session } from '../../shared/api/session';

export type AppMode = 'electron' | 'browser' | 'cli';

export interface AppContextOptions {
  workspaceDir: string;
  dataDir: string;
  /** The user to sign in as; defaults to the workspace's `defaultUser`, then its first user. */
  user?: string;
  mode: AppMode;
  /** Reload the workspace when its files change (the app and `serve` do; one-shot CLI commands don't). */
  watch?: boolean;
}

export interface WorkspaceReloaded {
  changed: string[];
  problems: number;
  objects: number;
}

export class AppContext {
  /** Emits 'reloaded' (WorkspaceReloaded) after the workspace files changed and were re-read. */
  readonly events = new EventEmitter();
  private watcher: WorkspaceWatcher | undefined;

  private constructor(
    readonly options: AppContextOptions,
    /** The workspace when it loaded without problems; data operations refuse to run otherwise. */
    public workspace: Workspace | null,
    /** Everything that did load, for listing and explaining even when there are problems. */
    public partial: Workspace,
    public problems: Problem[],
    public user: UserDefinition,
    readonly drivers: DriverRegistry,
  ) {}

  static async open(options: AppContextOptions): Promise<AppContext> {
    const workspaceDir = path.resolve(options.workspaceDir);
    const dataDir = path.resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const cacheDir = path.join(dataDir, 'cache', 'workspace');
    const { workspace, problems, partial } = await loadWorkspace(workspaceDir, { cacheDir });
    const user = pickUser(partial, options.user);
    const drivers = new DriverRegistry(partial.datasources.values(), { workspaceRoot: workspaceDir, resolveSecret });
    const ctx = new AppContext({ ...options, workspaceDir, dataDir }, workspace, partial, problems, user, drivers);
    if (options.watch) await ctx.startWatching(cacheDir);
    return ctx;
  }

  get workspaceName(): string {
    return this.partial.name || path.basename(this.options.workspaceDir);
  }

  /** The workspace for data operations; a workspace with problems is refused as a whole (declared = enforced). */
  requireWorkspace(): Workspace {
    if (this.workspace) return this.workspace;
    throw new ApiError(
      'workspace_invalid',
      `The workspace has ${this.problems.length} problem(s) and is not used for data until they are fixed — run \`objectdesk validate\` to see them.`,
      undefined,
      this.problems.slice(0, 20),
    );
  }

  /** A query engine for one caller. Permissions are applied per session (see src/main/security). */
  engineFor(_session: Session): ObjectQL {
    const ws = this.requireWorkspace();
    return new ObjectQL({
      objects: (name) => ws.objects.get(name),
      drivers: (name) => this.drivers.get(name),
      timezone: ws.timezone,
      defaultLimit: ws.config.query.defaultLimit,
      maxLimit: ws.config.query.maxLimit,
    });
  }

  /** Re-reads the whole workspace now (after the app itself wrote a file, e.g. a saved datasource). */
  async reload(): Promise<WorkspaceReloaded> {
    const { workspace, problems, partial } = await loadWorkspace(this.options.workspaceDir, { cacheDir: this.cacheDir });
    return this.adopt({ workspace, problems, partial, changed: [] });
  }

  private get cacheDir(): string {
    return path.join(this.options.dataDir, 'cache', 'workspace');
  }

  private async adopt(event: { workspace: Workspace | null; problems: Problem[]; partial: Workspace; changed: string[] }): Promise<WorkspaceReloaded> {
    this.workspace = event.workspace;
    this.partial = event.partial;
    this.problems = event.problems;
    try {
      this.user = pickUser(event.partial, this.user.name);
    } catch {
      /* the signed-in user vanished from the workspace: keep the old identity until they switch */
    }
    // Connection settings may have changed: no pool outlives the definitions that opened it.
    await this.drivers.reload(event.partial.datasources.values()).catch(() => undefined);
    const payload: WorkspaceReloaded = { changed: event.changed, problems: event.problems.length, objects: event.partial.objects.size };
    this.events.emit('reloaded', payload);
    return payload;
  }

  private async startWatching(cacheDir: string): Promise<void> {
    this.watcher = watchWorkspace(this.options.workspaceDir, (event) => void this.adopt(event), { cacheDir });
    await this.watcher.ready;
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    await this.drivers.closeAll();
  }
}

/**
 * A workspace that declares no users belongs to whoever runs it: they are signed in under their OS
 * account name. As soon as a workspace declares users, only those exist and --user must name one.
 */
function pickUser(workspace: Workspace, requested: string | undefined): UserDefinition {
  const users = [...workspace.users.values()];
  if (users.length === 0) {
    const name = (requested ?? os.userInfo().username ?? 'owner').toLowerCase();
    return { name, label: name, admin: true, permissionSets: [], attributes: {} } as UserDefinition;
  }
  const wanted = requested ?? workspace.config.defaultUser ?? users[0].name;
  const found = workspace.users.get(wanted);
  if (!found) {
    throw new ApiError(
      'bad_request',
      `Unknown user "${wanted}". This workspace's users are: ${users.map((u) => u.name).join(', ')}. Pass one with --user NAME.`,
    );
  }
  return found;
}
