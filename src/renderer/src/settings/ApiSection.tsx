/**
 * Settings → REST & GraphQL API: the API server of this app switched on and off (administrators; always on
 * 127.0.0.1), and the signed-in user's personal access tokens — created (the token is shown once, with a
 * copy button), listed and revoked through the `tokens.*` operations.
 */
import { useEffect, useState } from 'react';
import type { ApiServerStatus, TokenInfo } from '../../../shared/api/contract-tokens';
import { useBridge } from '../bridge/context';
import { ErrorNote } from '../components/ErrorNote';

export function ApiSection({ admin }: { admin: boolean }) {
  return (
    <section className="card" aria-labelledby="s-api">
      <h2 id="s-api">REST &amp; GraphQL API</h2>
      <p className="muted small">
        Scripts, notebooks and BI tools read the same governed data as this window, each request as the user of its personal access token (audited with via rest or graphql).
      </p>
      <ServerSwitch admin={admin} />
      <Tokens admin={admin} />
    </section>
  );
}

function ServerSwitch({ admin }: { admin: boolean }) {
  const bridge = useBridge();
  const [status, setStatus] = useState<ApiServerStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    bridge.call('apiServer.status', {}).then(
      (s) => live && setStatus(s),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [bridge]);
  const toggle = async (on: boolean) => {
    setBusy(true);
    setError(null);
    try {
      setStatus(on ? await bridge.call('apiServer.start', {}, 'settings: start the API server') : await bridge.call('apiServer.stop', {}, 'settings: stop the API server'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const running = status?.running ?? false;
  return (
    <div className="api-server">
      <label className="switch">
        <input type="checkbox" role="switch" aria-describedby="s-api-where" checked={running} disabled={!admin || busy || !status} onChange={(e) => void toggle(e.target.checked)} />
        API server
      </label>
      <span id="s-api-where" role="status" data-testid="api-server-status" className={running ? undefined : 'muted'}>
        {!status ? 'Checking…' : busy ? (running ? 'Stopping…' : 'Starting…') : running ? (
          <>
            Running on <code>{status.origin}</code> — port <b data-testid="api-port">{status.port}</b>; REST at <code>{status.origin}/api/v1</code>, GraphQL at <code>{status.origin}/graphql</code>
          </>
        ) : (
          'Off'
        )}
      </span>
      {!admin && <p className="muted small">Only administrators can switch the API server on or off.</p>}
      {error !== null && <ErrorNote error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}

function Tokens({ admin }: { admin: boolean }) {
  const bridge = useBridge();
  const [all, setAll] = useState(false);
  const [list, setList] = useState<TokenInfo[] | null>(null);
  const [nonce, setNonce] = useState(0);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<{ token: string; info: TokenInfo } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    bridge.call('tokens.list', all ? { all: true } : {}).then(
      (l) => live && setList(l),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [bridge, all, nonce]);

  const create = async () => {
    setError(null);
    setCopied(null);
    try {
      const n = days.trim() === '' ? undefined : Number(days);
      const r = await bridge.call('tokens.create', { name, ...(n !== undefined ? { expiresInDays: n } : {}) }, 'settings: create a token');
      setCreated(r);
      setName('');
      setDays('');
      setNonce((x) => x + 1);
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (t: TokenInfo) => {
    setError(null);
    try {
      await bridge.call('tokens.revoke', { id: t.id }, 'settings: revoke a token');
      if (created?.info.id === t.id) setCreated(null);
      setNonce((x) => x + 1);
    } catch (e) {
      setError(e);
    }
  };
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('Copied.');
    } catch {
      setCopied('Copy did not work here: select the token and copy it yourself.');
    }
  };

  return (
    <div className="api-tokens">
      <h3>Personal access tokens</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. sales notebook" required maxLength={100} />
        </label>
        <label>
          Expires in days <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} placeholder="never" size={6} />
        </label>
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      {created && (
        <div className="token-once" role="region" aria-label="New token">
          <p>
            <b>{created.info.name}</b>: copy this token now — it is not shown again. Send it as <code>Authorization: Bearer …</code>.
          </p>
          <div className="row">
            <input readOnly aria-label="New token" value={created.token} size={60} onFocus={(e) => e.target.select()} data-testid="new-token" />
            <button type="button" onClick={() => void copy()}>
              Copy
            </button>
            <button type="button" className="ghost" onClick={() => setCreated(null)}>
              Done
            </button>
            {copied && (
              <span className="muted small" role="status">
                {copied}
              </span>
            )}
          </div>
        </div>
      )}
      {error !== null && <ErrorNote error={error} onDismiss={() => setError(null)} />}
      {admin && (
        <label className="small">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Everyone's tokens
        </label>
      )}
      {list && list.length === 0 && <p className="muted small">No tokens yet — create one above to call the API.</p>}
      {list && list.length > 0 && (
        <table className="mini" aria-label="Tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Token</th>
              {all && <th scope="col">User</th>}
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.hint}</code>
                </td>
                {all && <td>{t.user}</td>}
                <td>{day(t.createdAt)}</td>
                <td>{t.lastUsedAt ? day(t.lastUsedAt) : 'never'}</td>
                <td>{t.expiresAt ? day(t.expiresAt) : 'never'}</td>
                <td>
                  {t.revokedAt ? (
                    <span className="muted">revoked {day(t.revokedAt)}</span>
                  ) : (
                    <button type="button" onClick={() => void revoke(t)} aria-label={`Revoke ${t.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');
