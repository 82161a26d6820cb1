// REST over the Chinook demo as each demo user: the same rows ObjectQL gives that user, hidden fields and
// objects absent (a hidden object is the same 404 as an unknown one), filters, paging, ids, streaming.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { objectql, startHarness, USERS, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ hideEmployeeFromJane: true });
});
afterAll(async () => {
  await h?.dispose();
});

/** RFC 4180 records (quotes, doubled quotes, commas and newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), out.push(row), (row = []), (cell = '');
    else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) row.push(cell), out.push(row);
  return out;
}

type Page = { rows: Record<string, unknown>[]; nextCursor?: string; plan?: unknown };
const json = async <T = Page>(res: Response, status = 200): Promise<T> => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
};

describe('objects and describe', () => {
  test('each user lists what they can read; a hidden object is the same 404 as an unknown one', async () => {
    const names = async (user: (typeof USERS)[number]) => ((await json<{ objects: { name: string }[] }>(await h.get('/api/v1/objects', { user }))).objects.map((o) => o.name));
    expect(await names('andrew.adams')).toContain('employee');
    expect(await names('jane.peacock')).not.toContain('employee');

    const hidden = await json<{ error: { code: string; message: string } }>(await h.get('/api/v1/objects/employee', { user: 'jane.peacock' }), 404);
    const unknown = await json<{ error: { code: string; message: string } }>(await h.get('/api/v1/objects/no_such_object', { user: 'jane.peacock' }), 404);
    expect(hidden.error.code).toBe('not_found');
    expect(hidden.error.message.replace('employee', 'X')).toBe(unknown.error.message.replace('no_such_object', 'X'));
    for (const p of ['/api/v1/data/employee', '/api/v1/data/employee/1']) {
      const a = await json<{ error: { message: string } }>(await h.get(p, { user: 'jane.peacock' }), 404);
      const b = await json<{ error: { message: string } }>(await h.get(p.replace('employee', 'nothing_here'), { user: 'jane.peacock' }), 404);
      expect(a.error.message.replace('employee', 'X')).toBe(b.error.message.replace('nothing_here', 'X'));
    }
    const q = await json<{ error: { code: string } }>(await h.send('POST', '/api/v1/query', { object: 'employee' }, { user: 'jane.peacock' }), 404);
    expect(q.error.code).toBe('not_found');
    expect((await h.get('/api/v1/data/employee', { user: 'andrew.adams' })).status).toBe(200);
  });

  test('describe leaves out fields the user cannot read', async () => {
    const fields = async (user: (typeof USERS)[number]) => (await json<{ fields: { name: string }[] }>(await h.get('/api/v1/objects/customer', { user }))).fields.map((f) => f.name);
    expect(await fields('andrew.adams')).toEqual(expect.arrayContaining(['email', 'phone']));
    expect(await fields('jane.peacock')).not.toContain('email');
    expect(await fields('jane.peacock')).not.toContain('phone');
  });
});

describe('GET /api/v1/data/{name}', () => {
  test.each(USERS)('the same rows ObjectQL gives %s, and no hidden field', async (user) => {
    const ast = { object: 'customer', orderBy: [{ field: 'customer_id', order: 'asc' }], limit: 100 };
    const expected = await objectql(h, user, ast);
    const got = await json(await h.get('/api/v1/data/customer?sort=customer_id&limit=100', { user }));
    expect(got.rows).toEqual(expected.rows);
    expect(got.rows.length).toBeGreaterThan(0);
    if (user === 'jane.peacock') {
      for (const r of got.rows) expect(r).not.toHaveProperty('email');
      const supported = await objectql(h, 'andrew.adams', { ...ast, fields: ['customer_id'], where: { support_rep_id: 3 } });
      expect(got.rows.map((r) => r.customer_id)).toEqual(supported.rows.map((r) => r.customer_id));
    }
  });

  test('record rules: each user sees their own slice of invoices', async () => {
    const counts: Record<string, number> = {};
    for (const user of USERS) {
      const body = await (await h.get('/api/v1/data/invoice?format=ndjson&fields=invoice_id', { user })).text();
      counts[user] = body.trim().split('\n').length;
      const n = (await h.direct.call('data.query', { query: { object: 'invoice', aggregations: [{ function: 'count', alias: 'n' }] } }, { user, via: 'cli' })) as Page;
      expect(counts[user]).toBe(n.rows[0]!.n);
    }
    expect(counts['jane.peacock']).toBeLessThan(counts['nancy.edwards']!);
    expect(counts['nancy.edwards']).toBeLessThanOrEqual(counts['andrew.adams']!);
    expect(counts['andrew.adams']).toBe(412);
  });

  test('fields, where JSON, typed field=value, repeated values, lookup paths, sort, limit/offset, search', async () => {
    const ast = {
      object: 'invoice',
      fields: ['invoice_id', 'total', 'billing_country', 'customer_id.country'],
      where: { $and: [{ total: { $gte: '5' } }, { billing_country: { $in: ['Norway', 'Chile'] }, 'customer_id.country': { $ne: 'X' } }] },
      orderBy: [{ field: 'total', order: 'desc' }, { field: 'invoice_id', order: 'asc' }],
      limit: 5,
      offset: 1,
    };
    const expected = await objectql(h, 'andrew.adams', ast);
    const qs = new URLSearchParams({ fields: 'invoice_id,total,billing_country,customer_id.country', where: JSON.stringify({ total: { $gte: '5' } }), sort: '-total,invoice_id', limit: '5', offset: '1' });
    qs.append('billing_country', 'Norway');
    qs.append('billing_country', 'Chile');
    const got = await json(await h.get(`/api/v1/data/invoice?${qs}`));
    expect(got.rows).toEqual(expected.rows);
    expect(got.rows.length).toBe(5);

    // `invoice_id=98` is the number 98; a lookup filter takes the key type of its target.
    expect((await json(await h.get('/api/v1/data/invoice?invoice_id=98'))).rows.map((r) => r.invoice_id)).toEqual([98]);
    const byCustomer = await json(await h.get('/api/v1/data/invoice?customer_id=2&fields=invoice_id,customer_id'));
    expect(byCustomer.rows.length).toBe(7);
    expect(new Set(byCustomer.rows.map((r) => r.customer_id))).toEqual(new Set([2]));
    const dotted = await json(await h.get('/api/v1/data/invoice?customer_id.country=Norway&fields=invoice_id'));
    expect(dotted.rows.length).toBe((await objectql(h, 'andrew.adams', { object: 'invoice', where: { 'customer_id.country': 'Norway' } })).rows.length);

    const search = await json(await h.get('/api/v1/data/customer?search=oslo&fields=city'));
    expect(search.rows).toEqual([{ city: 'Oslo' }]);
  });

  test('bad parameters answer 400 with the path of the problem', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/data/invoice?invoice_id=abc', /query\.invoice_id: "abc" is not a number/],
      ['/api/v1/data/invoice?limit=-1', /query\.limit/],
      ['/api/v1/data/invoice?where=%7Bnope', /query\.where: not valid JSON/],
      ['/api/v1/data/invoice?no_such_field=1', /unknown field "no_such_field"/],
      ['/api/v1/data/invoice?fields=nope', /unknown field "nope"/],
      ['/api/v1/data/invoice?format=xml', /query\.format/],
      ['/api/v1/data/invoice?where=%7B%22total%22%3A%7B%22%24like%22%3A1%7D%7D', /\$like/],
    ];
    for (const [p, message] of cases) {
      const body = await json<{ error: { code: string; message: string } }>(await h.get(p), 400);
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(message);
    }
    // A hidden field is as unknown as a missing one.
    const hidden = await json<{ error: { message: string } }>(await h.get('/api/v1/data/customer?email=x', { user: 'jane.peacock' }), 400);
    expect(hidden.error.message).toMatch(/unknown field "email"/);
  });

  test('cursor paging walks every row once, in order', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const qs = new URLSearchParams({ fields: 'invoice_id', sort: 'invoice_id', limit: '150', ...(cursor ? { cursor } : {}) });
      const page = await json(await h.get(`/api/v1/data/invoice?${qs}`, { user: 'nancy.edwards' }));
      seen.push(...page.rows.map((r) => r.invoice_id as number));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const all = await objectql(h, 'nancy.edwards', { object: 'invoice', fields: ['invoice_id'], orderBy: [{ field: 'invoice_id', order: 'asc' }], limit: 1000 });
    expect(seen).toEqual(all.rows.map((r) => r.invoice_id));
  });

  test('expand nests lookups; plan only on request', async () => {
    const got = await json(await h.get('/api/v1/data/invoice?invoice_id=98&fields=invoice_id,customer_id&expand=customer_id,customer_id.support_rep_id'));
    const customer = got.rows[0]!.customer_id as Record<string, unknown>;
    expect(customer.first_name).toBeTruthy();
    expect((customer.support_rep_id as Record<string, unknown>).last_name).toBeTruthy();
    expect(got.plan).toBeUndefined();
    const planned = await json(await h.get('/api/v1/data/invoice?invoice_id=98&plan=1'));
    expect(planned.plan).toMatchObject({ object: 'invoice', strategy: 'pushdown' });
  });
});

describe('GET /api/v1/data/{name}/{id}', () => {
  test('one record by a single key', async () => {
    const got = await json<{ record: Record<string, unknown> }>(await h.get('/api/v1/data/invoice/98'));
    expect(got.record).toEqual((await objectql(h, 'andrew.adams', { object: 'invoice', where: { invoice_id: 98 } })).rows[0]);
    const fields = await json<{ record: Record<string, unknown> }>(await h.get('/api/v1/data/invoice/98?fields=total&expand=customer_id'));
    expect(Object.keys(fields.record).sort()).toEqual(['customer_id', 'total']);
  });

  test('composite keys: the key parts in primaryKey order, comma-separated', async () => {
    const got = await json<{ record: Record<string, unknown> }>(await h.get('/api/v1/data/playlist_track/1,3402'));
    expect(got.record).toEqual({ playlist_id: 1, track_id: 3402 });
    const missing = await json<{ error: { code: string } }>(await h.get('/api/v1/data/playlist_track/2,3402'), 404);
    expect(missing.error.code).toBe('not_found');
    const arity = await json<{ error: { message: string } }>(await h.get('/api/v1/data/playlist_track/1'), 400);
    expect(arity.error.message).toMatch(/2 part\(s\) \(playlist_id, track_id\)/);
    await json(await h.get('/api/v1/data/invoice/98,1'), 400);
    await json(await h.get('/api/v1/data/invoice/abc'), 400);
  });

  test('a record hidden by a record rule is the same 404 as a missing one', async () => {
    // Invoice 98 belongs to customer 17, supported by rep 3 (Jane)? Find one of Jane's and one that is not.
    const all = await objectql(h, 'andrew.adams', { object: 'invoice', fields: ['invoice_id', 'customer_id.support_rep_id'], limit: 1000 });
    const notJanes = all.rows.find((r) => r['customer_id.support_rep_id'] !== 3)!.invoice_id;
    const janes = all.rows.find((r) => r['customer_id.support_rep_id'] === 3)!.invoice_id;
    expect((await h.get(`/api/v1/data/invoice/${janes}`, { user: 'jane.peacock' })).status).toBe(200);
    const hidden = await json<{ error: { message: string } }>(await h.get(`/api/v1/data/invoice/${notJanes}`, { user: 'jane.peacock' }), 404);
    const missing = await json<{ error: { message: string } }>(await h.get('/api/v1/data/invoice/999999', { user: 'jane.peacock' }), 404);
    expect(hidden.error.message.replace(String(notJanes), 'N')).toBe(missing.error.message.replace('999999', 'N'));
  });
});

describe('POST /api/v1/query and /api/v1/aggregate', () => {
  test('query: the ObjectQL body, as the token user', async () => {
    const ast = { object: 'invoice', fields: ['invoice_id', 'total'], where: { billing_country: 'Germany' }, orderBy: [{ field: 'invoice_id', order: 'asc' }] };
    for (const user of USERS) {
      expect((await json(await h.send('POST', '/api/v1/query', ast, { user }))).rows).toEqual((await objectql(h, user, ast)).rows);
    }
    const wrong = await json<{ error: { message: string } }>(await h.send('POST', '/api/v1/query', { object: 'invoice', aggregations: [{ function: 'count', alias: 'n' }] }), 400);
    expect(wrong.error.message).toMatch(/\/api\/v1\/aggregate/);
    await json(await h.send('POST', '/api/v1/query', '{"object":'), 400);
    await json(await h.send('POST', '/api/v1/query', '[1]'), 400);
  });

  test('aggregate: groups as the token user', async () => {
    const ast = { object: 'invoice', groupBy: ['billing_country'], aggregations: [{ function: 'sum', field: 'total', alias: 'revenue' }], orderBy: [{ field: 'revenue', order: 'desc' }] };
    for (const user of USERS) {
      expect((await json(await h.send('POST', '/api/v1/aggregate', ast, { user }))).rows).toEqual((await objectql(h, user, ast)).rows);
    }
    const janes = (await json(await h.send('POST', '/api/v1/aggregate', ast, { user: 'jane.peacock' }))).rows;
    const all = (await json(await h.send('POST', '/api/v1/aggregate', ast, { user: 'andrew.adams' }))).rows;
    expect(janes.length).toBeLessThan(all.length);
    await json(await h.send('POST', '/api/v1/aggregate', { object: 'invoice' }), 400);
  });
});

describe('streaming by Accept', () => {
  test('NDJSON: every matching row, one JSON object per line, no page limit', async () => {
    const res = await h.get('/api/v1/data/invoice_line?sort=invoice_line_id', { headers: { accept: 'application/x-ndjson' } });
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(2240);
    expect(lines[0]).toEqual((await objectql(h, 'andrew.adams', { object: 'invoice_line', orderBy: [{ field: 'invoice_line_id', order: 'asc' }], limit: 1 })).rows[0]);
  });

  test('NDJSON through POST /query honours the record rules', async () => {
    const res = await h.send('POST', '/api/v1/query', { object: 'customer', fields: ['customer_id'] }, { user: 'nancy.edwards', headers: { accept: 'application/x-ndjson' } });
    const rows = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = await objectql(h, 'nancy.edwards', { object: 'customer', fields: ['customer_id'] });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(expected.rows);
    const all = await objectql(h, 'andrew.adams', { object: 'customer', fields: ['customer_id'] });
    expect(rows.length).toBeLessThanOrEqual(all.rows.length);
  });

  test('CSV: a header of field names, then the rows', async () => {
    const res = await h.get('/api/v1/data/customer?fields=customer_id,first_name,country&sort=customer_id', { user: 'jane.peacock', headers: { accept: 'text/csv' } });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const records = parseCsv(await res.text()) as string[][];
    expect(records[0]).toEqual(['customer_id', 'first_name', 'country']);
    const expected = await objectql(h, 'jane.peacock', { object: 'customer', fields: ['customer_id', 'first_name', 'country'], orderBy: [{ field: 'customer_id', order: 'asc' }] });
    expect(records.slice(1)).toEqual(expected.rows.map((r) => [String(r.customer_id), String(r.first_name), String(r.country)]));
  });

  test('CSV of no rows is just the header; a refused query is a JSON error before any row', async () => {
    const empty = await h.get('/api/v1/data/genre?name=Nothing', { headers: { accept: 'text/csv' } });
    expect((await empty.text()).trim()).toBe('genre_id,name');
    const bad = await h.get('/api/v1/data/genre?where=%7B%22nope%22%3A1%7D', { headers: { accept: 'application/x-ndjson' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('writes', () => {
  test('POST/PATCH/DELETE on the read-only demo datasource are refused and change nothing', async () => {
    const file = path.join(h.workspaceDir, 'data', 'chinook.sqlite');
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const count = async () => ((await objectql(h, 'andrew.adams', { object: 'genre', aggregations: [{ function: 'count', alias: 'n' }] })).rows[0]!.n as number);
    const n = await count();
    const attempts = [
      await h.send('POST', '/api/v1/data/genre', { genre_id: 999, name: 'Polka' }),
      await h.send('PATCH', '/api/v1/data/genre/1', { name: 'Renamed' }),
      await h.send('DELETE', '/api/v1/data/genre/1', undefined),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('forbidden');
    }
    expect(await count()).toBe(n);
    expect((await json<{ record: Record<string, unknown> }>(await h.get('/api/v1/data/genre/1'))).record.name).toBe('Rock');
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });
});
