/**
 * Crafted inputs for the adversarial suite: injection in values, field names, object names, sort keys and
 * aliases; MongoDB operators in values; prototype keys; huge limits; deep nesting; invalid dates and NaN;
 * unicode confusables. Each is a raw API input (what a transport would hand `api.call`).
 */
export interface Crafted {
  name: string;
  op: 'data.query' | 'data.explain' | 'objects.describe' | 'data.update' | 'data.delete' | 'data.create';
  input: unknown;
}

export const SQL_PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "x'; DROP TABLE Customer; --",
  "x\"; DROP TABLE \"Customer\"; --",
  "1; DELETE FROM Customer",
  "'; UPDATE Customer SET Email = 'pwned' --",
  'WITH d AS (DELETE FROM Customer RETURNING *) SELECT * FROM d',
  'SELECT * FROM Customer FOR UPDATE',
  "' UNION SELECT Email, Phone FROM Customer --",
  '%',
  '_',
  '*',
  '[a-z]*',
  '\\',
  "\\'; DROP TABLE Invoice; --",
  '\u0000',
  "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
  "'||(SELECT Email FROM Customer LIMIT 1)||'",
  '$1',
  '?',
  "1' AND SLEEP(5)--",
  "'; COPY customer TO PROGRAM 'id'; --",
];

export const NAME_PAYLOADS = [
  'email',
  'Email',
  'EMAIL',
  'emaіl', // Cyrillic і
  'email\u200b',
  'first_name; DROP TABLE Customer',
  'first_name"',
  "first_name'",
  'first_name--',
  '1=1',
  '*',
  'support_rep_id.email',
  'support_rep_id.reports_to.email',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '$where',
  '',
  'a'.repeat(10_000),
];

export const OBJECT_PAYLOADS = [
  'сustomer', // Cyrillic с
  'customer\u200b',
  'Customer',
  'CUSTOMER',
  'customer;--',
  'Customer" --',
  'customer ',
  '__proto__',
  'constructor',
  'sqlite_master',
  'pg_catalog.pg_user',
  'information_schema.tables',
  '../customer',
  'toString',
];

