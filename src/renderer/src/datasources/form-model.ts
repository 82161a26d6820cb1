/**
 * The datasource form's state (what the inputs show, as text) and its two conversions: a draft the API
 * accepts, with per-field errors when the input is not valid yet, and back from a saved draft. The
 * password is not part of this state — it lives only in its (uncontrolled) input until it is sent.
 */
import { DatasourceDraftSchema, type DatasourceDraft, type DriverKind } from '../../../shared/api/contract-datasources';

export type PasswordSourceKind = 'keychain' | 'env' | 'none';

export interface FormState {
  driver: DriverKind;
  name: string;
  label: string;
  host: string;
  port: string;
  database: string;
  user: string;
  applicationName: string;
  filename: string;
  url: string;
  sampleSize: string;
  passwordSource: PasswordSourceKind;
  envVariable: string;
  ssl: boolean;
  sslVerify: boolean;
  sslCa: string;
  sslCert: string;
  sslServername: string;
  /** Kept from the file; the form does not edit it. */
  sslKeySecret: string;
  poolMin: string;
  poolMax: string;
  poolIdle: string;
  poolConnect: string;
  queryTimeoutMs: string;
  readOnly: boolean;
  allowWrites: boolean;
  active: boolean;
  allowedSchemas: string;
}

export type FieldName = keyof FormState | 'password';
export type FieldErrors = Partial<Record<FieldName, string>>;

export const DEFAULT_PORTS: Record<'postgres' | 'mysql', number> = { postgres: 5432, mysql: 3306 };

export const DRIVER_LABELS: Record<DriverKind, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL / MariaDB',
  sqlite: 'SQLite file',
  mongodb: 'MongoDB',
};

export function emptyForm(driver: DriverKind = 'postgres'): FormState {
  return {
    driver,
    name: '',
    label: '',
    host: driver === 'postgres' || driver === 'mysql' ? '127.0.0.1' : '',
    port: driver === 'postgres' || driver === 'mysql' ? String(DEFAULT_PORTS[driver]) : '',
    database: '',
    user: '',
    applicationName: '',
    filename: '',
    url: driver === 'mongodb' ? 'mongodb://127.0.0.1:27017' : '',
    sampleSize: '',
    passwordSource: driver === 'sqlite' ? 'none' : 'keychain',
    envVariable: '',
    ssl: false,
    sslVerify: true,
    sslCa: '',
    sslCert: '',
    sslServername: '',
    sslKeySecret: '',
    poolMin: '',
    poolMax: '',
    poolIdle: '',
    poolConnect: '',
    queryTimeoutMs: '',
    readOnly: true,
    allowWrites: false,
    active: true,
    allowedSchemas: '',
  };
}

/** Switching the driver keeps what still applies and fills the new driver's defaults. */
export function switchDriver(state: FormState, driver: DriverKind): FormState {
  const fresh = emptyForm(driver);
  const wasDefaultPort = state.port === '' || Object.values(DEFAULT_PORTS).map(String).includes(state.port);
  return {
    ...state,
    driver,
    port: wasDefaultPort ? fresh.port : state.port,
    host: state.host || fresh.host,
    url: state.url || fresh.url,
    passwordSource: driver === 'sqlite' ? 'none' : state.passwordSource === 'none' && state.driver === 'sqlite' ? 'keychain' : state.passwordSource,
  };
}

export function formOfDraft(draft: DatasourceDraft): FormState {
  const s = emptyForm(draft.driver);
  const str = (v: number | undefined) => (v === undefined ? '' : String(v));
  const ssl = draft.ssl;
  const out: FormState = {
    ...s,
    name: draft.name,
    label: draft.label ?? '',
    readOnly: draft.readOnly,
    allowWrites: draft.allowWrites,
    active: draft.active !== false,
    queryTimeoutMs: str(draft.queryTimeoutMs),
    allowedSchemas: (draft.allowedSchemas ?? []).join(', '),
    poolMin: str(draft.pool?.min),
    poolMax: str(draft.pool?.max),
    poolIdle: str(draft.pool?.idleTimeoutMillis),
    poolConnect: str(draft.pool?.connectionTimeoutMillis),
    ssl: ssl !== undefined && ssl !== false,
    sslVerify: typeof ssl === 'object' ? ssl.rejectUnauthorized !== false : true,
    sslCa: typeof ssl === 'object' ? (ssl.ca ?? '') : '',
    sslCert: typeof ssl === 'object' ? (ssl.cert ?? '') : '',
    sslServername: typeof ssl === 'object' ? (ssl.servername ?? '') : '',
    sslKeySecret: typeof ssl === 'object' ? (ssl.key?.$secret ?? '') : '',
  };
  if ('password' in draft) {
    out.passwordSource = draft.password.source;
    out.envVariable = draft.password.source === 'env' ? draft.password.variable : '';
  }
  switch (draft.driver) {
    case 'postgres':
    case 'mysql':
      out.host = draft.config.host;
      out.port = draft.config.port === undefined ? '' : String(draft.config.port);
      out.database = draft.config.database;
      out.user = draft.config.user ?? '';
      if (draft.driver === 'postgres') out.applicationName = draft.config.applicationName ?? '';
      break;
    case 'sqlite':
      out.filename = draft.config.filename;
      break;
    case 'mongodb':
      out.url = draft.config.url;
      out.database = draft.config.database;
      out.user = draft.config.user ?? '';
      out.sampleSize = str(draft.config.sampleSize);
      break;
  }
  return out;
}

