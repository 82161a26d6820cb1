/**
 * What a personal access token looks like and how it is kept. A token is `odp_<id>_<secret>`: the id (public,
 * 12 characters) names the stored row, the secret (32 random bytes) is shown once and never stored — only
 * sha256(salt ‖ secret) with a per-token random salt. A slow hash (scrypt) protects low-entropy passwords; a
 * 256-bit random secret cannot be guessed, so a fast salted hash loses nothing and keeps each request cheap.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'odp_';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_PATTERN = /^odp_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function newTokenId(): string {
  const bytes = randomBytes(12);
  let id = '';
  for (const b of bytes) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatToken(id: string, secret: string): string {
  return `${TOKEN_PREFIX}${id}_${secret}`;
}

/** The id and secret of a well-formed token, or null (anything else is just a wrong token). */
export function parseToken(token: string): { id: string; secret: string } | null {
  const m = TOKEN_PATTERN.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}

export function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt, 'utf8').update('\0').update(secret, 'utf8').digest('base64url');
}

export function secretMatches(salt: string, secret: string, expectedHash: string): boolean {
  const a = Buffer.from(hashSecret(salt, secret));
  const b = Buffer.from(expectedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
