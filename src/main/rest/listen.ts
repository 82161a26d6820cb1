/**
 * Where the REST/GraphQL API server listens. 127.0.0.1 unless the user names another address with
 * `--listen HOST:PORT`, in which case the server says loudly that it is reachable from elsewhere.
 */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface ListenAddress {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export const DEFAULT_API_LISTEN: ListenAddress = { host: '127.0.0.1', port: 0 };

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

/** `HOST:PORT`, `[v6]:PORT`, `:PORT` (127.0.0.1) or `PORT`. */
export function parseListen(value: string): ListenAddress {
  const v = value.trim();
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(v) ?? (/^(\d{1,5})$/.test(v) ? [v, undefined, '', v] : null);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new Error(`--listen expects HOST:PORT (e.g. 127.0.0.1:8787, 0.0.0.0:8787 or [::1]:8787), got "${value}".`);
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** The warning printed when the API is reachable from other machines; null on loopback. */
export function exposureWarning(host: string): string | null {
  if (isLoopback(host)) return null;
  return (
    `WARNING: the ObjectDesk API is listening on ${host}, so other machines can reach it. Anyone with a valid ` +
    'personal access token can read (and, where allowed, change) data as that token\'s user, over plain HTTP. ' +
    'Use a firewall or a TLS-terminating proxy, give tokens an expiry, and revoke tokens you no longer use. ' +
    'The app window and browser mode stay on 127.0.0.1.'
  );
}