/** Where in the form a draft path (`config.host`, `pool.max`, `password.variable`) is edited. */
export function fieldOfPath(path: ReadonlyArray<PropertyKey>): FieldName {
  const [a, b] = path.map(String);
  if (a === 'config') {
    const byKey: Record<string, FieldName> = { host: 'host', port: 'port', database: 'database', user: 'user', applicationName: 'applicationName', filename: 'filename', url: 'url', sampleSize: 'sampleSize' };
    return byKey[b] ?? 'host';
  }
  if (a === 'pool') return ({ min: 'poolMin', max: 'poolMax', idleTimeoutMillis: 'poolIdle', connectionTimeoutMillis: 'poolConnect' } as Record<string, FieldName>)[b] ?? 'poolMax';
  if (a === 'password') return 'envVariable';
  if (a === 'ssl') return b === 'servername' ? 'sslServername' : b === 'ca' ? 'sslCa' : b === 'cert' ? 'sslCert' : 'ssl';
  const top: Record<string, FieldName> = { name: 'name', label: 'label', queryTimeoutMs: 'queryTimeoutMs', allowedSchemas: 'allowedSchemas', readOnly: 'readOnly', allowWrites: 'allowWrites' };
  return top[a] ?? 'name';
}

/** An API error path (`draft.config.host`, `password`, `previousName`) as a form field. */
export function fieldOfApiPath(path: string | undefined): FieldName | undefined {
  if (!path) return undefined;
  if (path === 'password') return 'password';
  if (path === 'draft') return undefined;
  if (path.startsWith('draft.')) return fieldOfPath(path.slice(6).split('.'));
  return undefined;
}

function numberField(text: string, field: FieldName, errors: FieldErrors): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^\d+$/.test(t)) {
    errors[field] = 'a whole number';
    return undefined;
  }
  return Number(t);
}

export type DraftOutcome = { ok: true; draft: DatasourceDraft } | { ok: false; errors: FieldErrors };

export function draftOfForm(s: FormState): DraftOutcome {
  const errors: FieldErrors = {};
  const pool = {
    min: numberField(s.poolMin, 'poolMin', errors),
    max: numberField(s.poolMax, 'poolMax', errors),
    idleTimeoutMillis: numberField(s.poolIdle, 'poolIdle', errors),
    connectionTimeoutMillis: numberField(s.poolConnect, 'poolConnect', errors),
  };
  const definedPool = Object.fromEntries(Object.entries(pool).filter(([, v]) => v !== undefined));
  const port = numberField(s.port, 'port', errors);
  const queryTimeoutMs = numberField(s.queryTimeoutMs, 'queryTimeoutMs', errors);
  const sampleSize = numberField(s.sampleSize, 'sampleSize', errors);
  const schemas = s.allowedSchemas.split(/[,\n]/).map((x) => x.trim()).filter(Boolean);
  const ssl = !s.ssl
    ? undefined
    : s.sslVerify && !s.sslCa.trim() && !s.sslCert.trim() && !s.sslServername.trim() && !s.sslKeySecret
      ? true
      : {
          rejectUnauthorized: s.sslVerify,
          ...(s.sslCa.trim() ? { ca: s.sslCa.trim() } : {}),
          ...(s.sslCert.trim() ? { cert: s.sslCert.trim() } : {}),
          ...(s.sslServername.trim() ? { servername: s.sslServername.trim() } : {}),
          ...(s.sslKeySecret ? { key: { $secret: s.sslKeySecret } } : {}),
        };
  const password =
    s.passwordSource === 'env' ? { source: 'env' as const, variable: s.envVariable.trim() } : { source: s.passwordSource === 'none' ? ('none' as const) : ('keychain' as const) };
  const common = {
    name: s.name.trim(),
    ...(s.label.trim() ? { label: s.label.trim() } : {}),
    ...(s.active ? {} : { active: false }),
    readOnly: s.readOnly,
    allowWrites: s.allowWrites,
    ...(queryTimeoutMs !== undefined ? { queryTimeoutMs } : {}),
    ...(schemas.length ? { allowedSchemas: schemas } : {}),
    ...(Object.keys(definedPool).length ? { pool: definedPool } : {}),
    ...(ssl !== undefined ? { ssl } : {}),
  };
  const opt = (k: string, v: string | number | undefined) => (v === undefined || v === '' ? {} : { [k]: typeof v === 'string' ? v.trim() : v });
  let candidate: unknown;
  switch (s.driver) {
    case 'postgres':
      candidate = { ...common, driver: 'postgres', config: { host: s.host.trim(), ...opt('port', port), database: s.database.trim(), ...opt('user', s.user), ...opt('applicationName', s.applicationName) }, password };
      break;
    case 'mysql':
      candidate = { ...common, driver: 'mysql', config: { host: s.host.trim(), ...opt('port', port), database: s.database.trim(), ...opt('user', s.user) }, password };
      break;
    case 'sqlite':
      candidate = { ...common, driver: 'sqlite', config: { filename: s.filename.trim() } };
      break;
    case 'mongodb':
      candidate = { ...common, driver: 'mongodb', config: { url: s.url.trim(), database: s.database.trim(), ...opt('user', s.user), ...opt('sampleSize', sampleSize) }, password };
      break;
  }
  const parsed = DatasourceDraftSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const f = fieldOfPath(issue.path);
      errors[f] ??= issue.message;
    }
  }
  if (Object.keys(errors).length || !parsed.success) return { ok: false, errors };
  return { ok: true, draft: parsed.data };
}

/** `host:port/database`, the file, or the connection string — for the list. */
export function whereOf(draft: DatasourceDraft | null): string {
  if (!draft) return '—';
  switch (draft.driver) {
    case 'sqlite':
      return draft.config.filename;
    case 'mongodb':
      return `${draft.config.url} · ${draft.config.database}`;
    default:
      return `${draft.config.user ? `${draft.config.user}@` : ''}${draft.config.host}${draft.config.port ? `:${draft.config.port}` : ''}/${draft.config.database}`;
  }
}
