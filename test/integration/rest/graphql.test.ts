// GraphQL at /graphql: a schema per user (introspection shows only what they can read), typed fields,
// nested lookups loaded in one query per level (not N+1), filters/sort/paging, aggregates, limits.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { objectql, startHarness, type DemoUser, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ hideEmployeeFromJane: true });
});
afterAll(async () => {
  await h?.dispose();
});

type GqlResult = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };

async function gql(query: string, opts: { user?: DemoUser; variables?: Record<string, unknown> } = {}): Promise<GqlResult> {
  const res = await h.send('POST', '/graphql', { query, variables: opts.variables }, { user: opts.user, headers: { accept: 'application/graphql-response+json' } });
  const text = await res.text();
  return JSON.parse(text) as GqlResult;
}

async function typeFields(user: DemoUser, type: string): Promise<string[] | null> {
  const r = await gql(`{ __type(name: "${type}") { fields { name } } }`, { user });
  const t = r.data?.__type as { fields: { name: string }[] } | null;
  return t ? t.fields.map((f) => f.name) : null;
}

describe('schema per user', () => {
  test('introspection shows only readable objects and fields', async () => {
    expect(await typeFields('andrew.adams', 'Customer')).toEqual(expect.arrayContaining(['email', 'phone', 'support_rep_id']));
    const jane = await typeFields('jane.peacock', 'Customer');
    expect(jane).toEqual(expect.arrayContaining(['first_name', 'country']));
    expect(jane).not.toContain('email');
    expect(jane).not.toContain('phone');
    expect(await typeFields('jane.peacock', 'Employee')).toBeNull();
    const root = await typeFields('jane.peacock', 'Query');
    expect(root).toContain('invoice');
    expect(root).not.toContain('employee');
    expect((await typeFields('andrew.adams', 'Query'))!).toEqual(expect.arrayContaining(['employee', 'employee_page', 'employee_by_key', 'employee_aggregate', 'me']));
  });

  test('typed fields', async () => {
    const r = await gql('{ __type(name: "Invoice") { fields { name type { name kind ofType { name } } } } }');
    const fields = Object.fromEntries((r.data!.__type as { fields: { name: string; type: { name: string | null; ofType: { name: string } | null } }[] }).fields.map((f) => [f.name, f.type.name ?? f.type.ofType?.name]));
    expect(fields).toMatchObject({ invoice_id: 'Float', total: 'String', invoice_date: 'String', customer_id: 'Customer', billing_country: 'String' });
  });

  test('asking for a hidden field is a validation error, not data', async () => {
    const r = await gql('{ customer(limit: 1) { email } }', { user: 'jane.peacock' });
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.message).toMatch(/Cannot query field "email" on type "Customer"/);
  });
});

