/**
 * The model picker and AI settings: which installed model answers (tool-capable ones first), privacy mode,
 * and the Ollama endpoint. When chat cannot run it says why and what to do.
 */
import { useState } from 'react';
import type { AiSettings, ModelsResult } from '../../../shared/api/contract-ai';

export function ModelBar(props: {
  settings: AiSettings;
  models: ModelsResult | null;
  onChange(patch: Partial<AiSettings>): void;
  onRefresh(): void;
}) {
  const { settings, models } = props;
  const [endpoint, setEndpoint] = useState(settings.endpoint);
  const [open, setOpen] = useState(false);
  const list = models?.models ?? [];
  return (
    <div className="chat-modelbar">
      <div className="row">
        <label className="row small">
          Model
          <select
            aria-label="Model"
            value={settings.model || models?.selected || ''}
            onChange={(e) => props.onChange({ model: e.target.value })}
            disabled={list.length === 0}
          >
            {list.length === 0 && <option value="">(none)</option>}
            {list.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
                {m.parameterSize ? ` · ${m.parameterSize}` : ''}
                {m.tools === false ? ' · no tools' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="row small" title="The model gets schemas, result shapes and totals, never row values; you still see the rows.">
          <input type="checkbox" checked={settings.privacyMode} onChange={(e) => props.onChange({ privacyMode: e.target.checked })} aria-label="Privacy mode" />
          Privacy mode
        </label>
        <span className="spacer" />
        <button className="ghost small" onClick={() => setOpen(!open)} aria-expanded={open}>
          Settings
        </button>
      </div>
      {open && (
        <form
          className="row small chat-settings"
          onSubmit={(e) => {
            e.preventDefault();
            props.onChange({ endpoint });
          }}
        >
          <label className="row">
            Ollama endpoint
            <input aria-label="Ollama endpoint" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} size={32} />
          </label>
          <button type="submit">Save</button>
          <label className="row">
            Step limit
            <input
              type="number"
              min={1}
              max={20}
              aria-label="Step limit"
              value={settings.maxSteps}
              onChange={(e) => props.onChange({ maxSteps: Math.max(1, Math.min(20, Number(e.target.value) || 1)) })}
            />
          </label>
        </form>
      )}
      {models?.problem && (
        <div className="banner error" role="alert" data-testid="model-problem">
          <div>
            <strong>{models.problem.message}</strong>
            <div className="small">{models.problem.hint}</div>
          </div>
          <span className="spacer" />
          <button onClick={props.onRefresh}>Check again</button>
        </div>
      )}
    </div>
  );
}
