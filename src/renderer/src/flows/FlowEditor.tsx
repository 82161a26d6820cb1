/**
 * The step editor: a form for one flow — name, label, owner, trigger (with the next runs of a schedule),
 * approval, limits and an ordered list of steps, each with its type's settings (object and field pickers,
 * JSON text for filters and values). Save writes the flow file through `flows.save`, which loads it with the
 * real flow loader first: a flow with problems is not written, and each problem is shown next to the control
 * its key path names (and all of them in a list at the top, with file, line, step and key).
 */
import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import type { FlowProblemDto } from '../../../shared/api/contract-flows';
import { ApiError } from '../../../shared/api/errors';
import { useBridge, useQuery } from '../bridge/context';
import { ErrorNote } from '../components/ErrorNote';
import { useDescriptions } from '../components/describe';
import { CONTROLS, STEP_TYPES, controlPathOf, definitionOf, draftOf, emptyFlow, emptyStep, moveStep, type Control, type DraftErrors, type FlowDraft, type StepDraft, type StepType } from './draft';
import { when } from './view';

export type EditorTarget = { kind: 'new' } | { kind: 'edit'; flow: string };

interface Props {
  target: EditorTarget;
  onSaved: (name: string) => void;
  onCancel: () => void;
}

export function FlowEditor({ target, onSaved, onCancel }: Props) {
  const bridge = useBridge();
  const [info] = useQuery('app.info', {});
  const me = info.status === 'ok' ? info.value.user : undefined;
  const [draft, setDraft] = useState<FlowDraft | null>(null);
  const [file, setFile] = useState<string | undefined>();
  const [loadError, setLoadError] = useState<unknown>(null);
  const [problems, setProblems] = useState<FlowProblemDto[]>([]);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState<string | null>(null);
  const [focusStep, setFocusStep] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    if (target.kind === 'new') {
      if (me) setDraft(emptyFlow(me.name));
      setFile(undefined);
      return;
    }
    bridge.call('flows.get', { flow: target.flow }, `edit flow ${target.flow}`).then(
      (r) => {
        if (!live) return;
        setDraft(draftOf(r.definition));
        setFile(r.file);
        setProblems(r.problems);
      },
      (e: unknown) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
    // The owner only seeds a new flow; it must not reset a form being edited.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bridge, target.kind, target.kind === 'edit' ? target.flow : '', me?.name]);

  if (loadError) return <ErrorNote error={loadError} />;
  if (!draft || !me || info.status !== 'ok') return <p className="muted">Loading…</p>;

  const update = (patch: Partial<FlowDraft>) => {
    setDraft({ ...draft, ...patch });
    setChecked(null);
  };
  const setStep = (i: number, patch: Partial<StepDraft>) =>
    update({
      steps: draft.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)),
    });

  const submit = async (validateOnly: boolean) => {
    const { definition, errors: own } = definitionOf(draft);
    setErrors(own);
    setError(null);
    setChecked(null);
    if (Object.keys(own).length) {
      setProblems([]);
      return;
    }
    setBusy(true);
    try {
      const r = await bridge.call('flows.save', { ...(file ? { file } : {}), definition, validateOnly }, `${validateOnly ? 'check' : 'save'} flow ${draft.name}`);
      setProblems([]);
      if (validateOnly) setChecked(`No problems: saving writes ${r.file}.`);
      else onSaved(r.name);
    } catch (e) {
      const listed = e instanceof ApiError ? ((e.details as { problems?: FlowProblemDto[] } | undefined)?.problems ?? []) : [];
      setProblems(listed);
      if (!listed.length) setError(e);
    } finally {
      setBusy(false);
    }
  };

  // Each problem is shown once, next to the control its key path names; what has no control stays in the list.
  const byControl = new Map<string, FlowProblemDto[]>();
  for (const p of problems) {
    const at = controlPathOf(p.path, draft.steps);
    byControl.set(at, [...(byControl.get(at) ?? []), p]);
  }
  const issuesAt = (path: string) => [...(errors[path] ? [errors[path]!] : []), ...(byControl.get(path) ?? []).map((p) => p.message)];

  const users = info.value.users;
  const t = draft.trigger;
  return (
    <form
      className="flow-editor"
      aria-label={target.kind === 'new' ? 'New flow' : `Edit flow ${target.flow}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit(false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <div className="row">
        <h2 style={{ margin: 0, fontSize: 17 }}>{target.kind === 'new' ? 'New flow' : `Edit ${target.flow}`}</h2>
        <span className="spacer" />
        {file && <code className="small muted">{file}</code>}
      </div>

      {(problems.length > 0 || Object.keys(errors).length > 0) && (
        <div className="card problems" role="alert" aria-label="Problems">
          <strong>{problems.length ? 'Not saved — the flow loader found these problems:' : 'Not saved — fix these first:'}</strong>
          <ul>
            {Object.entries(errors).map(([path, message]) => (
              <li key={path} className="small">
                <code>{path}</code> {message}
              </li>
            ))}
            {problems.map((p, i) => (
              <li key={i} className="small">
                {p.file.split(/[\\/]/).slice(-2).join('/')}
                {p.line ? `:${p.line}` : ''}{' '}
                {p.step ? (
                  <>
                    · step <code>{p.step}</code>{' '}
                  </>
                ) : null}
                {p.path ? (
                  <>
                    · <code>{p.path}</code>{' '}
                  </>
                ) : null}
                — {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}

      <fieldset>
        <legend>Flow</legend>
        <div className="editor-grid">
          <Field label="Name (snake_case, unique)" issues={issuesAt('name')}>
            {(a) => <input {...a} value={draft.name} onChange={(e) => update({ name: e.target.value })} required pattern="[a-z][a-z0-9_]*" autoFocus={target.kind === 'new'} />}
          </Field>
          <Field label="Label" issues={issuesAt('label')}>
            {(a) => <input {...a} value={draft.label} onChange={(e) => update({ label: e.target.value })} />}
          </Field>
          <Field label="Owner (the flow runs as this user)" issues={issuesAt('owner')}>
            {(a) =>
              me.admin ? (
                <select {...a} value={draft.owner} onChange={(e) => update({ owner: e.target.value })}>
                  {[...new Set([draft.owner, ...users.map((u) => u.name)])].map((n) => (
                    <option key={n} value={n}>
                      {users.find((u) => u.name === n)?.label ?? n} ({n})
                    </option>
                  ))}
                </select>
              ) : (
                <input {...a} value={draft.owner} readOnly title="Only an admin can save a flow that runs as someone else" />
              )
            }
          </Field>
          <Field label="Description" issues={issuesAt('description')} wide>
            {(a) => <textarea {...a} rows={2} value={draft.description} onChange={(e) => update({ description: e.target.value })} />}
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Trigger</legend>
        <div className="editor-grid">
          <Field label="Runs" issues={[...issuesAt('trigger'), ...issuesAt('trigger.type')]}>
            {(a) => (
              <select
                {...a}
                value={t.type}
                onChange={(e) =>
                  update({
                    trigger: {
                      ...t,
                      type: e.target.value as FlowDraft['trigger']['type'],
                    },
                  })
                }
              >
                <option value="manual">manually (Run button, CLI)</option>
                <option value="schedule">on a schedule (cron)</option>
                <option value="change">when records change (polling a field)</option>
              </select>
            )}
          </Field>
          {t.type === 'schedule' && (
            <>
              <Field label="Cron (minute hour day month weekday)" issues={issuesAt('trigger.cron')}>
                {(a) => <input {...a} value={t.cron} onChange={(e) => update({ trigger: { ...t, cron: e.target.value } })} placeholder="0 8 * * 1-5" />}
              </Field>
              <Field label="Time zone (default: the workspace’s)" issues={issuesAt('trigger.timezone')}>
                {(a) => <input {...a} value={t.timezone} onChange={(e) => update({ trigger: { ...t, timezone: e.target.value } })} placeholder="Europe/Berlin" />}
              </Field>
              <NextRuns cron={t.cron} timezone={t.timezone} />
            </>
          )}
          {t.type === 'change' && (
            <>
              <Field label="Object" issues={issuesAt('trigger.object')}>
                {(a) => <ObjectPicker {...a} value={t.object} onChange={(object) => update({ trigger: { ...t, object, watermark: '' } })} />}
              </Field>
              <Field label="Watermark field (grows on change)" issues={issuesAt('trigger.watermark')}>
                {(a) => <FieldPicker {...a} object={t.object} value={t.watermark} onChange={(watermark) => update({ trigger: { ...t, watermark } })} />}
              </Field>
              <Field label="Poll every (seconds)" issues={issuesAt('trigger.every')}>
                {(a) => <input {...a} type="number" min={5} value={t.every} onChange={(e) => update({ trigger: { ...t, every: e.target.value } })} />}
              </Field>
              <Field label="Records per run" issues={issuesAt('trigger.batch')}>
                {(a) => <input {...a} type="number" min={1} value={t.batch} onChange={(e) => update({ trigger: { ...t, batch: e.target.value } })} />}
              </Field>
            </>
          )}
        </div>
      </fieldset>

      <fieldset>
        <legend>Safety</legend>
        <div className="editor-grid">
          <Field label="Approval" issues={issuesAt('approval')}>
            {(a) => (
              <select {...a} value={draft.approval} onChange={(e) => update({ approval: e.target.value as FlowDraft['approval'] })}>
                <option value="writes">a run that writes waits for the owner’s approval</option>
                <option value="never">writes apply without approval</option>
              </select>
            )}
          </Field>
          <Field label="Max records changed per run" issues={issuesAt('limits.maxRecords')}>
            {(a) => <input {...a} type="number" min={0} value={draft.maxRecords} onChange={(e) => update({ maxRecords: e.target.value })} />}
          </Field>
          <Field label="Max seconds per run" issues={issuesAt('limits.maxSeconds')}>
            {(a) => <input {...a} type="number" min={1} value={draft.maxSeconds} onChange={(e) => update({ maxSeconds: e.target.value })} />}
          </Field>
          <label className="check">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => update({ enabled: e.target.checked })} /> Enabled (scheduled and change runs)
          </label>
        </div>
      </fieldset>

      <fieldset>
        <legend>Steps</legend>
        {issuesAt('steps').map((m, i) => (
          <p key={i} className="error small">
            {m}
          </p>
        ))}
        <ol className="editor-steps">
          {draft.steps.map((s, i) => (
            <li key={s.uid}>
              <StepEditor
                step={s}
                index={i}
                count={draft.steps.length}
                issuesAt={issuesAt}
                focus={focusStep === s.uid}
                onChange={(patch) => setStep(i, patch)}
                onMove={(by) => update({ steps: moveStep(draft.steps, i, by) })}
                onRemove={() => update({ steps: draft.steps.filter((_, j) => j !== i) })}
              />
            </li>
          ))}
        </ol>
        <AddStep
          onAdd={(type) => {
            const step = emptyStep(
              type,
              draft.steps.map((s) => s.id),
            );
            setFocusStep(step.uid);
            update({ steps: [...draft.steps, step] });
          }}
        />
      </fieldset>

      <ErrorNote error={error} onDismiss={() => setError(null)} />
      <div className="row editor-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" disabled={busy} onClick={() => void submit(true)}>
          Check
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {checked && (
          <span className="small" role="status">
            {checked}
          </span>
        )}
      </div>
    </form>
  );
}

/** A labelled control with its problems underneath, tied to it for screen readers. */
function Field({ label, issues, wide, children }: { label: string; issues: string[]; wide?: boolean; children: (a: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  const id = useId();
  const errId = `${id}-problems`;
  return (
    <div className={`field${wide ? ' wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(issues.length ? { 'aria-invalid': true as const, 'aria-describedby': errId } : {}),
      })}
      {issues.length > 0 && (
        <div id={errId} className="error small">
          {issues.map((m, i) => (
            <div key={i}>{m}</div>
          ))}
        </div>
      )}
    </div>
  );
}

