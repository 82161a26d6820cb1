/** The semantics the reference evaluator defines (and every compiler must match), on a tiny in-memory table. */
import { describe, expect, it } from 'vitest';
import type { QueryObjectDef } from '../../../src/main/objectql/ir';
import { shapeOf } from '../../../src/main/objectql/ir';
import { evaluate, type RawRow } from '../../../src/main/objectql/reference/evaluator';
import { shapeRows } from '../../../src/main/objectql/result';
import { validateQuery } from '../../../src/main/objectql/validate';

const objects = new Map<string, QueryObjectDef>([
  ['item', {
    name: 'item', datasource: 'mem', primaryKey: ['id'],
    fields: {
      id: { type: 'number' }, name: { type: 'text' }, price: { type: 'currency', scale: 2 }, qty: { type: 'number' },
      at: { type: 'datetime' }, owner: { type: 'lookup', reference_to: 'person' },
    },
  } as QueryObjectDef],
  ['person', { name: 'person', datasource: 'mem', primaryKey: ['id'], fields: { id: { type: 'number' }, name: { type: 'text' } } } as QueryObjectDef],
]);
const tables: Record<string, RawRow[]> = {
  item: [
    { id: 1, name: 'apple', price: 0.1, qty: 3, at: '2024-03-31 23:59:59', owner: 1 },
    { id: 2, name: 'Apple', price: 0.2, qty: null, at: '2024-04-01 00:00:00', owner: 2 },
    { id: 3, name: null, price: '1.01', qty: 1, at: '2024-04-07 12:00:00', owner: null },
    { id: 4, name: 'Éclair', price: null, qty: 2, at: null, owner: 9 },
    { id: 5, name: 'éclair', price: '1.00', qty: 2, at: '2024-12-31 10:00:00', owner: 1 },
    { id: 6, name: 'Zebra', price: 1, qty: 2, at: '2025-01-01 00:00:00', owner: 2 },
  ],
  person: [{ id: 1, name: 'Ann' }, { id: 2, name: 'Bo' }],
};

function run(raw: Record<string, unknown>) {
  const { bound } = validateQuery({ object: 'item', ...raw }, { resolve: (n) => objects.get(n), timezone: 'UTC', defaultLimit: 100, maxLimit: 1000 });
  shapeOf(bound);
  return shapeRows(bound, evaluate(bound, (o) => tables[o] ?? []));
}
const ids = (raw: Record<string, unknown>) => run({ ...raw, fields: ['id'] }).map((r) => r.id);

describe('NULL', () => {
  it('comparisons never match NULL; $ne and $nin do', () => {
    expect(ids({ where: { qty: { $gt: 1 } } })).toEqual([1, 4, 5, 6]);
    expect(ids({ where: { qty: { $lt: 3 } } })).toEqual([3, 4, 5, 6]);
    expect(ids({ where: { qty: { $ne: 2 } } })).toEqual([1, 2, 3]);
    expect(ids({ where: { qty: { $nin: [2, 3] } } })).toEqual([2, 3]);
    expect(ids({ where: { qty: { $in: [2, 3] } } })).toEqual([1, 4, 5, 6]);
  });

  it('$not is the complement, NULL rows included', () => {
    expect(ids({ where: { $not: { qty: { $gt: 1 } } } })).toEqual([2, 3]);
    expect(ids({ where: { $not: { name: { $contains: 'p' } } } })).toEqual([3, 4, 5, 6]);
  });

  it('{ field: null } is $null: true; $exists: false is the same', () => {
    expect(ids({ where: { qty: null } })).toEqual([2]);
    expect(ids({ where: { qty: { $exists: false } } })).toEqual([2]);
    expect(ids({ where: { qty: { $ne: null } } })).toEqual([1, 3, 4, 5, 6]);
  });

  it('NULLs sort first ascending and last descending', () => {
    expect(ids({ orderBy: [{ field: 'qty' }] })).toEqual([2, 3, 4, 5, 6, 1]);
    expect(ids({ orderBy: [{ field: 'qty', order: 'desc' }] })).toEqual([1, 4, 5, 6, 3, 2]);
  });
});

