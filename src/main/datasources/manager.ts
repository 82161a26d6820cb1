/**
 * The datasource manager: lists the workspace's datasources (where each password comes from, never the
 * value), tests drafts, and saves or removes datasources as `*.datasource.ts` files plus OS-keychain
 * entries, reloading the workspace after each change. A change either completes or is rolled back —
 * file and keychain entry together — so a failed save leaves the workspace as it was.
 */
import path from 'node:path';
import type { DatasourceDraft, DatasourceEntry, DatasourceStatus, TestResult } from '../../shared/api/contract-datasources';
import { ApiError } from '../../shared/api/errors';
import type { AppContext } from '../app/context';
import type { Driver } from '../drivers';
import { loadWorkspace, type Problem, type Workspace } from '../metadata';
import type { LoadedDatasource } from '../metadata/workspace';
import type { Availability, SecretStore } from '../secrets';
import { DraftInvalidError, definitionOfDraft, draftOfDefinition } from './draft';
import { exists, isDatasourceFile, newDatasourceFile, readIfExists, renamedDatasourceFile, restore, writeAtomically } from './files';
import { failure, testDraft } from './probe';
import { renderDatasourceFile } from './render';

export interface ManagerDeps {
  /** The OS keychain in the app; an in-memory stand-in only in tests. */
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
}

export type PasswordOutcome = 'set' | 'kept' | 'moved' | 'removed' | 'missing' | 'none';

export interface SaveRequest {
  draft: DatasourceDraft;
  password?: string;
  previousName?: string;
}

function usedBy(ws: Workspace, name: string): string[] {
  return [...ws.objects.values()].filter((o) => o.datasource === name).map((o) => o.name).sort();
}

const availabilityChecks = new WeakMap<SecretStore, Promise<Availability>>();

/** Saves and removals of one app run one at a time: each reads the workspace the previous one left. */
const queues = new WeakMap<AppContext, Promise<unknown>>();
function serialized<T>(app: AppContext, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(app) ?? Promise.resolve()).then(fn, fn);
  queues.set(app, run.catch(() => undefined));
  return run;
}

export class DatasourceManager {
  private readonly env: NodeJS.ProcessEnv;
  constructor(
    private readonly app: AppContext,
    private readonly deps: ManagerDeps,
  ) {
    this.env = deps.env ?? process.env;
  }

  private get root(): string {
    return this.app.options.workspaceDir;
  }

  /**
   * The whole workspace as it is on disk. The API hands handlers a view scoped to what the signed-in user
   * may read; managing datasources needs every object, because removing or renaming a datasource breaks
   * objects the admin may not see too. (Loading again is cheap: the module loader keeps its cache.)
   */
  private async snapshot(): Promise<{ ws: Workspace; problems: Problem[] }> {
    const { partial, problems } = await loadWorkspace(this.root, { cacheDir: path.join(this.app.options.dataDir, 'cache', 'workspace') });
    return { ws: partial, problems };
  }

  private rel(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/') || file;
  }

  /**
   * Concurrent checks share one: `available()` writes, reads back and deletes one fixed probe entry, so two
   * running at once (the screen asks for the list and the status together) would read each other's value
   * and report a working keychain as broken.
   */
  keychain(): Promise<Availability> {
    const store = this.deps.secrets;
    let running = availabilityChecks.get(store);
    if (!running) {
      running = store
        .available()
        .catch((e: unknown): Availability => ({
          ok: false,
          reason: `The OS keychain could not be checked: ${(e as Error).message}`,
          howToFix: 'Use an environment variable for the password instead.',
        }))
        .finally(() => availabilityChecks.delete(store));
      availabilityChecks.set(store, running);
    }
    return running;
  }

