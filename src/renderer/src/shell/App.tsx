/**
 * The app shell: sidebar, top bar (signed-in user, datasource health, theme), the active screen or object
 * browser, the command palette (Ctrl+K) and screen shortcuts (Ctrl+1…9). The last place visited is
 * remembered per machine.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useBridge, useQuery } from '../bridge/context';
import { ObjectBrowser } from '../browser/ObjectBrowser';
import { clearDescribeCache } from '../components/describe';
import { CommandPalette } from '../palette/CommandPalette';
import type { PaletteItem } from '../palette/match';
import { HealthIndicator } from './HealthIndicator';
import { Sidebar, orderScreens } from './Sidebar';
import { UserMenu } from './UserMenu';
import { WorkspaceHome } from './WorkspaceHome';
import { loadPlace, savePlace, type Place } from './place';
import { applyTheme, initialTheme, type Theme } from './theme';
import { screens as registered } from './screens';

export function App() {
  const bridge = useBridge();
  const [infoNow, reloadInfo] = useQuery('app.info', {});
  const [objectsNow, reloadObjects] = useQuery('workspace.objects', {});
  // While a reload is in flight keep showing what was loaded, so open screens keep their state.
  const info = useLast(infoNow);
  const objects = useLast(objectsNow);
  const [place, setPlace] = useState<Place>(loadPlace);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [palette, setPalette] = useState(false);
  const [generation, setGeneration] = useState(0);
  const screens = useMemo(() => orderScreens(registered), []);

  useEffect(() => applyTheme(theme), [theme]);
  // Settings changes the theme too; follow it so the toggle stays right.
  useEffect(() => {
    const on = (e: Event) => setTheme((e as CustomEvent<Theme>).detail);
    window.addEventListener('objectdesk:theme', on);
    return () => window.removeEventListener('objectdesk:theme', on);
  }, []);
  useEffect(() => savePlace(place), [place]);

  const go = useCallback((id: string | null, params: Record<string, string> = {}) => setPlace({ id, params }), []);

  // The workspace changed on disk (or the modeler wrote files): re-read objects and descriptions.
  useEffect(() => {
    const h = bridge.stream('workspace.watch', {}, () => {
      clearDescribeCache();
      reloadObjects();
      reloadInfo();
      setGeneration((g) => g + 1);
    });
    h.done.catch(() => undefined);
    return () => h.cancel();
  }, [bridge, reloadObjects, reloadInfo]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if (e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPalette((p) => !p);
      } else if (/^[1-9]$/.test(e.key)) {
        const s = screens[Number(e.key) - 1];
        if (s) {
          e.preventDefault();
          go(s.id);
        }
      } else if (e.key === '0') {
        e.preventDefault();
        go(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [screens, go]);

  const objectList = useMemo(() => (objects.status === 'ok' ? objects.value : []), [objects]);

  const paletteItems = useMemo<PaletteItem[]>(() => {
    const items: PaletteItem[] = [
      { id: 'home', label: 'Workspace overview', group: 'Go to', hint: 'Ctrl+0', run: () => go(null) },
      ...screens.map((s, i) => ({ id: `screen-${s.id}`, label: s.label, group: 'Go to', hint: `Ctrl+${i + 1}`, run: () => go(s.id) })),
      ...objectList.map((o) => ({ id: `object-${o.name}`, label: o.pluralLabel, group: 'Objects', keywords: `${o.name} ${o.label} ${o.namespace}`, hint: `${o.namespace} · ${o.datasource}`, run: () => go('object', { name: o.name }) })),
      ...objectList.map((o) => ({ id: `query-${o.name}`, label: `Query ${o.pluralLabel}`, group: 'Query', keywords: `${o.name} chart aggregate`, hint: 'query builder', run: () => go('query', { object: o.name }) })),
      { id: 'theme', label: `Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`, group: 'Commands', keywords: 'theme dark light', run: () => setTheme(theme === 'dark' ? 'light' : 'dark') },
    ];
    return items;
  }, [screens, objectList, theme, go]);

  if (info.status === 'loading') return <div className="splash">Opening workspace…</div>;
  if (info.status === 'error')
    return (
      <div className="splash error" role="alert">
        <h1>ObjectDesk could not open</h1>
        <p>{info.message}</p>
        <button onClick={reloadInfo}>Try again</button>
      </div>
    );

  const app = info.value;
  const active = place.id ? screens.find((s) => s.id === place.id) : undefined;
  const objectName = place.id === 'object' ? place.params.name : undefined;
  const current = objectName ? objectList.find((o) => o.name === objectName) ?? null : null;
  const title = active ? active.label : current ? 'Browse' : objectName && objects.status === 'loading' ? '' : app.workspace.name;

  return (
    <div className="shell">
      <Sidebar
        workspaceName={app.workspace.name}
        objects={objectList}
        selected={current?.name ?? null}
        onSelect={(name) => go(name ? 'object' : null, name ? { name } : {})}
        screens={screens}
        activeScreen={active?.id ?? null}
        onScreen={(id) => go(id)}
        onPalette={() => setPalette(true)}
      />
      <div className="main">
        <header className="topbar">
          <h1>{title}</h1>
          <div className="topbar-right">
            <HealthIndicator />
            <span className="mode" title="How this window talks to the engine">
              {app.mode === 'electron' ? 'desktop' : 'browser mode'}
            </span>
            <button className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Theme">
              {theme === 'dark' ? '☀' : '☾'}
            </button>
            <UserMenu info={app} onSwitched={() => {
              clearDescribeCache();
              reloadInfo();
              reloadObjects();
              setGeneration((g) => g + 1);
            }} />
          </div>
        </header>
        <main className="content">
          {objects.status === 'error' && (
            <div className="banner error" role="alert">
              Objects could not be listed: {objects.message} <button onClick={reloadObjects}>Retry</button>
            </div>
          )}
          {active ? (
            <active.component params={place.params} navigate={go} />
          ) : objectName && (current || objects.status !== 'ok') ? (
            current && <ObjectBrowser key={`${current.name}:${generation}`} objectName={current.name} params={place.params} objects={objectList} navigate={go} />
          ) : objectName ? (
            <div className="empty card">
              <p>
                There is no object <code>{objectName}</code> you can see. <button className="link" onClick={() => go(null)}>Back to the workspace</button>
              </p>
            </div>
          ) : (
            <WorkspaceHome info={app} objects={objectList} onOpen={(name) => go('object', { name })} onScreen={go} hasModeler={screens.some((s) => s.id === 'modeler')} />
          )}
        </main>
        <footer className="statusbar">
          <span>ObjectDesk {app.version}</span>
          <span className="muted">Ctrl+K commands · Ctrl+1…{Math.min(9, screens.length)} screens</span>
          <span title={app.workspace.path}>{app.workspace.path}</span>
        </footer>
      </div>
      {palette && <CommandPalette items={paletteItems} onClose={() => setPalette(false)} />}
    </div>
  );
}

function useLast<T extends { status: string }>(now: T): T {
  const last = useRef(now);
  if (now.status !== 'loading' || last.current.status === 'loading') last.current = now;
  return last.current;
}
