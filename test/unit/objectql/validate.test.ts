/** Bad queries are rejected before any SQL is built, with the path in the AST and what is allowed there. */
import { describe, expect, it } from 'vitest';
import { QueryError } from '../../../src/main/objectql/errors';
import { shapeOf } from '../../../src/main/objectql/ir';
import { validateQuery } from '../../../src/main/objectql/validate';
import { chinookContext } from './fixtures/engines';

const ctx = chinookContext();

function reject(raw: unknown, c = ctx): QueryError {
  try {
    validateQuery(raw, c);
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    return e as QueryError;
  }
  throw new Error('expected the query to be rejected');
}

describe('unknown objects and fields', () => {
  it('an unknown object and a hidden object read exactly the same', () => {
    const missing = reject({ object: 'no_such_thing' });
    const hiddenCtx = chinookContext('pascal', { resolve: (n) => (n === 'employee' ? undefined : ctx.resolve(n)) });
    const hidden = reject({ object: 'employee' }, hiddenCtx);
    expect(missing.code).toBe('unknown_object');
    expect(missing.path).toBe('object');
    expect(missing.message).toBe('object: unknown object "no_such_thing"');
    expect(hidden.message).toBe('object: unknown object "employee"');
    expect(hidden.allowed).toBeUndefined();
  });

  it('an unknown field names the path and lists the fields', () => {
    const e = reject({ object: 'invoice', where: { $and: [{ total: 1 }, { totl: { $gt: 5 } }] } });
    expect(e.code).toBe('unknown_field');
    expect(e.path).toBe('where.$and[1].totl');
    expect(e.message).toContain('unknown field "totl" on object "invoice"');
    expect(e.allowed).toContain('total');
  });

  it('a dotted path through a non-lookup field is refused', () => {
    const e = reject({ object: 'customer', fields: ['first_name', 'country.name'] });
    expect(e.path).toBe('fields[1]');
    expect(e.message).toContain('"country" on object "customer" is a text field, not a lookup');
  });

  it('lookupWhere is refused from callers; from the permission layer its paths must be lookup chains', () => {
    const caller = reject({ object: 'invoice', lookupWhere: { customer_id: { country: 'USA' } } }, chinookContext('pascal', { trusted: false }));
    expect(caller.path).toBe('lookupWhere');
    expect(caller.message).toMatch(/set by the permission layer, not by callers/);
    const notLookup = reject({ object: 'invoice', lookupWhere: { total: { total: 1 } } });
    expect(notLookup.path).toBe('lookupWhere.total');
    expect(notLookup.message).toContain('"total" on object "invoice" is a currency field, not a lookup');
    const badRule = reject({ object: 'invoice', fields: ['customer_id.city'], lookupWhere: { customer_id: { no_such: 1 } } });
    expect(badRule.path).toBe('lookupWhere.customer_id.no_such');
  });

  it('unknown top-level keys are structural errors', () => {
    const e = reject({ object: 'customer', filter: {} });
    expect(e.code).toBe('invalid_query');
    expect(e.path).toBe('filter');
  });
});

