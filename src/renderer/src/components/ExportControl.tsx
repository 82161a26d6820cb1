/** Export buttons (CSV, XLSX) with live progress and Cancel while the file streams. */
import { useRef, useState } from 'react';
import type { InputOf } from '../../../shared/api/contract';
import { useBridge } from '../bridge/context';
import { ErrorNote } from './ErrorNote';
import { ExportCancelled, startExport, type ExportProgress, type RunningExport } from './exporter';

export function ExportControl({ input, total, disabled }: { input: (format: 'csv' | 'xlsx') => InputOf<'data.export'>; total: number | null; disabled?: boolean }) {
  const bridge = useBridge();
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const running = useRef<RunningExport | null>(null);

  const run = (format: 'csv' | 'xlsx') => {
    setError(null);
    setMessage(null);
    setProgress({ rows: 0, bytes: 0, filename: null });
    const r = startExport(bridge, 'data.export', input(format), setProgress, `export ${format}`);
    running.current = r;
    r.done.then(
      (d) => setMessage(`Exported ${d.rows.toLocaleString()} rows to ${d.filename}.`),
      (e: unknown) => (e instanceof ExportCancelled ? setMessage('Export cancelled; nothing was saved.') : setError(e)),
    ).finally(() => {
      running.current = null;
      setProgress(null);
    });
  };

  const pct = progress && total ? Math.min(100, Math.round((progress.rows / total) * 100)) : null;
  return (
    <div className="export-control">
      {progress ? (
        <div className="export-progress" role="status" aria-live="polite">
          <progress max={100} value={pct ?? undefined} aria-label="Export progress" />
          <span data-testid="export-rows">
            {progress.rows.toLocaleString()}
            {total ? ` of ${total.toLocaleString()}` : ''} rows
          </span>
          <button onClick={() => running.current?.handle.cancel()}>Cancel</button>
        </div>
      ) : (
        <>
          <button onClick={() => run('csv')} disabled={disabled}>
            Export CSV
          </button>
          <button onClick={() => run('xlsx')} disabled={disabled}>
            Export XLSX
          </button>
        </>
      )}
      {message && (
        <span className="muted small" role="status">
          {message}
        </span>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
