/**
 * Small pieces every driver needs: resolving the password reference once, the write switch, and the
 * abort plumbing.
 */
import type { DatasourceDefinition, SecretRef } from '../metadata/datasource';
import type { DriverContext } from './types';

/** Writes need both switches: `allowWrites: true` and `readOnly: false`. */
export function writesAllowed(def: DatasourceDefinition): boolean {
  return def.allowWrites === true && def.readOnly === false;
}

export async function resolvePassword(
  password: string | SecretRef | undefined,
  ctx: DriverContext,
): Promise<string | undefined> {
  if (password === undefined) return undefined;
  if (typeof password === 'string') return password;
  return ctx.resolveSecret(password);
}

export function poolSettings(def: DatasourceDefinition) {
  return {
    min: def.pool?.min ?? 0,
    max: def.pool?.max ?? 5,
    idleTimeoutMillis: def.pool?.idleTimeoutMillis ?? 30_000,
    connectionTimeoutMillis: def.pool?.connectionTimeoutMillis ?? 5_000,
  };
}

/** Runs `fn` when the signal aborts; returns the unsubscribe function. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/** `YYYY-MM-DD HH:MM:SS[.fff]` → `YYYY-MM-DDTHH:MM:SS[.fff]` (wall-clock, no zone). */
export function isoLocal(text: string): string {
  return text.length > 10 && text.charCodeAt(10) === 32 ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
}

export function safeInteger(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}