describe('operators and values', () => {
  it('an operator not allowed for the field type', () => {
    const e = reject({ object: 'invoice', where: { $and: [{ billing_city: 'Oslo' }, { total: { $gt: 1, $contains: '9' } }] } });
    expect(e.code).toBe('operator_not_allowed');
    expect(e.path).toBe('where.$and[1].total.$contains');
    expect(e.allowed).toContain('$between');
    expect(e.allowed).not.toContain('$contains');
  });

  it('an unknown operator', () => {
    const e = reject({ object: 'invoice', where: { total: { $regex: '.*' } } });
    expect(e.code).toBe('operator_not_allowed');
    expect(e.path).toBe('where.total.$regex');
    expect(e.message).toContain('unknown operator "$regex"');
  });

  it('a value of the wrong type, with the path of the operator', () => {
    const e = reject({ object: 'invoice', where: { $and: [{ billing_city: 'Oslo' }, { total: { $gt: 'lots' } }] } });
    expect(e.code).toBe('invalid_value');
    expect(e.path).toBe('where.$and[1].total.$gt');
    expect(e.message).toContain('expected a number or a decimal string');
  });

  it('NaN and Infinity are not numbers', () => {
    expect(reject({ object: 'track', where: { milliseconds: { $gt: Number.NaN } } }).path).toBe('where.milliseconds');
    expect(reject({ object: 'track', where: { milliseconds: Number.POSITIVE_INFINITY } }).path).toBe('where.milliseconds');
  });

  it('invalid dates and offsets', () => {
    expect(reject({ object: 'invoice', where: { invoice_date: { $gte: '2021-02-30' } } }).message).toContain('expected a wall-clock date-time');
    expect(reject({ object: 'invoice', where: { invoice_date: { $gte: '2021-02-03T10:00:00Z' } } }).path).toBe('where.invoice_date.$gte');
    expect(reject({ object: 'invoice', where: { invoice_date: 'last_n_weeks:3' } }).path).toBe('where.invoice_date');
  });

  it('objects where scalars are expected, and $-keys inside values', () => {
    const e = reject({ object: 'customer', where: { country: { $eq: { $ne: 'x' } } } });
    expect(e.path).toBe('where.country');
    expect(e.code).toBe('invalid_value');
    const f = reject({ object: 'customer', where: { country: { $in: ['x', { $gt: 1 }] } } });
    expect(f.path.startsWith('where.country')).toBe(true);
  });

  it('null only with $eq/$ne, never inside $in', () => {
    expect(reject({ object: 'customer', where: { company: { $gt: null } } }).message).toContain('use $null');
    expect(reject({ object: 'customer', where: { company: { $in: ['a', null] } } }).path).toBe('where.company.$in[1]');
  });

  it('empty text patterns are refused (they match everything)', () => {
    expect(reject({ object: 'customer', where: { company: { $contains: '' } } }).path).toBe('where.company.$contains');
  });
});

describe('groups, aggregates and limits', () => {
  it('groupBy on a non-groupable field', () => {
    const objects = new Map([['note', { name: 'note', datasource: 'd', primaryKey: ['id'], fields: { id: { type: 'number' }, body: { type: 'textarea' }, tags: { type: 'json' } } }]]);
    const c = chinookContext('pascal', { resolve: (n) => objects.get(n) as never });
    const e = reject({ object: 'note', groupBy: ['id', 'tags'], aggregations: [{ function: 'count', alias: 'n' }] }, c);
    expect(e.code).toBe('not_groupable');
    expect(e.path).toBe('groupBy[1]');
    expect(e.allowed).toEqual(['id']);
  });

  it('sum of a text field', () => {
    const e = reject({ object: 'invoice', aggregations: [{ function: 'sum', field: 'billing_city', alias: 's' }] });
    expect(e.code).toBe('not_aggregatable');
    expect(e.path).toBe('aggregations[0].field');
    expect(e.allowed).toContain('total');
  });

  it('a date granularity on a non-date field', () => {
    expect(reject({ object: 'invoice', groupBy: [{ field: 'total', dateGranularity: 'month' }] }).path).toBe('groupBy[0].dateGranularity');
  });

  it('having on something that is not a group key or alias', () => {
    const e = reject({ object: 'invoice', groupBy: ['billing_country'], aggregations: [{ function: 'count', alias: 'n' }], having: { total: { $gt: 1 } } });
    expect(e.path).toBe('having.total');
    expect(e.allowed).toEqual(['billing_country', 'n']);
  });

  it('absurd limits', () => {
    const e = reject({ object: 'invoice', limit: 1_000_000 });
    expect(e.code).toBe('limit_exceeded');
    expect(e.path).toBe('limit');
    expect(e.allowed).toEqual(['0..100000']);
    expect(reject({ object: 'invoice', limit: -1 }).path).toBe('limit');
    expect(reject({ object: 'invoice', limit: 2.5 }).path).toBe('limit');
  });
});

