/**
 * A PostgreSQL password kept in the real OS keychain, end to end: add, use, rotate, delete.
 *
 * The test server accepts every TCP login from 127.0.0.1 ("trust" in pg_hba.conf), so a successful
 * connection alone proves nothing about the password. What does prove it: the role's SCRAM-SHA-256
 * verifier in pg_authid (readable by the superuser) is recomputed from the value the resolver handed to the
 * connection config and must match it — and must NOT match the previous value after a rotation. That
 * check depends only on the server's stored verifier, not on pg_hba.conf. What it cannot show is the
 * server rejecting a wrong password on this machine; that needs a password-auth pg_hba rule the suite
 * does not control.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG } from '../../helpers/databases';
import { KeychainSecretStore, SecretError, createSecretResolver, type ResolveSecret } from '../../../src/main/secrets';
import type { SecretRef } from '../../../src/main/metadata/datasource';
import { NO_KEYCHAIN_SESSION, keychainSession, randomPassword, uniqueAccount } from '../../helpers/keychain';

const admin = { ...PG, database: 'postgres' };

/** Recomputes a SCRAM-SHA-256 verifier (RFC 5802/7677) for `password` with the stored salt and iterations. */
function scramMatches(verifier: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) throw new Error(`not a SCRAM-SHA-256 verifier: ${verifier.slice(0, 14)}…`);
  const [, iterations, salt, storedKey, serverKey] = m;
  const salted = pbkdf2Sync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), Number(iterations), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return (
    createHash('sha256').update(clientKey).digest('base64') === storedKey &&
    createHmac('sha256', salted).update('Server Key').digest('base64') === serverKey
  );
}

if (!keychainSession()) console.warn(`[secrets] skipping PostgreSQL keychain test: ${NO_KEYCHAIN_SESSION}`);

describe.skipIf(!keychainSession())('PostgreSQL password from the OS keychain', () => {
  const store = new KeychainSecretStore();
  const datasource = uniqueAccount('it_pg');
  const role = `od_secret_${randomBytes(5).toString('hex')}`;
  let adminClient: pg.Client;
  let resolve: ResolveSecret;

  /** What a driver does with `password: secret(name)`: resolve it into the connection config. */
  async function connectionConfig(password: SecretRef): Promise<pg.ClientConfig> {
    return { host: '127.0.0.1', port: 5432, database: 'postgres', user: role, password: await resolve(password) };
  }

  async function setRolePassword(value: string) {
    await adminClient.query(`ALTER ROLE ${adminClient.escapeIdentifier(role)} PASSWORD ${adminClient.escapeLiteral(value)}`);
  }

  async function verifier(): Promise<string> {
    const r = await adminClient.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
    return r.rows[0].rolpassword;
  }

  async function connectAs(config: pg.ClientConfig): Promise<string> {
    const c = new pg.Client(config);
    await c.connect();
    try {
      return (await c.query<{ u: string }>('SELECT current_user AS u')).rows[0].u;
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    adminClient = new pg.Client(admin);
    await adminClient.connect();
    await adminClient.query("SET password_encryption = 'scram-sha-256'");
    await adminClient.query(`CREATE ROLE ${adminClient.escapeIdentifier(role)} LOGIN`);
    resolve = createSecretResolver(store);
  });

  afterAll(async () => {
    await store.delete(datasource).catch(() => false);
    if (adminClient) {
      await adminClient.query(`DROP ROLE IF EXISTS ${adminClient.escapeIdentifier(role)}`);
      await adminClient.end();
    }
  });

  it('adds, uses, rotates and deletes the password', async () => {
    const ref = { $secret: datasource };
    const first = randomPassword();
    await setRolePassword(first);
    await store.set(datasource, first);

    const config1 = await connectionConfig(ref);
    expect(config1.password).toBe(first);
    expect(scramMatches(await verifier(), config1.password as string)).toBe(true);
    expect(scramMatches(await verifier(), `${first}x`)).toBe(false);
    expect(await connectAs(config1)).toBe(role);

    // Rotation: the server and the keychain get the new value; the driver now receives it, and the old
    // value no longer matches the role's verifier.
    const second = randomPassword();
    await setRolePassword(second);
    await store.set(datasource, second);
    const config2 = await connectionConfig(ref);
    expect(config2.password).toBe(second);
    expect(scramMatches(await verifier(), second)).toBe(true);
    expect(scramMatches(await verifier(), first)).toBe(false);
    expect(await connectAs(config2)).toBe(role);

    // Deletion: the driver gets an actionable error instead of a password, and the error holds no value.
    expect(await store.delete(datasource)).toBe(true);
    const err = await connectionConfig(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).code).toBe('secret_missing');
    expect((err as SecretError).message).toContain(`objectdesk secret set ${datasource}`);
    const everything = JSON.stringify(err) + String((err as Error).stack);
    expect(everything).not.toContain(first);
    expect(everything).not.toContain(second);
  });
});
