/**
 * The secret store contract: where datasource passwords live. The only backend the app can select is the
 * OS keychain (see keychain-store.ts); there is deliberately no file backend, so a machine without a
 * keychain gets a plain explanation and the environment-variable route instead of a plaintext file.
 */

/** Keychain service under which every ObjectDesk entry is stored; the account is the datasource name. */
export const SECRET_SERVICE = 'objectdesk';

export type Availability = { ok: true } | { ok: false; reason: string; howToFix: string };

export interface SecretStore {
  /** The stored value, or null when there is no entry for this account. */
  get(account: string): Promise<string | null>;
  /** Creates or replaces (rotates) the entry. */
  set(account: string, value: string): Promise<void>;
  /** Removes the entry; true when one existed. */
  delete(account: string): Promise<boolean>;
  has(account: string): Promise<boolean>;
  /** Whether the backend can be used at all on this machine, and if not, why and what to do. */
  available(): Promise<Availability>;
}

/** Accounts are datasource names, so they follow the datasource naming rule. */
export const ACCOUNT_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** The environment variable we suggest when the keychain cannot be used (e.g. BUSINESS_PRIMARY_PASSWORD). */
export function suggestedEnvVar(account: string): string {
  return `${account.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_PASSWORD`;
}
