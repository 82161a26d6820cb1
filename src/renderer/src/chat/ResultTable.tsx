/** Rows a tool returned, shown by the app itself (in privacy mode the model never saw them), with a bar chart when they fit one. */
import type { ReactNode } from 'react';

const MAX_ROWS = 50;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function numeric(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return null;
}

/** One numeric column and up to 20 rows: a ranking or a breakdown, which reads best as bars. */
function BarChart({ rows, label, value }: { rows: Record<string, unknown>[]; label: string[]; value: string }): ReactNode {
  const values = rows.map((r) => numeric(r[value]) ?? 0);
  const max = Math.max(...values.map(Math.abs), 1);
  return (
    <div className="chat-bars" role="img" aria-label={`Bar chart of ${value}`}>
      {rows.map((r, i) => (
        <div className="chat-bar-row" key={i}>
          <span className="chat-bar-label">{label.map((l) => cell(r[l])).join(' ')}</span>
          <span className="chat-bar" style={{ width: `${(Math.abs(values[i]!) / max) * 100}%` }} />
          <span className="chat-bar-value">{cell(r[value])}</span>
        </div>
      ))}
    </div>
  );
}

export function ResultTable({ rows }: { rows: Record<string, unknown>[] }) {
  if (rows.length === 0) return <p className="muted small">No rows.</p>;
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const numericCols = cols.filter((c) => rows.every((r) => r[c] === null || numeric(r[c]) !== null) && !/(^|_)id$|\.|_id$/.test(c));
  const labelCols = cols.filter((c) => !numericCols.includes(c) && !/(^|_)id$/.test(c));
  const chart = rows.length > 1 && rows.length <= 20 && numericCols.length === 1 && labelCols.length >= 1;
  return (
    <div className="chat-result">
      {chart && <BarChart rows={rows} label={labelCols} value={numericCols[0]!} />}
      <div className="chat-table-wrap">
        <table className="chat-table">
          <thead>
            <tr>{cols.map((c) => <th key={c}>{c}</th>)}</tr>
          </thead>
          <tbody>
            {rows.slice(0, MAX_ROWS).map((r, i) => (
              <tr key={i}>{cols.map((c) => <td key={c}>{cell(r[c])}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > MAX_ROWS && <p className="muted small">First {MAX_ROWS} of {rows.length} rows.</p>}
    </div>
  );
}