describe('bounds and hostile input', () => {
  it('nesting deeper than the bound', () => {
    let where: Record<string, unknown> = { total: 1 };
    for (let i = 0; i < 12; i++) where = { $not: where };
    const e = reject({ object: 'invoice', where });
    expect(e.code).toBe('too_deep');
    expect(e.path.startsWith('where.$not.$not')).toBe(true);
  });

  it('runaway raw nesting is refused before parsing', () => {
    let where: Record<string, unknown> = { total: 1 };
    for (let i = 0; i < 100; i++) where = { $and: [where] };
    expect(reject({ object: 'invoice', where }).code).toBe('too_deep');
  });

  it('lookup paths longer than the bound', () => {
    expect(() => validateQuery({ object: 'playlist_track', fields: ['track_id.album_id.artist_id.name'] }, ctx)).not.toThrow();
    const e = reject({ object: 'invoice_line', fields: ['quantity', 'invoice_id.customer_id.support_rep_id.reports_to.first_name'] });
    expect(e.code).toBe('too_deep');
    expect(e.path).toBe('fields[1]');
    expect(e.message).toContain('follows 4 lookups; at most 3');
  });

  it('__proto__ and constructor keys anywhere', () => {
    const proto = JSON.parse('{"object":"invoice","where":{"__proto__":{"total":1}}}');
    const e = reject(proto);
    expect(e.code).toBe('forbidden_key');
    expect(e.path).toBe('where.__proto__');
    expect(reject({ object: 'invoice', where: { constructor: 1 } }).path).toBe('where.constructor');
  });

  it('expand deeper than the bound and expand of a non-lookup', () => {
    expect(reject({ object: 'customer', expand: { support_rep_id: { expand: { reports_to: { expand: { reports_to: { expand: { reports_to: {} } } } } } } } }).code).toBe('too_deep');
    expect(reject({ object: 'customer', expand: { country: {} } }).path).toBe('expand.country');
  });

  it('a tampered cursor', () => {
    expect(reject({ object: 'invoice', cursor: 'not-a-cursor' }).code).toBe('invalid_cursor');
  });
});

describe('what validation produces', () => {
  it('implicit equality, default limit and the primary key tie-breaker', () => {
    const { bound } = validateQuery({ object: 'invoice', where: { billing_country: 'Norway' }, orderBy: [{ field: 'total', order: 'desc' }] }, ctx);
    expect(bound.where).toMatchObject({ t: 'cmp', op: 'eq', a: { t: 'col', ref: { column: 'BillingCountry' } } });
    expect(bound.limit.value).toBe(1000);
    expect(bound.sort.map((s) => (s.operand.t === 'col' ? `${s.operand.ref.column}${s.desc ? '-' : '+'}` : ''))).toEqual(['Total-', 'InvoiceId+']);
  });

  it('relative dates resolve in the workspace time zone', () => {
    // 2025-06-15T12:00Z is already the 16th in Auckland (UTC+12).
    const nz = validateQuery({ object: 'invoice', where: { invoice_date: 'today' } }, chinookContext('pascal', { timezone: 'Pacific/Auckland' }));
    const utc = validateQuery({ object: 'invoice', where: { invoice_date: 'today' } }, ctx);
    const values = (b: typeof nz.bound) => shapeOf(b).values.filter((v) => typeof v === 'string' && /^2025-06-\d\dT00:00:00$/.test(v));
    expect(values(utc.bound)).toEqual(['2025-06-15T00:00:00', '2025-06-16T00:00:00']);
    expect(values(nz.bound)).toEqual(['2025-06-16T00:00:00', '2025-06-17T00:00:00']);
  });
});
