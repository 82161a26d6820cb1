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
import { ObjectQL, type RunOptions } from '../objectql/engine';
import { ApiError } from '../../shared/api/errors';
import type { Session } from '../../shared/api/session';
import { AuditLog, type AuditInput } from '../audit';
import { Governor, applyPermissions, scopedResolver, scopedWorkspace, type AccessScope } from '../security';

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

/** Where the API records every call: the app's audit log (a test or a benchmark may pass another sink). */
export interface AuditSink {
  append(entry: AuditInput): Promise<void>;
  /** Resolves when entries can be written; rejects with the reason reads are refused. */
  ensureWritable(): Promise<void>;
}

/** What governance knows about one Session: its user, the workspace and the user's full access scope. */
export interface Access {
  ws: Workspace;
  user: UserDefinition;
  scope: AccessScope;
}

export interface WorkspaceReloaded {
  changed: string[];
  problems: number;
  objects: number;
}

/** How long one user's engine (and its prepared queries) is reused: the governor's subordinates cache lifetime. */
const ENGINE_TTL_MS = 30_000;

export class AppContext {
  /** Emits 'reloaded' (WorkspaceReloaded) after the workspace files changed and were re-read. */
  readonly events = new EventEmitter();
  private watcher: WorkspaceWatcher | undefined;
  private readonly engines = new Map<string, { ws: Workspace; engine: ObjectQL; created: number }>(); // by user and via
  /** Who may see what; see src/main/security. */
  readonly governor: Governor;
  private views = new WeakMap<Workspace, Map<string, Workspace>>();

  private constructor(
    readonly options: AppContextOptions,
    /** The workspace when it loaded without problems; data operations refuse to run otherwise. */
    public workspace: Workspace | null,
    /** Everything that did load, for listing and explaining even when there are problems. */
    public partial: Workspace,
    public problems: Problem[],
    public user: UserDefinition,
    readonly drivers: DriverRegistry,
    /** The append-only, hash-chained audit log in the app data folder (src/main/audit). */
    readonly audit: AuditLog,
  ) {
    this.governor = new Governor({
      owner: () => this.user,
      hierarchyEngine: () => this.unrestrictedEngine(),
      audit: (entry) => this.audit.append(entry),
    });
  }

