/**
 * Test support for code that needs secrets. `InMemorySecretStoreForTests` lets unit tests of callers
 * (api, drivers, CLI) run without a keychain; it lives under test/ so the app can never select it.
 * `keychainSession()` tells integration tests whether they run inside a real D-Bus session with a
 * Secret Service, i.e. under scripts/with-keychain.sh (or a desktop session).
 */
import { randomBytes } from 'node:crypto';
import { checkAccount, type Availability, type SecretStore } from '../../src/main/secrets';

export class InMemorySecretStoreForTests implements SecretStore {
  private readonly entries = new Map<string, string>();
  constructor(private readonly availability: Availability = { ok: true }) {}

  async get(account: string): Promise<string | null> {
    checkAccount(account);
    return this.entries.get(account) ?? null;
  }
  async set(account: string, value: string): Promise<void> {
    checkAccount(account);
    if (!value) throw new Error('InMemorySecretStoreForTests: empty value');
    this.entries.set(account, value);
  }
  async delete(account: string): Promise<boolean> {
    checkAccount(account);
    return this.entries.delete(account);
  }
  async has(account: string): Promise<boolean> {
    return (await this.get(account)) !== null;
  }
  async available(): Promise<Availability> {
    return this.availability;
  }
}

export const NO_KEYCHAIN_SESSION =
  'No D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset), so there is no keychain to test against. ' +
  'Run the keychain tests inside one: scripts/with-keychain.sh npx vitest run --project integration test/integration/secrets';

export function keychainSession(): boolean {
  return Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
}

/** A datasource-shaped account name that no other test or user entry will collide with. */
export function uniqueAccount(prefix = 'it_secret'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A password with characters that break naive quoting, so leaks and truncation are visible. */
export function randomPassword(): string {
  return `pw-${randomBytes(12).toString('base64url')}-'"$\\ é`;
}
