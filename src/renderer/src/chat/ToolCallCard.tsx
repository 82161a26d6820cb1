/** One tool call in the transcript: name and summary at a glance; arguments, ObjectQL, SQL and rows when expanded. */
import type { ToolCallView } from './turns';
import { ResultTable } from './ResultTable';

export function ToolCallCard({ call }: { call: ToolCallView }) {
  const r = call.result;
  const status = !r ? 'running' : r.ok ? 'ok' : 'failed';
  return (
    <details className={`chat-tool ${status}`} data-testid="tool-call">
      <summary>
        <span className="chat-tool-name">{call.name}</span>
        <span className="muted small"> {r ? r.summary : 'running…'}</span>
      </summary>
      <div className="chat-tool-body">
        <h4>Arguments</h4>
        <pre>{JSON.stringify(call.arguments, null, 2)}</pre>
        {r?.query && (
          <>
            <h4>ObjectQL (after permissions)</h4>
            <pre>{JSON.stringify(r.query.ast, null, 2)}</pre>
            {r.query.sql.map((s, i) => (
              <div key={i}>
                <h4>SQL ({s.dialect}) · {r.query!.rowCount} rows</h4>
                <pre data-testid="tool-sql">{s.text}</pre>
                <p className="muted small">parameters: {JSON.stringify(s.parameters)}</p>
              </div>
            ))}
            {r.query.pipeline && <pre>{JSON.stringify(r.query.pipeline, null, 2)}</pre>}
          </>
        )}
        {r?.rows && <ResultTable rows={r.rows} />}
        {r && !r.ok && <p className="error">{r.summary}</p>}
        {r && (
          <details className="chat-sent">
            <summary className="muted small">What the model received</summary>
            <pre>{r.sentToModel}</pre>
          </details>
        )}
      </div>
    </details>
  );
}
