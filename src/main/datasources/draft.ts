/**
 * The two directions between what the form edits (a draft: the definition with the password replaced by
 * where it comes from) and what the workspace loader produces (a DatasourceDefinition, whose password is
 * already resolved from `process.env` or still a `{ $secret }` reference). Going back to a draft picks
 * each key by name, so a value that must not leave the main process (an environment password, a client
 * key) can never ride along in the output.
 */
import { DatasourceDraftSchema, type DatasourceDraft, type PasswordSource } from '../../shared/api/contract-datasources';
import { DatasourceSchema, type DatasourceDefinition, type DatasourceInput } from '../metadata/datasource';

/** The definition a draft stands for, validated exactly as the loader will validate the rendered file. */
export function definitionOfDraft(draft: DatasourceDraft): DatasourceDefinition {
  const r = DatasourceSchema.safeParse(inputOfDraft(draft, () => undefined));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new DraftInvalidError(`${issue.path.join('.') || 'draft'}: ${issue.message}`, issue.path.join('.'));
  }
  return r.data;
}

export class DraftInvalidError extends Error {
  override readonly name = 'DraftInvalidError';
  constructor(message: string, readonly path: string) {
    super(message);
  }
}

/**
 * The `Datasource.create` input for a draft. `envValue` decides what an environment-variable password
 * becomes (the real value for a connection test, `undefined` for validation).
 */
export function inputOfDraft(draft: DatasourceDraft, envValue: (variable: string) => string | undefined): DatasourceInput {
  const password = 'password' in draft ? passwordValue(draft.name, draft.password, envValue) : undefined;
  const base = {
    name: draft.name,
    ...(draft.label ? { label: draft.label } : {}),
    ...(draft.active !== undefined ? { active: draft.active } : {}),
    readOnly: draft.readOnly,
    allowWrites: draft.allowWrites,
    ...(draft.queryTimeoutMs !== undefined ? { queryTimeoutMs: draft.queryTimeoutMs } : {}),
    ...(draft.allowedSchemas?.length ? { allowedSchemas: draft.allowedSchemas } : {}),
    ...(draft.pool && Object.keys(draft.pool).length ? { pool: draft.pool } : {}),
    ...(draft.ssl !== undefined ? { ssl: draft.ssl } : {}),
  };
  switch (draft.driver) {
    case 'sqlite':
      return { ...base, driver: 'sqlite', config: { filename: draft.config.filename } };
    case 'postgres':
      return { ...base, driver: 'postgres', config: { ...draft.config, ...(password !== undefined ? { password } : {}) } };
    case 'mysql':
      return { ...base, driver: 'mysql', config: { ...draft.config, ...(password !== undefined ? { password } : {}) } };
    case 'mongodb':
      return { ...base, driver: 'mongodb', config: { ...draft.config, ...(password !== undefined ? { password } : {}) } };
  }
}

function passwordValue(name: string, source: PasswordSource, envValue: (variable: string) => string | undefined) {
  switch (source.source) {
    case 'keychain':
      return { $secret: name };
    case 'env':
      return envValue(source.variable);
    case 'none':
      return undefined;
  }
}

export interface DraftOfDefinition {
  draft: DatasourceDraft | null;
  password: PasswordSource | { source: 'keychain-other'; account: string } | { source: 'env-unknown' };
  /** Why the app cannot rewrite this definition's file faithfully. */
  unrepresentable?: string;
}

/** `process.env.NAME` / `process.env['NAME']` after a password key, in a file's source text. */
const ENV_PASSWORD = /\bpassword\s*:\s*process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\2\s*\])/g;

export function envPasswordVariables(source: string): string[] {
  return [...new Set([...source.matchAll(ENV_PASSWORD)].map((m) => m[1] ?? m[3]))];
}

/**
 * A loaded definition back in draft form. `source` is the text of the file it came from, needed to tell
 * which environment variable an (already resolved) password was read from.
 */
