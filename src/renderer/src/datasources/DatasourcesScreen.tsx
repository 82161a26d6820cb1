/**
 * The "Datasources" screen: every datasource of the workspace with its connection status (connected,
 * pool size, server version, or the driver's specific error), where its password comes from (never the
 * value), and add / edit / test / remove. Keyboard: Alt+N adds, Escape closes the form or the dialog.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useBridge, useQuery } from '../bridge/context';
import type { ScreenProps } from '../shell/screens';
import { DatasourceForm } from './DatasourceForm';
import { DRIVER_LABELS, whereOf } from './form-model';
import { RemoveDialog } from './RemoveDialog';
import type { DatasourceEntry, DatasourceStatus } from './types';
import { updateMemory, useMemory } from './memory';
import './datasources.css';

export function DatasourcesScreen(_props: ScreenProps) {
  const bridge = useBridge();
  const [list, reloadList] = useQuery('datasources.list', {}, 'Opened the Datasources screen');
  const [statuses, setStatuses] = useState<{ checking: boolean; byName: Record<string, DatasourceStatus>; error?: string }>({ checking: false, byName: {} });
  const { mode, notice } = useMemory();
  const [removing, setRemoving] = useState<{ name: string; busy: boolean; error: string | null } | null>(null);
  const setMode = (m: Parameters<typeof updateMemory>[0]['mode']) => updateMemory({ mode: m });
  const setNotice = (n: string | null) => updateMemory({ notice: n });
  const addRef = useRef<HTMLButtonElement>(null);

  const checkStatus = useCallback(
    async (names?: string[]) => {
      setStatuses((s) => ({ ...s, checking: true }));
      try {
        const out = await bridge.call('datasources.status', { check: true, ...(names ? { names } : {}) }, 'Checked datasource connections');
        setStatuses((s) => ({ checking: false, byName: { ...s.byName, ...Object.fromEntries(out.map((x) => [x.name, x])) } }));
      } catch (e) {
        setStatuses((s) => ({ ...s, checking: false, error: e instanceof Error ? e.message : String(e) }));
      }
    },
    [bridge],
  );

  useEffect(() => {
    void checkStatus();
  }, [checkStatus]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === 'n' && mode.kind === 'list') {
        e.preventDefault();
        setNotice(null);
        setMode({ kind: 'add' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [mode.kind]);

  const backToList = (message?: string) => {
    setMode({ kind: 'list' });
    setNotice(message ?? null);
    reloadList();
    void checkStatus();
    setTimeout(() => addRef.current?.focus(), 0);
  };

  if (list.status === 'loading') return <p className="muted">Loading datasources…</p>;
  if (list.status === 'error')
    return (
      <div className="banner error" role="alert">
        The datasources could not be listed: {list.message} <button onClick={reloadList}>Retry</button>
      </div>
    );

  const { keychain, datasources } = list.value;
  const editing = mode.kind === 'edit' ? datasources.find((d) => d.name === mode.name) : undefined;
  const removingEntry = removing ? datasources.find((d) => d.name === removing.name) : undefined;

  const remove = async (force: boolean) => {
    if (!removing) return;
    setRemoving({ ...removing, busy: true, error: null });
    try {
      const out = await bridge.call('datasources.remove', { name: removing.name, force }, `Remove datasource ${removing.name}`);
      setRemoving(null);
      backToList(`Removed ${out.name}: deleted ${out.file}${out.keychainEntryRemoved ? ' and its keychain entry' : ''}.`);
    } catch (e) {
      setRemoving({ ...removing, busy: false, error: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div className="ds-screen">
      <div className="ds-head">
        <p className="muted">Connect the databases you already run. Definitions are saved as <code>*.datasource.ts</code> files in the workspace; passwords go to the OS keychain.</p>
        <span className="ds-spacer" />
        <button type="button" onClick={() => void checkStatus()} disabled={statuses.checking}>
          {statuses.checking ? 'Checking…' : 'Check connections'}
        </button>
        <button ref={addRef} type="button" className="primary ds-primary" aria-keyshortcuts="Alt+N" onClick={() => { setNotice(null); setMode({ kind: 'add' }); }} disabled={mode.kind !== 'list'}>
          Add datasource <kbd>Alt+N</kbd>
        </button>
      </div>

      {!keychain.ok && (
        <div className="banner error ds-keychain" role="alert" data-testid="ds-keychain-unavailable">
          <div>
            <strong>No OS keychain here.</strong> {keychain.reason}
            <p className="small">{keychain.howToFix}</p>
          </div>
        </div>
      )}
      {notice && (
        <div className="ds-notice" role="status" data-testid="ds-notice">
          {notice}
        </div>
      )}
      {statuses.error && (
        <div className="banner error" role="alert">
          Status could not be checked: {statuses.error}
        </div>
      )}

      {(mode.kind === 'add' || (mode.kind === 'edit' && editing)) && (
        <DatasourceForm
          key={mode.kind === 'edit' ? `edit-${mode.name}` : 'add'}
          entry={editing}
          keychainOk={keychain.ok}
          onCancel={() => backToList()}
          onSaved={(r) =>
            backToList(
              `Saved ${r.name} to ${r.file}.` +
                (r.password === 'set' ? ' Password stored in the OS keychain.' : '') +
                (r.password === 'missing' ? ' No password is stored yet — edit it and type one, or run `objectdesk secret set ' + r.name + '`.' : '') +
                (r.password === 'removed' ? ' Its keychain entry was deleted.' : '') +
                (r.workspace.problems ? ` The workspace has ${r.workspace.problems} problem(s).` : ''),
            )
          }
        />
      )}

      {removing && removingEntry && <RemoveDialog entry={removingEntry} busy={removing.busy} error={removing.error} onCancel={() => setRemoving(null)} onConfirm={(force) => void remove(force)} />}

      <table className="ds-table" aria-label="Datasources">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Database</th>
            <th scope="col">Where</th>
            <th scope="col">Password</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {datasources.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No datasources yet — add one.
              </td>
            </tr>
          )}
          {datasources.map((d) => (
            <Row
              key={d.name}
              entry={d}
              status={statuses.byName[d.name]}
              checking={statuses.checking}
              onEdit={() => {
                setNotice(null);
                setMode({ kind: 'edit', name: d.name });
              }}
              onRemove={() => setRemoving({ name: d.name, busy: false, error: null })}
              busy={mode.kind !== 'list' || removing !== null}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function passwordText(d: DatasourceEntry): string {
  const p = d.password;
  if (p.source === 'keychain') return p.stored === null ? 'OS keychain (cannot check)' : p.stored ? 'OS keychain · stored' : 'OS keychain · missing';
  if (p.source === 'env') return `${p.variable ? `$${p.variable}` : 'environment'} · ${p.set ? 'set' : 'not set'}`;
  return d.driver === 'sqlite' ? '—' : 'none';
}

function Row(props: { entry: DatasourceEntry; status?: DatasourceStatus; checking: boolean; busy: boolean; onEdit(): void; onRemove(): void }) {
  const { entry: d, status: s } = props;
  return (
    <tr data-testid={`ds-row-${d.name}`}>
      <th scope="row">
        <span className="ds-name">{d.name}</span>
        {d.label && <span className="muted small"> {d.label}</span>}
        {d.problems.length > 0 && (
          <span className="ds-problems error small" title={d.problems.map((p) => p.message).join('\n')}>
            {' '}
            · {d.problems.length} problem(s)
          </span>
        )}
      </th>
      <td>{DRIVER_LABELS[d.driver]}</td>
      <td className="ds-where">
        <code>{whereOf(d.draft)}</code>
      </td>
      <td className={d.password.source === 'keychain' && d.password.stored === false ? 'error' : ''}>{passwordText(d)}</td>
      <td data-testid={`ds-status-${d.name}`} aria-live="polite">
        <StatusText status={s} checking={props.checking} />
      </td>
      <td className="ds-row-actions">
        {d.managed ? (
          <div>
            <button type="button" onClick={props.onEdit} disabled={props.busy} aria-label={`Edit ${d.name}`}>
              Edit
            </button>
            <button type="button" className="ds-danger-ghost" onClick={props.onRemove} disabled={props.busy} aria-label={`Remove ${d.name}`}>
              Remove
            </button>
          </div>
        ) : (
          <span className="muted small" title={d.unmanagedReason}>
            edit in {d.file}
          </span>
        )}
      </td>
    </tr>
  );
}

function StatusText({ status, checking }: { status?: DatasourceStatus; checking: boolean }) {
  if (!status) return <span className="muted">{checking ? 'checking…' : 'not checked'}</span>;
  if (!status.active) return <span className="muted">inactive</span>;
  if (status.error)
    return (
      <span className="ds-status error">
        <span className="ds-dot error" aria-hidden="true" /> <code>{status.error.code}</code> <span className="ds-status-message">{status.error.message}</span>
      </span>
    );
  if (status.connected)
    return (
      <span className="ds-status ok">
        <span className="ds-dot ok" aria-hidden="true" /> Connected · pool {status.poolSize} · {status.serverVersion ?? 'version unknown'}
      </span>
    );
  return <span className="muted">not connected</span>;
}
