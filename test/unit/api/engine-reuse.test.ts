// One engine per user and workspace load: repeated queries reuse prepared shapes, never across users.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../src/main/api';
import { openTestApp } from '../../helpers/app';

let env: Awaited<ReturnType<typeof openTestApp>>;
beforeAll(async () => {
  env = await openTestApp();
});
afterAll(async () => env?.dispose());

const jane = { user: 'jane.peacock', via: 'ui' as const };
const andrew = { user: 'andrew.adams', via: 'ui' as const };
const count = { object: 'customer', aggregations: [{ function: 'count', alias: 'n' }] };

describe('engine reuse', () => {
  it('keeps one engine per user, separate between users, and a fresh one after a reload', async () => {
    const app = env.app;
    expect(app.engineFor(jane)).toBe(app.engineFor({ ...jane, reason: 'another call' }));
    expect(app.engineFor(jane)).not.toBe(app.engineFor(andrew));
    const before = app.engineFor(jane);
    await app.reload();
    expect(app.engineFor(jane)).not.toBe(before);
  });

  it('repeated shapes with other values answer per user, as a cold engine would', async () => {
    const api = createApi(env.app);
    const rows = async (session: typeof jane, id: number) =>
      ((await api.call('data.query', { query: { object: 'customer', fields: ['customer_id'], where: { customer_id: id } } }, session)) as { rows: unknown[] }).rows.length;
    // Customer 1 is Jane's, customer 2 is not (rep 5): the same shape must keep applying her rule on every value.
    for (let round = 0; round < 3; round++) {
      expect(await rows(jane, 1)).toBe(1);
      expect(await rows(jane, 2)).toBe(0);
      expect(await rows(andrew, 2)).toBe(1);
    }
    const n = async (session: typeof jane) => ((await api.call('data.query', { query: count }, session)) as { rows: { n: number }[] }).rows[0].n;
    expect(await n(jane)).toBe(21);
    expect(await n(andrew)).toBe(59);
    expect(await n(jane)).toBe(21);
  });
});

describe('engine reuse and the audit', () => {
  it('keeps separate engines per door, so what an engine audits carries the right via', () => {
    expect(env.app.engineFor({ user: 'jane.peacock', via: 'ui' })).not.toBe(env.app.engineFor({ user: 'jane.peacock', via: 'ai' }));
  });
});
