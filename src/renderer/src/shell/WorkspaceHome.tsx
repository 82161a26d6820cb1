/** The workspace overview: what is loaded, and every load problem with the file and how to fix it. */
import type { AppInfo, ObjectSummary } from '../../../shared/api/contract';

export function WorkspaceHome({ info, objects, onOpen, onScreen, hasModeler }: { info: AppInfo; objects: ObjectSummary[]; onOpen(name: string): void; onScreen(id: string): void; hasModeler: boolean }) {
  const problems = info.workspace.problems;
  const datasources = [...new Set(objects.map((o) => o.datasource))];
  return (
    <div className="home">
      <section className="card">
        <h2>Workspace</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd data-testid="home-workspace-name">{info.workspace.name}</dd>
          <dt>Folder</dt>
          <dd><code>{info.workspace.path}</code></dd>
          <dt>Objects</dt>
          <dd>{info.workspace.objectCount}</dd>
          <dt>Datasources</dt>
          <dd>{datasources.length ? datasources.join(', ') : '—'}</dd>
          <dt>Signed in as</dt>
          <dd>{info.user.label} ({info.user.name})</dd>
        </dl>
      </section>
      {problems.length > 0 && (
        <section className="card problems" role="alert">
          <h2>{problems.length} problem{problems.length === 1 ? '' : 's'} in the workspace</h2>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                <code>{p.file}{p.line ? `:${p.line}` : ''}</code>
                {p.object && <> · <b>{p.object}</b></>}
                {p.path && <> · <code>{p.path}</code></>}
                <div>{p.message}</div>
              </li>
            ))}
          </ul>
        </section>
      )}
      {objects.length === 0 && problems.length === 0 && (
        <section className="card empty">
          <h2>No objects yet</h2>
          <p>Objects describe the tables you want to browse, query and chart. Import tables from a datasource to draft them.</p>
          {hasModeler && <button className="primary" onClick={() => onScreen('modeler')}>Open the Modeler</button>}
        </section>
      )}
      {objects.length > 0 && (
        <section className="card">
          <h2>Objects</h2>
          <div className="tiles">
            {objects.map((o) => (
              <button key={o.name} className="tile" onClick={() => onOpen(o.name)}>
                <b>{o.pluralLabel}</b>
                <span className="muted small">{o.fieldCount} fields · {o.datasource}</span>
              </button>
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
