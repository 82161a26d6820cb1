/**
 * The running application's state for one workspace: the loaded metadata, its problems, the signed-in
 * user and the app data folder. Every transport (Electron, headless host, CLI) opens one of these and
 * hands it to the API; nothing else holds workspace state.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWorkspace, type Problem, type Workspace } from '../metadata';
import type { UserDefinition } from '../metadata/security-config';
import { ApiError } from '../../shared/api/errors';

export type AppMode = 'electron' | 'browser' | 'cli';

export interface AppContextOptions {
  workspaceDir: string;
  dataDir: string;
  /** The user to sign in as; defaults to the workspace's `defaultUser`, then its first user. */
  user?: string;
  mode: AppMode;
}

export class AppContext {
  private constructor(
    readonly options: AppContextOptions,
    public workspace: Workspace | null,
    public problems: Problem[],
    public user: UserDefinition,
  ) {}

  static async open(options: AppContextOptions): Promise<AppContext> {
    const workspaceDir = path.resolve(options.workspaceDir);
    const dataDir = path.resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { workspace, problems } = await loadWorkspace(workspaceDir);
    const user = pickUser(workspace, options.user);
    return new AppContext({ ...options, workspaceDir, dataDir }, workspace, problems, user);
  }

  get workspaceName(): string {
    return this.workspace?.name ?? path.basename(this.options.workspaceDir);
  }

  async close(): Promise<void> {
    /* drivers and the audit store register their own shutdown here as they arrive */
  }
}

/**
 * A workspace that declares no users belongs to whoever runs it: they are signed in under their OS
 * account name. As soon as a workspace declares users, only those exist and --user must name one.
 */
function pickUser(workspace: Workspace | null, requested: string | undefined): UserDefinition {
  const users = workspace ? [...workspace.users.values()] : [];
  if (users.length === 0) {
    const name = (requested ?? os.userInfo().username ?? 'owner').toLowerCase();
    return { name, label: name, admin: true, permissionSets: [], attributes: {} } as UserDefinition;
  }
  const wanted = requested ?? workspace?.config.defaultUser ?? users[0].name;
  const found = workspace?.users.get(wanted);
  if (!found) {
    throw new ApiError(
      'bad_request',
      `Unknown user "${wanted}". This workspace's users are: ${users.map((u) => u.name).join(', ')}. Pass one with --user NAME.`,
    );
  }
  return found;
}