  static async open(options: AppContextOptions): Promise<AppContext> {
    const workspaceDir = path.resolve(options.workspaceDir);
    const dataDir = path.resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const cacheDir = path.join(dataDir, 'cache', 'workspace');
    const { workspace, problems, partial } = await loadWorkspace(workspaceDir, { cacheDir });
    const user = pickUser(partial, options.user);
    const drivers = new DriverRegistry(partial.datasources.values(), { workspaceRoot: workspaceDir, resolveSecret });
    // Opens even when the file cannot be written: reads then fail closed with the reason.
    // Writer: AuditLog's default (the thread) unless OBJECTDESK_AUDIT_WRITER=inline|thread says otherwise.
    const audit = await AuditLog.open({ dataDir, mode: process.env.OBJECTDESK_AUDIT_WRITER as 'inline' | 'thread' | undefined });
    const ctx = new AppContext({ ...options, workspaceDir, dataDir }, workspace, partial, problems, user, drivers, audit);
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

  /**
   * A query engine for one caller: objects and fields the user cannot read do not exist in it, and their
   * record rules (and those of every object a lookup reaches) are AND-ed into each query (src/main/security).
   */
  engineFor(session: Session): ObjectQL {
    const ws = this.requireWorkspace();
    const user = this.governor.userOf(ws, session);
    // One engine per user and workspace load, kept for as long as the user's subordinates are cached, so
    // repeated query shapes skip validation and compilation (the engine's prepared-query cache). Entries
    // are keyed by a per-user session object: no entry ever serves another user's permissions, and a
    // reload (new workspace object) or the TTL starts a fresh engine.
    const now = Date.now();
    // Keyed by user and door: the subordinates read this engine may trigger is audited with that via.
    const engineKey = `${user.name}\u0000${session.via}`;
    let hit = this.engines.get(engineKey);
    if (!hit || hit.ws !== ws || now - hit.created > ENGINE_TTL_MS) {
      const resolve = scopedResolver(ws, this.governor.visibilityOf(ws, user));
      const canonical: Session = { user: user.name, via: session.via };
      const engine = new ObjectQL({
        objects: resolve,
        permissionsResolver: (name) => ws.objects.get(name),
        applyPermissions: async (ast) => applyPermissions(ast, { ws, scope: await this.governor.scopeOf(ws, user, canonical), resolve }),
        drivers: (name) => this.drivers.get(name),
        timezone: ws.timezone,
        defaultLimit: ws.config.query.defaultLimit,
        maxLimit: ws.config.query.maxLimit,
      });
      const withSession = <R>(fn: (raw: unknown, run?: RunOptions) => R) => (raw: unknown, run: RunOptions = {}) =>
        fn.call(engine, raw, { ...run, session: canonical });
      const facade = Object.assign(Object.create(engine) as ObjectQL, {
        query: withSession(engine.query),
        stream: withSession(engine.stream),
        explain: withSession(engine.explain),
      });
      hit = { ws, engine: facade, created: now };
      this.engines.set(engineKey, hit);
    }
    return hit.engine;
  }

  /** The Session's user and full access scope (record rules resolved), for the write path. */
  async accessFor(session: Session): Promise<Access> {
    const ws = this.requireWorkspace();
    const user = this.governor.userOf(ws, session);
    return { ws, user, scope: await this.governor.scopeOf(ws, user, session) };
  }

  /**
   * This context as one Session sees it, which is what the API hands every handler: `workspace` and
   * `partial` hold only the objects and fields the user can read, and `user` is the Session's user. Writes
   * to the view's properties reach the real context.
   */
  viewFor(session: Session): AppContext {
    const ws = this.workspace ?? this.partial;
    const user = this.governor.userOf(ws, session);
    const workspace = this.workspace ? this.scopedView(this.workspace, user) : null;
    const partial = this.workspace === this.partial && workspace ? workspace : this.scopedView(this.partial, user);
    return new Proxy(this, {
      get(target, prop) {
        if (prop === 'workspace') return workspace;
        if (prop === 'partial') return partial;
        if (prop === 'user') return user;
        if (prop === 'requireWorkspace') {
          return () => {
            target.requireWorkspace();
            return workspace!;
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
      set: (target, prop, value) => Reflect.set(target, prop, value, target),
    });
  }

  /** Signs in another workspace user (the API allows it to admins only and audits it). */
  switchUser(name: string): UserDefinition {
    this.user = pickUser(this.workspace ?? this.partial, name);
    return this.user;
  }

  private scopedView(ws: Workspace, user: UserDefinition): Workspace {
    let byUser = this.views.get(ws);
    if (!byUser) this.views.set(ws, (byUser = new Map()));
    let view = byUser.get(user.name);
    if (!view) byUser.set(user.name, (view = scopedWorkspace(ws, this.governor.visibilityOf(ws, user))));
    return view;
  }

  /** Internal only (the hierarchy read of `$user.subordinates`); never handed to a caller. */
  private unrestrictedEngine(): ObjectQL {
    const ws = this.requireWorkspace();
    return new ObjectQL({ objects: (name) => ws.objects.get(name), drivers: (name) => this.drivers.get(name), timezone: ws.timezone });
  }

  /** Re-reads the whole workspace now (after the app itself wrote a file, e.g. a saved datasource). */
  async reload(): Promise<WorkspaceReloaded> {
    const { workspace, problems, partial } = await loadWorkspace(this.options.workspaceDir, { cacheDir: this.cacheDir });
    return this.adopt({ workspace, problems, partial, changed: [] }, false);
  }

  private get cacheDir(): string {
    return path.join(this.options.dataDir, 'cache', 'workspace');
  }

  private async adopt(event: { workspace: Workspace | null; problems: Problem[]; partial: Workspace; changed: string[] }, fromWatcher: boolean): Promise<WorkspaceReloaded> {
    this.workspace = event.workspace;
    this.partial = event.partial;
    this.problems = event.problems;
    this.governor.forget();
    this.views = new WeakMap();
    try {
      this.user = pickUser(event.partial, this.user.name);
    } catch {
      /* the signed-in user vanished from the workspace: keep the old identity until they switch */
    }
    // Connection settings may have changed: no pool outlives the definitions that opened it.
    // The app's own reload (after it wrote a datasource or a secret) restarts every pool; a file change seen
    // by the watcher keeps the pools of datasources whose definition did not change.
    await this.drivers.reload(event.partial.datasources.values(), { keepUnchanged: fromWatcher }).catch(() => undefined);
    const payload: WorkspaceReloaded = { changed: event.changed, problems: event.problems.length, objects: event.partial.objects.size };
    this.events.emit('reloaded', payload);
    return payload;
  }

  private async startWatching(cacheDir: string): Promise<void> {
    this.watcher = watchWorkspace(this.options.workspaceDir, (event) => void this.adopt(event, true), { cacheDir });
    await this.watcher.ready;
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    try {
      await this.drivers.closeAll();
    } finally {
      await this.audit.close();
    }
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
