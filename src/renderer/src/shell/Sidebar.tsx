/** The sidebar: workspace name, the screens in a fixed order, and the searchable objects grouped by namespace and datasource. */
import { useMemo, useState } from 'react';
import type { ObjectSummary } from '../../../shared/api/contract';
import type { Screen } from './screens';

/** The sidebar's order, whichever order the areas registered their screens in. */
const ORDER = ['query', 'chat', 'datasources', 'modeler', 'audit', 'settings'];

export function orderScreens(list: readonly Screen[]): Screen[] {
  const rank = (s: Screen) => (ORDER.includes(s.id) ? ORDER.indexOf(s.id) : ORDER.length);
  return [...list].sort((a, b) => rank(a) - rank(b));
}

interface Props {
  workspaceName: string;
  objects: ObjectSummary[];
  selected: string | null;
  onSelect(name: string | null): void;
  screens: Screen[];
  activeScreen: string | null;
  onScreen(id: string): void;
  onPalette(): void;
}

export function Sidebar({ workspaceName, objects, selected, onSelect, screens, activeScreen, onScreen, onPalette }: Props) {
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const map = new Map<string, ObjectSummary[]>();
    for (const o of objects) {
      if (f && !o.label.toLowerCase().includes(f) && !o.pluralLabel.toLowerCase().includes(f) && !o.name.includes(f)) continue;
      const key = o.namespace ? `${o.namespace} · ${o.datasource}` : o.datasource;
      map.set(key, [...(map.get(key) ?? []), o]);
    }
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [objects, filter]);

  return (
    <nav className="sidebar" aria-label="Workspace">
      <button className={`workspace-name${selected === null && activeScreen === null ? ' active' : ''}`} onClick={() => onSelect(null)} data-testid="workspace-name">
        {workspaceName}
      </button>
      <button className="palette-hint" onClick={onPalette}>
        <span>Go to…</span>
        <kbd>Ctrl K</kbd>
      </button>
      {screens.length > 0 && (
        <ul className="screens">
          {screens.map((s, i) => (
            <li key={s.id}>
              <button className={activeScreen === s.id ? 'active' : ''} aria-current={activeScreen === s.id ? 'page' : undefined} onClick={() => onScreen(s.id)} title={`Ctrl+${i + 1}`}>
                {s.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        className="search"
        type="search"
        placeholder="Filter objects"
        aria-label="Filter objects"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            const first = groups[0]?.[1][0];
            if (first) onSelect(first.name);
          }
          if (e.key === 'Escape') setFilter('');
        }}
      />
      <div className="object-groups">
        {groups.length === 0 && <p className="muted small">{objects.length === 0 ? 'No objects yet — import tables from a datasource in the Modeler.' : 'No object matches.'}</p>}
        {groups.map(([group, items]) => (
          <section key={group} aria-label={group}>
            <h2 className="group-title">{group}</h2>
            <ul>
              {items.map((o) => (
                <li key={o.name}>
                  <button className={selected === o.name ? 'active' : ''} aria-current={selected === o.name ? 'page' : undefined} onClick={() => onSelect(o.name)} title={o.description ?? o.name}>
                    {o.pluralLabel}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </nav>
  );
}
