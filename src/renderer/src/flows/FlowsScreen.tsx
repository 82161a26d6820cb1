/**
 * The Flows screen: the workspace's flows with their trigger, owner, next and last run and load problems;
 * Run and Dry run; the run history with each step's outcome (input/output sizes, errors, the audit reason to
 * look for); a run's preview — every record that would change, old → new — with Approve / Reject; the inbox;
 * the owner's flow settings (export folder, allowed http targets); and the step editor (New flow / Edit),
 * which writes the flow file.
 */
import { useEffect, useState } from 'react';
import type { FlowSummary, RunDto } from '../../../shared/api/contract-flows';
import { useBridge, useQuery } from '../bridge/context';
import { ErrorNote } from '../components/ErrorNote';
import type { ScreenProps } from '../shell/screens';
import { FlowEditor, type EditorTarget } from './FlowEditor';
import { bytes, changeLines, statusText, triggerText, when } from './view';
import './flows.css';

type Tab = 'flows' | 'runs' | 'inbox' | 'settings';

export function FlowsScreen({ navigate, params }: ScreenProps) {
  const [tab, setTab] = useState<Tab>((params.tab as Tab) ?? 'flows');
  const [runId, setRunId] = useState<string | undefined>(params.run);
  const [inbox, reloadInbox] = useQuery('inbox.list', { unreadOnly: false, limit: 100 }, 'flows inbox');
  const unread = inbox.status === 'ok' ? inbox.value.unread : 0;
  // A run may have added to the inbox (an approval to give, a notification): read it again after each.
  const openRun = (id: string) => {
    setRunId(id);
    setTab('runs');
    reloadInbox();
  };
  const show = (t: Tab) => {
    setTab(t);
    if (t === 'inbox') reloadInbox();
  };
  return (
    <div className="flows">
      <div className="tabs" role="tablist" aria-label="Flows">
        {(['flows', 'runs', 'inbox', 'settings'] as const).map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} onClick={() => show(t)}>
            {t === 'flows' ? 'Flows' : t === 'runs' ? 'Runs' : t === 'inbox' ? `Inbox${unread ? ` (${unread})` : ''}` : 'Settings'}
          </button>
        ))}
      </div>
      {tab === 'flows' && <FlowsTab onRun={openRun} />}
      {tab === 'runs' && <RunsTab selected={runId} onSelect={setRunId} onDecided={reloadInbox} navigate={navigate} />}
      {tab === 'inbox' && <InboxTab inbox={inbox} reload={reloadInbox} onOpenRun={openRun} />}
      {tab === 'settings' && <SettingsTab />}
    </div>
  );
}

