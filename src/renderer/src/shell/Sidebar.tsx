/** The sidebar: workspace name, searchable objects grouped by namespace, and the screens. */
import { forwardRef, useMemo, useState } from 'react';
import type { ObjectSummary } from '../../../shared/api/contract';
import type { Screen } from './screens';

interface Props {
  workspaceName: string;
  objects: ObjectSummary[];
  selected: string | null;
  onSelect(name: string | null): void;
  screens: Screen[];
  activeScreen: string | null;
  onScreen(id: string): void;
}

export const Sidebar = forwardRef<HTMLInputElement, Props>(function Sidebar({ workspaceName, objects, selected, onSelect, screens, activeScreen, onScreen }, searchRef) {
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const map = new Map<string, ObjectSummary[]>();
    for (const o of objects) {
      if (f && !o.label.toLowerCase().includes(f) && !o.name.includes(f)) continue;
      const key = `${o.namespace} · ${o.datasource}`;
      map.set(key, [...(map.get(key) ?? []), o]);
    }
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [objects, filter]);

  return (
    <nav className="sidebar" aria-label="Workspace">
      <button className={`workspace-name${selected === null ? ' active' : ''}`} onClick={() => onSelect(null)} data-testid="workspace-name">
        {workspaceName}
      </button>
      {screens.length > 0 && (
        <ul className="screens">
          {screens.map((s) => (
            <li key={s.id}>
              <button className={activeScreen === s.id ? 'active' : ''} onClick={() => onScreen(s.id)} title={s.shortcut}>
                {s.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        ref={searchRef}
        className="search"
        type="search"
        placeholder="Find object  (Ctrl+K)"
        aria-label="Find object"
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
        {groups.length === 0 && <p className="muted small">{objects.length === 0 ? 'No objects in this workspace yet.' : 'No object matches.'}</p>}
        {groups.map(([group, items]) => (
          <section key={group}>
            <h3>{group}</h3>
            <ul>
              {items.map((o) => (
                <li key={o.name}>
                  <button className={selected === o.name ? 'active' : ''} onClick={() => onSelect(o.name)} title={o.description ?? o.name}>
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
});
