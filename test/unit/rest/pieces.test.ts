// The pure parts of the REST/GraphQL API: --listen, record ids, list parameters, the rate limiter, limits.
import { describe, expect, test } from 'vitest';
import { exposureWarning, parseListen } from '../../../src/main/rest/listen';
import { decodeRecordId, encodeRecordId, rawLastSegment } from '../../../src/main/rest/record-id';
import { astFromParams, parseExpand, parseSort } from '../../../src/main/rest/list-params';
import { RateLimiter } from '../../../src/main/rest/rate-limit';
import { parse, validate, buildSchema, specifiedRules } from '../../../src/main/graphql/graphql';
import { limitRule } from '../../../src/main/graphql/limits';
import { formatToken, parseToken } from '../../../src/main/tokens/token-secret';
import type { ObjectDescription } from '../../../src/shared/api/contract';
import { ApiError } from '../../../src/shared/api/errors';

describe('--listen', () => {
  test.each([
    ['127.0.0.1:8787', { host: '127.0.0.1', port: 8787 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['[::1]:9000', { host: '::1', port: 9000 }],
    [':8080', { host: '127.0.0.1', port: 8080 }],
    ['8080', { host: '127.0.0.1', port: 8080 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
  ])('%s', (v, expected) => expect(parseListen(v)).toEqual(expected));

  test.each(['', 'host', 'host:', 'a:b', '1.2.3.4:70000', '[::1]'])('refuses %j', (v) => expect(() => parseListen(v)).toThrow(/HOST:PORT/));

  test('warns only off loopback', () => {
    expect(exposureWarning('127.0.0.1')).toBeNull();
    expect(exposureWarning('::1')).toBeNull();
    expect(exposureWarning('0.0.0.0')).toMatch(/other machines can reach it/);
  });
});

describe('record ids', () => {
  test('round trip, with commas and slashes inside values', () => {
    const id = encodeRecordId(['a,b', 'c/d', 3]);
    expect(id).toBe('a%2Cb,c%2Fd,3');
    expect(decodeRecordId(id, ['x', 'y', 'z'], 'o')).toEqual(['a,b', 'c/d', '3']);
    expect(decodeRecordId('ALFKI', ['id'], 'o')).toEqual(['ALFKI']);
  });

  test('wrong arity and bad encoding are 400 with the key fields named', () => {
    expect(() => decodeRecordId('1', ['playlist_id', 'track_id'], 'playlist_track')).toThrow(/2 part\(s\) \(playlist_id, track_id\), written <playlist_id>,<track_id>/);
    expect(() => decodeRecordId('%E0%A4%A', ['id'], 'o')).toThrow(ApiError);
  });

  test('the raw segment is read undecoded', () => {
    expect(rawLastSegment('http://h/api/v1/data/x/a%2Cb,c')).toBe('a%2Cb,c');
  });
});

describe('list parameters', () => {
  const describe_ = async (name: string): Promise<ObjectDescription> => {
    const f = (n: string, type: string, extra = {}) => ({ name: n, type, label: n, required: false, readonly: false, searchable: false, ...extra });
    if (name === 'invoice') {
      return { name, label: 'Invoice', pluralLabel: 'Invoices', namespace: 'x', datasource: 'd', primaryKey: ['invoice_id'], writable: false, fields: [f('invoice_id', 'number'), f('paid', 'boolean'), f('customer_id', 'lookup', { reference_to: 'customer' }), f('total', 'currency')] };
    }
    if (name === 'customer') {
      return { name, label: 'Customer', pluralLabel: 'Customers', namespace: 'x', datasource: 'd', primaryKey: ['customer_id'], writable: false, fields: [f('customer_id', 'number'), f('country', 'text')] };
    }
    throw new ApiError('not_found', `Unknown object "${name}".`);
  };

  test('sort and expand', () => {
    expect(parseSort('-total, invoice_id,+x')).toEqual([
      { field: 'total', order: 'desc' },
      { field: 'invoice_id', order: 'asc' },
      { field: 'x', order: 'asc' },
    ]);
    expect(parseExpand('customer_id,customer_id.support_rep_id,invoice_id')).toEqual({ customer_id: { expand: { support_rep_id: {} } }, invoice_id: {} });
  });

  test('every parameter lands in the AST, typed by the field', async () => {
    const p = new URLSearchParams('fields=total,customer_id.country&where={"total":{"$gt":"5"}}&paid=true&customer_id=7&customer_id.country=Norway&customer_id.country=Chile&sort=-total&limit=10&offset=5&search=x&expand=customer_id&format=csv&plan=1');
    expect(await astFromParams('invoice', p, describe_)).toEqual({
      object: 'invoice',
      fields: ['total', 'customer_id.country'],
      where: { $and: [{ total: { $gt: '5' } }, { paid: true, customer_id: 7, 'customer_id.country': { $in: ['Norway', 'Chile'] } }] },
      search: 'x',
      orderBy: [{ field: 'total', order: 'desc' }],
      limit: 10,
      offset: 5,
      expand: { customer_id: {} },
    });
  });

  test.each([
    ['invoice_id=1x', /not a number/],
    ['paid=yes', /not a boolean/],
    ['limit=1.5', /whole number/],
    ['where=[1]', /must be a JSON object/],
    ['nope=1', /unknown field "nope" on object "invoice"/],
    ['invoice_id.x=1', /"invoice_id" is not a lookup/],
  ])('%s → 400', async (qs, message) => {
    await expect(astFromParams('invoice', new URLSearchParams(qs), describe_)).rejects.toThrow(message);
  });
});

describe('rate limiter', () => {
  test('a burst, then one request per refill, per key', () => {
    let now = 0;
    const r = new RateLimiter({ burst: 2, perSecond: 1 }, () => now);
    expect([r.take('a'), r.take('a'), r.take('a')]).toEqual([0, 0, 1]);
    expect(r.take('b')).toBe(0);
    now = 1000;
    expect(r.take('a')).toBe(0);
    expect(r.take('a')).toBe(1);
  });
});

describe('GraphQL limits', () => {
  const schema = buildSchema('type Q { n: Int, q: Q } schema { query: Q }');
  const errors = (q: string) => validate(schema, parse(q), [...specifiedRules, limitRule({ maxDepth: 3, maxFields: 6 })]).map((e) => e.message);
  test('depth counts nested data selections, through fragments; introspection is exempt', () => {
    expect(errors('{ q { q { n } } }')).toEqual([]);
    expect(errors('{ q { q { q { n } } } }')[0]).toMatch(/4 levels deep; at most 3/);
    expect(errors('{ q { ...F } } fragment F on Q { q { q { n } } }')[0]).toMatch(/4 levels deep/);
    expect(errors('{ __schema { types { fields { type { ofType { name } } } } } }')).toEqual([]);
  });
  test('fields are counted with fragments expanded', () => {
    expect(errors('{ a: n b: n c: n d: n e: n f: n }')).toEqual([]);
    expect(errors('{ ...F ...G } fragment F on Q { a: n b: n c: n d: n } fragment G on Q { e: n f: n g: n }')[0]).toMatch(/selects 7 fields; at most 6/);
  });
});

describe('token format', () => {
  test('well-formed tokens parse; anything else does not', () => {
    const t = formatToken('abcdefghijkl', 'A'.repeat(43));
    expect(parseToken(t)).toEqual({ id: 'abcdefghijkl', secret: 'A'.repeat(43) });
    for (const bad of ['', 'odp_', `${t}x`, t.replace('odp_', 'odq_'), `odp_ABCDEFGHIJKL_${'A'.repeat(43)}`]) expect(parseToken(bad)).toBeNull();
  });
});