  async list(): Promise<{ keychain: Availability; datasources: DatasourceEntry[] }> {
    const [keychain, snap] = await Promise.all([this.keychain(), this.snapshot()]);
    const entries: DatasourceEntry[] = [];
    for (const def of [...snap.ws.datasources.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      entries.push(await this.entry(def, keychain, snap));
    }
    return { keychain, datasources: entries };
  }

  private async entry(def: LoadedDatasource, keychain: Availability, snap: { ws: Workspace; problems: Problem[] }): Promise<DatasourceEntry> {
    const source = (await readIfExists(def.file)) ?? '';
    const inFile = Math.max(
      [...snap.ws.datasources.values()].filter((d) => d.file === def.file).length,
      (source.match(/\b(Datasource\.create|defineDatasource)\s*\(/g) ?? []).length,
    );
    const { draft, password, unrepresentable } = draftOfDefinition(def, source, inFile);
    let unmanagedReason: string | undefined;
    if (!isDatasourceFile(def.file)) unmanagedReason = `it is declared in ${this.rel(def.file)}; edit it there, or move it to a file of its own (<name>.datasource.ts)`;
    else if (inFile > 1) unmanagedReason = `${this.rel(def.file)} declares ${inFile} datasources; the app rewrites only files that hold one`;
    else if (unrepresentable) unmanagedReason = unrepresentable;

    let passwordState: DatasourceEntry['password'];
    if (password.source === 'keychain' || password.source === 'keychain-other') {
      const account = password.source === 'keychain' ? def.name : password.account;
      passwordState = { source: 'keychain', stored: keychain.ok ? await this.deps.secrets.has(account).catch(() => null) : null };
    } else if (password.source === 'env') {
      const v = this.env[password.variable];
      passwordState = { source: 'env', variable: password.variable, set: v !== undefined && v !== '' };
    } else if (password.source === 'env-unknown') {
      passwordState = { source: 'env', variable: null, set: def.driver !== 'sqlite' && typeof def.config.password === 'string' };
    } else passwordState = { source: 'none' };

    const rules = snap.ws.config.datasourceMapping ?? [];
    return {
      name: def.name,
      ...(def.label ? { label: def.label } : {}),
      driver: def.driver,
      file: this.rel(def.file),
      managed: unmanagedReason === undefined,
      ...(unmanagedReason ? { unmanagedReason } : {}),
      draft,
      password: passwordState,
      usedBy: usedBy(snap.ws, def.name),
      mappingRules: rules.flatMap((r, i) => (r.datasource === def.name ? [i] : [])),
      problems: isDatasourceFile(def.file) ? snap.problems.filter((p) => p.file === def.file).map((p) => ({ ...p })) : [],
    };
  }


  async status(names: string[] | undefined, check: boolean): Promise<DatasourceStatus[]> {
    const defs = [...this.app.partial.datasources.values()];
    for (const n of names ?? []) {
      if (!defs.some((d) => d.name === n)) throw new ApiError('not_found', `No datasource "${n}" in this workspace. Known: ${defs.map((d) => d.name).join(', ') || '(none)'}.`, 'names');
    }
    const wanted = defs.filter((d) => !names || names.includes(d.name)).sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(wanted.map((def) => this.statusOf(def, check)));
  }

  private async statusOf(def: LoadedDatasource, check: boolean): Promise<DatasourceStatus> {
    const base = { name: def.name, driver: def.driver, active: def.active !== false, connected: false, poolSize: 0, idle: 0, serverVersion: null };
    if (def.active === false) return base;
    if (!check && !this.app.drivers.open().includes(def.name)) return base;
    // A workspace reload closes every pool (after a save, `serve` sees the file change too and reloads
    // once more). A check that raced such a reload is repeated on the fresh driver instead of reporting
    // the closed pool of a driver nobody uses any more.
    for (let attempt = 1; ; attempt++) {
      let driver: Driver;
      try {
        driver = this.app.drivers.get(def.name);
      } catch (e) {
        return { ...base, error: failure(e) };
      }
      let latencyMs: number | undefined;
      let error: { code: string; message: string } | undefined;
      if (check) {
        try {
          latencyMs = Math.round((await driver.testConnection()).latencyMs * 10) / 10;
        } catch (e) {
          const f = failure(e);
          error = { code: f.code, message: f.message };
        }
      }
      const s = driver.status();
      if (attempt < 3 && this.replaced(def.name, driver)) continue;
      return {
        ...base,
        connected: s.connected,
        poolSize: s.poolSize,
        idle: s.idle,
        serverVersion: s.serverVersion,
        ...(latencyMs !== undefined ? { latencyMs } : {}),
        ...(error ? { error } : {}),
      };
    }
  }

  /** Whether the registry now hands out another driver for this datasource (a reload closed this one). */
  private replaced(name: string, driver: Driver): boolean {
    try {
      return this.app.drivers.open().includes(name) ? this.app.drivers.get(name) !== driver : true;
    } catch {
      return false;
    }
  }

  async test(draft: DatasourceDraft, password?: string): Promise<TestResult> {
    return testDraft(draft, { workspaceRoot: this.root, secrets: this.deps.secrets, env: this.env, password });
  }

  save(request: SaveRequest): Promise<{ name: string; file: string; created: boolean; password: PasswordOutcome; workspace: { problems: number; objects: number } }> {
    return serialized(this.app, () => this.saveNow(request));
  }

  private async saveNow({ draft, password, previousName }: SaveRequest) {
    try {
      definitionOfDraft(draft);
    } catch (e) {
      if (e instanceof DraftInvalidError) throw new ApiError('bad_request', `draft.${e.message}`, `draft.${e.path}`);
      throw e;
    }
    const usesKeychain = 'password' in draft && draft.password.source === 'keychain';
    if (password !== undefined && !usesKeychain) {
      throw new ApiError(
        'bad_request',
        draft.driver === 'sqlite'
          ? 'A SQLite datasource has no password — clear the password field.'
          : 'A typed password is kept in the OS keychain only — choose "OS keychain" as the password source, or clear the password field.',
        'password',
      );
    }

    const snap = await this.snapshot();
    const datasources = snap.ws.datasources;
    const existing = previousName !== undefined ? datasources.get(previousName) : undefined;
    if (previousName !== undefined && !existing) {
      throw new ApiError('not_found', `No datasource "${previousName}" to edit — it may have been removed meanwhile; reload the list.`, 'previousName');
    }
    if (existing) {
      const e = await this.entry(existing, { ok: true }, snap);
      if (!e.managed) throw new ApiError('bad_request', `Datasource "${existing.name}" cannot be edited in the app: ${e.unmanagedReason}.`, 'previousName');
    }
    const renamed = existing !== undefined && existing.name !== draft.name;
    if ((!existing || renamed) && datasources.has(draft.name)) {
      throw new ApiError('bad_request', `A datasource named "${draft.name}" already exists (in ${this.rel(datasources.get(draft.name)!.file)}) — pick another name, or edit that one.`, 'draft.name');
    }
    if (renamed) {
      const users = usedBy(snap.ws, existing.name);
      const rules = (snap.ws.config.datasourceMapping ?? []).filter((r) => r.datasource === existing.name).length;
      if (users.length || rules) {
        throw new ApiError(
          'bad_request',
          `Datasource "${existing.name}" cannot be renamed: ${users.length ? `objects ${users.join(', ')} read from it` : ''}${users.length && rules ? ' and ' : ''}${rules ? `${rules} mapping rule(s) name it` : ''}. Keep the name, or add a new datasource and move them first.`,
          'draft.name',
        );
      }
    }

    const file = existing ? (renamed ? renamedDatasourceFile(existing.file, draft.name) : existing.file) : newDatasourceFile(this.root, draft.name);
    if ((!existing || renamed) && exists(file)) {
      throw new ApiError('bad_request', `${this.rel(file)} already exists but defines no loaded datasource (see the workspace problems) — fix or delete that file, or pick another name.`, 'draft.name');
    }
    const text = await renderDatasourceFile(draft);

    // Keychain first (it is the step most likely to fail on a headless machine), remembering what to undo.
    const secrets = this.deps.secrets;
    const undo: Array<() => Promise<unknown>> = [];
    const afterSuccess: Array<() => Promise<unknown>> = [];
    let outcome: PasswordOutcome = 'none';
    const oldUsedKeychain = existing !== undefined && existing.driver !== 'sqlite' && typeof existing.config.password === 'object';

    if (password !== undefined) {
      const available = await this.keychain();
      if (!available.ok) throw new ApiError('unavailable', `The password cannot be stored: ${available.reason} ${available.howToFix}`, 'password');
      const before = await secrets.get(draft.name);
      await secrets.set(draft.name, password);
      undo.push(() => (before === null ? secrets.delete(draft.name) : secrets.set(draft.name, before)));
      if (renamed && oldUsedKeychain) afterSuccess.push(() => secrets.delete(existing.name));
      outcome = 'set';
    } else if (usesKeychain && renamed && oldUsedKeychain) {
      const old = await secrets.get(existing.name);
      if (old !== null) {
        await secrets.set(draft.name, old);
        undo.push(() => secrets.delete(draft.name));
        afterSuccess.push(() => secrets.delete(existing.name));
        outcome = 'moved';
      } else outcome = 'missing';
    } else if (usesKeychain) {
      outcome = (await secrets.has(draft.name).catch(() => false)) ? 'kept' : 'missing';
    } else if (oldUsedKeychain) {
      afterSuccess.push(() => secrets.delete(existing.name));
      outcome = 'removed';
    }

    const previousText = existing ? await readIfExists(existing.file) : null;
    const rollback = async () => {
      for (const step of undo.reverse()) await step().catch(() => undefined);
      if (existing) {
        if (renamed) await restore(file, null).catch(() => undefined);
        await restore(existing.file, previousText).catch(() => undefined);
      } else await restore(file, null).catch(() => undefined);
    };

    try {
      await writeAtomically(file, text);
      if (renamed) await restore(existing.file, null);
    } catch (e) {
      await rollback();
      throw new ApiError('internal', `Could not write ${this.rel(file)}: ${(e as Error).message}. Nothing was changed.`);
    }

    const reloaded = await this.app.reload();
    const ours = this.app.problems.filter((p) => p.file === file);
    if (ours.length) {
      await rollback();
      await this.app.reload();
      throw new ApiError(
        'bad_request',
        `The datasource file did not load, so nothing was changed: ${ours.map((p) => p.message).join('; ')}`,
        'draft',
        ours.map((p) => ({ ...p })),
      );
    }
    for (const step of afterSuccess) await step().catch(() => undefined);
    return {
      name: draft.name,
      file: this.rel(file),
      created: !existing,
      password: outcome,
      workspace: { problems: reloaded.problems, objects: reloaded.objects },
    };
  }

  remove(name: string, force: boolean) {
    return serialized(this.app, () => this.removeNow(name, force));
  }

  private async removeNow(name: string, force: boolean) {
    const snap = await this.snapshot();
    const def = snap.ws.datasources.get(name);
    if (!def) throw new ApiError('not_found', `No datasource "${name}" in this workspace — it may have been removed already; reload the list.`, 'name');
    const keychain = await this.keychain();
    const entry = await this.entry(def, keychain, snap);
    if (!entry.managed) throw new ApiError('bad_request', `Datasource "${name}" cannot be removed in the app: ${entry.unmanagedReason}.`, 'name');
    if (!force && (entry.usedBy.length || entry.mappingRules.length)) {
      const parts = [
        entry.usedBy.length ? `objects ${entry.usedBy.join(', ')} read from it` : '',
        entry.mappingRules.length ? `mapping rule(s) ${entry.mappingRules.map((i) => `datasourceMapping[${i}]`).join(', ')} name it` : '',
      ].filter(Boolean);
      throw new ApiError(
        'bad_request',
        `Datasource "${name}" is in use: ${parts.join('; ')}. Removing it leaves the workspace with problems until they are changed; confirm with force: true to remove it anyway.`,
        'force',
        { usedBy: entry.usedBy, mappingRules: entry.mappingRules },
      );
    }

    // The keychain entry goes too; if the keychain cannot be reached while the file points at it, stop
    // before changing anything rather than leave a password behind.
    const secrets = this.deps.secrets;
    let previous: string | null = null;
    if (keychain.ok) previous = await secrets.get(name);
    else if (entry.password.source === 'keychain') {
      throw new ApiError('unavailable', `Datasource "${name}" keeps its password in the OS keychain, which cannot be used now, so it was not removed: ${keychain.reason} ${keychain.howToFix}`);
    }
    const keychainEntryRemoved = previous !== null ? await secrets.delete(name) : false;
    try {
      await restore(def.file, null);
    } catch (e) {
      if (previous !== null) await secrets.set(name, previous).catch(() => undefined);
      throw new ApiError('internal', `Could not delete ${this.rel(def.file)}: ${(e as Error).message}. Nothing was changed.`);
    }
    const reloaded = await this.app.reload();
    return { name, file: this.rel(def.file), keychainEntryRemoved, workspace: { problems: reloaded.problems, objects: reloaded.objects } };
  }
}
