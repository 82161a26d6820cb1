/** The app shell: sidebar, header with the signed-in user, and the main area. */
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '../bridge/context';
import { Sidebar } from './Sidebar';
import { WorkspaceHome } from './WorkspaceHome';
import { applyTheme, initialTheme, type Theme } from './theme';
import { screens } from './screens';

export function App() {
  const [info, reloadInfo] = useQuery('app.info', {});
  const [objects, reloadObjects] = useQuery('workspace.objects', {});
  const [selected, setSelected] = useState<string | null>(null);
  const [screen, setScreen] = useState<{ id: string; params: Record<string, string> } | null>(null);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

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
  const objectList = objects.status === 'ok' ? objects.value : [];
  const current = objectList.find((o) => o.name === selected) ?? null;
  const active = screen ? screens.find((s) => s.id === screen.id) : undefined;
  const selectObject = (name: string | null) => {
    setScreen(null);
    setSelected(name);
  };

  return (
    <div className="shell">
      <Sidebar
        ref={searchRef}
        workspaceName={app.workspace.name}
        objects={objectList}
        selected={active ? null : selected}
        onSelect={selectObject}
        screens={screens}
        activeScreen={active?.id ?? null}
        onScreen={(id) => setScreen({ id, params: {} })}
      />
      <div className="main">
        <header className="topbar">
          <h1>{active ? active.label : current ? current.pluralLabel : app.workspace.name}</h1>
          <div className="topbar-right">
            <span className="mode" title="How this window talks to the engine">{app.mode === 'electron' ? 'desktop' : 'browser mode'}</span>
            <button className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label="Toggle theme">
              {theme === 'dark' ? '☀' : '☾'}
            </button>
            <span className="user" data-testid="signed-in-user" title={app.user.name}>
              {app.user.label}
              {app.user.admin ? ' · admin' : ''}
            </span>
          </div>
        </header>
        <main className="content">
          {objects.status === 'error' && (
            <div className="banner error" role="alert">
              Objects could not be listed: {objects.message} <button onClick={reloadObjects}>Retry</button>
            </div>
          )}
          {active ? (
            <active.component params={screen!.params} navigate={(id, params = {}) => setScreen({ id, params })} />
          ) : current ? (
            <section className="card">
              <h2>{current.label}</h2>
              {current.description && <p>{current.description}</p>}
              <dl className="facts">
                <dt>API name</dt>
                <dd><code>{current.name}</code></dd>
                <dt>Datasource</dt>
                <dd>{current.datasource}</dd>
                <dt>Namespace</dt>
                <dd>{current.namespace}</dd>
                <dt>Fields</dt>
                <dd>{current.fieldCount}</dd>
              </dl>
            </section>
          ) : (
            <WorkspaceHome info={app} objects={objectList} onOpen={selectObject} />
          )}
        </main>
        <footer className="statusbar">
          <span>ObjectDesk {app.version}</span>
          <span title={app.workspace.path}>{app.workspace.path}</span>
        </footer>
      </div>
    </div>
  );
}