function NextRuns({ cron, timezone }: { cron: string; timezone: string }) {
  const bridge = useBridge();
  const [state, setState] = useState<{
    runs?: string[];
    zone?: string;
    error?: string;
  }>({});
  useEffect(() => {
    if (!cron.trim()) return setState({});
    let live = true;
    const timer = setTimeout(() => {
      bridge
        .call(
          'flows.nextRuns',
          {
            cron: cron.trim(),
            ...(timezone.trim() ? { timezone: timezone.trim() } : {}),
            count: 5,
          },
          'preview flow schedule',
        )
        .then(
          (r) => live && setState({ runs: r.runs, zone: r.timezone }),
          (e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }),
        );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [bridge, cron, timezone]);
  return (
    <div className="field wide" aria-live="polite">
      <span className="small muted">Next runs{state.zone ? ` (${state.zone})` : ''}</span>
      {state.error ? (
        <span className="error small">{state.error}</span>
      ) : (
        <ul className="small next-runs" aria-label="Next runs">
          {(state.runs ?? []).map((r) => (
            <li key={r}>{when(r)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ObjectPicker({ value, onChange, ...a }: { id: string; value: string; onChange: (v: string) => void }) {
  const [objects] = useQuery('workspace.objects', {});
  const list = objects.status === 'ok' ? objects.value : [];
  return (
    <select {...a} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">— choose an object —</option>
      {value && !list.some((o) => o.name === value) && <option value={value}>{value}</option>}
      {list.map((o) => (
        <option key={o.name} value={o.name}>
          {o.label} ({o.name})
        </option>
      ))}
    </select>
  );
}

function FieldPicker({ object, value, onChange, ...a }: { id: string; object: string; value: string; onChange: (v: string) => void }) {
  const { byName } = useDescriptions(object ? [object] : []);
  const fields = byName[object]?.fields ?? [];
  return (
    <select {...a} value={value} onChange={(e) => onChange(e.target.value)} disabled={!object}>
      <option value="">{object ? '— choose a field —' : 'choose the object first'}</option>
      {value && !fields.some((f) => f.name === value) && <option value={value}>{value}</option>}
      {fields.map((f) => (
        <option key={f.name} value={f.name}>
          {f.label} ({f.name}, {f.type})
        </option>
      ))}
    </select>
  );
}

function FieldChecklist({ object, value, onChange, issues }: { object: string; value: string[]; onChange: (v: string[]) => void; issues: string[] }) {
  const { byName } = useDescriptions(object ? [object] : []);
  const fields = byName[object]?.fields ?? [];
  const names = [...fields.map((f) => f.name), ...value.filter((v) => !fields.some((f) => f.name === v))];
  return (
    <fieldset className="field wide field-checklist">
      <legend className="small">Fields {value.length === 0 && <span className="muted">(none ticked: every field you may read)</span>}</legend>
      {!object && <span className="muted small">Choose the object first.</span>}
      {names.map((n) => (
        <label key={n} className="check small">
          <input type="checkbox" checked={value.includes(n)} onChange={(e) => onChange(e.target.checked ? [...value, n] : value.filter((x) => x !== n))} /> {n}
        </label>
      ))}
      {issues.map((m, i) => (
        <div key={i} className="error small">
          {m}
        </div>
      ))}
    </fieldset>
  );
}

function StepEditor(props: {
  step: StepDraft;
  index: number;
  count: number;
  focus: boolean;
  issuesAt: (path: string) => string[];
  onChange: (patch: Partial<StepDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { step: s, index: i, count, issuesAt, onChange } = props;
  const at = `steps.${i}`;
  const name = s.id || `#${i + 1}`;
  const { byName } = useDescriptions(s.object && (s.type === 'update' || s.type === 'create') ? [s.object] : []);
  const fieldHint = useMemo(() => byName[s.object]?.fields.map((f) => f.name).join(', '), [byName, s.object]);
  const control = (c: Control) => {
    const path = `${at}.${c.key}`;
    const text = s.text[c.key] ?? '';
    const setText = (v: string) => onChange({ text: { ...s.text, [c.key]: v } });
    if (c.kind === 'fields') return <FieldChecklist key={c.key} object={s.object} value={s.fields} onChange={(fields) => onChange({ fields })} issues={issuesAt(`${at}.fields`)} />;
    if (c.kind === 'checkbox') {
      return (
        <label key={c.key} className="check">
          <input type="checkbox" checked={s.checked} onChange={(e) => onChange({ checked: e.target.checked })} /> {c.label}
        </label>
      );
    }
    const issues = issuesAt(c.kind === 'object' ? `${at}.object` : path);
    return (
      <Field key={c.key} label={c.label + (c.optional ? ' — optional' : '')} issues={issues} wide={c.kind === 'json' || c.kind === 'textarea'}>
        {(a) =>
          c.kind === 'object' ? (
            <ObjectPicker {...a} value={s.object} onChange={(object) => onChange({ object, fields: [] })} />
          ) : c.kind === 'format' ? (
            <select {...a} value={s.format} onChange={(e) => onChange({ format: e.target.value as StepDraft['format'] })}>
              <option value="csv">CSV</option>
              <option value="xlsx">XLSX</option>
            </select>
          ) : c.kind === 'json' ? (
            <textarea
              {...a}
              className="code"
              rows={Math.min(12, Math.max(3, text.split('\n').length + 1))}
              spellCheck={false}
              value={text}
              placeholder={c.placeholder}
              onChange={(e) => setText(e.target.value)}
            />
          ) : c.kind === 'textarea' ? (
            <textarea {...a} rows={3} value={text} placeholder={c.placeholder} onChange={(e) => setText(e.target.value)} />
          ) : (
            <input {...a} type={c.kind === 'number' ? 'number' : 'text'} value={text} placeholder={c.placeholder} onChange={(e) => setText(e.target.value)} />
          )
        }
      </Field>
    );
  };
  return (
    <fieldset className="card editor-step" aria-label={`Step ${i + 1}: ${name}`}>
      <legend>
        Step {i + 1}: <code>{name}</code> <span className="muted">{s.type}</span>
      </legend>
      <div className="row">
        <span className="spacer" />
        <button type="button" className="ghost" onClick={() => props.onMove(-1)} disabled={i === 0} aria-label={`Move step ${name} up`}>
          ↑ Up
        </button>
        <button type="button" className="ghost" onClick={() => props.onMove(1)} disabled={i === count - 1} aria-label={`Move step ${name} down`}>
          ↓ Down
        </button>
        <button type="button" className="ghost" onClick={props.onRemove} aria-label={`Remove step ${name}`}>
          Remove
        </button>
      </div>
      {issuesAt(at).map((m, k) => (
        <p key={k} className="error small">
          {m}
        </p>
      ))}
      <div className="editor-grid">
        <Field label="Step name (id, used as {{name.…}} by later steps)" issues={issuesAt(`${at}.id`)}>
          {(a) => <input {...a} value={s.id} onChange={(e) => onChange({ id: e.target.value })} autoFocus={props.focus} />}
        </Field>
        <Field label="Type" issues={issuesAt(`${at}.type`)}>
          {(a) => (
            <select
              {...a}
              value={s.type}
              onChange={(e) =>
                onChange({
                  ...emptyStep(e.target.value as StepType),
                  uid: s.uid,
                  id: s.id,
                  label: s.label,
                })
              }
            >
              {STEP_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Label — optional" issues={issuesAt(`${at}.label`)}>
          {(a) => <input {...a} value={s.label} onChange={(e) => onChange({ label: e.target.value })} />}
        </Field>
        {CONTROLS[s.type].map(control)}
        {fieldHint && (
          <p className="small muted field wide">
            Fields of {s.object}: {fieldHint}
          </p>
        )}
      </div>
    </fieldset>
  );
}

function AddStep({ onAdd }: { onAdd: (type: StepType) => void }) {
  const [type, setType] = useState<StepType>('query');
  const id = useId();
  return (
    <div className="row">
      <label htmlFor={id}>New step of type</label>
      <select id={id} value={type} onChange={(e) => setType(e.target.value as StepType)}>
        {STEP_TYPES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => onAdd(type)}>
        Add step
      </button>
    </div>
  );
}
