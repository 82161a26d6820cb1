/**
 * The secrets area: datasource passwords in the OS keychain (service "objectdesk", account = datasource
 * name) or, by the datasource file's own choice, in `process.env`. The keychain is the only store the app
 * can select; there is no plaintext fallback.
 */
import { KeychainSecretStore } from './keychain-store';
import { createSecretResolver } from './resolve';
import type { SecretStore } from './store';

export { SECRET_SERVICE, ACCOUNT_PATTERN, suggestedEnvVar, type Availability, type SecretStore } from './store';
export { SecretError, type SecretErrorCode } from './errors';
export { KeychainSecretStore, checkAccount, type KeychainStoreOptions, type KeytarApi } from './keychain-store';
export { createSecretResolver, type ResolveSecret } from './resolve';

let shared: SecretStore | undefined;

/** The app's secret store: always the OS keychain. */
export function defaultSecretStore(): SecretStore {
  return (shared ??= new KeychainSecretStore());
}

/** `ctx.resolveSecret` for the drivers, backed by the OS keychain. */
export function resolveSecret(ref: { $secret: string }): Promise<string> {
  return createSecretResolver(defaultSecretStore())(ref);
}
