/**
 * The secret store against a real OS keychain (gnome-keyring's Secret Service over D-Bus). Run inside
 * scripts/with-keychain.sh, which provides a throwaway keyring; the entries use unique account names and
 * are removed afterwards, so running in a desktop session does not disturb the user's own entries.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runSecret } from '../../../src/main/cli/commands/secret';
import { KeychainSecretStore, SecretError, createSecretResolver } from '../../../src/main/secrets';
import { NO_KEYCHAIN_SESSION, keychainSession, randomPassword, uniqueAccount } from '../../helpers/keychain';

if (!keychainSession()) console.warn(`[secrets] skipping real-keychain tests: ${NO_KEYCHAIN_SESSION}`);

describe.skipIf(!keychainSession())('OS keychain secret store', () => {
  const store = new KeychainSecretStore();
  const used: string[] = [];
  const account = () => {
    const a = uniqueAccount();
    used.push(a);
    return a;
  };
  afterEach(async () => {
    for (const a of used.splice(0)) await store.delete(a);
  });

  it('is available', async () => {
    expect(await store.available()).toEqual({ ok: true });
  });

  it('sets, gets, rotates and deletes an entry, value for value', async () => {
    const a = account();
    const first = randomPassword();
    const second = randomPassword();
    expect(await store.has(a)).toBe(false);
    expect(await store.get(a)).toBeNull();

    await store.set(a, first);
    expect(await store.has(a)).toBe(true);
    expect(await store.get(a)).toBe(first);

    await store.set(a, second);
    expect(await store.get(a)).toBe(second);

    expect(await store.delete(a)).toBe(true);
    expect(await store.has(a)).toBe(false);
    expect(await store.get(a)).toBeNull();
    expect(await store.delete(a)).toBe(false);
  });

  it('keeps entries of different datasources apart', async () => {
    const a = account();
    const b = account();
    await store.set(a, 'value-for-a-123');
    await store.set(b, 'value-for-b-456');
    await store.delete(a);
    expect(await store.get(a)).toBeNull();
    expect(await store.get(b)).toBe('value-for-b-456');
  });

  it('stores under service "objectdesk", where another client of the keychain finds it', async () => {
    const a = account();
    const value = randomPassword();
    await store.set(a, value);
    const keytar = (await import('keytar')).default;
    expect(await keytar.getPassword('objectdesk', a)).toBe(value);
    expect(await keytar.getPassword('some-other-service', a)).toBeNull();
  });

  it('resolves secret() references and says how to fix a missing one', async () => {
    const a = account();
    const resolve = createSecretResolver(store);
    const value = randomPassword();
    await store.set(a, value);
    expect(await resolve({ $secret: a })).toBe(value);
    await store.delete(a);
    const err = await resolve({ $secret: a }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).code).toBe('secret_missing');
    expect((err as SecretError).message).toContain(`objectdesk secret set ${a}`);
    expect((err as SecretError).message).not.toContain(value);
  });

  it('the CLI sets from stdin, reports status without the value, and deletes', async () => {
    const a = account();
    const value = randomPassword();
    const run = async (action: 'set' | 'status' | 'delete', input = '') => {
      let out = '';
      let err = '';
      const stdin = new PassThrough();
      stdin.end(input);
      const code = await runSecret(
        { action, datasource: a, workspace: '.' },
        {
          stdin,
          out: new PassThrough().on('data', (c) => (out += c)),
          err: new PassThrough().on('data', (c) => (err += c)),
          isTTY: false,
        },
      );
      return { code, out, err };
    };
    const set = await run('set', `${value}\n`);
    expect(set.code).toBe(0);
    expect(await store.get(a)).toBe(value);
    const present = await run('status');
    expect(present).toMatchObject({ code: 0, out: expect.stringMatching(/present/) });
    const del = await run('delete');
    expect(del.code).toBe(0);
    expect(await store.has(a)).toBe(false);
    const absent = await run('status');
    expect(absent.code).toBe(1);
    expect(JSON.stringify([set, present, del, absent])).not.toContain(value);
  });
});
