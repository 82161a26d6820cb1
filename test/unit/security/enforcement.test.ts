/**
 * The enforcement rules of governance on the demo workspace (Chinook on SQLite), through the API as each
 * user: hidden objects and fields do not exist, aggregates obey record rules, lookups obey the related
 * object's rules, and the user's identity is checked on every call.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { ApiError } from '../../../src/shared/api/errors';
import type { Session } from '../../../src/shared/api/session';
import { openTestApp } from '../../helpers/app';
import { governanceWorkspace } from './workspace';

const as = (user: string): Session => ({ user, via: 'cli', reason: 'enforcement test' });
const jane = as('jane.peacock');
const andrew = as('andrew.adams');

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the call to be refused');
}

/** The same error with the name swapped: the answer for a hidden thing is the answer for a missing one. */
function sameError(hidden: ApiError, missing: ApiError, hiddenName: string, missingName: string) {
  expect(hidden.code).toBe(missing.code);
  expect(hidden.message.replaceAll(hiddenName, 'X')).toBe(missing.message.replaceAll(missingName, 'X'));
  expect(JSON.stringify(hidden.details ?? null).replaceAll(hiddenName, 'X')).toBe(JSON.stringify(missing.details ?? null).replaceAll(missingName, 'X'));
}

const rows = async (api: Api, s: Session, query: Record<string, unknown>) => ((await api.call('data.query', { query }, s)) as { rows: Record<string, unknown>[] }).rows;

describe('an object without read permission does not exist for that user', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let ws: ReturnType<typeof governanceWorkspace>;
  let api: Api;
  const guest = as('guest.user');
  beforeAll(async () => {
    ws = governanceWorkspace({
      extraSets: `{ name: 'catalog_only', objects: { album: { allowRead: true }, artist: { allowRead: true }, genre: { allowRead: true }, media_type: { allowRead: true }, track: { allowRead: true } } },
        { name: 'customers_only', objects: { customer: { allowRead: true } } },`,
      extraUsers: `{ name: 'guest.user', permissionSets: ['catalog_only'] }, { name: 'cust.only', permissionSets: ['customers_only'] },`,
    });
    t = await openTestApp({ workspaceDir: ws.dir });
    api = createApi(t.app);
  });
  afterAll(async () => {
    await t.dispose();
    ws.cleanup();
  });

  test('not listed, and whoami lists only what the user reads', async () => {
    const list = (await api.call('workspace.objects', {}, guest)) as { name: string }[];
    expect(list.map((o) => o.name).sort()).toEqual(['album', 'artist', 'genre', 'media_type', 'track']);
    const me = (await api.call('auth.whoami', {}, guest)) as { objects: string[] };
    expect(me.objects).toEqual(['album', 'artist', 'genre', 'media_type', 'track']);
    expect(((await api.call('workspace.objects', {}, andrew)) as unknown[]).length).toBe(11);
  });

  test('not described: the same error as a missing object', async () => {
    const hidden = await refusal(api.call('objects.describe', { objectName: 'customer' }, guest));
    const missing = await refusal(api.call('objects.describe', { objectName: 'nosuchobj' }, guest));
    expect(hidden.code).toBe('not_found');
    sameError(hidden, missing, 'customer', 'nosuchobj');
  });

  test.each([
    ['rows', (o: string) => ({ object: o })],
    ['count', (o: string) => ({ object: o, aggregations: [{ function: 'count', alias: 'n' }] })],
    ['explain', (o: string) => ({ object: o, limit: 1 })],
  ])('not queryable (%s): the same error as a missing object', async (kind, q) => {
    const op = kind === 'explain' ? 'data.explain' : 'data.query';
    const hidden = await refusal(api.call(op, { query: q('customer') }, guest));
    const missing = await refusal(api.call(op, { query: q('nosuchobj') }, guest));
    sameError(hidden, missing, 'customer', 'nosuchobj');
  });

  test('not writable either: a write to it reads as a missing object', async () => {
    const hidden = await refusal(api.call('data.update', { object: 'customer', key: 1, values: { city: 'x' } }, guest));
    const missing = await refusal(api.call('data.update', { object: 'nosuchobj', key: 1, values: { city: 'x' } }, guest));
    sameError(hidden, missing, 'customer', 'nosuchobj');
  });

  test('a lookup to a hidden object is hidden too (the hidden object cannot be reached through it)', async () => {
    const custOnly = as('cust.only');
    const d = (await api.call('objects.describe', { objectName: 'customer' }, custOnly)) as { fields: { name: string }[] };
    expect(d.fields.map((f) => f.name)).not.toContain('support_rep_id');
    expect(d.fields.map((f) => f.name)).toContain('email');
    for (const q of [
      (f: string) => ({ object: 'customer', fields: [f] }),
      (f: string) => ({ object: 'customer', fields: [`${f}.first_name`] }),
      (f: string) => ({ object: 'customer', expand: { [f]: {} } }),
      (f: string) => ({ object: 'customer', where: { [f]: 3 } }),
    ]) {
      const hidden = await refusal(api.call('data.query', { query: q('support_rep_id') }, custOnly));
      const missing = await refusal(api.call('data.query', { query: q('nosuchfield') }, custOnly));
      sameError(hidden, missing, 'support_rep_id', 'nosuchfield');
    }
  });

  test('the refusals are audited as denied, with what was asked', async () => {
    await refusal(api.call('data.query', { query: { object: 'customer', limit: 3 } }, guest));
    const denied = t.app.audit.list({ user: 'guest.user', outcome: 'denied' });
    expect(denied.some((e) => e.operation === 'data.query' && e.object === 'customer')).toBe(true);
    const missing = t.app.audit.list({ user: 'guest.user', object: 'nosuchobj' });
    expect(missing.every((e) => e.outcome === 'error')).toBe(true);
  });
});

