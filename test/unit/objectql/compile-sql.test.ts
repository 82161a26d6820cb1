/** SQL per dialect: quoting, parameters, NULL order, case rules, exact money, date buckets, the shape cache. */
import { describe, expect, it } from 'vitest';
import { compileSql, type SqlDialect } from '../../../src/main/objectql/compile/sql';
import type { QueryObjectDef } from '../../../src/main/objectql/ir';
import { bind, chinookContext } from './fixtures/engines';

const DIALECTS: SqlDialect[] = ['sqlite', 'postgres', 'mysql'];

const filtered = {
  object: 'customer', fields: ['first_name', 'support_rep_id.last_name'],
  where: { $or: [{ company: { $icontains: "O'Reilly_100%" } }, { country: { $ne: 'USA' } }], $not: { city: { $startsWith: 'S' } } },
  orderBy: [{ field: 'company', order: 'desc' }], limit: 10, offset: 20,
};
const grouped = {
  object: 'invoice', groupBy: ['billing_country', { field: 'invoice_date', dateGranularity: 'week' }],
  aggregations: [{ function: 'sum', field: 'total', alias: 'revenue' }, { function: 'avg', field: 'total', alias: 'avg_total', filter: { total: { $gt: 1 } } }],
  having: { revenue: { $gt: '10.50' } }, orderBy: [{ field: 'avg_total', order: 'desc' }],
};

describe.each(DIALECTS)('%s', (dialect) => {
  it('filtered rows with a lookup join (snapshot)', () => {
    const c = compileSql(bind(filtered), dialect);
    expect({ sql: c.sql, parameters: c.parameters }).toMatchSnapshot();
  });

  it('grouped aggregation with a week bucket, having and an average (snapshot)', () => {
    const c = compileSql(bind(grouped), dialect);
    expect({ sql: c.sql, parameters: c.parameters }).toMatchSnapshot();
  });

  it('values never appear in the SQL text, only as parameters', () => {
    const c = compileSql(bind({ object: 'customer', where: { last_name: "Robert'); DROP TABLE Customer;--", city: { $contains: 'x*?[' } } }), dialect);
    expect(c.sql).not.toContain('DROP');
    expect(c.parameters).toContain("Robert'); DROP TABLE Customer;--");
  });

  it('identifiers come from metadata and are quoted by the dialect', () => {
    const odd: QueryObjectDef = {
      name: 'odd', datasource: 'd', primaryKey: ['id'], external: { table: 'we"ird`table', writable: false },
      fields: { id: { type: 'number', column: 'the id' }, label: { type: 'text', column: 'la"bel`' } },
    } as QueryObjectDef;
    const c = compileSql(bind({ object: 'odd', fields: ['label'] }, chinookContext('pascal', { resolve: (n) => (n === 'odd' ? odd : undefined) })), dialect);
    if (dialect === 'mysql') expect(c.sql).toContain('from `we"ird``table` as `t0`');
    else expect(c.sql).toContain('from "we""ird`table" as "t0"');
  });

  it('selects a column once even when it is also a sort key or an expanded member', () => {
    const c = compileSql(bind({ object: 'customer', fields: ['customer_id', 'last_name', 'support_rep_id'], expand: { support_rep_id: { fields: ['last_name'] } }, orderBy: [{ field: 'last_name' }] }), dialect);
    const select = c.sql.slice(0, c.sql.indexOf(' from '));
    const q = dialect === 'mysql' ? '`' : '"';
    for (const col of ['t0', 't1'].flatMap((t) => ['CustomerId', 'LastName', 'SupportRepId', 'EmployeeId'].map((n) => `${q}${t}${q}.${q}${n}${q}`))) {
      expect(select.split(col).length - 1, col).toBeLessThanOrEqual(1);
    }
    // The hidden sort keys read the visible columns' positions.
    const at = new Map(c.columns.map((col) => [col.key, col.at]));
    expect(at.get('__s0')).toBe(at.get('last_name'));
    expect(at.get('__s1')).toBe(at.get('customer_id'));
  });

  it('a repeated query shape reuses the compiled statement with new parameters', () => {
    const a = compileSql(bind({ object: 'track', fields: ['name'], where: { milliseconds: { $gt: 1000 } } }), dialect);
    const b = compileSql(bind({ object: 'track', fields: ['name'], where: { milliseconds: { $gt: 2000 } } }), dialect);
    expect(b.cached).toBe(true);
    expect(b.sql).toBe(a.sql);
    expect(b.parameters).toEqual([2000, 1000]);
  });

  it('a zero offset is left out of the statement; any other offset is a parameter', () => {
    const none = compileSql(bind({ object: 'track', fields: ['name'], offset: 0 }), dialect);
    const some = compileSql(bind({ object: 'track', fields: ['name'], offset: 5 }), dialect);
    expect(none.sql).not.toMatch(/offset/i);
    expect(some.sql).toMatch(/offset/i);
    expect(some.parameters).toEqual([1000, 5]);
    expect(compileSql(bind({ object: 'track', fields: ['name'] }), dialect).sql).toBe(none.sql);
  });
});

it('dialect-specific choices are explicit', () => {
  const pg = compileSql(bind(filtered), 'postgres').sql;
  const my = compileSql(bind(filtered), 'mysql').sql;
  const lite = compileSql(bind(filtered), 'sqlite').sql;
  expect(pg).toContain('COLLATE "C") DESC NULLS LAST');
  expect(pg).toContain("translate(\"t0\".\"Company\", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE $1 ESCAPE '!'");
  expect(my).toContain('COLLATE utf8mb4_nopad_bin REGEXP ?');
  expect(lite).toContain('"t0"."City" GLOB ?');
  for (const s of [pg, my, lite]) expect(s).toContain('NOT COALESCE(');
  expect(compileSql(bind(filtered), 'mysql').parameters[0]).toBe("(?-i)[oO]\\'[rR][eE][iI][lL][lL][yY]\\_100\\%");
  expect(compileSql(bind(filtered), 'postgres').parameters[0]).toBe("%o'reilly!_100!%%");
});
