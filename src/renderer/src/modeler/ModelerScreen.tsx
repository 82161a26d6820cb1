/**
 * The visual object modeler: pick a datasource, browse its live schema, select tables, preview the object
 * files with labels, descriptions, field visibility, select options and lookups edited in a form, write
 * them; an ER diagram of the
 * modelled objects; schema drift with a re-import that merges the database's changes.
 */
import { useMemo, useState } from 'react';
import type { ObjectOverride } from '../../../shared/api/contract-desk';
import type { OutputOf } from '../../../shared/api/contract';
import { useBridge, useQuery } from '../bridge/context';
import { ErrorNote, errorText } from '../components/ErrorNote';
import type { ScreenProps } from '../shell/screens';
import { layout, NODE_H, NODE_W, type ErEdge, type ErNode } from './er';

type Catalog = OutputOf<'modeler.catalog'>;
type Preview = OutputOf<'modeler.preview'>;
type Drift = OutputOf<'modeler.drift'>;

export function ModelerScreen({ navigate }: ScreenProps) {
  const bridge = useBridge();
  const [health] = useQuery('desk.health', {});
  const [workspaceObjects] = useQuery('workspace.objects', {});
  /** The options text as typed, per table.field (parsed into the override on every edit). */
  const [optionText, setOptionText] = useState<Record<string, string>>({});
  const [datasource, setDatasource] = useState('');
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [namespace, setNamespace] = useState('');
  const [overrides, setOverrides] = useState<Record<string, ObjectOverride>>({});
  const [preview, setPreview] = useState<Preview | null>(null);
  const [fileIndex, setFileIndex] = useState(0);
  const [result, setResult] = useState<string | null>(null);
  const [drift, setDrift] = useState<Drift | null>(null);
  const [tableFilter, setTableFilter] = useState('');
  const datasources = health.status === 'ok' ? health.value : [];
  const ds = datasource || datasources[0]?.name || '';

  const guard = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const load = () =>
    guard('Reading the schema…', async () => {
      setCatalog(await bridge.call('modeler.catalog', { datasource: ds }, 'modeler: read schema'));
      setSelected([]);
      setPreview(null);
      setResult(null);
    });
  const selection = () => ({ datasource: ds, tables: selected, ...(namespace ? { namespace } : {}), overrides });
  const runPreview = (tables = selected) =>
    guard('Drafting object files…', async () => {
      const next = await bridge.call('modeler.preview', { ...selection(), tables }, 'modeler: preview');
      // Stay on the file being edited when the preview is refreshed.
      const current = preview?.files[fileIndex]?.object;
      setPreview(next);
      setFileIndex(Math.max(0, next.files.findIndex((f) => f.object === current)));
    });
  const write = () =>
    guard('Writing files…', async () => {
      const r = await bridge.call('modeler.import', selection(), 'modeler: import');
      setResult(`Wrote ${r.written.length} file(s): ${r.written.join(', ') || 'nothing changed'}. The workspace now has ${r.objects} objects${r.problems ? ` and ${r.problems} problem(s)` : ''}.`);
      setCatalog(await bridge.call('modeler.catalog', { datasource: ds }, 'modeler: read schema'));
      setPreview(null);
      setSelected([]);
    });
  const checkDrift = () => guard('Comparing objects with the live schema…', async () => setDrift(await bridge.call('modeler.drift', { datasource: ds }, 'modeler: drift')));

  const er = useMemo(() => {
    if (!catalog) return null;
    const modelled = catalog.tables.filter((t) => t.object || selected.includes(t.name));
    const names = new Set(modelled.map((t) => t.name));
    const nodes: ErNode[] = modelled.map((t) => ({ id: t.name, label: t.object ?? t.name, isNew: !t.object }));
    const edges: ErEdge[] = [];
    for (const t of modelled) for (const c of t.columns) if (c.references && names.has(c.references)) edges.push({ from: t.name, to: c.references, label: c.name });
    return { ...layout(nodes, edges), edges };
  }, [catalog, selected]);

  const file = preview?.files[fileIndex];
  const ov = file ? (overrides[file.table] ?? {}) : {};
  const setOv = (patch: ObjectOverride) => file && setOverrides({ ...overrides, [file.table]: { ...ov, ...patch } });
  const setFieldOv = (name: string, patch: NonNullable<ObjectOverride['fields']>[string]) => setOv({ fields: { ...(ov.fields ?? {}), [name]: { ...(ov.fields?.[name] ?? {}), ...patch } } });
  const lookupTargets = [...new Set([...(workspaceObjects.status === 'ok' ? workspaceObjects.value.map((o) => o.name) : []), ...(preview?.files.map((f) => f.object) ?? [])])].sort();
  const tables = catalog?.tables.filter((t) => !tableFilter || t.name.toLowerCase().includes(tableFilter.toLowerCase())) ?? [];

  return (
    <div className="fill" style={{ display: 'flex', flexDirection: 'column', minHeight: 0 }}>
      <div className="filters-bar">
        <label>
          Datasource
          <select value={ds} onChange={(e) => (setDatasource(e.target.value), setCatalog(null), setPreview(null), setDrift(null))}>
            {datasources.map((d) => (
              <option key={d.name} value={d.name}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <button className="primary" onClick={() => void load()} disabled={!ds || !!busy}>
          {catalog ? 'Reload schema' : 'Read schema'}
        </button>
        <button onClick={() => void checkDrift()} disabled={!ds || !!busy}>
          Check drift
        </button>
        {busy && (
          <span className="muted small" role="status">
            {busy}
          </span>
        )}
        {datasources.length === 0 && health.status === 'ok' && <span className="muted">No datasources yet — add one on the Datasources screen first.</span>}
      </div>
      {error !== null && <ErrorNote error={error} onDismiss={() => setError(null)} />}
      {result && (
        <p className="banner" role="status" style={{ margin: '8px 16px', background: 'var(--sel)' }}>
          {result}
        </p>
      )}
      {drift && (
        <section className="card" aria-label="Schema drift" style={{ margin: '8px 16px' }}>
          <h2>
            Schema drift: {drift.items.length === 0 ? 'none — every object matches the live schema.' : `${drift.items.length} difference(s)`}
          </h2>
          {drift.items.map((d, i) => (
            <div key={i} className={`drift-item ${d.severity}`}>
              <b>{d.object}</b> {d.field ? `· ${d.field}` : ''} — {d.message}
              <div className="muted small">{d.fix}</div>
            </div>
          ))}
          {drift.items.length > 0 && catalog && (
            <button
              onClick={() => {
                const t = [...new Set(drift.items.map((d) => d.table))].filter((name) => catalog.tables.some((x) => x.name === name));
                setSelected(t);
                void runPreview(t);
              }}
            >
              Preview the merge for these tables
            </button>
          )}
        </section>
      )}
      {!catalog ? (
        <p className="empty">Pick a datasource and read its schema to model tables as objects.</p>
      ) : (
        <div className="modeler">
          <div className="table-list" aria-label="Tables">
            <input type="search" placeholder="Filter tables" aria-label="Filter tables" value={tableFilter} onChange={(e) => setTableFilter(e.target.value)} style={{ width: '100%', marginBottom: 6 }} />
            {tables.map((t) => (
              <label key={t.name} title={t.columns.map((c) => `${c.primaryKey ? '🔑 ' : ''}${c.name} ${c.dataType}${c.references ? ` → ${c.references}` : ''}`).join('\n')}>
                <input type="checkbox" checked={selected.includes(t.name)} onChange={(e) => setSelected(e.target.checked ? [...selected, t.name] : selected.filter((x) => x !== t.name))} aria-label={`Select table ${t.name}`} />
                <span>{t.name}</span>
                <span className="muted small">
                  {t.columns.length} cols{t.rowCountEstimate !== null ? ` · ~${t.rowCountEstimate}` : ''}
                </span>
                {t.object && <span className="badge" title={`Modelled as ${t.object}`}>{t.object}</span>}
              </label>
            ))}
          </div>
          <div className="modeler-main">
            <div className="row">
              <label>
                Namespace prefix{' '}
                <input value={namespace} onChange={(e) => setNamespace(e.target.value)} placeholder="optional, e.g. biz" size={10} />
              </label>
              <button onClick={() => void runPreview()} disabled={!selected.length || !!busy}>
                Preview {selected.length ? `${selected.length} table(s)` : ''}
              </button>
              <button className="primary" onClick={() => void write()} disabled={!preview || !selected.length || !!busy}>
                Write files
              </button>
              {preview && <span className="muted small">Edits apply to new files; re-run Preview to see them in the file.</span>}
            </div>
            {preview && (
              <>
                <div className="tabs" role="tablist" aria-label="Object files">
                  {preview.files.map((f, i) => (
                    <button key={f.path} role="tab" aria-selected={i === fileIndex} onClick={() => setFileIndex(i)}>
                      {f.object} <span className="muted small">({f.action})</span>
                    </button>
                  ))}
                </div>
                {file && (
                  <div className="side-by-side" style={{ gridTemplateColumns: 'minmax(0, 1fr)' }}>
                    <section aria-label="Edit object">
                      <div className="form-grid">
                        <label htmlFor="m-label">Label</label>
                        <input id="m-label" value={ov.label ?? file.label ?? ''} onChange={(e) => setOv({ label: e.target.value })} disabled={file.action !== 'create'} />
                        <label htmlFor="m-plural">Plural label</label>
                        <input id="m-plural" value={ov.pluralLabel ?? file.pluralLabel ?? ''} onChange={(e) => setOv({ pluralLabel: e.target.value })} disabled={file.action !== 'create'} />
                        <label htmlFor="m-desc">Description</label>
                        <input id="m-desc" value={ov.description ?? file.description ?? ''} onChange={(e) => setOv({ description: e.target.value })} disabled={file.action !== 'create'} />
                      </div>
                      <div style={{ overflowX: 'auto' }}>
                      <table className="mini" style={{ marginTop: 10 }}>
                        <thead>
                          <tr>
                            <th scope="col">Field</th>
                            <th scope="col">Type</th>
                            <th scope="col">Label</th>
                            <th scope="col">Hidden</th>
                            <th scope="col">Lookup to</th>
                            <th scope="col">Options</th>
                          </tr>
                        </thead>
                        <tbody>
                          {file.fields.map((f) => (
                            <tr key={f.name}>
                              <td>{f.name}</td>
                              <td>
                                {f.type}
                                {f.reference_to ? ` → ${f.reference_to}` : ''}
                              </td>
                              <td>
                                <input aria-label={`${f.name} label`} size={14} value={ov.fields?.[f.name]?.label ?? f.label ?? ''} onChange={(e) => setFieldOv(f.name, { label: e.target.value })} disabled={file.action !== 'create'} />
                              </td>
                              <td>
                                <input type="checkbox" aria-label={`${f.name} hidden`} checked={ov.fields?.[f.name]?.hidden ?? f.hidden ?? false} onChange={(e) => setFieldOv(f.name, { hidden: e.target.checked })} disabled={file.action !== 'create'} />
                              </td>
                              <td>
                                <select
                                  aria-label={`${f.name} lookup to`}
                                  value={lookupValue(ov.fields?.[f.name]?.reference_to, f.reference_to)}
                                  onChange={(e) => setFieldOv(f.name, { reference_to: e.target.value || null })}
                                  disabled={file.action !== 'create'}
                                >
                                  <option value="">(not a lookup)</option>
                                  {lookupTargets.map((o) => (
                                    <option key={o} value={o}>
                                      {o}
                                    </option>
                                  ))}
                                </select>
                              </td>
                              <td>
                                {(f.type === 'select' || f.type === 'text' || f.type === 'number') && lookupValue(ov.fields?.[f.name]?.reference_to, f.reference_to) === '' ? (
                                  <textarea
                                    aria-label={`${f.name} options`}
                                    aria-describedby="m-options-help"
                                    rows={Math.min(4, Math.max(1, (optionText[`${file.table}.${f.name}`] ?? optionsText(f.options)).split('\n').length))}
                                    cols={22}
                                    placeholder={f.type === 'select' ? '' : 'none (make it a select)'}
                                    value={optionText[`${file.table}.${f.name}`] ?? optionsText(f.options)}
                                    onChange={(e) => {
                                      setOptionText({ ...optionText, [`${file.table}.${f.name}`]: e.target.value });
                                      setFieldOv(f.name, { options: parseOptions(e.target.value, f.type === 'number') });
                                    }}
                                    disabled={file.action !== 'create'}
                                  />
                                ) : (
                                  <span className="muted small">—</span>
                                )}
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                      </div>
                      <p id="m-options-help" className="muted small">
                        Options: one per line, <code>value = Label</code> (or just the value). Options make a text or number field a select; a lookup points the field at another object. Re-run Preview to see the file.
                      </p>
                      {file.changes.length > 0 && (
                        <ul className="small">
                          {file.changes.map((c) => (
                            <li key={c}>{c}</li>
                          ))}
                        </ul>
                      )}
                      {file.warnings.map((w) => (
                        <p key={w} className="small" style={{ color: 'var(--warn)' }}>
                          {w}
                        </p>
                      ))}
                    </section>
                    <section aria-label="File preview">
                      <h3>
                        {file.path} · {file.action}
                      </h3>
                      <pre className="code" tabIndex={0} style={{ maxHeight: 420 }} data-testid="file-preview">
                        {file.action === 'update' ? file.diff : file.content}
                      </pre>
                    </section>
                  </div>
                )}
              </>
            )}
            {er && er.placed.length > 0 && (
              <section aria-label="ER diagram">
                <h3 className="small muted">Objects and lookups{selected.length ? ' (new ones outlined)' : ''}</h3>
                <svg className="er" width={er.width} height={er.height} role="img" aria-label={`ER diagram of ${er.placed.length} objects`}>
                  {er.edges.map((e, i) => {
                    const a = er.placed.find((p) => p.id === e.from)!;
                    const b = er.placed.find((p) => p.id === e.to)!;
                    return <line key={i} x1={a.x + NODE_W / 2} y1={a.y + NODE_H / 2} x2={b.x + NODE_W / 2} y2={b.y + NODE_H / 2} markerEnd="url(#arrow)"><title>{`${e.from}.${e.label} → ${e.to}`}</title></line>;
                  })}
                  {er.placed.map((p) => (
                    <g key={p.id} style={{ cursor: p.isNew ? 'default' : 'pointer' }} onClick={() => !p.isNew && navigate('object', { name: p.label })}>
                      <rect x={p.x} y={p.y} width={NODE_W} height={NODE_H} rx={6} className={p.isNew ? 'new' : undefined} />
                      <text x={p.x + NODE_W / 2} y={p.y + NODE_H / 2 + 4} textAnchor="middle">
                        {p.label}
                      </text>
                    </g>
                  ))}
                  <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                      <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                  </defs>
                </svg>
              </section>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/** The lookup the form shows: the edit if there is one (null = none), else the draft's. */
function lookupValue(edit: string | null | undefined, drafted: string | undefined): string {
  return edit === undefined ? (drafted ?? '') : (edit ?? '');
}

export function optionsText(options: ReadonlyArray<{ value: string | number; label: string }> | undefined): string {
  return (options ?? []).map((o) => (String(o.value) === o.label ? o.label : `${String(o.value)} = ${o.label}`)).join('\n');
}

/** "value = Label" per line; blank lines are skipped; numbers for a number field. The API checks the rest. */
export function parseOptions(text: string, numeric: boolean): Array<{ value: string | number; label: string }> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const i = line.indexOf('=');
      const raw = (i >= 0 ? line.slice(0, i) : line).trim();
      const label = (i >= 0 ? line.slice(i + 1) : line).trim() || raw;
      const n = Number(raw);
      return { value: numeric && raw !== '' && Number.isFinite(n) ? n : raw, label };
    });
}

export { errorText };
