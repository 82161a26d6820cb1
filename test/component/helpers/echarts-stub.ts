/**
 * ECharts needs a canvas, which jsdom lacks: this records what the app asks of it instead (one entry per
 * `init`, with every option set), so tests check the chart the user would see, colours included.
 */
export interface ChartRecord {
  el: HTMLElement;
  options: Record<string, unknown>[];
  disposed: boolean;
}

export const charts: ChartRecord[] = [];

export const echartsModule = {
  init(el: HTMLElement) {
    const rec: ChartRecord = { el, options: [], disposed: false };
    charts.push(rec);
    return {
      setOption: (o: Record<string, unknown>) => void rec.options.push(o),
      resize: () => undefined,
      dispose: () => void (rec.disposed = true),
    };
  },
};

export function installChartStubs(): void {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
}