describe('a hidden field cannot be selected, filtered, sorted, grouped, aggregated, searched, expanded through or exported', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    t = await openTestApp();
    api = createApi(t.app);
  });
  afterAll(() => t.dispose());

  const uses: Array<[string, (f: string) => Record<string, unknown>]> = [
    ['select', (f) => ({ object: 'customer', fields: ['customer_id', f] })],
    ['filter', (f) => ({ object: 'customer', where: { [f]: { $contains: '@' } } })],
    ['filter in $or', (f) => ({ object: 'customer', where: { $or: [{ city: 'Paris' }, { [f]: { $null: false } }] } })],
    ['filter in $not', (f) => ({ object: 'customer', where: { $not: { [f]: 'a@b.c' } } })],
    ['sort', (f) => ({ object: 'customer', orderBy: [{ field: f, order: 'asc' }] })],
    ['group', (f) => ({ object: 'customer', groupBy: [f], aggregations: [{ function: 'count', alias: 'n' }] })],
    ['aggregate', (f) => ({ object: 'customer', aggregations: [{ function: 'count_distinct', field: f, alias: 'n' }] })],
    ['aggregate filter', (f) => ({ object: 'customer', aggregations: [{ function: 'count', alias: 'n', filter: { [f]: { $startsWith: 'a' } } }] })],
    ['min', (f) => ({ object: 'customer', aggregations: [{ function: 'min', field: f, alias: 'm' }] })],
    ['through a lookup', (f) => ({ object: 'invoice', fields: ['invoice_id', `customer_id.${f}`] })],
    ['filter through a lookup', (f) => ({ object: 'invoice', where: { [`customer_id.${f}`]: { $endsWith: '.com' } } })],
    ['sort through a lookup', (f) => ({ object: 'invoice', orderBy: [{ field: `customer_id.${f}` }] })],
    ['group through a lookup', (f) => ({ object: 'invoice', groupBy: [`customer_id.${f}`], aggregations: [{ function: 'count', alias: 'n' }] })],
    ['expand', (f) => ({ object: 'invoice', fields: ['invoice_id'], expand: { customer_id: { fields: ['first_name', f] } } })],
    ['nested expand', (f) => ({ object: 'invoice_line', fields: ['invoice_line_id'], expand: { invoice_id: { fields: ['total'], expand: { customer_id: { fields: [f] } } } } })],
  ];

  for (const field of ['email', 'phone']) {
    test.each(uses)(`${field}: %s is an error, identical to a field that does not exist`, async (_what, q) => {
      const hidden = await refusal(api.call('data.query', { query: q(field) }, jane));
      const missing = await refusal(api.call('data.query', { query: q('nosuchfield') }, jane));
      expect(hidden.code).toBe('bad_request');
      sameError(hidden, missing, field, 'nosuchfield');
      // …while the general manager may use it.
      await api.call('data.query', { query: q(field) }, andrew);
    });
  }

  test('not described, and absent from default field lists and expansions', async () => {
    const d = (await api.call('objects.describe', { objectName: 'customer' }, jane)) as { fields: { name: string }[] };
    expect(d.fields.map((f) => f.name)).not.toContain('email');
    expect(d.fields.map((f) => f.name)).not.toContain('phone');
    for (const r of await rows(api, jane, { object: 'customer' })) expect(Object.keys(r)).not.toEqual(expect.arrayContaining(['email']));
    const inv = await rows(api, jane, { object: 'invoice', fields: ['invoice_id'], expand: { customer_id: {} }, limit: 5 });
    for (const r of inv) {
      const c = r.customer_id as Record<string, unknown>;
      expect(c.first_name).toBeTypeOf('string');
      expect(c).not.toHaveProperty('email');
      expect(c).not.toHaveProperty('phone');
    }
  });

  test('search never matches a hidden field (no oracle): the e-mail of her own customer finds nothing for Jane', async () => {
    const [mine] = await rows(api, andrew, { object: 'customer', fields: ['email'], where: { customer_id: 1 } });
    const term = String(mine!.email).split('@')[0]!;
    expect(await rows(api, andrew, { object: 'customer', fields: ['customer_id'], search: term })).toEqual([{ customer_id: 1 }]);
    expect(await rows(api, jane, { object: 'customer', fields: ['customer_id'], search: term })).toEqual([]);
    // Her searches over readable fields work as usual.
    expect((await rows(api, jane, { object: 'customer', fields: ['customer_id'], search: 'Gonçalves' })).length).toBe(1);
  });

  test('export (a stream of the engine for the session) obeys the same rules', async () => {
    const engine = t.app.engineFor(jane);
    await expect(engine.stream({ object: 'customer', fields: ['email'] }, { session: jane })).rejects.toThrow(/unknown field "email"/);
    const out: Record<string, unknown>[] = [];
    for await (const r of await engine.stream({ object: 'customer' }, { session: jane })) out.push(r);
    expect(out.length).toBe(21);
    expect(out.every((r) => r.support_rep_id === 3 && !('email' in r) && !('phone' in r))).toBe(true);
  });
});

