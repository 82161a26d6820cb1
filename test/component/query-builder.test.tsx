// The query builder's state as the user edits it, rendered in jsdom against the real API on the Chinook
// demo: groups, date buckets, aggregations, filters and sorts become the ObjectQL shown next to the SQL
// the engine plans for it; bad rows are named and block Run; Run shows the engine's rows; switching the
// object starts over. ECharts is replaced by a recorder (jsdom has no canvas).
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bridge } from '../../src/shared/api/bridge';
import { BridgeProvider } from '../../src/renderer/src/bridge/context';
import { QueryBuilderScreen } from '../../src/renderer/src/query/QueryBuilder';
import { openApiBridge } from './helpers/api-bridge';
import { charts, installChartStubs } from './helpers/echarts-stub';

vi.mock('echarts', async () => (await import('./helpers/echarts-stub')).echartsModule);

let bridge: Bridge;
let dispose: () => Promise<void>;
beforeAll(async () => {
  installChartStubs();
  ({ bridge, dispose } = await openApiBridge());
});
afterAll(async () => dispose());
beforeEach(() => {
  document.documentElement.dataset.theme = 'light';
  charts.length = 0;
});
afterEach(cleanup);

const astShown = () => JSON.parse(screen.getByTestId('objectql-json').textContent!) as Record<string, unknown>;
const select = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const click = (name: string | RegExp) => fireEvent.click(screen.getByRole('button', { name }));

async function openBuilder(params: Record<string, string> = {}) {
  render(
    <BridgeProvider bridge={bridge}>
      <QueryBuilderScreen params={params} navigate={() => undefined} />
    </BridgeProvider>,
  );
  await screen.findByRole('button', { name: '+ Group' }, { timeout: 10_000 });
}

describe('query builder state', () => {
  it('starts on invoices with a row count, and shows the engine\'s SQL for it', async () => {
    await openBuilder();
    expect((screen.getByLabelText('Object') as HTMLSelectElement).value).toBe('invoice');
    expect(astShown()).toMatchObject({ object: 'invoice', aggregations: [{ function: 'count', alias: 'count' }] });
    await waitFor(() => expect(screen.getByTestId('generated-sql').textContent).toMatch(/count\(/i), { timeout: 5_000 });
  });

  it('sales per country per year: a date group defaults to years, the aggregation follows its field, and the plan follows every edit', async () => {
    await openBuilder();
    click('+ Group');
    select('Group 1 field', 'billing_country');
    click('+ Group');
    select('Group 2 field', 'invoice_date');
    expect((screen.getByLabelText('Group 2 date bucket') as HTMLSelectElement).value).toBe('year');
    select('Aggregation 1 function', 'sum');
    select('Aggregation 1 field', 'total');
    expect(astShown()).toMatchObject({
      groupBy: [{ field: 'billing_country', alias: 'billing_country' }, { field: 'invoice_date', dateGranularity: 'year', alias: 'invoice_date_year' }],
      aggregations: [{ function: 'sum', field: 'total', alias: 'sum_total' }],
    });
    await waitFor(() => expect(screen.getByTestId('generated-sql').textContent).toMatch(/group by/i), { timeout: 5_000 });
    // A sort offers the output columns by their labels, not the raw fields.
    click('+ Sort');
    const sortBy = screen.getByLabelText('Sort 1 by') as HTMLSelectElement;
    expect([...sortBy.options].map((o) => o.value)).toEqual(['billing_country', 'invoice_date_year', 'sum_total']);
    select('Sort 1 by', 'sum_total');
    expect(astShown().orderBy).toEqual([{ field: 'sum_total', order: 'desc' }]);
    // Removing the first group renumbers the rest and drops it from the query.
    click('Remove group 1');
    expect((screen.getByLabelText('Group 1 field') as HTMLSelectElement).value).toBe('invoice_date');
    expect(screen.queryByLabelText('Group 2 field')).toBeNull();
    expect((astShown().groupBy as unknown[]).length).toBe(1);
  });

  it('a filter row that cannot become ObjectQL is named, keeps the last good query out of Run, and recovers', async () => {
    await openBuilder();
    click('+ Filter');
    select('Filter 1 field', 'total');
    select('Filter 1 operator', 'gt');
    fireEvent.change(screen.getByLabelText('Filter 1 value'), { target: { value: 'lots' } });
    expect(screen.getByRole('alert').textContent).toContain('Total: "lots" is not a number.');
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('objectql-json').textContent).toBe('—');
    fireEvent.change(screen.getByLabelText('Filter 1 value'), { target: { value: '20' } });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(astShown().where).toEqual({ total: { $gt: 20 } });
    // "between" asks for a second value.
    select('Filter 1 operator', 'between');
    fireEvent.change(screen.getByLabelText('Filter 1 second value'), { target: { value: '25' } });
    expect(astShown().where).toEqual({ total: { $between: [20, 25] } });
  });

  it('Run shows the engine\'s rows as a table and as a chart; the row count is the result\'s', async () => {
    await openBuilder();
    click('+ Group');
    select('Group 1 field', 'billing_country');
    click('+ Filter');
    select('Filter 1 field', 'billing_country');
    select('Filter 1 operator', 'in');
    fireEvent.change(screen.getByLabelText('Filter 1 value'), { target: { value: 'Norway, Chile' } });
    fireEvent.click(screen.getByRole('tab', { name: 'Table' }));
    await act(async () => click('Run'));
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toMatch(/^2 rows/), { timeout: 10_000 });
    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(rows.sort()).toEqual([['Chile', '7'], ['Norway', '7']]);
    fireEvent.click(screen.getByRole('tab', { name: 'Bar' }));
    expect(screen.getByRole('img', { name: /bar chart of Count by Billing Country/ })).toBeTruthy();
    const option = charts.at(-1)!.options.at(-1) as { xAxis: { data: string[] }; series: Array<{ data: number[] }> };
    expect(option.xAxis.data.sort()).toEqual(['Chile', 'Norway']);
    expect(option.series[0]!.data).toEqual([7, 7]);
  });

  it('the chart re-themes when the theme changes, without another edit or run', async () => {
    await openBuilder();
    click('+ Group');
    select('Group 1 field', 'billing_country');
    await act(async () => click('Run'));
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toMatch(/rows/), { timeout: 10_000 });
    const chart = () => charts.at(-1)!;
    const colours = () => {
      const o = chart().options.at(-1) as { textStyle: { color: string }; xAxis: { axisLabel: { color: string } } };
      return [o.textStyle.color, o.xAxis.axisLabel.color];
    };
    await waitFor(() => expect(colours()).toEqual(['#1b2430', '#1b2430']));
    const before = chart().options.length;
    // As the top bar's toggle and Settings do it: the attribute on <html> changes.
    await act(async () => {
      document.documentElement.dataset.theme = 'dark';
    });
    await waitFor(() => expect(colours()).toEqual(['#e6e9ee', '#e6e9ee']));
    expect(chart().options.length).toBe(before + 1);
    expect(charts.filter((c) => !c.disposed)).toHaveLength(1);
    await act(async () => {
      document.documentElement.dataset.theme = 'light';
    });
    await waitFor(() => expect(colours()).toEqual(['#1b2430', '#1b2430']));
  });

  it('switching the object starts a fresh query for it', async () => {
    await openBuilder({ object: 'invoice' });
    click('+ Group');
    select('Object', 'customer');
    await waitFor(() => expect(astShown().object).toBe('customer'));
    expect(screen.queryByLabelText('Group 1 field')).toBeNull();
    expect(astShown()).toMatchObject({ aggregations: [{ function: 'count', alias: 'count' }] });
  });
});