export function draftOfDefinition(def: DatasourceDefinition, source: string, definitionsInFile: number): DraftOfDefinition {
  let unrepresentable: string | undefined;
  let password: DraftOfDefinition['password'] = { source: 'none' };
  if (def.driver !== 'sqlite') {
    const p = def.config.password;
    const vars = envPasswordVariables(source);
    const knownVar = definitionsInFile === 1 && vars.length === 1 ? vars[0] : null;
    if (p !== undefined && typeof p === 'object') {
      password = p.$secret === def.name ? { source: 'keychain' } : { source: 'keychain-other', account: p.$secret };
      if (p.$secret !== def.name) unrepresentable = `its password is the keychain entry "${p.$secret}", not "${def.name}"`;
    } else if (typeof p === 'string' || knownVar) {
      // A string here came from the environment (literal passwords are refused by the loader) — or it is a
      // literal the loader reported; either way the value itself is never looked at again.
      if (knownVar) password = { source: 'env', variable: knownVar };
      else {
        password = { source: 'env-unknown' };
        unrepresentable = 'its password is read in a way the form cannot show (not a single `process.env.NAME`)';
      }
    }
  }
  if (def.ssl && typeof def.ssl === 'object' && typeof def.ssl.key === 'string') {
    unrepresentable = 'its SSL client key is read from the environment, which the form cannot show';
  }

  const common = {
    name: def.name,
    ...(def.label !== undefined ? { label: def.label } : {}),
    ...(def.active === false ? { active: false } : {}),
    readOnly: def.readOnly,
    allowWrites: def.allowWrites,
    ...(def.queryTimeoutMs !== undefined ? { queryTimeoutMs: def.queryTimeoutMs } : {}),
    ...(def.allowedSchemas ? { allowedSchemas: [...def.allowedSchemas] } : {}),
    ...poolDraft(def.pool),
    ...(def.ssl !== undefined ? { ssl: sslDraft(def.ssl) } : {}),
  };
  const draftPassword: PasswordSource =
    password.source === 'keychain' || password.source === 'env' || password.source === 'none' ? password : { source: 'none' };

  let candidate: unknown;
  switch (def.driver) {
    case 'sqlite':
      candidate = { ...common, driver: 'sqlite', config: { filename: def.config.filename } };
      break;
    case 'postgres': {
      const c = def.config;
      candidate = {
        ...common,
        driver: 'postgres',
        config: { host: c.host, ...opt('port', c.port), database: c.database, ...opt('user', c.user), ...opt('applicationName', c.applicationName) },
        password: draftPassword,
      };
      break;
    }
    case 'mysql': {
      const c = def.config;
      candidate = { ...common, driver: 'mysql', config: { host: c.host, ...opt('port', c.port), database: c.database, ...opt('user', c.user) }, password: draftPassword };
      break;
    }
    case 'mongodb': {
      const c = def.config;
      candidate = {
        ...common,
        driver: 'mongodb',
        config: { url: c.url, database: c.database, ...opt('user', c.user), ...opt('sampleSize', c.sampleSize) },
        password: draftPassword,
      };
      break;
    }
  }
  // Anything the form's schema does not accept (a URL with credentials, a value out of range) is not
  // shown at all rather than shown partly: the URL in particular may hold the very password.
  const parsed = DatasourceDraftSchema.safeParse(candidate);
  if (!parsed.success) {
    return { draft: null, password, unrepresentable: unrepresentable ?? `its definition cannot be edited in the form (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  }
  return { draft: parsed.data, password, ...(unrepresentable ? { unrepresentable } : {}) };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const POOL_DEFAULTS = { min: 0, max: 5, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 } as const;

/** The pool settings that differ from the defaults (the loader fills those in; echoing them adds noise). */
function poolDraft(pool: DatasourceDefinition['pool']): { pool?: NonNullable<DatasourceDraft['pool']> } {
  if (!pool) return {};
  const out: Record<string, number> = {};
  for (const k of Object.keys(POOL_DEFAULTS) as Array<keyof typeof POOL_DEFAULTS>) {
    if (pool[k] !== undefined && pool[k] !== POOL_DEFAULTS[k]) out[k] = pool[k];
  }
  return Object.keys(out).length ? { pool: out } : {};
}

function sslDraft(ssl: NonNullable<DatasourceDefinition['ssl']>): DatasourceDraft['ssl'] {
  if (typeof ssl === 'boolean') return ssl;
  return {
    ...opt('rejectUnauthorized', ssl.rejectUnauthorized),
    ...opt('ca', ssl.ca),
    ...opt('cert', ssl.cert),
    ...(ssl.key && typeof ssl.key === 'object' ? { key: { $secret: ssl.key.$secret } } : {}),
    ...opt('servername', ssl.servername),
  };
}
