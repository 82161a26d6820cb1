/**
 * The ECharts option for a grouped result: the first group is the x axis (or the pie's slices), a second
 * group becomes one series per value, and each aggregation is a series otherwise. Pure.
 */
import type { ChartType } from './state';

type Row = Record<string, unknown>;

export interface ChartSpec {
  type: Exclude<ChartType, 'table'>;
  x: string;
  series?: string;
  measures: Array<{ key: string; label: string }>;
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));

export function chartOption(rows: readonly Row[], spec: ChartSpec, dark: boolean): Record<string, unknown> {
  const text = dark ? '#e6e9ee' : '#1b2430';
  const base = { backgroundColor: 'transparent', textStyle: { color: text }, tooltip: { trigger: spec.type === 'pie' ? 'item' : 'axis' }, legend: { top: 0, textStyle: { color: text }, type: 'scroll' } };
  const cats = [...new Set(rows.map((r) => String(r[spec.x] ?? '—')))];
  if (spec.type === 'pie') {
    const m = spec.measures[0]!;
    return {
      ...base,
      series: [{ type: 'pie', name: m.label, radius: ['30%', '65%'], top: 24, data: rows.map((r) => ({ name: String(r[spec.x] ?? '—'), value: num(r[m.key]) })), label: { color: text } }],
    };
  }
  let series: Array<Record<string, unknown>>;
  if (spec.series) {
    const m = spec.measures[0]!;
    const names = [...new Set(rows.map((r) => String(r[spec.series!] ?? '—')))];
    series = names.map((name) => ({
      type: spec.type,
      name,
      data: cats.map((c) => num(rows.find((r) => String(r[spec.x] ?? '—') === c && String(r[spec.series!] ?? '—') === name)?.[m.key])),
    }));
  } else {
    series = spec.measures.map((m) => ({ type: spec.type, name: m.label, data: cats.map((c) => num(rows.find((r) => String(r[spec.x] ?? '—') === c)?.[m.key])) }));
  }
  return {
    ...base,
    grid: { left: 56, right: 24, top: 40, bottom: 56, containLabel: true },
    xAxis: { type: 'category', data: cats, axisLabel: { color: text, rotate: cats.length > 12 ? 45 : 0 } },
    yAxis: { type: 'value', axisLabel: { color: text }, splitLine: { lineStyle: { color: dark ? '#27303a' : '#d8dee6' } } },
    series,
  };
}