export function craftedInputs(): Crafted[] {
  const out: Crafted[] = [];
  const q = (name: string, query: unknown) => out.push({ name, op: 'data.query', input: { query } });
  for (const p of SQL_PAYLOADS) {
    q(`value eq ${p}`, { object: 'customer', where: { city: p } });
    q(`value contains ${p}`, { object: 'customer', where: { last_name: { $contains: p } } });
    q(`value icontains ${p}`, { object: 'customer', where: { last_name: { $icontains: p } } });
    q(`value in ${p}`, { object: 'invoice', where: { billing_city: { $in: [p, 'Paris'] } } });
    q(`search ${p}`, { object: 'customer', search: p });
    q(`cursor ${p}`, { object: 'customer', cursor: p });
    q(`number field ${p}`, { object: 'invoice', where: { total: p } });
    q(`lookup value ${p}`, { object: 'invoice', where: { customer_id: p } });
  }
  for (const n of NAME_PAYLOADS) {
    q(`field ${n.slice(0, 30)}`, { object: 'customer', fields: [n] });
    q(`where key ${n.slice(0, 30)}`, { object: 'customer', where: { [n]: 'x' } });
    q(`sort key ${n.slice(0, 30)}`, { object: 'customer', orderBy: [{ field: n }] });
    q(`group key ${n.slice(0, 30)}`, { object: 'customer', groupBy: [n], aggregations: [{ function: 'count', alias: 'n' }] });
    q(`aggregate field ${n.slice(0, 30)}`, { object: 'customer', aggregations: [{ function: 'max', field: n, alias: 'm' }] });
    q(`alias ${n.slice(0, 30)}`, { object: 'customer', aggregations: [{ function: 'count', alias: n }] });
    q(`expand key ${n.slice(0, 30)}`, { object: 'invoice', expand: { [n]: {} } });
    out.push({ name: `write field ${n.slice(0, 30)}`, op: 'data.update', input: { object: 'customer', key: 1, values: { [n]: 'x' } } });
  }
  for (const o of OBJECT_PAYLOADS) {
    q(`object ${o}`, { object: o });
    out.push({ name: `describe ${o}`, op: 'objects.describe', input: { objectName: o } });
    out.push({ name: `delete from ${o}`, op: 'data.delete', input: { object: o, key: 1 } });
  }
  // MongoDB operator injection and $-keys inside values.
  const mongo: unknown[] = [
    { city: { $where: 'sleep(1000)' } },
    { $where: 'this.email' },
    { city: { $function: { body: 'return true', args: [], lang: 'js' } } },
    { city: { $regex: '.*' } },
    { $expr: { $eq: ['$email', 'x'] } },
    { city: { $eq: { $gt: '' } } },
    { city: { $in: [{ $gt: '' }] } },
    { city: '$out' },
    { city: { $eq: '$merge' } },
    { city: { $ne: { $out: 'stolen' } } },
    { $out: 'stolen' },
    { $merge: { into: 'stolen' } },
    { city: { $lookup: { from: 'customer' } } },
    { 'support_rep_id.$where': 1 },
  ];
  mongo.forEach((where, i) => q(`mongo operator ${i}`, { object: 'customer', where }));
  q('mongo in aggregation filter', { object: 'customer', aggregations: [{ function: 'count', alias: 'n', filter: { $where: '1' } }] });
  // Prototype keys, as JSON.parse produces them.
  for (const json of [
    '{"object":"customer","where":{"__proto__":{"admin":true}}}',
    '{"object":"customer","__proto__":{"where":{}}}',
    '{"object":"customer","constructor":{"prototype":{"x":1}}}',
    '{"object":"customer","where":{"constructor":"x"}}',
    '{"object":"customer","expand":{"__proto__":{}}}',
    '{"object":"customer","where":{"$and":[{"__proto__":{"city":"x"}}]}}',
    '{"object":"customer","fields":["__proto__"]}',
    '{"object":"customer","orderBy":[{"field":"prototype"}]}',
  ]) q(`prototype ${json}`, JSON.parse(json));
  out.push({ name: 'prototype in write values', op: 'data.update', input: JSON.parse('{"object":"customer","key":1,"values":{"__proto__":{"city":"x"}}}') });
  out.push({ name: 'prototype in write key', op: 'data.delete', input: JSON.parse('{"object":"customer","key":{"__proto__":1}}') });
  // The permission layer's lookupWhere, smuggled in by a caller: a rule that lets every related record
  // through, one that tests a hidden field, and one on a path to a hidden object.
  q('lookupWhere lets every customer through', { object: 'invoice', fields: ['customer_id.email'], lookupWhere: { customer_id: { customer_id: { $gte: 0 } } } });
  q('lookupWhere tests a hidden field', { object: 'invoice', fields: ['invoice_id'], lookupWhere: { customer_id: { email: { $contains: '@' } } } });
  q('lookupWhere with a prototype key', JSON.parse('{"object":"invoice","lookupWhere":{"__proto__":{"city":"x"}}}'));
  // Limits.
  for (const limit of [1e9, Number.MAX_SAFE_INTEGER, -1, 1.5, Infinity, NaN, '10', 1e308]) q(`limit ${limit}`, { object: 'invoice_line', limit });
  for (const offset of [1e12, -5, NaN]) q(`offset ${offset}`, { object: 'invoice', offset });
  // Deep nesting.
  let deep: Record<string, unknown> = { city: 'x' };
  for (let i = 0; i < 60; i++) deep = { $and: [deep] };
  q('60-deep $and', { object: 'customer', where: deep });
  let notDeep: Record<string, unknown> = { city: 'x' };
  for (let i = 0; i < 12; i++) notDeep = { $not: notDeep };
  q('12-deep $not', { object: 'customer', where: notDeep });
  let exp: Record<string, unknown> = {};
  for (let i = 0; i < 8; i++) exp = { reports_to: { expand: exp } };
  q('8-deep expand', { object: 'employee', expand: exp });
  q('10-hop path', { object: 'employee', fields: [Array(10).fill('reports_to').join('.') + '.first_name'] });
  q('thousands of $or', { object: 'customer', where: { $or: Array.from({ length: 2000 }, (_, i) => ({ customer_id: i })) } });
  q('huge $in', { object: 'customer', where: { customer_id: { $in: Array.from({ length: 5000 }, (_, i) => i) } } });
  q('long search', { object: 'customer', search: 'a '.repeat(400) });
  // Invalid dates and numbers.
  for (const v of ['not a date', '2024-13-45', '2024-02-30T00:00:00', '2024-01-01T00:00:00Z', '2024-01-01T25:00:00', '', NaN, Infinity, -Infinity, {}, [], true]) {
    q(`date ${String(v)}`, { object: 'invoice', where: { invoice_date: { $gt: v } } });
  }
  for (const v of [NaN, Infinity, '1e999', '0x10', '1,5', 1e308 * 10, '12.5.5', true]) q(`number ${String(v)}`, { object: 'invoice', where: { total: { $gte: v } } });
  q('between NaN', { object: 'invoice', where: { total: { $between: [NaN, 5] } } });
  q('relative date token in a number', { object: 'invoice', where: { total: 'this_year' } });
  // Whole-input shapes.
  for (const bad of [null, 42, 'customer', [], { object: 'customer', extra: 1 }, { object: ['customer'] }, { object: { $ne: null } }]) {
    out.push({ name: `shape ${JSON.stringify(bad)}`, op: 'data.query', input: { query: bad } });
  }
  return out;
}