describe('aggregates obey record rules', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    t = await openTestApp();
    api = createApi(t.app);
  });
  afterAll(() => t.dispose());

  test.each(['jane.peacock', 'nancy.edwards', 'andrew.adams'])('%s: count, sum and group counts equal what the user can list', async (user) => {
    const s = as(user);
    for (const object of ['customer', 'invoice', 'invoice_line']) {
      const listed = await rows(api, s, { object, limit: 100_000 });
      const [{ n }] = (await rows(api, s, { object, aggregations: [{ function: 'count', alias: 'n' }] })) as [{ n: number }];
      expect(n).toBe(listed.length);
      const groups = await rows(api, s, { object, groupBy: [object === 'customer' ? 'country' : object === 'invoice' ? 'billing_country' : 'quantity'], aggregations: [{ function: 'count', alias: 'n' }] });
      expect(groups.reduce((a, g) => a + Number(g.n), 0)).toBe(listed.length);
    }
    const invoices = await rows(api, s, { object: 'invoice', fields: ['total'], limit: 100_000 });
    const [{ total }] = (await rows(api, s, { object: 'invoice', aggregations: [{ function: 'sum', field: 'total', alias: 'total' }] })) as [{ total: string }];
    expect(Number(total)).toBeCloseTo(invoices.reduce((a, r) => a + Number(r.total), 0), 2);
  });

  test('the rule is in the plan: the AST after permissions, pushed down into the SQL', async () => {
    const res = (await api.call('data.query', { query: { object: 'invoice', aggregations: [{ function: 'count', alias: 'n' }] } }, jane)) as { plan: { ast: unknown; sql: { text: string; parameters: unknown[] }[]; strategy: string } };
    expect(res.plan.ast).toEqual({ object: 'invoice', aggregations: [{ function: 'count', alias: 'n' }], where: { $and: [{ 'customer_id.support_rep_id': 3 }] } });
    expect(res.plan.strategy).toBe('pushdown');
    expect(res.plan.sql[0]!.text).toMatch(/where/i);
    expect(res.plan.sql[0]!.parameters).toContain(3);
  });

  test('a cursor page obeys the rules and pages continue under them', async () => {
    const first = (await api.call('data.query', { query: { object: 'invoice_line', fields: ['invoice_line_id'], orderBy: [{ field: 'track_id.name' }], limit: 50 } }, jane)) as { rows: unknown[]; nextCursor?: string };
    expect(first.nextCursor).toBeTypeOf('string');
    let seen = first.rows.length;
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (await api.call('data.query', { query: { object: 'invoice_line', fields: ['invoice_line_id'], orderBy: [{ field: 'track_id.name' }], limit: 50, cursor } }, jane)) as { rows: unknown[]; nextCursor?: string };
      seen += page.rows.length;
      cursor = page.nextCursor;
    }
    const [{ n }] = (await rows(api, jane, { object: 'invoice_line', aggregations: [{ function: 'count', alias: 'n' }] })) as [{ n: number }];
    expect(seen).toBe(n);
  });
});

