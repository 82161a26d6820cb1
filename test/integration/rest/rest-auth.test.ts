// Who may call the API: personal access tokens only, 401 with a JSON error otherwise; the usual headers,
// a body size limit, a rate limit per token, loopback Host checks.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type Harness } from './harness';
import { startApiServer } from '../../../src/main/rest/api-server';
import { tokensFor } from '../../../src/main/tokens';
import { rawRequest } from '../../helpers/http';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.dispose();
});

const ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/v1/objects'],
  ['GET', '/api/v1/objects/invoice'],
  ['GET', '/api/v1/openapi.json'],
  ['GET', '/api/v1/data/invoice'],
  ['GET', '/api/v1/data/invoice/98'],
  ['POST', '/api/v1/data/invoice', { total: '1.00' }],
  ['PATCH', '/api/v1/data/invoice/98', { total: '1.00' }],
  ['DELETE', '/api/v1/data/invoice/98'],
  ['POST', '/api/v1/query', { object: 'invoice' }],
  ['POST', '/api/v1/aggregate', { object: 'invoice', aggregations: [{ function: 'count', alias: 'n' }] }],
  ['POST', '/graphql', { query: '{ me }' }],
  ['GET', '/graphql?query=%7Bme%7D'],
  ['GET', '/api/v1/no-such-route'],
];

async function expect401(res: Response, message: RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('unauthorized');
  expect(body.error.message).toMatch(message);
}

describe('authentication', () => {
  test.each(ROUTES)('%s %s without a token → 401 JSON', async (method, path, body) => {
    const res = await fetch(`${h.server.origin}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    await expect401(res, /Authorization: Bearer/);
  });

  test('a wrong token, a malformed one, and another scheme → 401', async () => {
    const good = h.tokens['jane.peacock'];
    const wrong = good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA');
    await expect401(await h.get('/api/v1/objects', { token: wrong }), /wrong/);
    await expect401(await h.get('/api/v1/objects', { token: 'not-a-token' }), /not an ObjectDesk personal access token/);
    await expect401(await fetch(`${h.server.origin}/api/v1/objects`, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), /not an ObjectDesk/);
    // The UI's per-launch token is no API token.
    await expect401(await h.get('/api/v1/objects', { token: 'abc'.repeat(14) }), /not an ObjectDesk/);
  });

  test('a token is refused from the moment it is revoked', async () => {
    const created = (await h.direct.call('tokens.create', { name: 'short-lived' }, { user: 'nancy.edwards', via: 'ui' })) as { token: string; info: { id: string } };
    expect((await h.get('/api/v1/objects', { token: created.token })).status).toBe(200);
    await h.direct.call('tokens.revoke', { id: created.info.id }, { user: 'nancy.edwards', via: 'ui' });
    await expect401(await h.get('/api/v1/objects', { token: created.token }), /revoked/);
    await expect401(await h.send('POST', '/graphql', { query: '{ me }' }, { headers: { authorization: `Bearer ${created.token}` } }), /revoked/);
  });

  test('a token whose user is no longer in the workspace → 401', async () => {
    const { token } = tokensFor(h.app).create({ user: 'ghost.user', name: 'orphan', createdBy: 'andrew.adams' });
    await expect401(await h.get('/api/v1/objects', { token }), /no longer a user/);
  });

  test('each request runs as the token\'s user', async () => {
    for (const user of ['jane.peacock', 'nancy.edwards'] as const) {
      const res = await h.send('POST', '/graphql', { query: '{ me }' }, { user });
      expect(await res.json()).toEqual({ data: { me: user } });
    }
  });
});

describe('transport limits and headers', () => {
  test('security headers and no caching', async () => {
    const res = await h.get('/api/v1/objects');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a body over the limit → 413, nothing run', async () => {
    h.resetCalls();
    const res = await h.send('POST', '/api/v1/query', { object: 'invoice', where: { billing_city: 'x'.repeat(1_100_000) } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/larger than/);
    expect(h.calls.get('data.query') ?? 0).toBe(0);
  });

  test('a foreign Host header is refused on loopback (DNS rebinding)', async () => {
    const res = await rawRequest(h.server.port, { path: '/api/v1/objects', headers: { host: 'evil.example:80', authorization: `Bearer ${h.tokens['andrew.adams']}` } });
    expect(res.status).toBe(403);
  });

  test('rate limit per token: 429 with Retry-After, other tokens unaffected', async () => {
    const server = await startApiServer({ api: h.api, rateLimit: { burst: 3, perSecond: 0.001 } });
    try {
      const call = (user: 'jane.peacock' | 'nancy.edwards') => fetch(`${server.origin}/api/v1/objects`, { headers: { authorization: `Bearer ${h.tokens[user]}` } });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call('jane.peacock')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await call('jane.peacock');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call('nancy.edwards')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
