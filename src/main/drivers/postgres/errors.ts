/** Maps pg connection failures to ConnectionError codes (SQLSTATE first, then network errors). */
import { ConnectionError, connectionMessage, networkCode, type ConnectionErrorCode, type ConnectionTarget, type ErrorLike } from '../errors';

export function classifyPgError(err: ErrorLike): ConnectionErrorCode | null {
  const code = String(err.code ?? '');
  const msg = String(err.message ?? '');
  if (code === '28P01' || /password authentication failed/i.test(msg)) return 'auth_failed';
  if (code === '28000' && /no encryption|SSL off|hostssl/i.test(msg)) return 'tls_required';
  if (/does not support SSL|SSL connection is required|SSL is required|self[- ]signed|certificate/i.test(msg)) return 'tls_required';
  if (code === '28000') return 'auth_failed';
  if (code === '3D000') return 'database_missing';
  if (/connection timeout|timeout expired|timed out/i.test(msg)) return 'timeout';
  return networkCode(err);
}

export function toPgConnectionError(err: unknown, target: ConnectionTarget, timeoutMs: number): ConnectionError | null {
  const e = (err ?? {}) as ErrorLike;
  const code = classifyPgError(e);
  if (!code) return null;
  return new ConnectionError(code, target, connectionMessage(code, target, timeoutMs), e.code ? String(e.code) : undefined);
}