describe('lookups and expansions obey the related object\'s own rules', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let ws: ReturnType<typeof governanceWorkspace>;
  let api: Api;
  const reader = as('line.reader');
  beforeAll(async () => {
    // Every invoice line, but only the invoices (and customers) Jane supports.
    ws = governanceWorkspace({
      extraSets: `{ name: 'lines_all', objects: { invoice_line: { allowRead: true, viewAllRecords: true }, track: { allowRead: true }, album: { allowRead: true }, artist: { allowRead: true }, genre: { allowRead: true }, media_type: { allowRead: true }, employee: { allowRead: true },
        invoice: { allowRead: true }, customer: { allowRead: true } },
        recordRules: [{ object: 'invoice', using: { 'customer_id.support_rep_id': '$user.externalId' } }, { object: 'customer', using: { support_rep_id: '$user.externalId' } }] },`,
      extraUsers: `{ name: 'line.reader', permissionSets: ['lines_all'], externalId: 3 },`,
    });
    t = await openTestApp({ workspaceDir: ws.dir });
    api = createApi(t.app);
  });
  afterAll(async () => {
    await t.dispose();
    ws.cleanup();
  });

  test('a line whose invoice the user may not see stays; through the lookup its invoice reads as no record', async () => {
    const count = async (user: typeof jane, where?: Record<string, unknown>) =>
      Number((await rows(api, user, { object: 'invoice_line', aggregations: [{ function: 'count', alias: 'n' }], ...(where ? { where } : {}) }))[0]!.n);
    const all = await count(reader);
    expect(all).toBe(2240);
    const visible = await count(jane); // Jane's lines = the lines whose invoice (and customer) the reader may see
    expect(visible).toBeGreaterThan(0);
    expect(visible).toBeLessThan(all);

    const withTotal = await rows(api, reader, { object: 'invoice_line', fields: ['invoice_line_id', 'invoice_id', 'invoice_id.total'], limit: 10_000 });
    expect(withTotal).toHaveLength(all);
    expect(withTotal.filter((l) => l['invoice_id.total'] !== null)).toHaveLength(visible);
    // The line's own key is the line's field: it stays, whoever the invoice belongs to.
    expect(withTotal.every((l) => typeof l.invoice_id === 'number')).toBe(true);

    const expanded = await rows(api, reader, { object: 'invoice_line', fields: ['invoice_line_id'], expand: { invoice_id: { fields: ['total'] } }, limit: 10_000 });
    expect(expanded).toHaveLength(all);
    expect(expanded.filter((l) => l.invoice_id !== null)).toHaveLength(visible);

    // A filter through the lookup sees no value on a hidden invoice: no oracle on its fields.
    expect(await count(reader, { 'invoice_id.billing_country': 'Germany' })).toBe(await count(jane, { 'invoice_id.billing_country': 'Germany' }));
    expect(await count(reader, { 'invoice_id.billing_country': { $null: false } })).toBe(visible);
    expect(await count(reader, { 'invoice_id.billing_country': { $ne: 'nowhere' } })).toBe(all);

    const sorted = await rows(api, reader, { object: 'invoice_line', fields: ['invoice_line_id', 'invoice_id.invoice_date'], orderBy: [{ field: 'invoice_id.invoice_date', order: 'desc' }], limit: 10_000 });
    const dates = sorted.map((l) => l['invoice_id.invoice_date'] as string | null);
    expect(dates.slice(0, visible).every((d) => d !== null)).toBe(true); // descending: NULLs last
    expect(dates.slice(visible).every((d) => d === null)).toBe(true);

    // Groups: the hidden invoices' lines form the NULL group; the others equal what Jane sees.
    const grouped = await rows(api, reader, { object: 'invoice_line', groupBy: ['invoice_id.customer_id.country'], aggregations: [{ function: 'count', alias: 'n' }, { function: 'sum', field: 'invoice_id.total', alias: 't' }] });
    expect(grouped.reduce((a, g) => a + Number(g.n), 0)).toBe(all);
    expect(grouped.find((g) => g['invoice_id.customer_id.country'] === null)).toMatchObject({ n: all - visible, t: null });
    const janes = await rows(api, jane, { object: 'invoice_line', groupBy: ['invoice_id.customer_id.country'], aggregations: [{ function: 'count', alias: 'n' }, { function: 'sum', field: 'invoice_id.total', alias: 't' }] });
    expect(grouped.filter((g) => g['invoice_id.customer_id.country'] !== null)).toEqual(janes);
  });

  test('an expanded record is never one its own rules hide', async () => {
    const lines = await rows(api, reader, { object: 'invoice_line', fields: ['invoice_line_id'], expand: { invoice_id: { fields: ['invoice_id'], expand: { customer_id: { fields: ['support_rep_id'] } } } }, limit: 10_000 });
    const shown = lines.filter((l) => l.invoice_id !== null);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(lines.length);
    for (const l of shown) expect(((l.invoice_id as Record<string, unknown>).customer_id as Record<string, unknown>).support_rep_id).toBe(3);
  });

  test('the plan shows the rule for each lookup as lookupWhere, and a caller cannot set it', async () => {
    const res = await api.call('data.query', { query: { object: 'invoice_line', fields: ['invoice_line_id', 'invoice_id.total'], limit: 1 } }, reader);
    const plan = (res as { plan: { ast: { lookupWhere?: unknown }; steps: { step: string; detail?: string }[] } }).plan;
    expect(plan.ast.lookupWhere).toEqual({ invoice_id: { 'customer_id.support_rep_id': 3 } });
    expect(plan.steps.find((s) => s.step === 'join')?.detail).toBe('invoice_id → invoice (only records its rules let this user see)');
    const e = await refusal(api.call('data.query', { query: { object: 'invoice_line', lookupWhere: { invoice_id: { total: { $gt: 0 } } } } }, reader));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/set by the permission layer/);
  });
});

