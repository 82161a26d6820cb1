/** An ECharts chart that follows its container's size and the theme. */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts';

export function Chart({ option, label }: { option: Record<string, unknown>; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={el} className="chart" role="img" aria-label={label} data-testid="chart" />;
}
