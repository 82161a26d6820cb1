/**
 * A MariaDB datasource with its password in the real OS keychain. Unlike the local PostgreSQL, MariaDB
 * checks passwords, so this is where a wrong password must be rejected with the driver's specific error
 * (auth_failed) — when typed in the form, and when a wrong value is in the keychain — and where the right
 * one must work again after a rotation.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/api/errors';
import { KeychainSecretStore } from '../../../src/main/secrets';
import { NO_KEYCHAIN_SESSION, keychainSession, randomPassword } from '../../helpers/keychain';
import { scanForSecret } from '../../helpers/leak-scan';
import { grantReadInCopy, openScratchApp, type ScratchApp } from '../../unit/datasources/helpers';
import { MY_ADMIN, createMysqlTenant, itemObjectSource, unique } from './servers';

if (!keychainSession()) console.warn(`[datasources] skipping the MariaDB keychain test: ${NO_KEYCHAIN_SESSION}`);

describe.skipIf(!keychainSession())('MariaDB datasource: wrong passwords are rejected with auth_failed', () => {
  const keychain = new KeychainSecretStore();
  const right = randomPassword();
  const wrong = randomPassword();
  const name = unique('it_dsm_my');
  let tenant: Awaited<ReturnType<typeof createMysqlTenant>>;
  let env: ScratchApp;

  beforeAll(async () => {
    tenant = await createMysqlTenant(right);
    env = await openScratchApp();
  });
  afterAll(async () => {
    await keychain.delete(name).catch(() => false);
    await env?.dispose();
    await tenant?.drop();
  });

  const draft = () => ({ name, driver: 'mysql' as const, config: { host: MY_ADMIN.host, port: MY_ADMIN.port, database: tenant.database, user: tenant.user } });

  it('tests, saves, rejects a wrong password, recovers after a rotation and removes the entry', async () => {
    const bad = await env.call<{ ok: false; code: string; message: string }>('datasources.test', { draft: draft(), password: wrong });
    expect(bad).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(bad.message).toContain(`rejected user "${tenant.user}"`);
    expect(await env.call('datasources.test', { draft: draft(), password: right })).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^MariaDB/) });

    await env.call('datasources.save', { draft: draft(), password: right });
    expect(await keychain.get(name)).toBe(right);
    // Without a typed password the test uses the stored one.
    expect(await env.call('datasources.test', { draft: draft() })).toMatchObject({ ok: true });
    writeFileSync(path.join(env.workspace, 'shop_item.object.ts'), itemObjectSource('shop_item', name));
    grantReadInCopy(env.workspace, 'shop_item');
    await env.app.reload();
    const q = { query: { object: 'shop_item', fields: ['id', 'name'], orderBy: [{ field: 'id', order: 'asc' }] } };
    expect((await env.call<{ rows: unknown[] }>('data.query', q)).rows).toEqual([
      { id: 1, name: 'first' },
      { id: 2, name: 'second' },
    ]);

    // A wrong value in the keychain: status and queries say the server rejected the user.
    await env.call('datasources.save', { draft: draft(), password: wrong, previousName: name });
    expect(await keychain.get(name)).toBe(wrong);
    const [status] = await env.call<Array<{ connected: boolean; error?: { code: string; message: string } }>>('datasources.status', { names: [name], check: true });
    expect(status.connected).toBe(false);
    expect(status.error?.code).toBe('auth_failed');
    const failed = await env.call('data.query', q).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ApiError);
    expect((failed as ApiError).code).toBe('unavailable');
    expect((failed as ApiError).message).toMatch(/rejected user/);

    // Rotate back to the right one.
    await env.call('datasources.save', { draft: draft(), password: right, previousName: name });
    expect((await env.call<{ rows: unknown[] }>('data.query', q)).rows).toHaveLength(2);
    const [ok] = await env.call<Array<{ connected: boolean; serverVersion: string | null; poolSize: number }>>('datasources.status', { names: [name], check: true });
    expect(ok).toMatchObject({ connected: true, serverVersion: expect.stringMatching(/^MariaDB/) });
    expect(ok.poolSize).toBeGreaterThanOrEqual(1);

    expect(await env.call('datasources.remove', { name, force: true })).toMatchObject({ keychainEntryRemoved: true });
    expect(await keychain.get(name)).toBeNull();

    for (const secret of [right, wrong]) {
      expect(await scanForSecret(secret, [env.workspace, env.dataDir], { extra: { 'API answers and errors': env.transcript.join('\n') } })).toEqual([]);
    }
  });
});
