/**
 * The headless host's front door: loopback-only binding, a per-launch token, and Host/Origin checks
 * against DNS rebinding and cross-site requests.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function assertLoopback(hostname: string): void {
  if (!LOOPBACK.has(hostname)) {
    throw new Error(
      `Refusing to listen on "${hostname}": the host serves your data and only listens on 127.0.0.1. ` +
        'To reach it from elsewhere use an SSH tunnel.',
    );
  }
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Host header values a genuine request to this server carries. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([...allowedHosts(port)].map((h) => `http://${h}`));
}