describe('queries', () => {
  test('where / orderBy / limit / offset give the rows ObjectQL gives the user', async () => {
    for (const user of ['jane.peacock', 'andrew.adams'] as const) {
      const r = await gql(
        `query($w: JSON) { invoice(where: $w, orderBy: [{ field: total, order: DESC }, { field: invoice_id }], limit: 7, offset: 2) { invoice_id total billing_country } }`,
        { user, variables: { w: { total: { $gte: '3' } } } },
      );
      expect(r.errors).toBeUndefined();
      const expected = await objectql(h, user, {
        object: 'invoice',
        fields: ['invoice_id', 'total', 'billing_country'],
        where: { total: { $gte: '3' } },
        orderBy: [{ field: 'total', order: 'desc' }, { field: 'invoice_id', order: 'asc' }],
        limit: 7,
        offset: 2,
      });
      expect(r.data!.invoice).toEqual(expected.rows);
    }
  });

  test('nested lookups, two levels deep, equal the joined ObjectQL answer', async () => {
    const r = await gql('{ invoice(orderBy: [{ field: invoice_id }], limit: 25) { invoice_id customer_id { customer_id first_name support_rep_id { last_name } } } }');
    expect(r.errors).toBeUndefined();
    const expected = await objectql(h, 'andrew.adams', {
      object: 'invoice',
      fields: ['invoice_id', 'customer_id.customer_id', 'customer_id.first_name', 'customer_id.support_rep_id.last_name'],
      orderBy: [{ field: 'invoice_id', order: 'asc' }],
      limit: 25,
    });
    const rows = r.data!.invoice as { invoice_id: number; customer_id: { customer_id: number; first_name: string; support_rep_id: { last_name: string } } }[];
    expect(rows.map((x) => [x.invoice_id, x.customer_id.customer_id, x.customer_id.first_name, x.customer_id.support_rep_id.last_name])).toEqual(
      expected.rows.map((x) => [x.invoice_id, x['customer_id.customer_id'], x['customer_id.first_name'], x['customer_id.support_rep_id.last_name']]),
    );
  });

  test('a page of N invoices with customer lookups costs one query per level, not N+1', async () => {
    for (const n of [10, 200]) {
      h.resetCalls();
      const r = await gql(`{ invoice(limit: ${n}) { invoice_id customer_id { first_name support_rep_id { last_name } } } }`);
      expect(r.errors).toBeUndefined();
      expect((r.data!.invoice as unknown[]).length).toBe(n);
      // invoices, then all their customers, then all those customers' reps.
      expect(h.calls.get('data.query')).toBe(3);
    }
    // The same lookup twice in one query still batches (aliases, fragments).
    h.resetCalls();
    const r = await gql('{ a: invoice(limit: 50) { customer_id { ...C } } b: invoice_line(limit: 50) { invoice_id { customer_id { ...C } } } } fragment C on Customer { first_name }');
    expect(r.errors).toBeUndefined();
    // Level 0: the two roots. Level 1: a's customers and b's invoices (one query each). Level 2: b's customers.
    expect(h.calls.get('data.query')).toBe(5);
  });

  test('a lookup to a record the user may not see reads as null; to an object they may not read, as its key', async () => {
    // Jane cannot read employee: customer.support_rep_id is not in her schema at all.
    expect(await typeFields('jane.peacock', 'Customer')).not.toContain('support_rep_id');
    // invoice_line → invoice: Jane sees only lines of her customers' invoices (same rule both sides).
    const r = await gql('{ invoice_line(limit: 50) { invoice_line_id invoice_id { invoice_id customer_id { customer_id } } } }', { user: 'jane.peacock' });
    expect(r.errors).toBeUndefined();
    const lines = r.data!.invoice_line as { invoice_id: { customer_id: { customer_id: number } } | null }[];
    expect(lines.length).toBeGreaterThan(0);
    const janes = new Set((await objectql(h, 'jane.peacock', { object: 'customer', fields: ['customer_id'] })).rows.map((x) => x.customer_id));
    for (const l of lines) expect(janes.has(l.invoice_id!.customer_id.customer_id)).toBe(true);
  });

  test('_page with a cursor walks every row; _by_key finds composite keys', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 30; i++) {
      const r: GqlResult = await gql('query($c: String) { invoice_page(orderBy: [{ field: invoice_id }], limit: 40, cursor: $c) { rows { invoice_id } nextCursor } }', { user: 'nancy.edwards', variables: { c: cursor } });
      expect(r.errors).toBeUndefined();
      const page = r.data!.invoice_page as { rows: { invoice_id: number }[]; nextCursor: string | null };
      seen.push(...page.rows.map((x) => x.invoice_id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const all = await objectql(h, 'nancy.edwards', { object: 'invoice', fields: ['invoice_id'], orderBy: [{ field: 'invoice_id', order: 'asc' }] });
    expect(seen).toEqual(all.rows.map((x) => x.invoice_id));

    const k = await gql('{ playlist_track_by_key(playlist_id: 1, track_id: 3402) { playlist_id { name } track_id { name } } none: playlist_track_by_key(playlist_id: 2, track_id: 3402) { playlist_id { name } } }');
    expect(k.errors).toBeUndefined();
    expect(k.data!.playlist_track_by_key).toEqual({ playlist_id: { name: 'Music' }, track_id: { name: expect.any(String) } });
    expect(k.data!.none).toBeNull();
  });

  test('aggregate with groupBy, as the user', async () => {
    const q = '{ invoice_aggregate(groupBy: ["billing_country"], aggregations: [{ function: sum, field: "total", alias: "revenue" }, { function: count, alias: "n" }], orderBy: [{ field: "revenue", order: DESC }], limit: 5) }';
    for (const user of ['jane.peacock', 'andrew.adams'] as const) {
      const r = await gql(q, { user });
      expect(r.errors).toBeUndefined();
      const expected = await objectql(h, user, {
        object: 'invoice',
        groupBy: ['billing_country'],
        aggregations: [{ function: 'sum', field: 'total', alias: 'revenue' }, { function: 'count', alias: 'n' }],
        orderBy: [{ field: 'revenue', order: 'desc' }],
        limit: 5,
      });
      expect(r.data!.invoice_aggregate).toEqual(expected.rows);
    }
  });

  test('engine errors carry the API code and path', async () => {
    const r = await gql('query($w: JSON) { invoice(where: $w) { invoice_id } }', { variables: { w: { total: { $like: 1 } } } });
    expect(r.errors![0]!.extensions!.code).toBe('bad_request');
    expect(r.errors![0]!.message).toMatch(/\$like/);
    // Operators cannot be spelled in a GraphQL literal; a JSON string works.
    const s = await gql(`{ invoice(where: ${JSON.stringify(JSON.stringify({ total: { $gt: '20' } }))}) { total } }`);
    expect(s.errors).toBeUndefined();
    expect((s.data!.invoice as unknown[]).length).toBe((await objectql(h, 'andrew.adams', { object: 'invoice', where: { total: { $gt: '20' } } })).rows.length);
    const bad = await gql('{ invoice(where: "{nope") { total } }');
    expect(bad.errors![0]!.extensions!.code).toBe('bad_request');
  });
});

describe('limits', () => {
  test('a query deeper than the limit is refused before it runs', async () => {
    h.resetCalls();
    const deep = '{ invoice_line(limit: 1) { invoice_id { customer_id { support_rep_id { reports_to { reports_to { reports_to { reports_to { reports_to { last_name } } } } } } } } } }';
    const r = await gql(deep);
    expect(r.errors![0]!.message).toMatch(/levels deep; at most 8/);
    expect(h.calls.get('data.query') ?? 0).toBe(0);
  });

  test('too many fields is refused; a standard introspection query is allowed', async () => {
    const wide = `{ ${Array.from({ length: 501 }, (_, i) => `a${i}: me`).join(' ')} }`;
    expect((await gql(wide)).errors![0]!.message).toMatch(/selects 501 fields; at most 500/);
    const { getIntrospectionQuery } = await import('../../../src/main/graphql/graphql');
    const r = await gql(getIntrospectionQuery());
    expect(r.errors).toBeUndefined();
    expect((r.data!.__schema as { types: unknown[] }).types.length).toBeGreaterThan(20);
  });

  test('GET queries work (graphql-over-http); mutations do not exist', async () => {
    const res = await h.get(`/graphql?query=${encodeURIComponent('{ me }')}`, { user: 'nancy.edwards' });
    expect(await res.json()).toEqual({ data: { me: 'nancy.edwards' } });
    const m = await gql('mutation { x }');
    expect(m.errors?.length).toBeGreaterThan(0);
  });
});
