import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { openTestApp } from '../../helpers/app';
import { createApi, type Api } from '../../../src/main/api';
import { ApiError } from '../../../src/shared/api/errors';
import { appStorePath } from '../../../src/main/store/app-store';
import { closeTokens, tokensFor } from '../../../src/main/tokens';

let t: Awaited<ReturnType<typeof openTestApp>>;
let api: Api;
const jane = { user: 'jane.peacock', via: 'ui' as const };
const nancy = { user: 'nancy.edwards', via: 'ui' as const };
const andrew = { user: 'andrew.adams', via: 'ui' as const };

beforeAll(async () => {
  t = await openTestApp();
  api = createApi(t.app);
});
afterAll(async () => {
  closeTokens(t.app);
  await t.dispose();
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof ApiError ? e.code : String(e);
  }
}

describe('personal access tokens', () => {
  test('create shows the token once; the store keeps only a salted hash', async () => {
    const out = (await api.call('tokens.create', { name: 'notebook' }, jane)) as { token: string; info: { id: string; user: string; hint: string } };
    expect(out.token).toMatch(/^odp_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(out.info.user).toBe('jane.peacock');
    expect(out.info.hint).toBe(`odp_${out.info.id}_…`);
    const listed = JSON.stringify(await api.call('tokens.list', {}, jane));
    expect(listed).not.toContain(out.token.slice(17));

    const db = new Database(appStorePath(t.dataDir), { readonly: true });
    const rows = db.prepare('SELECT * FROM api_token').all() as Record<string, unknown>[];
    db.close();
    const secret = out.token.slice(17);
    for (const r of rows) for (const v of Object.values(r)) expect(String(v)).not.toContain(secret);
    const row = rows.find((r) => r.id === out.info.id)!;
    expect(row.salt).toBeTruthy();
    expect(row.hash).toBeTruthy();
    // Two tokens never share a salt.
    const other = (await api.call('tokens.create', { name: 'second' }, jane)) as { info: { id: string } };
    const db2 = new Database(appStorePath(t.dataDir), { readonly: true });
    const salts = db2.prepare('SELECT salt FROM api_token WHERE id IN (?, ?)').all(out.info.id, other.info.id) as { salt: string }[];
    db2.close();
    expect(new Set(salts.map((s) => s.salt)).size).toBe(2);
  });

  test('verify: right, wrong, malformed, revoked, expired', async () => {
    const store = tokensFor(t.app);
    const out = (await api.call('tokens.create', { name: 'script' }, nancy)) as { token: string; info: { id: string } };
    const ok = store.verify(out.token);
    expect(ok.ok && ok.token.user).toBe('nancy.edwards');
    const flipped = out.token.slice(0, -1) + (out.token.endsWith('A') ? 'B' : 'A');
    expect(store.verify(flipped)).toEqual({ ok: false, reason: 'wrong' });
    expect(store.verify('odp_nonsense')).toEqual({ ok: false, reason: 'malformed' });
    expect(store.verify(undefined)).toEqual({ ok: false, reason: 'missing' });
    await api.call('tokens.revoke', { id: out.info.id }, nancy);
    expect(store.verify(out.token)).toEqual({ ok: false, reason: 'revoked' });

    const expiring = (await api.call('tokens.create', { name: 'short', expiresInDays: 1 }, nancy)) as { token: string };
    expect(store.verify(expiring.token).ok).toBe(true);
    expect(store.verify(expiring.token, new Date(Date.now() + 2 * 86_400_000))).toEqual({ ok: false, reason: 'expired' });
  });

  test('a user lists and revokes only their own tokens; an administrator manages everyone\'s', async () => {
    const janes = (await api.call('tokens.create', { name: 'jane-bi' }, jane)) as { info: { id: string } };
    const list = (await api.call('tokens.list', {}, nancy)) as { user: string }[];
    expect(list.every((x) => x.user === 'nancy.edwards')).toBe(true);
    expect(await code(api.call('tokens.revoke', { id: janes.info.id }, nancy))).toBe('not_found');
    expect(await code(api.call('tokens.list', { all: true }, nancy))).toBe('forbidden');
    expect(await code(api.call('tokens.create', { name: 'x', user: 'jane.peacock' }, nancy))).toBe('forbidden');

    const all = (await api.call('tokens.list', { all: true }, andrew)) as { user: string }[];
    expect(new Set(all.map((x) => x.user))).toEqual(new Set(['jane.peacock', 'nancy.edwards']));
    const forJane = (await api.call('tokens.create', { name: 'for jane', user: 'jane.peacock' }, andrew)) as { info: { user: string; createdBy: string } };
    expect(forJane.info).toMatchObject({ user: 'jane.peacock', createdBy: 'andrew.adams' });
    expect(await code(api.call('tokens.create', { name: 'x', user: 'nobody' }, andrew))).toBe('bad_request');
    const revoked = (await api.call('tokens.revoke', { id: janes.info.id }, andrew)) as { revokedAt?: string };
    expect(revoked.revokedAt).toBeTruthy();
  });

  test('bad input is refused with a clear error and creates nothing', async () => {
    const before = ((await api.call('tokens.list', {}, jane)) as unknown[]).length;
    expect(await code(api.call('tokens.create', { name: '   ' }, jane))).toBe('bad_request');
    expect(await code(api.call('tokens.create', { name: 'x', expiresInDays: 0 }, jane))).toBe('bad_request');
    expect(await code(api.call('tokens.revoke', { id: 'odp_whole_token' }, jane))).toBe('bad_request');
    expect(((await api.call('tokens.list', {}, jane)) as unknown[]).length).toBe(before);
  });
});
