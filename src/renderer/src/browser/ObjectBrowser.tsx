/**
 * The object browser: a virtualised grid over server-side pages (only the pages under the visible rows
 * are fetched), sorting and typed per-column filters pushed down as ObjectQL, a column chooser, lookups
 * shown by title and navigable, a record panel with related lists, and streaming export.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { getCoreRowModel, useReactTable, type ColumnDef, type SortingState, type VisibilityState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FieldSummary, ObjectDescription, ObjectSummary } from '../../../shared/api/contract';
import { useDescriptions } from '../components/describe';
import { ErrorNote } from '../components/ErrorNote';
import { ExportControl } from '../components/ExportControl';
import { formatValue, isNumericField } from '../components/format';
import { FilterEditor } from './FilterEditor';
import { describeFilter, FilterInputError, filterKindOf, isActive, whereOf, type ColumnFilter } from './filters';
import { keyValue, LookupLink, lookupExpand, RecordPanel, type Navigate } from './RecordPanel';
import { useServerRows, type RowsQuery } from './useServerRows';

type Row = Record<string, unknown>;
const EMPTY: Row[] = [];
const ROW_HEIGHT = 32;

export function widthOf(f: FieldSummary): number {
  if (isNumericField(f)) return 110;
  if (f.type === 'date' || f.type === 'boolean') return 120;
  if (f.type === 'datetime') return 150;
  if (f.type === 'lookup') return 170;
  if (f.type === 'email' || f.type === 'textarea') return 220;
  return 160;
}

interface Props {
  objectName: string;
  params: Record<string, string>;
  objects: ObjectSummary[];
  navigate: Navigate;
}

export function ObjectBrowser({ objectName, params, objects, navigate }: Props) {
  const { byName, error } = useDescriptions([objectName]);
  const desc = byName[objectName];
  if (error) return <ErrorNote error={error} />;
  if (!desc) return <p className="muted">Loading {objectName}…</p>;
  return <Grid key={objectName} desc={desc} params={params} objects={objects} navigate={navigate} />;
}

function Grid({ desc, params, objects, navigate }: { desc: ObjectDescription; params: Record<string, string>; objects: ObjectSummary[]; navigate: Navigate }) {
  const key = desc.primaryKey[0]!;
  const [sorting, setSorting] = useState<SortingState>([]);
  const [visibility, setVisibility] = useState<VisibilityState>(() => Object.fromEntries(desc.fields.filter((f) => f.type === 'json' || f.type === 'textarea').map((f) => [f.name, false])));
  const [filters, setFilters] = useState<Record<string, ColumnFilter>>(() =>
    params.filterField && params.filterValue ? { [params.filterField]: { kind: 'lookup', value: params.filterValue } } : {},
  );
  const [search, setSearch] = useState('');
  const [searchApplied, setSearchApplied] = useState('');
  const [openFilter, setOpenFilter] = useState<string | null>(null);
  const [chooser, setChooser] = useState(false);
  const [record, setRecord] = useState<string | null>(params.record ?? null);
  useEffect(() => setRecord(params.record ?? null), [params.record]);
  useEffect(() => {
    if (params.filterField && params.filterValue) setFilters({ [params.filterField]: { kind: 'lookup', value: params.filterValue } });
  }, [params.filterField, params.filterValue]);
  useEffect(() => {
    const t = setTimeout(() => setSearchApplied(search.trim()), 300);
    return () => clearTimeout(t);
  }, [search]);

  const targets = useDescriptions(desc.fields.filter((f) => f.type === 'lookup' && f.reference_to).map((f) => f.reference_to!));

  const columns = useMemo<ColumnDef<Row>[]>(() => desc.fields.map((f) => ({ id: f.name, accessorFn: (r: Row) => r[f.name], header: f.label, size: widthOf(f), enableSorting: f.type !== 'json' })), [desc]);
  const table = useReactTable({
    data: EMPTY,
    columns,
    state: { sorting, columnVisibility: visibility },
    onSortingChange: setSorting,
    onColumnVisibilityChange: setVisibility,
    manualSorting: true,
    sortDescFirst: false,
    enableMultiSort: true,
    getCoreRowModel: getCoreRowModel(),
  });
  const visibleCols = table.getVisibleLeafColumns();
  const visibleFields = visibleCols.map((c) => desc.fields.find((f) => f.name === c.id)!).filter(Boolean);

  let filterError: string | null = null;
  let where: Record<string, unknown> | undefined;
  try {
    where = whereOf(desc.fields, filters);
  } catch (e) {
    filterError = e instanceof FilterInputError ? e.message : String(e);
  }
  const lookupsReady = visibleFields.every((f) => f.type !== 'lookup' || !f.reference_to || targets.byName[f.reference_to] || targets.error);
  const query: RowsQuery | null =
    filterError || !lookupsReady
      ? null
      : {
          object: desc.name,
          fields: [...new Set([key, ...visibleFields.map((f) => f.name)])],
          ...(where ? { where } : {}),
          ...(searchApplied ? { search: searchApplied } : {}),
          // The key last, so that pages of equal sort values do not overlap or skip rows.
          orderBy: [...sorting.map((s) => ({ field: s.id, order: s.desc ? ('desc' as const) : ('asc' as const) })), ...(sorting.some((s) => s.id === key) ? [] : [{ field: key, order: 'asc' as const }])],
          expand: lookupExpand(visibleFields, targets.byName),
        };
  const rows = useServerRows(query);

  const scrollRef = useRef<HTMLDivElement>(null);
  // A new query (sort, filter, search, columns) starts at its first row. Without this the grid only got
  // there if the browser happened to lay out the empty grid (count unknown) before the new count arrived.
  const queryKey = query ? JSON.stringify(query) : '';
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [queryKey]);
  const virtualizer = useVirtualizer({ count: rows.total ?? 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 15 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => rows.ensure(first, last), [rows, first, last]);

  const template = visibleCols.map((c) => `${c.getSize()}px`).join(' ');
  const totalWidth = visibleCols.reduce((n, c) => n + c.getSize(), 0);
  const activeFilters = Object.entries(filters).filter(([, f]) => isActive(f));

  const exportInput = (format: 'csv' | 'xlsx') => ({
    format,
    query: { object: desc.name, fields: query?.fields ?? [key], ...(where ? { where } : {}), ...(searchApplied ? { search: searchApplied } : {}), orderBy: query?.orderBy ?? [] },
    columns: (query?.fields ?? [key]).map((name) => ({ key: name, label: desc.fields.find((f) => f.name === name)?.label ?? name })),
    filename: desc.pluralLabel.toLowerCase().replace(/\s+/g, '-'),
  });

  return (
    <div className="browser">
      <div className="object-head">
        <h2>{desc.pluralLabel}</h2>
        {desc.description && <span className="muted small">{desc.description}</span>}
        <span className="spacer" />
        <button className="link" onClick={() => navigate('query', { object: desc.name })}>
          Query {desc.pluralLabel.toLowerCase()} →
        </button>
      </div>
      <div className="toolbar">
        <input type="search" className="grid-search" placeholder={`Search ${desc.pluralLabel.toLowerCase()}`} aria-label={`Search ${desc.pluralLabel}`} value={search} onChange={(e) => setSearch(e.target.value)} />
        <div className="popover-anchor">
          <button onClick={() => setChooser(!chooser)} aria-expanded={chooser}>
            Columns ({visibleCols.length}/{desc.fields.length})
          </button>
          {chooser && (
            <div className="popover column-chooser" role="dialog" aria-label="Choose columns" onKeyDown={(e) => e.key === 'Escape' && setChooser(false)}>
              {table.getAllLeafColumns().map((c) => (
                <label key={c.id}>
                  <input type="checkbox" checked={c.getIsVisible()} disabled={c.id === key} onChange={c.getToggleVisibilityHandler()} />
                  {String(c.columnDef.header)}
                </label>
              ))}
              <button className="ghost" onClick={() => setChooser(false)}>
                Done
              </button>
            </div>
          )}
        </div>
        {activeFilters.map(([name, f]) => {
          const field = desc.fields.find((x) => x.name === name);
          return (
            <span key={name} className="chip">
              {field?.label ?? name}: {describeFilter(f, field?.options)}
              <button
                className="ghost"
                aria-label={`Remove filter on ${field?.label ?? name}`}
                onClick={() => {
                  const { [name]: _gone, ...rest } = filters;
                  setFilters(rest);
                }}
              >
                ×
              </button>
            </span>
          );
        })}
        <span className="spacer" />
        <span className="muted small" data-testid="row-count" role="status">
          {rows.total === null ? 'Counting…' : `${rows.total.toLocaleString()} ${rows.total === 1 ? desc.label.toLowerCase() : desc.pluralLabel.toLowerCase()}`}
          {rows.lastMs !== null ? ` · ${rows.lastMs} ms` : ''}
        </span>
        <ExportControl input={exportInput} total={rows.total} disabled={!query || rows.total === 0} />
      </div>
      {filterError && <ErrorNote error={filterError} />}
      {rows.error && <ErrorNote error={rows.error} onRetry={rows.reload} />}
      <div className="browser-body">
        <div className="grid-scroll" ref={scrollRef} role="grid" aria-label={desc.pluralLabel} aria-rowcount={(rows.total ?? 0) + 1} aria-colcount={visibleCols.length}>
          <div className="grid-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, width: totalWidth }}>
            {table.getHeaderGroups()[0]!.headers.map((h, ci) => {
              const field = desc.fields.find((f) => f.name === h.column.id)!;
              const sorted = h.column.getIsSorted();
              const kind = filterKindOf(field);
              const hasFilter = filters[field.name] && isActive(filters[field.name]!);
              return (
                <div key={h.id} role="columnheader" aria-colindex={ci + 1} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'} className={`th${isNumericField(field) ? ' num' : ''}`}>
                  <button className="sort" onClick={h.column.getToggleSortingHandler()} title="Sort (Shift+click adds a sort)">
                    {field.label}
                    <span aria-hidden="true" className="sort-mark">
                      {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                    </span>
                  </button>
                  {kind && (
                    <button className={`filter-btn${hasFilter ? ' on' : ''}`} aria-label={`Filter ${field.label}`} aria-expanded={openFilter === field.name} onClick={() => setOpenFilter(openFilter === field.name ? null : field.name)}>
                      ▾
                    </button>
                  )}
                  {openFilter === field.name && (
                    <div className="popover">
                      <FilterEditor
                        field={field}
                        value={filters[field.name]}
                        onApply={(f) => {
                          const { [field.name]: _old, ...rest } = filters;
                          setFilters(f ? { ...rest, [field.name]: f } : rest);
                        }}
                        onClose={() => setOpenFilter(null)}
                      />
                    </div>
                  )}
                </div>
              );
            })}
          </div>
          {rows.total === 0 && (
            <p className="empty">
              {activeFilters.length || searchApplied ? `No ${desc.pluralLabel.toLowerCase()} match these filters. Remove a filter to see more.` : `There are no ${desc.pluralLabel.toLowerCase()} you can see.`}
            </p>
          )}
          <div style={{ height: virtualizer.getTotalSize(), width: totalWidth, position: 'relative' }}>
            {items.map((vi) => {
              const r = rows.row(vi.index);
              const id = r ? String(r[key]) : null;
              return (
                <div
                  key={vi.key}
                  role="row"
                  aria-rowindex={vi.index + 2}
                  tabIndex={r ? 0 : -1}
                  className={`tr${id !== null && id === record ? ' selected' : ''}${vi.index % 2 ? ' odd' : ''}`}
                  style={{ transform: `translateY(${vi.start}px)`, gridTemplateColumns: template, height: ROW_HEIGHT }}
                  onClick={() => id !== null && setRecord(id)}
                  onKeyDown={(e) => e.key === 'Enter' && id !== null && setRecord(id)}
                >
                  {visibleFields.map((f) => (
                    <div key={f.name} role="gridcell" className={`td${isNumericField(f) ? ' num' : ''}`}>
                      {!r ? <span className="skeleton" /> : f.type === 'lookup' ? <LookupLink value={r[f.name]} target={f.reference_to ? targets.byName[f.reference_to] : undefined} navigate={navigate} /> : formatValue(r[f.name], f)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
        {record !== null && <RecordPanel desc={desc} id={record} objects={objects} navigate={navigate} onClose={() => setRecord(null)} />}
      </div>
    </div>
  );
}

export { keyValue };
