// Writes over REST pass the three keys of governance (datasource, object, permission); every REST and
// GraphQL call is audited as the token's user with via rest / graphql.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { governanceWorkspace } from '../../unit/security/workspace';
import { startHarness, type Harness } from './harness';

let h: Harness;
let sqliteFile: string;
beforeAll(async () => {
  const ws = governanceWorkspace({ writable: ['customer', 'playlist_track'], janeWrites: true });
  sqliteFile = ws.sqliteFile!;
  h = await startHarness({ workspaceDir: ws.dir });
});
afterAll(async () => {
  await h?.dispose();
});

const count = (sql: string, ...params: unknown[]) => {
  const db = new Database(sqliteFile, { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
};
const body = async (res: Response) => (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } };

describe('REST writes through governance', () => {
  test('PATCH a record the user may edit; a record outside their rules is the same 404 as a missing one', async () => {
    const res = await h.send('PATCH', '/api/v1/data/customer/1', { city: 'Lisboa' }, { user: 'jane.peacock' });
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ object: 'customer', rowCount: 1, key: { customer_id: 1 } });
    expect(count("SELECT COUNT(*) AS n FROM Customer WHERE CustomerId = 1 AND City = 'Lisboa'")).toBe(1);

    const outside = await h.send('PATCH', '/api/v1/data/customer/2', { city: 'X' }, { user: 'jane.peacock' }); // rep 5
    const missing = await h.send('PATCH', '/api/v1/data/customer/99999', { city: 'X' }, { user: 'jane.peacock' });
    expect(outside.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(count("SELECT COUNT(*) AS n FROM Customer WHERE City = 'X'")).toBe(0);
  });

  test('a field the user may not edit, or a user without edit permission → 403, 0 rows changed', async () => {
    const company = await h.send('PATCH', '/api/v1/data/customer/1', { company: 'ACME' }, { user: 'jane.peacock' });
    expect(company.status).toBe(403);
    const nancy = await h.send('PATCH', '/api/v1/data/customer/1', { city: 'Nancyville' }, { user: 'nancy.edwards' });
    expect(nancy.status).toBe(403);
    expect(count("SELECT COUNT(*) AS n FROM Customer WHERE Company = 'ACME' OR City = 'Nancyville'")).toBe(0);
    // invoice is not writable (object key off), even for the general manager.
    const inv = await h.send('PATCH', '/api/v1/data/invoice/98', { billing_city: 'Y' }, { user: 'andrew.adams' });
    expect(inv.status).toBe(403);
    expect(count("SELECT COUNT(*) AS n FROM Invoice WHERE BillingCity = 'Y'")).toBe(0);
  });

  test('composite keys: DELETE then POST a playlist_track', async () => {
    const before = count('SELECT COUNT(*) AS n FROM PlaylistTrack');
    const del = await h.send('DELETE', '/api/v1/data/playlist_track/1,3402', undefined, { user: 'jane.peacock' });
    expect(await body(del)).toEqual({ object: 'playlist_track', rowCount: 1, key: { playlist_id: 1, track_id: 3402 } });
    expect(count('SELECT COUNT(*) AS n FROM PlaylistTrack')).toBe(before - 1);
    expect((await h.get('/api/v1/data/playlist_track/1,3402', { user: 'jane.peacock' })).status).toBe(404);
    const created = await h.send('POST', '/api/v1/data/playlist_track', { playlist_id: 1, track_id: 3402 }, { user: 'jane.peacock' });
    expect(created.status).toBe(201);
    expect(count('SELECT COUNT(*) AS n FROM PlaylistTrack')).toBe(before);
  });

  test('bad write bodies are 400 and change nothing', async () => {
    for (const b of ['not json', '[1,2]', '{"city": 42}']) {
      const res = await h.send('PATCH', '/api/v1/data/customer/1', b, { user: 'jane.peacock' });
      expect(res.status).toBe(400);
    }
    expect(count("SELECT COUNT(*) AS n FROM Customer WHERE CustomerId = 1 AND City = 'Lisboa'")).toBe(1);
  });
});

describe('audit', () => {
  test('REST and GraphQL calls are recorded as the token user, via rest / graphql, with the reason header', async () => {
    await h.app.audit.flush();
    const since = h.app.audit.list({}).length;
    await h.get('/api/v1/data/invoice?limit=3', { user: 'nancy.edwards', headers: { 'x-objectdesk-reason': 'monthly report notebook' } });
    await h.send('POST', '/graphql', { query: '{ customer(limit: 2) { first_name } }' }, { user: 'jane.peacock' });
    await h.get('/api/v1/objects/employee', { user: 'jane.peacock' });
    await h.send('PATCH', '/api/v1/data/customer/2', { city: 'Z' }, { user: 'jane.peacock' });
    await h.app.audit.flush();
    const entries = h.app.audit.list({}).slice(since);
    expect(entries.length).toBeGreaterThanOrEqual(4);
    const find = (pred: (e: (typeof entries)[number]) => boolean) => entries.find(pred);
    expect(find((e) => e.via === 'rest' && e.operation === 'data.query' && e.object === 'invoice')).toMatchObject({ user: 'nancy.edwards', reason: 'monthly report notebook', outcome: 'ok', rowCount: 3 });
    expect(find((e) => e.via === 'graphql' && e.operation === 'data.query' && e.object === 'customer')).toMatchObject({ user: 'jane.peacock', outcome: 'ok', rowCount: 2 });
    expect(find((e) => e.via === 'rest' && e.operation === 'data.update' && e.object === 'customer')).toMatchObject({ user: 'jane.peacock', outcome: expect.stringMatching(/denied|error/) });
    // Every entry of these calls is a REST or GraphQL one of the token's user.
    expect(entries.every((e) => ['rest', 'graphql'].includes(e.via))).toBe(true);
  });
});
