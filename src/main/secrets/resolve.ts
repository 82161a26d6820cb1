/**
 * Resolves `secret('name')` references from datasource files into passwords, for the drivers
 * (`ctx.resolveSecret`). Failures name the datasource and the two ways to provide a password — never a value.
 */
import type { SecretRef } from '../metadata/datasource';
import { SecretError, envRoute } from './errors';
import { checkAccount } from './keychain-store';
import { SECRET_SERVICE, type SecretStore } from './store';

export type ResolveSecret = (ref: SecretRef) => Promise<string>;

export function createSecretResolver(store: SecretStore): ResolveSecret {
  return async (ref) => {
    const account = ref?.$secret;
    checkAccount(account);
    let value: string | null;
    try {
      value = await store.get(account);
    } catch (e) {
      if (e instanceof SecretError && e.code === 'keychain_unavailable') {
        throw new SecretError(
          'keychain_unavailable',
          account,
          `Datasource "${account}" takes its password from the OS keychain (secret('${account}')), but: ${e.reason}`,
          e.howToFix,
        );
      }
      throw e;
    }
    if (value === null || value === '') {
      // A keychain that can be read but not written (no login keyring, locked) would make the suggested
      // `secret set` fail too; say so now rather than send the user on a detour.
      const availability = await store.available();
      if (!availability.ok) {
        throw new SecretError(
          'keychain_unavailable',
          account,
          `No password for datasource "${account}" in the OS keychain, and the keychain cannot store one here: ${availability.reason}`,
          availability.howToFix,
        );
      }
      throw new SecretError(
        'secret_missing',
        account,
        `No password for datasource "${account}" in the OS keychain (service "${SECRET_SERVICE}", account "${account}").`,
        `Store it with \`objectdesk secret set ${account}\` (reads it from stdin or a hidden prompt), or ${envRoute(account)}.`,
      );
    }
    return value;
  };
}
