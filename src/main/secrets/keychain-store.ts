/**
 * The OS keychain backend (keytar: libsecret on Linux, Keychain on macOS, Credential Vault on Windows).
 * keytar is loaded lazily, on first use, so that the app still starts on a machine without libsecret and
 * can explain the problem instead of crashing at import time.
 */
import { randomUUID } from 'node:crypto';
import { diagnoseKeychainFailure, diagnoseLoadFailure } from './diagnose';
import { SecretError, scrub } from './errors';
import { ACCOUNT_PATTERN, SECRET_SERVICE, type Availability, type SecretStore } from './store';

/** The part of keytar we use; declared here so that nothing imports keytar's types eagerly. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export type KeytarLoader = () => Promise<KeytarApi>;

const loadKeytar: KeytarLoader = async () => {
  const mod = (await import('keytar')) as unknown as KeytarApi & { default?: KeytarApi };
  return mod.default ?? mod;
};

/** Written and removed by available(); the colon keeps it out of the datasource-name space. */
/** A fresh probe entry per check: two checks at once must not read or delete each other's probe. */
const probeAccount = () => `objectdesk:availability-probe:${process.pid}:${randomUUID()}`;

export interface KeychainStoreOptions {
  service?: string;
  /** For tests of the load-failure path only. */
  loader?: KeytarLoader;
  /** A keychain that waits on an invisible unlock prompt would otherwise hang the caller forever. */
  timeoutMs?: number;
}

export class KeychainSecretStore implements SecretStore {
  private readonly service: string;
  private readonly loader: KeytarLoader;
  private readonly timeoutMs: number;
  private keytar: Promise<KeytarApi> | undefined;

  constructor(options: KeychainStoreOptions = {}) {
    this.service = options.service ?? SECRET_SERVICE;
    this.loader = options.loader ?? loadKeytar;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async get(account: string): Promise<string | null> {
    checkAccount(account);
    return this.call(account, (k) => k.getPassword(this.service, account));
  }

  async set(account: string, value: string): Promise<void> {
    checkAccount(account);
    if (typeof value !== 'string' || value.length === 0) {
      throw new SecretError('invalid_value', account, `Refusing to store an empty password for "${account}".`, 'Give a non-empty value.');
    }
    await this.call(account, (k) => k.setPassword(this.service, account, value), value);
  }

  async delete(account: string): Promise<boolean> {
    checkAccount(account);
    return this.call(account, (k) => k.deletePassword(this.service, account));
  }

  async has(account: string): Promise<boolean> {
    return (await this.get(account)) !== null;
  }

  /**
   * A full write/read/delete round trip: a read alone succeeds on a locked gnome-keyring collection and
   * would report a keychain that cannot actually store anything.
   */
  async available(): Promise<Availability> {
    let keytar: KeytarApi;
    try {
      keytar = await this.load();
    } catch (e) {
      return diagnoseLoadFailure(messageOf(e));
    }
    const probe = `probe-${Math.random().toString(36).slice(2)}`;
    try {
      const account = probeAccount();
      await this.withTimeout(keytar.setPassword(this.service, account, probe));
      const back = await this.withTimeout(keytar.getPassword(this.service, account));
      await this.withTimeout(keytar.deletePassword(this.service, account));
      if (back !== probe) {
        return diagnoseKeychainFailure('the keychain accepted a test entry but returned something else when it was read back');
      }
      return { ok: true };
    } catch (e) {
      return diagnoseKeychainFailure(scrub(messageOf(e), probe));
    }
  }

  private load(): Promise<KeytarApi> {
    if (!this.keytar) {
      this.keytar = this.loader();
      // A failed load is not cached: the user may install libsecret and retry without a restart.
      this.keytar.catch(() => (this.keytar = undefined));
    }
    return this.keytar;
  }

  private async call<T>(account: string, op: (k: KeytarApi) => Promise<T>, value?: string): Promise<T> {
    let keytar: KeytarApi;
    try {
      keytar = await this.load();
    } catch (e) {
      const d = diagnoseLoadFailure(messageOf(e), account);
      throw new SecretError('keychain_unavailable', account, d.reason, d.howToFix);
    }
    try {
      return await this.withTimeout(op(keytar));
    } catch (e) {
      const d = diagnoseKeychainFailure(scrub(messageOf(e), value), account);
      throw new SecretError('keychain_unavailable', account, d.reason, d.howToFix);
    }
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the keychain did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref?.();
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}

export function checkAccount(account: string): void {
  if (typeof account !== 'string' || !ACCOUNT_PATTERN.test(account)) {
    throw new SecretError(
      'invalid_account',
      String(account),
      `"${String(account)}" is not a datasource name.`,
      'Secrets are stored per datasource; use the datasource name (lower snake_case, e.g. "business_primary").',
    );
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
