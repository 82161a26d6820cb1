import { describe, expect, it, vi } from 'vitest';
import { KeychainSecretStore, SecretError, type KeytarApi } from '../../../src/main/secrets';

const SECRET = 'S3cr3t-value-7f2a';

function fakeKeytar(overrides: Partial<KeytarApi> = {}): KeytarApi {
  const entries = new Map<string, string>();
  return {
    getPassword: async (s, a) => entries.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => void entries.set(`${s}/${a}`, p),
    deletePassword: async (s, a) => entries.delete(`${s}/${a}`),
    ...overrides,
  };
}

async function caught(p: Promise<unknown>): Promise<SecretError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SecretError);
    return e as SecretError;
  }
  throw new Error('expected a SecretError');
}

describe('KeychainSecretStore', () => {
  it('stores under service "objectdesk" with the datasource name as account', async () => {
    const keytar = fakeKeytar();
    const set = vi.spyOn(keytar, 'setPassword');
    const store = new KeychainSecretStore({ loader: async () => keytar });
    await store.set('business_primary', SECRET);
    expect(set).toHaveBeenCalledWith('objectdesk', 'business_primary', SECRET);
    expect(await store.get('business_primary')).toBe(SECRET);
    expect(await store.has('business_primary')).toBe(true);
    expect(await store.delete('business_primary')).toBe(true);
    expect(await store.has('business_primary')).toBe(false);
    expect(await store.delete('business_primary')).toBe(false);
  });

  it('does not load keytar until the store is used', async () => {
    const loader = vi.fn(async () => fakeKeytar());
    const store = new KeychainSecretStore({ loader });
    expect(loader).not.toHaveBeenCalled();
    await store.has('a_b');
    expect(loader).toHaveBeenCalledTimes(1);
  });

  it('explains a missing libsecret instead of crashing, and retries the load later', async () => {
    const loader = vi
      .fn<() => Promise<KeytarApi>>()
      .mockRejectedValueOnce(new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory'))
      .mockResolvedValue(fakeKeytar());
    const store = new KeychainSecretStore({ loader });
    const availability = await store.available();
    expect(availability.ok).toBe(false);
    if (!availability.ok) {
      expect(availability.reason).toMatch(/keychain library could not be loaded/);
      expect(availability.howToFix).toMatch(/process\.env\./);
      expect(availability.howToFix).toMatch(/never falls back to storing passwords in a plaintext file/);
    }
    expect((await store.available()).ok).toBe(true);
  });

  it('reports a headless Linux without D-Bus plainly and offers the environment variable route', async () => {
    const fail = async () => {
      throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
    };
    const store = new KeychainSecretStore({ loader: async () => fakeKeytar({ getPassword: fail, setPassword: fail }) });
    const availability = await store.available();
    expect(availability).toMatchObject({ ok: false, reason: expect.stringMatching(/No OS keychain is available: there is no D-Bus session/) });
    const err = await caught(store.get('business_primary'));
    expect(err.code).toBe('keychain_unavailable');
    expect(err.howToFix).toContain('process.env.BUSINESS_PRIMARY_PASSWORD');
  });

  it('reports a locked keyring as locked', async () => {
    const store = new KeychainSecretStore({
      loader: async () =>
        fakeKeytar({
          setPassword: async () => {
            throw new Error('Cannot create an item in a locked collection');
          },
        }),
    });
    const availability = await store.available();
    expect(availability.ok).toBe(false);
    if (!availability.ok) expect(availability.reason).toMatch(/locked/);
  });

  it('never lets the value reach an error, even when the native layer echoes it', async () => {
    const store = new KeychainSecretStore({
      loader: async () =>
        fakeKeytar({
          setPassword: async (_s, _a, p) => {
            throw Object.assign(new Error(`write failed for ${p}`), { password: p });
          },
        }),
    });
    const err = await caught(store.set('business_primary', SECRET));
    expect(err.message).not.toContain(SECRET);
    expect(JSON.stringify(err)).not.toContain(SECRET);
    expect(String(err.stack)).not.toContain(SECRET);
    expect(Object.values(err).join(' ')).not.toContain(SECRET);
  });

  it('answers instead of hanging when the keychain never replies', async () => {
    const store = new KeychainSecretStore({
      timeoutMs: 20,
      loader: async () => fakeKeytar({ getPassword: () => new Promise<string | null>(() => {}) }),
    });
    const err = await caught(store.get('business_primary'));
    expect(err.reason).toMatch(/did not answer/);
  });

  it('refuses account names that are not datasource names and empty values', async () => {
    const store = new KeychainSecretStore({ loader: async () => fakeKeytar() });
    expect((await caught(store.get('Bad Name'))).code).toBe('invalid_account');
    expect((await caught(store.set('', 'x'))).code).toBe('invalid_account');
    expect((await caught(store.set('ok_name', ''))).code).toBe('invalid_value');
  });
});
