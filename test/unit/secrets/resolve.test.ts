import { describe, expect, it } from 'vitest';
import { createSecretResolver, SecretError } from '../../../src/main/secrets';
import { InMemorySecretStoreForTests } from '../../helpers/keychain';

async function caught(p: Promise<unknown>): Promise<SecretError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SecretError);
    return e as SecretError;
  }
  throw new Error('expected a SecretError');
}

describe('createSecretResolver', () => {
  it('returns exactly the stored value, and the new one after rotation', async () => {
    const store = new InMemorySecretStoreForTests();
    const resolve = createSecretResolver(store);
    await store.set('business_primary', 'first value');
    expect(await resolve({ $secret: 'business_primary' })).toBe('first value');
    await store.set('business_primary', 'second value');
    expect(await resolve({ $secret: 'business_primary' })).toBe('second value');
  });

  it('says how to provide a missing password: the CLI or an environment variable', async () => {
    const resolve = createSecretResolver(new InMemorySecretStoreForTests());
    const err = await caught(resolve({ $secret: 'business_primary' }));
    expect(err.code).toBe('secret_missing');
    expect(err.message).toContain('objectdesk secret set business_primary');
    expect(err.message).toContain('process.env.BUSINESS_PRIMARY_PASSWORD');
    expect(err.message).toContain('service "objectdesk"');
  });

  it('names the datasource and the environment variable route when there is no keychain', async () => {
    const store = new InMemorySecretStoreForTests();
    store.get = async (account) => {
      throw new SecretError('keychain_unavailable', account, 'No OS keychain is available.', 'Use process.env.X.');
    };
    const err = await caught(createSecretResolver(store)({ $secret: 'warehouse' }));
    expect(err.code).toBe('keychain_unavailable');
    expect(err.message).toMatch(/^Datasource "warehouse" takes its password from the OS keychain/);
    expect(err.howToFix).toContain('process.env');
  });

  it('reports a keychain that can be read but cannot store anything, instead of suggesting `secret set`', async () => {
    const store = new InMemorySecretStoreForTests({ ok: false, reason: 'No login keyring.', howToFix: 'Use process.env.X.' });
    const err = await caught(createSecretResolver(store)({ $secret: 'warehouse' }));
    expect(err.code).toBe('keychain_unavailable');
    expect(err.message).toContain('No login keyring.');
    expect(err.howToFix).toContain('process.env');
  });

  it('refuses a reference that is not a datasource name', async () => {
    const err = await caught(createSecretResolver(new InMemorySecretStoreForTests())({ $secret: '../etc/passwd' }));
    expect(err.code).toBe('invalid_account');
  });
});
