/**
 * The record detail panel: every readable field of one record (lookups by title, navigable), and a
 * related list for each lookup elsewhere that points at this object (reverse lookups).
 */
import { useMemo } from 'react';
import type { FieldSummary, ObjectDescription, ObjectSummary } from '../../../shared/api/contract';
import { useQuery } from '../bridge/context';
import { useDescriptions } from '../components/describe';
import { ErrorNote } from '../components/ErrorNote';
import { formatValue, isNumericField, titleOf } from '../components/format';

export type Navigate = (screen: string, params?: Record<string, string>) => void;

/** `expand` for the lookups among `fields`, asking for each target's key and title. */
export function lookupExpand(fields: readonly FieldSummary[], targets: Record<string, ObjectDescription>): Record<string, { fields: string[] }> {
  const out: Record<string, { fields: string[] }> = {};
  for (const f of fields) {
    if (f.type !== 'lookup' || !f.reference_to) continue;
    const t = targets[f.reference_to];
    if (!t) continue;
    const key = t.primaryKey[0];
    if (!key) continue;
    out[f.name] = { fields: [...new Set([key, ...(t.titleField ? [t.titleField] : [])])] };
  }
  return out;
}

/** Typed key from the string a URL or a filter carries. */
export function keyValue(field: FieldSummary | undefined, raw: string): string | number {
  return field && isNumericField(field) && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

export function LookupLink({ value, target, navigate }: { value: unknown; target: ObjectDescription | undefined; navigate: Navigate }) {
  if (value === null || value === undefined) return null;
  if (!target || typeof value !== 'object') return <>{formatValue(value)}</>;
  const rec = value as Record<string, unknown>;
  const key = target.primaryKey[0]!;
  const title = titleOf(rec, target.titleField, key);
  return (
    <a
      href="#"
      className="lookup"
      onClick={(e) => {
        e.preventDefault();
        e.stopPropagation();
        navigate('object', { name: target.name, record: String(rec[key]) });
      }}
      title={`Open ${target.label} ${String(rec[key])}`}
    >
      {title}
    </a>
  );
}

interface Props {
  desc: ObjectDescription;
  id: string;
  objects: ObjectSummary[];
  navigate: Navigate;
  onClose(): void;
}

export function RecordPanel({ desc, id, objects, navigate, onClose }: Props) {
  const key = desc.primaryKey[0]!;
  const keyField = desc.fields.find((f) => f.name === key);
  const targets = useDescriptions(desc.fields.filter((f) => f.type === 'lookup' && f.reference_to).map((f) => f.reference_to!));
  const all = useDescriptions(objects.map((o) => o.name));
  const expand = lookupExpand(desc.fields, targets.byName);
  const ready = desc.fields.every((f) => f.type !== 'lookup' || !f.reference_to || targets.byName[f.reference_to] || targets.error);
  const ast = { object: desc.name, where: { [key]: keyValue(keyField, id) }, ...(Object.keys(expand).length ? { expand } : {}), limit: 1 };
  const [rec, reload] = useQuery('data.query', { query: ready ? ast : { object: desc.name, where: { [key]: keyValue(keyField, id) }, limit: 1 } }, `open ${desc.name} ${id}`);

  const related = useMemo(() => {
    const out: Array<{ object: ObjectDescription; field: FieldSummary }> = [];
    for (const o of Object.values(all.byName)) for (const f of o.fields) if (f.type === 'lookup' && f.reference_to === desc.name) out.push({ object: o, field: f });
    return out.sort((a, b) => a.object.label.localeCompare(b.object.label));
  }, [all.byName, desc.name]);

  const row = rec.status === 'ok' ? rec.value.rows[0] : undefined;
  return (
    <aside className="record-panel" aria-label={`${desc.label} ${id}`}>
      <header>
        <h2>{row ? titleOf(row, desc.titleField, key) || `${desc.label} ${id}` : `${desc.label} ${id}`}</h2>
        <button className="ghost" onClick={onClose} aria-label="Close record">
          ×
        </button>
      </header>
      {rec.status === 'error' && <ErrorNote error={rec.message} onRetry={reload} />}
      {rec.status === 'loading' && <p className="muted">Loading…</p>}
      {rec.status === 'ok' && !row && <p className="muted">No {desc.label.toLowerCase()} with {key} = {id} is visible to you.</p>}
      {row && (
        <dl className="facts record-fields">
          {desc.fields.map((f) => (
            <div key={f.name} className="fact">
              <dt>{f.label}</dt>
              <dd>
                {f.type === 'lookup' ? <LookupLink value={row[f.name]} target={f.reference_to ? targets.byName[f.reference_to] : undefined} navigate={navigate} /> : formatValue(row[f.name], f) || <span className="muted">—</span>}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {row &&
        related.map((r) => (
          <RelatedList
            key={`${r.object.name}.${r.field.name}`}
            object={r.object}
            field={r.field}
            id={row[key]}
            navigate={navigate}
            label={related.filter((x) => x.object.name === r.object.name).length > 1 ? `${r.object.pluralLabel} (by ${r.field.label})` : r.object.pluralLabel}
          />
        ))}
    </aside>
  );
}

function RelatedList({ object, field, id, navigate, label }: { object: ObjectDescription; field: FieldSummary; id: unknown; navigate: Navigate; label: string }) {
  const key = object.primaryKey[0]!;
  const shown = [key, ...object.fields.filter((f) => f.name !== key && f.name !== field.name && f.type !== 'lookup' && f.type !== 'textarea').slice(0, 3).map((f) => f.name)];
  const where = { [field.name]: id as string | number };
  const [rows] = useQuery('data.query', { query: { object: object.name, fields: shown, where, orderBy: [{ field: key, order: 'asc' }], limit: 10 } }, `related ${object.name}`);
  const [count] = useQuery('data.query', { query: { object: object.name, where, aggregations: [{ function: 'count', alias: 'n' }] } }, `related ${object.name} count`);
  const n = count.status === 'ok' ? Number(count.value.rows[0]?.n ?? 0) : null;
  return (
    <section className="related" aria-label={label}>
      <h3>
        {label} <span className="badge">{n ?? '…'}</span>
        {n !== null && n > 0 && (
          <button className="link" onClick={() => navigate('object', { name: object.name, filterField: field.name, filterValue: String(id) })}>
            Open all
          </button>
        )}
      </h3>
      {rows.status === 'error' && <ErrorNote error={rows.message} />}
      {rows.status === 'ok' && rows.value.rows.length === 0 && <p className="muted small">None.</p>}
      {rows.status === 'ok' && rows.value.rows.length > 0 && (
        <table className="mini">
          <thead>
            <tr>
              {shown.map((s) => (
                <th key={s} scope="col">
                  {object.fields.find((f) => f.name === s)?.label ?? s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.value.rows.map((r) => (
              <tr key={String(r[key])}>
                {shown.map((s, i) => {
                  const f = object.fields.find((x) => x.name === s);
                  return (
                    <td key={s} className={isNumericField(f) ? 'num' : undefined}>
                      {i === 0 ? (
                        <a
                          href="#"
                          onClick={(e) => {
                            e.preventDefault();
                            navigate('object', { name: object.name, record: String(r[key]) });
                          }}
                        >
                          {formatValue(r[s], f)}
                        </a>
                      ) : (
                        formatValue(r[s], f)
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
