/**
 * The query builder: filters, group-bys (with date buckets), aggregations and sorts built visually; the
 * ObjectQL JSON, the generated SQL/pipeline and the plan side by side; run and cancel; the result as a
 * chart (bar, line, pie) or a table; saved queries.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { StreamHandle } from '../../../shared/api/bridge';
import type { ObjectDescription } from '../../../shared/api/contract';
import { useBridge, useQuery } from '../bridge/context';
import { useDescriptions } from '../components/describe';
import { ErrorNote, errorText } from '../components/ErrorNote';
import { formatValue } from '../components/format';
import type { ScreenProps } from '../shell/screens';
import { useTheme } from '../shell/theme';
import { Chart } from './Chart';
import { chartOption } from './chart';
import {
  AGGREGATES, aggregatesFor, aggregationKeys, aggregationLabel, BUCKETS, BuilderError, fromAst, groupKey, groupLabel, initialState, isTemporal,
  OPERATOR_LABELS, OPERATORS, outputKeys, toAst, type BuilderState, type ChartType, type Operator,
} from './state';

type Result = { rows: Record<string, unknown>[]; plan: Record<string, unknown> };

export function QueryBuilderScreen({ params }: ScreenProps) {
  const [objects] = useQuery('workspace.objects', {});
  const list = objects.status === 'ok' ? objects.value : [];
  const [state, setState] = useState<BuilderState | null>(null);
  const [savedId, setSavedId] = useState<string | null>(null);
  useEffect(() => {
    if (state || !list.length) return;
    const wanted = params.object && list.some((o) => o.name === params.object) ? params.object : (list.find((o) => o.name === 'invoice') ?? list[0]!).name;
    setState(initialState(wanted));
  }, [list, params.object, state]);
  const { byName, error } = useDescriptions(state ? [state.object] : []);
  if (objects.status === 'error') return <ErrorNote error={objects.message} />;
  if (objects.status === 'ok' && list.length === 0) return <p className="empty">No objects yet — import tables from a datasource in the Modeler, then query them here.</p>;
  if (!state) return <p className="muted">Loading…</p>;
  if (error) return <ErrorNote error={error} />;
  const desc = byName[state.object];
  if (!desc) return <p className="muted">Loading {state.object}…</p>;
  return (
    <Builder
      desc={desc}
      objects={list.map((o) => ({ name: o.name, label: o.pluralLabel }))}
      state={state}
      setState={setState}
      savedId={savedId}
      setSavedId={setSavedId}
    />
  );
}

interface BuilderProps {
  desc: ObjectDescription;
  objects: Array<{ name: string; label: string }>;
  state: BuilderState;
  setState(s: BuilderState): void;
  savedId: string | null;
  setSavedId(id: string | null): void;
}

function Builder({ desc, objects, state, setState, savedId, setSavedId }: BuilderProps) {
  const bridge = useBridge();
  const fields = desc.fields;
  const [result, setResult] = useState<Result | null>(null);
  const [runError, setRunError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const [explained, setExplained] = useState<Record<string, unknown> | null>(null);
  const [explainError, setExplainError] = useState<unknown>(null);
  const [saveName, setSaveName] = useState('');
  const [saveMsg, setSaveMsg] = useState<string | null>(null);
  const [saved, reloadSaved] = useQuery('queries.list', {});
  const handle = useRef<StreamHandle | null>(null);
  // Canvas charts do not follow CSS variables: re-build the option when the theme changes.
  const dark = useTheme() === 'dark';

  let ast: Record<string, unknown> | null = null;
  let buildError: BuilderError | null = null;
  try {
    ast = toAst(state, fields);
  } catch (e) {
    buildError = e instanceof BuilderError ? e : new BuilderError('', String(e));
  }
  const astKey = ast ? JSON.stringify(ast) : '';

  // The plan (and the SQL) follows every edit, before anything runs.
  useEffect(() => {
    if (!astKey) return;
    let live = true;
    const t = setTimeout(() => {
      bridge.call('data.explain', { query: JSON.parse(astKey) as Record<string, unknown> }, 'query builder: explain').then(
        (p) => live && (setExplained(p), setExplainError(null)),
        (e: unknown) => live && (setExplained(null), setExplainError(e)),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [bridge, astKey]);

  const run = () => {
    if (!ast) return;
    setRunError(null);
    setRunning(true);
    const h = bridge.stream('desk.run', { query: ast }, (r) => setResult(r as Result), 'query builder: run');
    handle.current = h;
    h.done
      .catch((e: unknown) => setRunError(e))
      .finally(() => {
        if (handle.current === h) {
          handle.current = null;
          setRunning(false);
        }
      });
  };
  const cancel = () => {
    handle.current?.cancel();
    handle.current = null;
    setRunning(false);
    setRunError('Cancelled: the query was stopped.');
  };

  const save = async () => {
    if (!ast) return;
    setSaveMsg(null);
    try {
      const name = saveName.trim() || `${desc.pluralLabel} query`;
      const keys = outputKeys(state);
      const q = await bridge.call('queries.save', { ...(savedId ? { id: savedId } : {}), name, query: ast, chart: { type: state.chart, ...(keys[0] ? { x: keys[0] } : {}), y: aggregationKeys(state.aggregations) } }, 'save query');
      setSavedId(q.id);
      setSaveName(q.name);
      setSaveMsg(`Saved “${q.name}”.`);
      reloadSaved();
    } catch (e) {
      setSaveMsg(errorText(e));
    }
  };

  const open = async (id: string) => {
    try {
      const q = await bridge.call('queries.get', { id }, 'open saved query');
      setSavedId(q.id);
      setSaveName(q.name);
      setState(fromAst(q.query, q.chart?.type ?? 'bar'));
      setResult(null);
    } catch (e) {
      setSaveMsg(errorText(e));
    }
  };

  const set = (patch: Partial<BuilderState>) => setState({ ...state, ...patch });
  const fieldOptions = fields.map((f) => (
    <option key={f.name} value={f.name}>
      {f.label}
    </option>
  ));
  const keys = outputKeys(state);
  const measures = aggregationKeys(state.aggregations).map((k, i) => ({ key: k, label: aggregationLabel(state.aggregations[i]!, fields) }));
  const canChart = state.groups.length > 0 && measures.length > 0;
  const option = useMemo(
    () =>
      result && canChart && state.chart !== 'table'
        ? chartOption(result.rows, { type: state.chart, x: groupKey(state.groups[0]!), ...(state.groups[1] && state.chart !== 'pie' ? { series: groupKey(state.groups[1]) } : {}), measures }, dark)
        : null,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [result, state.chart, JSON.stringify(state.groups), JSON.stringify(measures), dark],
  );
  const plan = (result?.plan ?? explained) as { sql?: Array<{ text: string; parameters: unknown[] }>; pipeline?: unknown; steps?: Array<{ step: string; ran: string; detail?: string }>; strategy?: string; rowsRead?: number | null; elapsedMs?: number | null; ast?: unknown } | null;
  const columnLabel = (k: string) => {
    const gi = state.groups.findIndex((g) => groupKey(g) === k);
    if (gi >= 0) return groupLabel(state.groups[gi]!, fields);
    return measures.find((m) => m.key === k)?.label ?? fields.find((f) => f.name === k)?.label ?? k;
  };

  return (
    <div className="qb fill">
      <aside className="qb-side" aria-label="Query definition">
        <section>
          <h2>
            <label htmlFor="qb-object">Object</label>
          </h2>
          <select id="qb-object" value={state.object} onChange={(e) => (setState(initialState(e.target.value)), setResult(null), setSavedId(null))}>
            {objects.map((o) => (
              <option key={o.name} value={o.name}>
                {o.label}
              </option>
            ))}
          </select>
        </section>

        <section aria-label="Filters">
          <h2>
            Filters <button onClick={() => set({ filters: [...state.filters, { field: fields[0]!.name, op: 'eq', value: '', value2: '' }] })}>+ Filter</button>
          </h2>
          {state.filters.map((r, i) => {
            const upd = (p: Partial<typeof r>) => set({ filters: state.filters.map((x, j) => (j === i ? { ...x, ...p } : x)) });
            const f = fields.find((x) => x.name === r.field);
            return (
              <div key={i} className="line wrap">
                <select aria-label={`Filter ${i + 1} field`} value={r.field} onChange={(e) => upd({ field: e.target.value })}>
                  {fieldOptions}
                </select>
                <select aria-label={`Filter ${i + 1} operator`} value={r.op} onChange={(e) => upd({ op: e.target.value as Operator })} style={{ maxWidth: 90 }}>
                  {OPERATORS.map((o) => (
                    <option key={o} value={o}>
                      {OPERATOR_LABELS[o]}
                    </option>
                  ))}
                </select>
                {r.op !== 'null' && r.op !== 'notNull' && (
                  <input aria-label={`Filter ${i + 1} value`} type={isTemporal(f) ? 'date' : 'text'} value={r.value} onChange={(e) => upd({ value: e.target.value })} />
                )}
                {r.op === 'between' && <input aria-label={`Filter ${i + 1} second value`} type={isTemporal(f) ? 'date' : 'text'} value={r.value2} onChange={(e) => upd({ value2: e.target.value })} />}
                <button className="ghost" aria-label={`Remove filter ${i + 1}`} onClick={() => set({ filters: state.filters.filter((_, j) => j !== i) })}>
                  ×
                </button>
              </div>
            );
          })}
        </section>

        <section aria-label="Group by">
          <h2>
            Group by <button onClick={() => set({ groups: [...state.groups, { field: fields[0]!.name, bucket: '' }] })}>+ Group</button>
          </h2>
          {state.groups.map((g, i) => {
            const upd = (p: Partial<typeof g>) => set({ groups: state.groups.map((x, j) => (j === i ? { ...x, ...p } : x)) });
            const f = fields.find((x) => x.name === g.field);
            return (
              <div key={i} className="line">
                <select aria-label={`Group ${i + 1} field`} value={g.field} onChange={(e) => upd({ field: e.target.value, bucket: isTemporal(fields.find((x) => x.name === e.target.value)) ? 'year' : '' })}>
                  {fieldOptions}
                </select>
                {isTemporal(f) && (
                  <select aria-label={`Group ${i + 1} date bucket`} value={g.bucket} onChange={(e) => upd({ bucket: e.target.value as typeof g.bucket })} style={{ maxWidth: 100 }}>
                    <option value="">exact</option>
                    {BUCKETS.map((b) => (
                      <option key={b} value={b}>
                        by {b}
                      </option>
                    ))}
                  </select>
                )}
                <button className="ghost" aria-label={`Remove group ${i + 1}`} onClick={() => set({ groups: state.groups.filter((_, j) => j !== i) })}>
                  ×
                </button>
              </div>
            );
          })}
        </section>

        <section aria-label="Aggregations">
          <h2>
            Aggregations <button onClick={() => set({ aggregations: [...state.aggregations, { fn: 'sum', field: fields.find((f) => aggregatesFor(f).includes('sum'))?.name ?? '' }] })}>+ Aggregation</button>
          </h2>
          {state.aggregations.map((a, i) => {
            const upd = (p: Partial<typeof a>) => set({ aggregations: state.aggregations.map((x, j) => (j === i ? { ...x, ...p } : x)) });
            const f = fields.find((x) => x.name === a.field);
            return (
              <div key={i} className="line">
                <select aria-label={`Aggregation ${i + 1} function`} value={a.fn} onChange={(e) => upd({ fn: e.target.value as typeof a.fn })} style={{ maxWidth: 120 }}>
                  {AGGREGATES.filter((fn) => !f || aggregatesFor(f).includes(fn)).map((fn) => (
                    <option key={fn} value={fn}>
                      {fn.replace('_', ' ')}
                    </option>
                  ))}
                </select>
                <select aria-label={`Aggregation ${i + 1} field`} value={a.field} onChange={(e) => upd({ field: e.target.value })}>
                  {a.fn === 'count' && <option value="">(rows)</option>}
                  {fields.filter((x) => aggregatesFor(x).includes(a.fn)).map((x) => (
                    <option key={x.name} value={x.name}>
                      {x.label}
                    </option>
                  ))}
                </select>
                <button className="ghost" aria-label={`Remove aggregation ${i + 1}`} onClick={() => set({ aggregations: state.aggregations.filter((_, j) => j !== i) })}>
                  ×
                </button>
              </div>
            );
          })}
          {state.groups.length === 0 && state.aggregations.length === 0 && <p className="muted small">Without groups or aggregations the query returns records.</p>}
        </section>

        <section aria-label="Sort">
          <h2>
            Sort <button onClick={() => set({ sorts: [...state.sorts, { key: keys[0] ?? fields[0]!.name, order: 'desc' }] })}>+ Sort</button>
          </h2>
          {state.sorts.map((o, i) => {
            const upd = (p: Partial<typeof o>) => set({ sorts: state.sorts.map((x, j) => (j === i ? { ...x, ...p } : x)) });
            const choices = keys.length ? keys : fields.map((f) => f.name);
            return (
              <div key={i} className="line">
                <select aria-label={`Sort ${i + 1} by`} value={o.key} onChange={(e) => upd({ key: e.target.value })}>
                  {choices.map((k) => (
                    <option key={k} value={k}>
                      {columnLabel(k)}
                    </option>
                  ))}
                </select>
                <select aria-label={`Sort ${i + 1} order`} value={o.order} onChange={(e) => upd({ order: e.target.value as 'asc' | 'desc' })} style={{ maxWidth: 90 }}>
                  <option value="asc">ascending</option>
                  <option value="desc">descending</option>
                </select>
                <button className="ghost" aria-label={`Remove sort ${i + 1}`} onClick={() => set({ sorts: state.sorts.filter((_, j) => j !== i) })}>
                  ×
                </button>
              </div>
            );
          })}
        </section>

        <section>
          <h2>
            <label htmlFor="qb-limit">Limit</label>
          </h2>
          <input id="qb-limit" type="number" min={1} max={100000} value={state.limit} onChange={(e) => set({ limit: Math.max(1, Math.min(100_000, Number(e.target.value) || 1)) })} />
        </section>
      </aside>

      <div className="qb-main">
        <div className="qb-run">
          <button className="primary" onClick={run} disabled={!ast || running}>
            Run
          </button>
          <button onClick={cancel} disabled={!running}>
            Cancel
          </button>
          <span role="status" data-testid="run-status" className="muted small">
            {running ? 'Running…' : result ? `${result.rows.length.toLocaleString()} rows · ${String((result.plan as { elapsedMs?: number }).elapsedMs ?? '?')} ms` : 'Not run yet'}
          </span>
          <span className="spacer" />
          <input aria-label="Query name" placeholder="Query name" value={saveName} onChange={(e) => setSaveName(e.target.value)} />
          <button onClick={() => void save()} disabled={!ast}>
            {savedId ? 'Save' : 'Save as'}
          </button>
          <select aria-label="Open saved query" value="" onChange={(e) => e.target.value && void open(e.target.value)}>
            <option value="">Open saved…</option>
            {saved.status === 'ok' &&
              saved.value.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
          </select>
        </div>
        {saveMsg && (
          <p className="small" role="status">
            {saveMsg}
          </p>
        )}
        {buildError && <ErrorNote error={buildError.message} />}
        {runError !== null && <ErrorNote error={runError} onDismiss={() => setRunError(null)} />}

        <div className="tabs" role="tablist" aria-label="Show result as">
          {(['table', 'bar', 'line', 'pie'] as ChartType[]).map((t) => (
            <button key={t} role="tab" aria-selected={state.chart === t} onClick={() => set({ chart: t })} disabled={t !== 'table' && !canChart} title={t !== 'table' && !canChart ? 'Charts need a group and an aggregation' : undefined}>
              {t[0]!.toUpperCase() + t.slice(1)}
            </button>
          ))}
        </div>
        {!result && !running && <p className="muted">Build the query on the left and press Run.</p>}
        {result && option && <Chart option={option} label={`${state.chart} chart of ${measures.map((m) => m.label).join(', ')} by ${state.groups.map((g) => groupLabel(g, fields)).join(' and ')}`} />}
        {result && (!option || state.chart === 'table') && <ResultTable rows={result.rows} label={columnLabel} fields={fields} />}

        <div className="side-by-side">
          <section aria-label="ObjectQL">
            <h3>ObjectQL</h3>
            <pre className="code" tabIndex={0} aria-label="ObjectQL JSON" data-testid="objectql-json">{ast ? JSON.stringify(ast, null, 2) : '—'}</pre>
          </section>
          <section aria-label="SQL">
            <h3>{plan?.pipeline ? 'Pipeline' : 'SQL'}</h3>
            <pre className="code" tabIndex={0} aria-label="Generated query" data-testid="generated-sql">
              {explainError ? errorText(explainError) : plan?.sql ? plan.sql.map((s) => `${s.text}\n-- parameters: ${JSON.stringify(s.parameters)}`).join('\n\n') : plan?.pipeline ? JSON.stringify(plan.pipeline, null, 2) : '—'}
            </pre>
          </section>
          <section aria-label="Plan">
            <h3>Plan {plan?.strategy ? `(${plan.strategy})` : ''}</h3>
            <pre className="code" tabIndex={0} aria-label="Plan steps" data-testid="plan">
              {plan?.steps
                ? plan.steps.map((s) => `${s.step.padEnd(9)} ${s.ran}${s.detail ? ` — ${s.detail}` : ''}`).join('\n') +
                  (result ? `\n\nrows read: ${String(plan.rowsRead)}\nelapsed: ${String(plan.elapsedMs)} ms` : '')
                : '—'}
            </pre>
          </section>
        </div>
      </div>
    </div>
  );
}

function ResultTable({ rows, label, fields }: { rows: Record<string, unknown>[]; label(k: string): string; fields: ObjectDescription['fields'] }) {
  const cols = rows[0] ? Object.keys(rows[0]) : [];
  if (!rows.length) return <p className="empty">No rows match.</p>;
  return (
    <div className="result-table">
      <table className="data">
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c} scope="col">
                {label(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 1000).map((r, i) => (
            <tr key={i}>
              {cols.map((c) => (
                <td key={c} className={typeof r[c] === 'number' ? 'num' : undefined}>
                  {formatValue(r[c], fields.find((f) => f.name === c))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