function FlowsTab({ onRun }: { onRun: (runId: string) => void }) {
  const bridge = useBridge();
  const [list, reload] = useQuery('flows.list', {}, 'flows list');
  const [info] = useQuery('app.info', {});
  const admin = info.status === 'ok' && info.value.user.admin;
  const [selected, setSelected] = useState<string | undefined>();
  const [editing, setEditing] = useState<EditorTarget | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const flows = list.status === 'ok' ? list.value.flows : [];
  const flow = flows.find((f) => f.name === selected) ?? flows[0];
  const run = async (dryRun: boolean) => {
    if (!flow) return;
    setBusy(true);
    setError(null);
    try {
      const r = await bridge.call('flows.run', { flow: flow.name, dryRun }, `${dryRun ? 'dry-run' : 'run'} flow ${flow.name}`);
      reload();
      onRun(r.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flows-body">
      <div className="flow-side">
        <div className="row flow-side-actions">
          <button onClick={() => setEditing({ kind: 'new' })} disabled={editing?.kind === 'new'}>
            New flow
          </button>
        </div>
        <ul className="flow-list" aria-label="Flows">
          {list.status === 'loading' && <li className="muted">Loading…</li>}
          {list.status === 'ok' && flows.length === 0 && (
            <li className="empty">
              No flows yet. Add a <code>*.flow.ts</code> file to the workspace (see docs/flows.md).
            </li>
          )}
          {flows.map((f) => (
            <li key={f.name}>
              <button
                aria-current={f === flow}
                onClick={() => {
                  setSelected(f.name);
                  setEditing(null);
                }}
              >
                <span>
                  {f.label}{' '}
                  {f.pending > 0 && (
                    <span className="badge" title="runs awaiting your approval">
                      {f.pending}
                    </span>
                  )}
                  {f.problems.length > 0 && <span className="error small"> · {f.problems.length} problem(s)</span>}
                </span>
                <span className="muted small">{triggerText(f.trigger)}</span>
                {f.nextRun && <span className="muted small">next {when(f.nextRun)}</span>}
                {f.lastRun && (
                  <span className={`small run-status ${f.lastRun.status}`}>
                    last {statusText(f.lastRun.status)} · {when(f.lastRun.startedAt)}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </div>
      {editing ? (
        <section className="flow-detail" aria-label="Flow editor">
          <FlowEditor
            key={editing.kind === 'edit' ? editing.flow : 'new'}
            target={editing}
            onCancel={() => setEditing(null)}
            onSaved={(name) => {
              setEditing(null);
              setSelected(name);
              reload();
            }}
          />
        </section>
      ) : (
        <section className="flow-detail" aria-label="Flow">
          {list.status === 'error' && <ErrorNote error={list.message} onRetry={reload} />}
          {list.status === 'ok' && list.value.problems.filter((p) => !p.flow).map((p, i) => <ErrorNote key={i} error={`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`} />)}
          {flow && <FlowDetail flow={flow} busy={busy} onRun={run} canEdit={flow.mine || admin} onEdit={() => setEditing({ kind: 'edit', flow: flow.name })} />}
          <ErrorNote error={error} onDismiss={() => setError(null)} />
        </section>
      )}
    </div>
  );
}

function FlowDetail({ flow, busy, onRun, canEdit, onEdit }: { flow: FlowSummary; busy: boolean; onRun: (dryRun: boolean) => void; canEdit: boolean; onEdit: () => void }) {
  return (
    <>
      <div className="row">
        <h2 style={{ margin: 0, fontSize: 17 }}>{flow.label}</h2>
        <span className="spacer" />
        {canEdit && (
          <button onClick={onEdit} title="Edit the steps and settings; saving rewrites the flow file">
            Edit
          </button>
        )}
        <button onClick={() => onRun(true)} disabled={busy || !flow.mine || flow.problems.length > 0} title="Runs the reads and shows what would change; writes and sends nothing">
          Dry run
        </button>
        <button className="primary" onClick={() => onRun(false)} disabled={busy || !flow.mine || flow.problems.length > 0}>
          {busy ? 'Running…' : 'Run now'}
        </button>
      </div>
      {flow.description && <p className="muted">{flow.description}</p>}
      {!flow.mine && <p className="muted small">Only the owner, {flow.owner}, can run this flow: it runs with their permissions.</p>}
      <dl className="facts">
        <dt>Owner</dt>
        <dd>{flow.owner}</dd>
        <dt>Trigger</dt>
        <dd>{triggerText(flow.trigger)}</dd>
        {flow.nextRun && (
          <>
            <dt>Next run</dt>
            <dd>{when(flow.nextRun)}</dd>
          </>
        )}
        <dt>Writes</dt>
        <dd>{flow.writes ? (flow.approval === 'writes' ? 'yes — each run waits for your approval of its preview' : 'yes — applied without approval') : 'no (reads, notifies, exports)'}</dd>
        <dt>Limits</dt>
        <dd>
          {flow.limits.maxRecords} records · {flow.limits.maxSeconds} s
        </dd>
        <dt>File</dt>
        <dd>
          <code className="small">
            {flow.file}
            {flow.line ? `:${flow.line}` : ''}
          </code>
        </dd>
      </dl>
      {flow.problems.length > 0 && (
        <div className="card problems" role="alert">
          <strong>This flow cannot run until these are fixed:</strong>
          <ul>
            {flow.problems.map((p, i) => (
              <li key={i} className="small">
                {p.line ? `line ${p.line}: ` : ''}
                {p.path ? <code>{p.path}</code> : null} {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div>
        <h3 style={{ fontSize: 14 }}>Steps</h3>
        <ol className="step-tree">
          {flow.steps.map((s) => (
            <li key={s.path} style={{ paddingLeft: s.depth * 18 }}>
              <code>{s.id}</code> <span className="muted">{s.type}</span> {s.label}
            </li>
          ))}
        </ol>
      </div>
    </>
  );
}

function RunsTab({ selected, onSelect, onDecided, navigate }: { selected?: string; onSelect: (id: string) => void; onDecided: () => void; navigate: ScreenProps['navigate'] }) {
  const [runs, reload] = useQuery('flows.runs', { limit: 100 }, 'flows run history');
  const list = runs.status === 'ok' ? runs.value.runs : [];
  const current = list.find((r) => r.id === selected) ?? list[0];
  return (
    <div className="flows-body">
      <ul className="flow-list" aria-label="Runs">
        {runs.status === 'ok' && list.length === 0 && <li className="empty">No runs yet.</li>}
        {list.map((r) => (
          <li key={r.id}>
            <button aria-current={r === current} onClick={() => onSelect(r.id)}>
              <span>{r.flow}</span>
              <span className={`small run-status ${r.status}`}>
                {statusText(r.status)} · {r.trigger}
              </span>
              <span className="muted small">{when(r.startedAt)}</span>
            </button>
          </li>
        ))}
      </ul>
      <section className="flow-detail" aria-label="Run">
        {runs.status === 'error' && <ErrorNote error={runs.message} onRetry={reload} />}
        {current && (
          <RunDetail
            key={current.id}
            run={current}
            onChanged={() => {
              reload();
              onDecided();
            }}
            navigate={navigate}
          />
        )}
      </section>
    </div>
  );
}

function RunDetail({ run, onChanged, navigate }: { run: RunDto; onChanged: () => void; navigate: ScreenProps['navigate'] }) {
  const bridge = useBridge();
  const [state, setState] = useState(run);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setState(run), [run]);
  const decide = async (approve: boolean) => {
    setBusy(true);
    setError(null);
    try {
      setState(approve ? await bridge.call('flows.approve', { runId: run.id }, `approve run ${run.id}`) : await bridge.call('flows.reject', { runId: run.id }, `reject run ${run.id}`));
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const r = state;
  return (
    <>
      <div className="row">
        <h2 style={{ margin: 0, fontSize: 17 }}>
          {r.flow} · <span className={`run-status ${r.status}`}>{statusText(r.status)}</span>
        </h2>
        <span className="spacer" />
        <button className="ghost" onClick={() => navigate('audit', { reason: r.auditReason })} title={`Audit entries with reason "${r.auditReason}"`}>
          Audit entries
        </button>
      </div>
      <p className="muted small">
        {r.trigger} run by {r.requestedBy} as {r.owner} · started {when(r.startedAt)}
        {r.finishedAt ? ` · finished ${when(r.finishedAt)}` : ''} · audit reason <code>{r.auditReason}</code>
      </p>
      {r.error && <ErrorNote error={r.error} />}
      {r.preview && (r.preview.changes.length > 0 || r.preview.effects.length > 0) && (
        <div className="card" aria-label="Preview">
          <h3 style={{ fontSize: 14, marginTop: 0 }}>{r.status === 'dry_run' || r.status === 'awaiting_approval' ? `Would change ${r.preview.recordCount} record(s)` : 'Changes'}</h3>
          {r.preview.changes.map((c) => (
            <table key={c.path} className="mini" aria-label={`${c.kind} ${c.object}`}>
              <caption className="small muted" style={{ textAlign: 'left' }}>
                {c.kind} {c.object} (step {c.step})
              </caption>
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Change</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {changeLines(c).map((l, i) => (
                  <tr key={i}>
                    <td>{l.key}</td>
                    <td>{l.fields}</td>
                    <td className={`rec-${l.status}`} title={l.error}>
                      {l.status}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
          {r.preview.effects.length > 0 && (
            <ul className="small">
              {r.preview.effects.map((e) => (
                <li key={e.path}>
                  <strong>{e.status}</strong> {e.summary}
                  {e.result ? ` — ${e.result}` : ''}
                </li>
              ))}
            </ul>
          )}
          {r.status === 'awaiting_approval' && (
            <div className="preview-actions">
              <button className="primary" disabled={busy} onClick={() => void decide(true)}>
                Approve
              </button>
              <button disabled={busy} onClick={() => void decide(false)}>
                Reject
              </button>
            </div>
          )}
        </div>
      )}
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <table className="data" aria-label="Steps">
        <thead>
          <tr>
            {['Step', 'Type', 'Status', 'Rows', 'In', 'Out', 'ms', 'Outcome'].map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {r.steps.map((s, i) => (
            <tr key={i}>
              <td>
                <code>{s.id}</code>
                {s.iteration !== undefined ? ` #${s.iteration + 1}` : ''}
              </td>
              <td>{s.type}</td>
              <td className={s.status === 'failed' ? 'error' : ''}>{s.status}</td>
              <td className="num">{s.rows ?? ''}</td>
              <td className="num">{bytes(s.inputSize)}</td>
              <td className="num">{bytes(s.outputSize)}</td>
              <td className="num">{s.ms ?? ''}</td>
              <td style={{ whiteSpace: 'normal' }}>{s.error ?? s.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function InboxTab({ inbox, reload, onOpenRun }: { inbox: ReturnType<typeof useQuery<'inbox.list'>>[0]; reload: () => void; onOpenRun: (id: string) => void }) {
  const bridge = useBridge();
  const items = inbox.status === 'ok' ? inbox.value.items : [];
  const markAll = async () => {
    await bridge.call('inbox.markRead', {}, 'mark inbox read');
    reload();
  };
  return (
    <section className="flow-detail" aria-label="Inbox">
      <div className="row">
        <span className="muted small">Notifications from your flows, approvals to give and missed scheduled runs.</span>
        <span className="spacer" />
        <button onClick={() => void markAll()} disabled={!items.some((i) => !i.read)}>
          Mark all read
        </button>
      </div>
      {inbox.status === 'error' && <ErrorNote error={inbox.message} onRetry={reload} />}
      {inbox.status === 'ok' && items.length === 0 && <p className="empty">Nothing here yet.</p>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {items.map((i) => (
          <li key={i.id} className={`card inbox-item${i.read ? '' : ' unread'}`}>
            <div className="row">
              <span>{i.title}</span>
              <span className="spacer" />
              <span className="muted small">
                {i.flow} · {when(i.createdAt)}
              </span>
            </div>
            <p style={{ fontWeight: 'normal', whiteSpace: 'pre-wrap' }}>{i.message}</p>
            {i.runId && (
              <button className="ghost" onClick={() => onOpenRun(i.runId!)}>
                Open run
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function SettingsTab() {
  const bridge = useBridge();
  const [settings, reload] = useQuery('flows.settings.get', {}, 'flow settings');
  const [folder, setFolder] = useState('');
  const [origins, setOrigins] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (settings.status === 'ok') {
      setFolder(settings.value.exportFolder ?? '');
      setOrigins(settings.value.httpAllowed.join('\n'));
    }
  }, [settings]);
  const save = async () => {
    setError(null);
    try {
      await bridge.call(
        'flows.settings.set',
        {
          exportFolder: folder.trim() || undefined,
          httpAllowed: origins.split(/\s+/).filter(Boolean),
        },
        'save flow settings',
      );
      setMsg('Saved.');
      reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="flow-detail" aria-label="Flow settings" style={{ maxWidth: 640 }}>
      <label className="row" style={{ flexDirection: 'column', alignItems: 'stretch' }}>
        Export folder (export steps of your flows write here; it must exist)
        <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/home/me/ObjectDesk exports" />
      </label>
      <label className="row" style={{ flexDirection: 'column', alignItems: 'stretch' }}>
        Allowed http targets, one origin per line (http steps are off for every other address)
        <textarea rows={4} value={origins} onChange={(e) => setOrigins(e.target.value)} placeholder="https://hooks.example.com" />
      </label>
      <div className="row">
        <button className="primary" onClick={() => void save()}>
          Save
        </button>
        {msg && <span className="muted small">{msg}</span>}
      </div>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
    </section>
  );
}
