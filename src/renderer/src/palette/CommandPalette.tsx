/** Ctrl+K: find an object, jump to a screen or run a command, all from the keyboard. */
import { useEffect, useRef, useState } from 'react';
import { rank, type PaletteItem } from './match';

export function CommandPalette({ items, onClose }: { items: PaletteItem[]; onClose(): void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const results = rank(items, query);
  // Focus moves into the dialog and, when it closes without going elsewhere, back where it was.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    input.current?.focus();
    return () => {
      if (before?.isConnected && (document.activeElement === document.body || document.activeElement === null)) before.focus();
    };
  }, []);
  useEffect(() => setActive(0), [query]);

  const run = (item: PaletteItem | undefined) => {
    if (!item) return;
    onClose();
    item.run();
  };

  return (
    <div className="palette-backdrop" onMouseDown={onClose}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={input}
          type="search"
          aria-label="Find object or command"
          placeholder="Find object or command…"
          value={query}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-results"
          aria-activedescendant={results[active] ? `palette-${results[active].id}` : undefined}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onClose();
            else if (e.key === 'Tab') e.preventDefault(); // a modal with one control: Tab stays in it
            else if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(results.length - 1, a + 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(0, a - 1));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              run(results[active]);
            }
          }}
        />
        <ul id="palette-results" role="listbox" aria-label="Results">
          {results.length === 0 && <li className="muted small">Nothing matches “{query}”.</li>}
          {results.map((r, i) => (
            <li
              key={r.id}
              id={`palette-${r.id}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => run(r)}
            >
              <span>{r.label}</span>
              <span className="muted small">{r.hint ?? r.group}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