describe('identity: every call runs as a workspace user; only admins switch, and it is audited', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    t = await openTestApp({ user: 'andrew.adams' });
    api = createApi(t.app);
  });
  afterAll(() => t.dispose());

  test('whoami', async () => {
    expect(await api.call('auth.whoami', {}, jane)).toMatchObject({ name: 'jane.peacock', admin: false, externalId: 3, permissionSets: ['support_agent'], owner: false });
  });

  test('a Session naming no workspace user is refused (there is no system identity) and audited as denied', async () => {
    for (const user of ['system', 'root', 'admin', 'Jane.Peacock', 'jane.peacock ', '__proto__', 'constructor']) {
      const e = await refusal(api.call('data.query', { query: { object: 'artist', limit: 1 } }, as(user)));
      expect(e.code).toBe('forbidden');
      expect(e.message).toMatch(/is not a user of this workspace/);
    }
    expect(t.app.audit.list({ user: 'system', outcome: 'denied' }).length).toBe(1);
  });

  test('a non-admin cannot switch user; the refusal is audited', async () => {
    const e = await refusal(api.call('auth.switchUser', { user: 'andrew.adams' }, jane));
    expect(e.code).toBe('forbidden');
    expect(t.app.user.name).toBe('andrew.adams');
    expect(t.app.audit.list({ user: 'jane.peacock', outcome: 'denied' }).some((x) => x.operation === 'auth.switch_user')).toBe(true);
  });

  test('an admin switches; later sessions of the transports run as the new user', async () => {
    const me = (await api.call('auth.switchUser', { user: 'jane.peacock' }, andrew, undefined)) as { name: string };
    expect(me.name).toBe('jane.peacock');
    expect(t.app.user.name).toBe('jane.peacock');
    const entry = t.app.audit.list({ user: 'andrew.adams' }).find((x) => x.operation === 'auth.switch_user')!;
    expect(entry.outcome).toBe('ok');
    const unknown = await refusal(api.call('auth.switchUser', { user: 'nobody' }, andrew));
    expect(unknown.message).toMatch(/Unknown user "nobody"/);
    t.app.switchUser('andrew.adams');
  });
});

describe('a workspace without users belongs to whoever runs it', () => {
  test('the owner reads every object, field and row, writes nothing, and is the only identity', async () => {
    const ws = governanceWorkspace({ noUsers: true, writable: ['artist'] });
    const t = await openTestApp({ workspaceDir: ws.dir, user: 'owner.person' });
    try {
      const api = createApi(t.app);
      const owner = as('owner.person');
      expect(await api.call('auth.whoami', {}, owner)).toMatchObject({ name: 'owner.person', owner: true, admin: true });
      expect((await rows(api, owner, { object: 'customer', fields: ['email'], limit: 100 })).length).toBe(59);
      const w = await refusal(api.call('data.update', { object: 'artist', key: 1, values: { name: 'x' } }, owner));
      expect(w.code).toBe('forbidden');
      expect((await refusal(api.call('data.query', { query: { object: 'artist' } }, as('someone.else')))).code).toBe('forbidden');
      expect((await refusal(api.call('auth.switchUser', { user: 'someone.else' }, owner))).code).toBe('forbidden');
    } finally {
      await t.dispose();
      ws.cleanup();
    }
  });
});
