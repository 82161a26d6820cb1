/** One question and everything that answered it, in order; "Show prompt" reveals exactly what was sent to the model. */
import { useState } from 'react';
import { ToolCallCard } from './ToolCallCard';
import type { TurnView as Turn } from './turns';

export function TurnView({ turn }: { turn: Turn }) {
  const [showPrompt, setShowPrompt] = useState(false);
  return (
    <article className="chat-turn" data-testid="chat-turn">
      <div className="chat-question">{turn.question}</div>
      <div className="chat-answer">
        {turn.segments.map((s, i) =>
          s.kind === 'text' ? (
            <p key={i} className="chat-thought">{s.text}</p>
          ) : (
            <ToolCallCard key={s.call.callId} call={s.call} />
          ),
        )}
        {turn.streaming && turn.segments.length === 0 && <p className="muted">Asking the model…</p>}
        {turn.final && (
          <div className="chat-final" data-testid="chat-answer">
            {turn.final.stopped === 'answer' ? <p>{turn.final.text}</p> : <p className="muted">{turn.final.text}</p>}
            {turn.final.queries.length > 0 && (
              <div className="chat-citations">
                <span className="muted small">Computed by {turn.final.queries.length} quer{turn.final.queries.length === 1 ? 'y' : 'ies'} in the database:</span>
                <ol>
                  {turn.final.queries.map((q) => (
                    <li key={q.callId}>
                      <code>{q.tool}</code> on <code>{q.objectName}</code> · {q.rowCount} rows
                    </li>
                  ))}
                </ol>
              </div>
            )}
          </div>
        )}
        {turn.stopped && !turn.final && <p className="muted" data-testid="chat-stopped">Stopped.</p>}
        {turn.error && (
          <div className="banner error" role="alert" data-testid="chat-error">
            <div>
              <strong>{turn.error.message}</strong>
              {turn.error.hint && <div className="small">{turn.error.hint}</div>}
            </div>
          </div>
        )}
        <div className="row small muted">
          {turn.model && <span>{turn.model}{turn.privacyMode ? ' · privacy mode' : ''}</span>}
          {turn.final && <span>· {turn.final.steps} step{turn.final.steps === 1 ? '' : 's'} · {turn.final.tokens.prompt + turn.final.tokens.completion} tokens</span>}
          {turn.prompts.length > 0 && (
            <button className="ghost small" onClick={() => setShowPrompt(!showPrompt)}>
              {showPrompt ? 'Hide prompt' : 'Show prompt'}
            </button>
          )}
        </div>
        {showPrompt && <pre className="chat-prompt" data-testid="chat-prompt">{JSON.stringify(turn.prompts, null, 2)}</pre>}
      </div>
    </article>
  );
}
