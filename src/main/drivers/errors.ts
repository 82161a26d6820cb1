/**
 * Typed driver errors. Every message says what to do next and never contains a password: messages are
 * composed here from the datasource's host/port/database/user, and any text taken from the server or the
 * client library is scrubbed of the password before it is kept.
 */

export type ConnectionErrorCode =
  | 'auth_failed'
  | 'unknown_host'
  | 'refused'
  | 'database_missing'
  | 'tls_required'
  | 'timeout'
  | 'unavailable';

export interface ConnectionTarget {
  datasource: string;
  driver: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  filename?: string;
}

function where(t: ConnectionTarget): string {
  if (t.filename) return `file ${t.filename}`;
  return `${t.host ?? '?'}${t.port ? `:${t.port}` : ''}${t.database ? `/${t.database}` : ''}`;
}

export function connectionMessage(code: ConnectionErrorCode, t: ConnectionTarget, timeoutMs?: number): string {
  const ds = `datasource "${t.datasource}" (${t.driver}, ${where(t)})`;
  switch (code) {
    case 'auth_failed':
      return `${ds}: the server rejected user "${t.user ?? ''}" — check the user name and the password (keychain entry "objectdesk/${t.datasource}" or the environment variable the datasource reads).`;
    case 'unknown_host':
      return `${ds}: host "${t.host}" could not be resolved — check the host name in the datasource config (typo? VPN needed?).`;
    case 'refused':
      return `${ds}: nothing accepts connections on ${t.host}:${t.port ?? '(default port)'} — is the server running, and is the port right?`;
    case 'database_missing':
      return t.filename
        ? `${ds}: the database file does not exist or cannot be opened — check "filename" (relative paths resolve against the workspace folder).`
        : `${ds}: database "${t.database}" does not exist on the server — check "database" in the datasource config.`;
    case 'tls_required':
      return `${ds}: the server requires an encrypted connection (or refuses the one offered) — set "ssl: true" (or ssl options) in the datasource config, or turn it off if the server has no TLS.`;
    case 'timeout':
      return `${ds}: no answer within ${timeoutMs ?? '?'} ms — check host, port and firewall, or raise pool.connectionTimeoutMillis.`;
    case 'unavailable':
      return `${ds}: the connection failed — check the datasource config and that the server is reachable.`;
  }
}

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly code: ConnectionErrorCode,
    readonly target: ConnectionTarget,
    message: string,
    /** The underlying library's error code (e.g. 28P01, ER_ACCESS_DENIED_ERROR), for logs and support. */
    readonly causeCode?: string,
  ) {
    super(message);
  }
}

export class QueryCancelledError extends Error {
  override readonly name = 'QueryCancelledError';
  constructor(readonly datasource: string) {
    super(`The query on datasource "${datasource}" was cancelled; the server stopped working on it.`);
  }
}

export class QueryTimeoutError extends Error {
  override readonly name = 'QueryTimeoutError';
  constructor(readonly datasource: string, readonly timeoutMs: number | undefined) {
    super(`The query on datasource "${datasource}" ran longer than ${timeoutMs ?? 'the configured'} ms and was stopped by the server — narrow the filter, add a limit, or raise queryTimeoutMs.`);
  }
}

export class WriteNotAllowedError extends Error {
  override readonly name = 'WriteNotAllowedError';
  constructor(readonly datasource: string) {
    super(`Datasource "${datasource}" is read-only: writes need "allowWrites: true" and "readOnly: false" in its definition.`);
  }
}

export class DriverClosedError extends Error {
  override readonly name = 'DriverClosedError';
  constructor(readonly datasource: string) {
    super(`The driver for datasource "${datasource}" was closed (workspace reload or exit); get a fresh one from the registry.`);
  }
}

/** A statement the server rejected; the message is the server's, scrubbed. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(readonly datasource: string, message: string, readonly serverCode?: string) {
    super(`Datasource "${datasource}": ${message}`);
  }
}

/** The fallback when a driver's own mapping does not recognise a connection failure: its text, scrubbed. */
export function unavailableError(err: unknown, target: ConnectionTarget, password: string | undefined): ConnectionError {
  const msg = scrub(String((err as Error)?.message ?? err), [password]);
  return new ConnectionError('unavailable', target, `${connectionMessage('unavailable', target)} (${msg})`, (err as { code?: string })?.code);
}

/** Removes every occurrence of the given secrets from a text. */
export function scrub(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length > 0) out = out.split(s).join('***');
  return out;
}

export interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
}

/** Network-level failures that look the same in every client library. */
export function networkCode(err: ErrorLike): ConnectionErrorCode | null {
  const code = String(err.code ?? '');
  const msg = String(err.message ?? '');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || /getaddrinfo/.test(msg)) return 'unknown_host';
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) return 'refused';
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(msg)) return 'timeout';
  if (err.cause && typeof err.cause === 'object') return networkCode(err.cause as ErrorLike);
  return null;
}