describe('text', () => {
  it('$contains is case-sensitive; $icontains folds ASCII letters only', () => {
    expect(ids({ where: { name: { $contains: 'App' } } })).toEqual([2]);
    expect(ids({ where: { name: { $icontains: 'APP' } } })).toEqual([1, 2]);
    expect(ids({ where: { name: { $icontains: 'ÉCLAIR' } } })).toEqual([4]);
    expect(ids({ where: { name: { $icontains: 'eCLAIR' } } })).toEqual([]);
    expect(ids({ where: { name: { $startsWith: 'é' } } })).toEqual([5]);
    expect(ids({ where: { name: { $endsWith: 'LE' } } })).toEqual([]);
  });

  it('sorts and compares by code point: Z < a < É < é', () => {
    expect(run({ fields: ['name'], orderBy: [{ field: 'name' }] }).map((r) => r.name)).toEqual([null, 'Apple', 'Zebra', 'apple', 'Éclair', 'éclair']);
    expect(ids({ where: { name: { $gt: 'Zebra' } } })).toEqual([1, 4, 5]);
  });

  it('ties are broken by the primary key', () => {
    expect(ids({ orderBy: [{ field: 'qty', order: 'desc' }] }).slice(1, 4)).toEqual([4, 5, 6]);
  });
});

describe('money and aggregates', () => {
  it('sums are exact decimal strings at the field scale; averages carry four more digits', () => {
    const [row] = run({ aggregations: [
      { function: 'sum', field: 'price', alias: 's' }, { function: 'avg', field: 'price', alias: 'a' },
      { function: 'count', alias: 'rows' }, { function: 'count', field: 'price', alias: 'priced' },
      { function: 'min', field: 'price', alias: 'lo' }, { function: 'max', field: 'name', alias: 'last' },
      { function: 'count_distinct', field: 'price', alias: 'distinct_prices' },
    ] });
    // 0.1 + 0.2 + 1.01 + 1.00 + 1 = 3.31 exactly, over 5 priced rows
    expect(row).toEqual({ s: '3.31', a: '0.662000', rows: 6, priced: 5, lo: '0.10', last: 'éclair', distinct_prices: 4 });
  });

  it('averages round half up at their scale', () => {
    const [row] = run({ where: { id: { $in: [3, 5, 6] } }, aggregations: [{ function: 'avg', field: 'price', alias: 'a' }] });
    expect(row!.a).toBe('1.003333'); // 3.01 / 3 = 1.00333…
  });

  it('an ungrouped aggregate over no rows: count 0, the others NULL', () => {
    expect(run({ where: { id: 99 }, aggregations: [{ function: 'count', alias: 'n' }, { function: 'sum', field: 'price', alias: 's' }] })).toEqual([{ n: 0, s: null }]);
  });

  it('conditional aggregates count only matching rows', () => {
    expect(run({ aggregations: [{ function: 'count', alias: 'n', filter: { name: { $icontains: 'apple' } } }] })).toEqual([{ n: 2 }]);
  });
});

describe('dates, lookups, groups', () => {
  it('date buckets: weeks start on Monday, quarters as YYYY-Qn, NULL is its own group', () => {
    const weeks = run({ groupBy: [{ field: 'at', dateGranularity: 'week' }], aggregations: [{ function: 'count', alias: 'n' }] });
    expect(weeks).toEqual([
      { at__week: null, n: 1 }, { at__week: '2024-03-25', n: 1 }, { at__week: '2024-04-01', n: 2 }, { at__week: '2024-12-30', n: 2 },
    ]);
    const quarters = run({ groupBy: [{ field: 'at', dateGranularity: 'quarter', alias: 'q' }], aggregations: [{ function: 'count', alias: 'n' }] });
    expect(quarters.map((r) => r.q)).toEqual([null, '2024-Q1', '2024-Q2', '2024-Q4', '2025-Q1']);
  });

  it('lookups are left joins: no match and no key both give NULL', () => {
    expect(run({ fields: ['id', 'owner.name'], orderBy: [{ field: 'id' }] }).map((r) => r['owner.name'])).toEqual(['Ann', 'Bo', null, null, 'Ann', 'Bo']);
    expect(run({ fields: ['id'], expand: { owner: { fields: ['name'] } }, where: { id: { $in: [1, 3, 4] } } })).toEqual([
      { id: 1, owner: { name: 'Ann' } }, { id: 3, owner: null }, { id: 4, owner: null },
    ]);
  });

  it('group by a lookup path, having, order by an aggregate', () => {
    expect(run({ groupBy: ['owner.name'], aggregations: [{ function: 'sum', field: 'qty', alias: 'q' }], having: { q: { $gte: 2 } }, orderBy: [{ field: 'q', order: 'desc' }] })).toEqual([
      { 'owner.name': 'Ann', q: 5 }, { 'owner.name': null, q: 3 }, { 'owner.name': 'Bo', q: 2 },
    ]);
  });
});
