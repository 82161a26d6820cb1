/** Maps mysql2 connection failures (MySQL and MariaDB error codes, then network errors) to ConnectionError codes. */
import { ConnectionError, connectionMessage, networkCode, type ConnectionErrorCode, type ConnectionTarget, type ErrorLike } from '../errors';

export function classifyMysqlError(err: ErrorLike): ConnectionErrorCode | null {
  const code = String(err.code ?? '');
  const errno = Number(err.errno ?? 0);
  if (code === 'ER_ACCESS_DENIED_ERROR' || errno === 1045 || code === 'ER_DBACCESS_DENIED_ERROR' || errno === 1044) return 'auth_failed';
  if (code === 'ER_BAD_DB_ERROR' || errno === 1049) return 'database_missing';
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT' || code === 'ER_SECURE_TRANSPORT_REQUIRED' || errno === 3159 || /SSL|TLS|certificate/i.test(String(err.message ?? ''))) return 'tls_required';
  if (code === 'ETIMEDOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'timeout';
  return networkCode(err);
}

export function toMysqlConnectionError(err: unknown, target: ConnectionTarget, timeoutMs: number): ConnectionError | null {
  const e = (err ?? {}) as ErrorLike;
  const code = classifyMysqlError(e);
  if (!code) return null;
  return new ConnectionError(code, target, connectionMessage(code, target, timeoutMs), e.code ? String(e.code) : undefined);
}
