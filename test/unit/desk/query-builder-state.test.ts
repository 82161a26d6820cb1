// The query builder's state becomes an ObjectQL AST the engine accepts, and a saved AST reopens as the same state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../../src/main/api';
import { chartOption } from '../../../src/renderer/src/query/chart';
import { BuilderError, fromAst, initialState, outputKeys, toAst, type BuilderState } from '../../../src/renderer/src/query/state';
import { openTestApp } from '../../helpers/app';

const fields = [
  { name: 'invoice_date', type: 'datetime', label: 'Invoice Date' },
  { name: 'billing_country', type: 'text', label: 'Billing Country' },
  { name: 'total', type: 'currency', label: 'Total' },
  { name: 'customer_id', type: 'lookup', label: 'Customer' },
];

const salesPerCountryPerYear = (): BuilderState => ({
  ...initialState('invoice'),
  groups: [{ field: 'billing_country', bucket: '' }, { field: 'invoice_date', bucket: 'year' }],
  aggregations: [{ fn: 'sum', field: 'total' }],
  filters: [{ field: 'billing_country', op: 'in', value: 'USA, Canada', value2: '' }],
});

describe('query builder state → ObjectQL', () => {
  it('builds groups with date buckets, aggregations with stable aliases, filters and default order', () => {
    expect(toAst(salesPerCountryPerYear(), fields)).toEqual({
      object: 'invoice',
      where: { billing_country: { $in: ['USA', 'Canada'] } },
      groupBy: [{ field: 'billing_country', alias: 'billing_country' }, { field: 'invoice_date', dateGranularity: 'year', alias: 'invoice_date_year' }],
      aggregations: [{ function: 'sum', field: 'total', alias: 'sum_total' }],
      orderBy: [{ field: 'billing_country', order: 'asc' }, { field: 'invoice_date_year', order: 'asc' }],
      limit: 1000,
    });
  });

  it('types filter values by field and ANDs several filters', () => {
    const s: BuilderState = {
      ...initialState('invoice'),
      aggregations: [],
      filters: [
        { field: 'total', op: 'between', value: '1', value2: '5.5', },
        { field: 'invoice_date', op: 'gte', value: '2024-01-01', value2: '' },
        { field: 'billing_country', op: 'null', value: '', value2: '' },
      ],
    };
    expect(toAst(s, fields).where).toEqual({ $and: [{ total: { $between: [1, 5.5] } }, { invoice_date: { $gte: '2024-01-01T00:00:00' } }, { billing_country: { $null: true } }] });
  });

  it('names the row to fix', () => {
    expect(() => toAst({ ...initialState('invoice'), filters: [{ field: 'total', op: 'gt', value: 'lots', value2: '' }] }, fields)).toThrow(BuilderError);
    expect(() => toAst({ ...initialState('invoice'), aggregations: [{ fn: 'sum', field: '' }] }, fields)).toThrow(/Aggregation 1/);
    expect(() => toAst({ ...initialState('invoice'), groups: [{ field: 'total', bucket: 'year' }] }, fields)).toThrow(/not a date/);
    expect(() => toAst({ ...initialState('invoice'), sorts: [{ key: 'total', order: 'asc' }] }, fields)).toThrow(/Sort 1/);
  });

  it('gives repeated aggregations distinct keys', () => {
    const s = { ...initialState('invoice'), aggregations: [{ fn: 'sum' as const, field: 'total' }, { fn: 'sum' as const, field: 'total' }, { fn: 'count' as const, field: '' }] };
    expect(outputKeys(s)).toEqual(['sum_total', 'sum_total_2', 'count']);
  });

  it('reopens a saved AST as the same state', () => {
    const s = { ...salesPerCountryPerYear(), sorts: [{ key: 'sum_total', order: 'desc' as const }], limit: 50, chart: 'line' as const };
    expect(fromAst(toAst(s, fields), 'line')).toEqual(s);
  });

  it('pivots a second group into series for the chart', () => {
    const rows = [
      { billing_country: 'USA', invoice_date_year: '2022', sum_total: '10.00' },
      { billing_country: 'USA', invoice_date_year: '2023', sum_total: '12.50' },
      { billing_country: 'Canada', invoice_date_year: '2023', sum_total: '3.00' },
    ];
    const o = chartOption(rows, { type: 'bar', x: 'billing_country', series: 'invoice_date_year', measures: [{ key: 'sum_total', label: 'Sum of Total' }] }, true) as {
      xAxis: { data: string[] };
      series: Array<{ name: string; data: Array<number | null> }>;
    };
    expect(o.xAxis.data).toEqual(['USA', 'Canada']);
    expect(o.series).toEqual([expect.objectContaining({ name: '2022', data: [10, null] }), expect.objectContaining({ name: '2023', data: [12.5, 3] })]);
  });
});

describe('the built AST runs in the engine', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>;
  let api: Api;
  beforeAll(async () => {
    t = await openTestApp();
    api = createApi(t.app);
  });
  afterAll(async () => t.dispose());

  it('total sales per country per year, pushed down to SQLite', async () => {
    const ast = toAst(salesPerCountryPerYear(), fields);
    const events: Array<{ rows: Array<Record<string, unknown>>; plan: { sql?: Array<{ text: string }>; strategy: string } }> = [];
    for await (const e of api.stream('desk.run', { query: ast }, { user: 'andrew.adams', via: 'ui' })) events.push(e as never);
    expect(events).toHaveLength(1);
    const { rows, plan } = events[0]!;
    expect(plan.strategy).toBe('pushdown');
    expect(plan.sql![0]!.text).toMatch(/group by/i);
    expect(rows.length).toBeGreaterThan(2);
    expect(Object.keys(rows[0]!).sort()).toEqual(['billing_country', 'invoice_date_year', 'sum_total']);
    expect(new Set(rows.map((r) => r.billing_country))).toEqual(new Set(['Canada', 'USA']));
  });
});
