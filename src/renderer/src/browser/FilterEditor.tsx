/** The filter editor of one column, typed by its field: text operators, numeric and date ranges, option pickers. */
import { useState } from 'react';
import type { FieldSummary } from '../../../shared/api/contract';
import { conditionOf, emptyFilter, filterKindOf, FilterInputError, type ColumnFilter, type TextOp } from './filters';

interface Props {
  field: FieldSummary;
  value: ColumnFilter | undefined;
  onApply(f: ColumnFilter | undefined): void;
  onClose(): void;
}

export function FilterEditor({ field, value, onApply, onClose }: Props) {
  const kind = filterKindOf(field);
  const [draft, setDraft] = useState<ColumnFilter | null>(value ?? (kind ? emptyFilter(kind) : null));
  const [error, setError] = useState<string | null>(null);
  if (!kind || !draft) return null;
  const id = (s: string) => `flt-${field.name}-${s}`;

  const apply = () => {
    try {
      conditionOf(field, draft);
      setError(null);
      onApply(draft);
      onClose();
    } catch (e) {
      setError(e instanceof FilterInputError ? e.message : String(e));
    }
  };

  return (
    <div
      className="filter-editor"
      role="dialog"
      aria-label={`Filter ${field.label}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
        if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') apply();
      }}
    >
      {draft.kind === 'text' && (
        <div className="row">
          <select aria-label={`${field.label} operator`} value={draft.op} onChange={(e) => setDraft({ ...draft, op: e.target.value as TextOp })}>
            <option value="contains">contains</option>
            <option value="equals">equals</option>
            <option value="startsWith">starts with</option>
            <option value="empty">is empty</option>
            <option value="notEmpty">is not empty</option>
          </select>
          {draft.op !== 'empty' && draft.op !== 'notEmpty' && (
            <input autoFocus aria-label={`${field.label} value`} value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} />
          )}
        </div>
      )}
      {draft.kind === 'number' && (
        <div className="row">
          <label htmlFor={id('min')}>from</label>
          <input id={id('min')} aria-label={`${field.label} from`} autoFocus inputMode="decimal" size={8} value={draft.min} onChange={(e) => setDraft({ ...draft, min: e.target.value })} />
          <label htmlFor={id('max')}>to</label>
          <input id={id('max')} aria-label={`${field.label} to`} inputMode="decimal" size={8} value={draft.max} onChange={(e) => setDraft({ ...draft, max: e.target.value })} />
        </div>
      )}
      {draft.kind === 'date' && (
        <div className="row">
          <label htmlFor={id('from')}>from</label>
          <input id={id('from')} aria-label={`${field.label} from`} type="date" autoFocus value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          <label htmlFor={id('to')}>to</label>
          <input id={id('to')} aria-label={`${field.label} to`} type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
      )}
      {draft.kind === 'select' && (
        <fieldset className="options">
          <legend className="sr-only">{field.label} values</legend>
          {(field.options ?? []).map((o) => (
            <label key={String(o.value)}>
              <input
                type="checkbox"
                checked={draft.values.includes(o.value)}
                onChange={(e) => setDraft({ ...draft, values: e.target.checked ? [...draft.values, o.value] : draft.values.filter((v) => v !== o.value) })}
              />
              {o.label}
            </label>
          ))}
        </fieldset>
      )}
      {draft.kind === 'boolean' && (
        <select aria-label={`${field.label} value`} value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value as 'any' })}>
          <option value="any">any</option>
          <option value="true">yes</option>
          <option value="false">no</option>
          <option value="empty">empty</option>
        </select>
      )}
      {draft.kind === 'lookup' && (
        <div className="row">
          <label htmlFor={id('key')}>key =</label>
          <input id={id('key')} aria-label={`${field.label} key`} autoFocus value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} />
        </div>
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      <div className="row end">
        <button
          className="ghost"
          onClick={() => {
            onApply(undefined);
            onClose();
          }}
        >
          Clear
        </button>
        <button className="primary" onClick={apply}>
          Apply
        </button>
      </div>
    </div>
  );
}
