/**
 * Settings: the AI endpoint, model and privacy mode (stored by the AI area), the REST & GraphQL API (server
 * switch and personal access tokens), the workspace's time zone and query limits, the app data folder, and
 * the theme.
 */
import { useEffect, useState } from 'react';
import { operations } from '../../../shared/api/contract';
import { useBridge, useQuery } from '../bridge/context';
import { ErrorNote, errorText } from '../components/ErrorNote';
import type { ScreenProps } from '../shell/screens';
import { ApiSection } from './ApiSection';
import { applyTheme, initialTheme, type Theme } from '../shell/theme';

const hasAi = Object.prototype.hasOwnProperty.call(operations, 'ai.settings.get');

interface AiSettings {
  endpoint: string;
  model: string;
  privacyMode: boolean;
  maxSteps: number;
}

export function SettingsScreen(_props: ScreenProps) {
  const [about] = useQuery('desk.about', {});
  const [info] = useQuery('app.info', {});
  const [theme, setTheme] = useState<Theme>(initialTheme);
  return (
    <div className="settings">
      {hasAi && <AiSection />}
      {info.status === 'ok' && <ApiSection admin={info.value.user.admin === true} />}
      <section className="card" aria-labelledby="s-ws">
        <h2 id="s-ws">Workspace and data</h2>
        {about.status === 'error' && <ErrorNote error={about.message} />}
        {about.status === 'ok' && (
          <dl className="facts">
            <dt>Time zone</dt>
            <dd>
              {about.value.timezone} <span className="muted small">(relative dates and date buckets; set `timezone` in objectdesk.config.ts)</span>
            </dd>
            <dt>Default row limit</dt>
            <dd>
              {about.value.defaultLimit.toLocaleString()} <span className="muted small">(`query.defaultLimit`)</span>
            </dd>
            <dt>Maximum row limit</dt>
            <dd>
              {about.value.maxLimit.toLocaleString()} <span className="muted small">(`query.maxLimit`)</span>
            </dd>
            <dt>Workspace folder</dt>
            <dd>
              <code>{about.value.workspaceDir}</code>
            </dd>
            <dt>Data folder</dt>
            <dd>
              <code>{about.value.dataDir}</code> <span className="muted small">(settings, saved queries, audit log; change with --data-dir or OBJECTDESK_DATA_DIR)</span>
            </dd>
          </dl>
        )}
      </section>
      <section className="card" aria-labelledby="s-look">
        <h2 id="s-look">Appearance</h2>
        <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
          <legend className="sr-only">Theme</legend>
          {(['light', 'dark'] as const).map((t) => (
            <label key={t} style={{ display: 'inline-flex', gap: 6, marginRight: 16 }}>
              <input
                type="radio"
                name="theme"
                checked={theme === t}
                onChange={() => {
                  setTheme(t);
                  applyTheme(t);
                  window.dispatchEvent(new CustomEvent('objectdesk:theme', { detail: t }));
                }}
              />
              {t === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
        </fieldset>
      </section>
    </div>
  );
}

function AiSection() {
  const bridge = useBridge();
  const call = bridge.call as (op: string, input: unknown, reason?: string) => Promise<unknown>;
  const [value, setValue] = useState<AiSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    call('ai.settings.get', {}).then(
      (v) => setValue(v as AiSettings),
      (e: unknown) => setError(errorText(e)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bridge]);
  const save = async () => {
    if (!value) return;
    setError(null);
    setSaved(null);
    try {
      setValue((await call('ai.settings.set', value, 'settings: AI')) as AiSettings);
      setSaved('Saved.');
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="card" aria-labelledby="s-ai">
      <h2 id="s-ai">AI</h2>
      {!value && !error && <p className="muted">Loading…</p>}
      {value && (
        <div className="form-grid">
          <label htmlFor="s-endpoint">Ollama endpoint</label>
          <input id="s-endpoint" value={value.endpoint} onChange={(e) => setValue({ ...value, endpoint: e.target.value })} />
          <label htmlFor="s-model">Model</label>
          <input id="s-model" value={value.model} placeholder="first installed model with tool support" onChange={(e) => setValue({ ...value, model: e.target.value })} />
          <label htmlFor="s-privacy">Privacy mode</label>
          <label>
            <input id="s-privacy" type="checkbox" checked={value.privacyMode} onChange={(e) => setValue({ ...value, privacyMode: e.target.checked })} /> the model sees schemas and shapes, never row values
          </label>
          <label htmlFor="s-steps">Steps per question</label>
          <input id="s-steps" type="number" min={1} max={20} value={value.maxSteps} onChange={(e) => setValue({ ...value, maxSteps: Number(e.target.value) || 1 })} />
          <span />
          <div className="row">
            <button className="primary" onClick={() => void save()}>
              Save AI settings
            </button>
            {saved && (
              <span className="muted small" role="status">
                {saved}
              </span>
            )}
          </div>
        </div>
      )}
      {error && <ErrorNote error={error} />}
    </section>
  );
}
