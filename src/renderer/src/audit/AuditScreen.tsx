/**
 * The audit viewer: entries filtered by user, object, via, outcome, reason (contains) and time — opened from
 * a flow run with `{ reason: 'flow <name> run <id>' }` it shows exactly that run's calls; an entry's detail
 * with its AST, reason and hashes; the verify-chain button with its result; CSV export of the filtered entries.
 */
import { useEffect, useState } from 'react';
import { VIA } from '../../../shared/api/session';
import type { AuditEntryDto } from '../../../shared/api/contract-desk';
import { useBridge, useQuery } from '../bridge/context';
import { ErrorNote, errorText } from '../components/ErrorNote';
import { ExportCancelled, startExport } from '../components/exporter';
import type { ScreenProps } from '../shell/screens';

interface Filter {
  user: string;
  object: string;
  via: string;
  outcome: string;
  reason: string;
  since: string;
  until: string;
}
const EMPTY: Filter = { user: '', object: '', via: '', outcome: '', reason: '', since: '', until: '' };

/** The API filter: empty fields dropped; "until" is inclusive of that day in the form, exclusive in the API. */
export function apiFilter(f: Filter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v) out[k] = v;
  if (f.until) {
    const d = new Date(`${f.until}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    out.until = d.toISOString().slice(0, 10);
  }
  return out;
}

export function AuditScreen({ params }: ScreenProps) {
  const bridge = useBridge();
  const [info] = useQuery('app.info', {});
  const [objects] = useQuery('workspace.objects', {});
  const [filter, setFilter] = useState<Filter>(() => ({ ...EMPTY, reason: params.reason ?? '' }));
  // A link from elsewhere (a flow run's "Audit entries") may arrive while the viewer is already open.
  useEffect(() => {
    if (params.reason) setFilter({ ...EMPTY, reason: params.reason });
  }, [params.reason]);
  const [entries, reload] = useQuery('audit.list', { ...apiFilter(filter), limit: 500 } as never, 'audit viewer');
  const [selected, setSelected] = useState<AuditEntryDto | null>(null);
  const [verify, setVerify] = useState<{ ok: boolean; text: string } | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [exportMsg, setExportMsg] = useState<string | null>(null);

  const set = (k: keyof Filter) => (e: { target: { value: string } }) => setFilter({ ...filter, [k]: e.target.value });
  const runVerify = async () => {
    setVerifying(true);
    try {
      const r = await bridge.call('audit.verify', {}, 'verify audit chain');
      setVerify({
        ok: r.ok,
        text: r.ok
          ? `Chain intact: ${r.entries.toLocaleString()} entries${r.head ? `, head #${r.head.seq} ${r.head.hash.slice(0, 16)}…` : ''}.`
          : `Chain broken: ${r.problems.map((p) => `#${p.seq} ${p.kind} — ${p.message}`).join('; ')}`,
      });
    } catch (e) {
      setVerify({ ok: false, text: errorText(e) });
    } finally {
      setVerifying(false);
    }
  };
  const runExport = () => {
    setExportMsg('Exporting…');
    startExport(bridge, 'audit.export', apiFilter(filter) as never, () => undefined, 'export audit').done.then(
      (d) => setExportMsg(`Exported ${d.rows.toLocaleString()} entries to ${d.filename}.`),
      (e: unknown) => setExportMsg(e instanceof ExportCancelled ? 'Export cancelled.' : errorText(e)),
    );
  };

  const users = info.status === 'ok' ? info.value.users : [];
  const list = entries.status === 'ok' ? entries.value.entries : [];
  return (
    <div className="fill" style={{ display: 'flex', flexDirection: 'column', minHeight: 0 }}>
      <div className="filters-bar" role="search" aria-label="Filter audit entries">
        <label>
          User
          <select value={filter.user} onChange={set('user')}>
            <option value="">anyone</option>
            {users.map((u) => (
              <option key={u.name} value={u.name}>
                {u.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Object
          <select value={filter.object} onChange={set('object')}>
            <option value="">any</option>
            {objects.status === 'ok' &&
              objects.value.map((o) => (
                <option key={o.name} value={o.name}>
                  {o.label}
                </option>
              ))}
          </select>
        </label>
        <label>
          Via
          <select value={filter.via} onChange={set('via')}>
            <option value="">any</option>
            {VIA.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select value={filter.outcome} onChange={set('outcome')}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="denied">denied</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          Reason contains
          <input type="search" value={filter.reason} onChange={set('reason')} placeholder="flow … run …" size={Math.min(48, Math.max(16, filter.reason.length))} />
        </label>
        <label>
          From
          <input type="date" value={filter.since} onChange={set('since')} />
        </label>
        <label>
          To
          <input type="date" value={filter.until} onChange={set('until')} />
        </label>
        <button onClick={() => setFilter(EMPTY)}>Clear</button>
        <button onClick={reload}>Refresh</button>
        <span className="spacer" />
        <button onClick={() => void runVerify()} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify chain'}
        </button>
        <button onClick={runExport}>Export CSV</button>
      </div>
      {verify && (
        <p className={`verify ${verify.ok ? 'ok' : 'bad'}`} role="status" data-testid="verify-result" style={{ padding: '0 16px' }}>
          {verify.ok ? '✔ ' : '✘ '}
          {verify.text}
        </p>
      )}
      {exportMsg && (
        <p className="small muted" role="status" style={{ padding: '0 16px' }}>
          {exportMsg}
        </p>
      )}
      {entries.status === 'error' && <ErrorNote error={entries.message} onRetry={reload} />}
      <div className="split">
        <div>
          {entries.status === 'ok' && list.length === 0 && <p className="empty">No audit entries match. Every read, denial and AI tool call appears here as it happens.</p>}
          {list.length > 0 && (
            <table className="data" aria-label="Audit entries">
              <thead>
                <tr>
                  {['#', 'When (UTC)', 'User', 'Via', 'Operation', 'Object', 'Rows', 'Outcome', 'ms'].map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {list.map((e) => (
                  <tr
                    key={e.seq}
                    className={`clickable${selected?.seq === e.seq ? ' selected' : ''}`}
                    tabIndex={0}
                    onClick={() => setSelected(e)}
                    onKeyDown={(k) => k.key === 'Enter' && setSelected(e)}
                  >
                    <td className="num">{e.seq}</td>
                    <td>{e.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')}</td>
                    <td>{e.user}</td>
                    <td>{e.via}</td>
                    <td>{e.operation}</td>
                    <td>{e.object ?? ''}</td>
                    <td className="num">{e.rowCount ?? ''}</td>
                    <td className={`outcome-${e.outcome}`}>
                      {e.outcome}
                      {e.errorCode ? ` (${e.errorCode})` : ''}
                    </td>
                    <td className="num">{e.durationMs !== undefined ? Math.round(e.durationMs) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {entries.status === 'ok' && entries.value.truncated && <p className="muted small" style={{ padding: 8 }}>Showing the newest 500 entries; narrow the filters to see older ones.</p>}
        </div>
        <aside className="detail" aria-label="Audit entry">
          {!selected ? (
            <p className="muted">Select an entry to see its query and reason.</p>
          ) : (
            <>
              <h2 style={{ fontSize: 15 }}>
                Entry #{selected.seq} · <span className={`outcome-${selected.outcome}`}>{selected.outcome}</span>
              </h2>
              <dl className="facts">
                <dt>When</dt>
                <dd>{selected.at}</dd>
                <dt>Who</dt>
                <dd>
                  {selected.user} via {selected.via}
                </dd>
                <dt>Operation</dt>
                <dd>{selected.operation}</dd>
                {selected.object && (
                  <>
                    <dt>Object</dt>
                    <dd>{selected.object}</dd>
                  </>
                )}
                {selected.errorCode && (
                  <>
                    <dt>Error</dt>
                    <dd>{selected.errorCode}</dd>
                  </>
                )}
                <dt>Reason</dt>
                <dd>{selected.reason ?? <span className="muted">—</span>}</dd>
                <dt>Hash</dt>
                <dd>
                  <code title={selected.hash}>{selected.hash.slice(0, 24)}…</code>
                </dd>
                <dt>Previous</dt>
                <dd>
                  <code title={selected.prev_hash}>{selected.prev_hash.slice(0, 24)}…</code>
                </dd>
              </dl>
              <h3 style={{ fontSize: 13 }}>Query (after permissions)</h3>
              <pre className="code" tabIndex={0} aria-label="Query after permissions" data-testid="audit-ast">{selected.ast ? prettyJson(selected.ast) : '—'}</pre>
            </>
          )}
        </aside>
      </div>
    </div>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
