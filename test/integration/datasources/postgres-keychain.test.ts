/**
 * A PostgreSQL datasource added from the API with its password in the real OS keychain (gnome-keyring under
 * scripts/with-keychain.sh): add, test, query through `data.query`, rotate, remove — then a leak scan.
 *
 * The test server trusts every 127.0.0.1 login, so it cannot reject a wrong password. What proves the
 * password: the value in the keychain reproduces the role's SCRAM-SHA-256 verifier in pg_authid (and after
 * a rotation the old value no longer does), and pg_stat_activity shows the app's sessions logged in as that
 * role. Wrong-password rejection is tested on MariaDB (mariadb-keychain.test.ts), which does check it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeychainSecretStore } from '../../../src/main/secrets';
import { NO_KEYCHAIN_SESSION, keychainSession, randomPassword } from '../../helpers/keychain';
import { scanForSecret } from '../../helpers/leak-scan';
import { grantReadInCopy, openScratchApp, type ScratchApp } from '../../unit/datasources/helpers';
import { PG_ADMIN, createPgTenant, itemObjectSource, scramMatches, unique } from './servers';

if (!keychainSession()) console.warn(`[datasources] skipping the PostgreSQL keychain test: ${NO_KEYCHAIN_SESSION}`);

describe.skipIf(!keychainSession())('PostgreSQL datasource with its password in the OS keychain', () => {
  const keychain = new KeychainSecretStore();
  const first = randomPassword();
  const second = randomPassword();
  const name = unique('it_dsm_pg');
  let tenant: Awaited<ReturnType<typeof createPgTenant>>;
  let env: ScratchApp;
  const logged: string[] = [];

  beforeAll(async () => {
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[level].bind(console);
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
        original(...args);
      });
    }
    tenant = await createPgTenant(first);
    env = await openScratchApp(); // the real OS keychain, as in the app
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await keychain.delete(name).catch(() => false);
    await env?.dispose();
    await tenant?.drop();
  });

  const draft = () => ({
    name,
    label: 'Business (PostgreSQL)',
    driver: 'postgres' as const,
    config: { host: PG_ADMIN.host, port: PG_ADMIN.port, database: tenant.database, user: tenant.role },
    pool: { max: 3 },
  });
  const query = () => env.call<{ rows: Array<{ id: number; name: string }> }>('data.query', { query: { object: 'biz_item', fields: ['id', 'name'], orderBy: [{ field: 'id', order: 'asc' }] } });

  it('adds, uses, rotates and deletes the password end to end, and it leaks nowhere', async () => {
    // Test the draft with the typed password before anything is saved.
    const tested = await env.call<{ ok: boolean; serverVersion?: string }>('datasources.test', { draft: draft(), password: first });
    expect(tested).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^PostgreSQL \d+/) });
    expect(await keychain.get(name)).toBeNull();

    // Add: the keychain holds exactly the value that reproduces the role's verifier.
    const saved = await env.call('datasources.save', { draft: draft(), password: first });
    expect(saved).toMatchObject({ created: true, password: 'set', workspace: { problems: 0 } });
    const stored1 = await keychain.get(name);
    expect(stored1).toBe(first);
    expect(scramMatches(await tenant.verifier(), stored1!)).toBe(true);

    // Use: an object on the new datasource, queried through the API as the signed-in user.
    writeFileSync(path.join(env.workspace, 'biz_item.object.ts'), itemObjectSource('biz_item', name));
    grantReadInCopy(env.workspace, 'biz_item');
    await env.app.reload();
    expect(env.app.problems).toEqual([]);
    expect((await query()).rows).toEqual([
      { id: 1, name: 'first' },
      { id: 2, name: 'second' },
      { id: 3, name: 'third' },
    ]);
    expect(await tenant.sessionUsers(`objectdesk:${name}`)).toEqual([tenant.role]);
    const [status] = await env.call<Array<Record<string, unknown>>>('datasources.status', { names: [name], check: true });
    expect(status).toMatchObject({ name, connected: true, serverVersion: expect.stringMatching(/^PostgreSQL/) });
    expect(status.poolSize).toBeGreaterThanOrEqual(1);
    expect(status.poolSize).toBeLessThanOrEqual(3);
    const listed = (await env.call<{ datasources: Array<{ name: string; password: unknown; usedBy: string[] }> }>('datasources.list', {})).datasources.find((d) => d.name === name);
    expect(listed).toMatchObject({ password: { source: 'keychain', stored: true }, usedBy: ['biz_item'] });

    // Rotate: server and keychain get the new value; the reloaded driver connects with it.
    await tenant.setPassword(second);
    expect(await env.call('datasources.save', { draft: draft(), password: second, previousName: name })).toMatchObject({ password: 'set', created: false });
    const stored2 = await keychain.get(name);
    expect(stored2).toBe(second);
    expect(scramMatches(await tenant.verifier(), stored2!)).toBe(true);
    expect(scramMatches(await tenant.verifier(), first)).toBe(false);
    expect((await query()).rows).toHaveLength(3);
    expect(await tenant.sessionUsers(`objectdesk:${name}`)).toEqual([tenant.role]);

    // Delete: the file and the keychain entry go (forced: an object still reads from it).
    const removed = await env.call('datasources.remove', { name, force: true });
    expect(removed).toMatchObject({ keychainEntryRemoved: true });
    expect(await keychain.get(name)).toBeNull();
    expect(env.app.partial.datasources.has(name)).toBe(false);

    // Leak scan: the workspace, the app data folder (settings, audit log, caches), everything logged and
    // every API answer and error of the flow.
    // The audit log (the app store in the data folder) recorded the flow's reads, so it is really scanned.
    expect(existsSync(path.join(env.dataDir, 'objectdesk.sqlite'))).toBe(true);
    const extra = { 'console output': logged.join('\n'), 'API answers and errors': env.transcript.join('\n') };
    for (const secret of [first, second]) {
      expect(await scanForSecret(secret, [env.workspace, env.dataDir], { extra })).toEqual([]);
    }
    // The scan does look: the transcript really holds the answers of the flow.
    expect(env.transcript.join('\n')).toContain('"serverVersion":"PostgreSQL');
  });
});
