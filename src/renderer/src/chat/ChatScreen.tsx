/**
 * The Chat screen: ask the data a question; the answer streams in with each tool call, its ObjectQL, SQL and
 * rows; Stop cancels the model and the database work; the conversation is kept per workspace and user.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AiSettings, ChatEvent, ModelsResult } from '../../../shared/api/contract-ai';
import type { StreamHandle } from '../../../shared/api/bridge';
import { useBridge } from '../bridge/context';
import type { ScreenProps } from '../shell/screens';
import { ModelBar } from './ModelBar';
import { TurnView } from './TurnView';
import { applyEvent, newTurn, turnFromHistory, type TurnView as Turn } from './turns';
import './chat.css';

const EXAMPLES = ['Which customers in Brazil spent the most, and who supports them?', 'Sales per year', 'Top 5 genres by tracks sold'];

export function ChatScreen(_props: ScreenProps) {
  const bridge = useBridge();
  const [settings, setSettings] = useState<AiSettings | null>(null);
  const [models, setModels] = useState<ModelsResult | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversationId, setConversationId] = useState<string | undefined>();
  const [question, setQuestion] = useState('');
  const [error, setError] = useState<string | null>(null);
  const handle = useRef<StreamHandle | null>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const busy = turns.some((t) => t.streaming);

  const refreshModels = useCallback(() => {
    bridge.call('ai.models', {}).then(setModels, (e: Error) => setError(e.message));
  }, [bridge]);

  useEffect(() => {
    bridge.call('ai.settings.get', {}).then(setSettings, (e: Error) => setError(e.message));
    refreshModels();
    bridge.call('ai.history', {}).then(
      (h) => {
        if (h.current) {
          setConversationId(h.current.id);
          setTurns(h.current.turns.map(turnFromHistory));
        }
      },
      (e: Error) => setError(e.message),
    );
    return () => handle.current?.cancel();
  }, [bridge, refreshModels]);

  useEffect(() => {
    // Newer Chromium returns a promise from scrollIntoView; an effect must not return it.
    void bottom.current?.scrollIntoView?.({ block: 'end' });
  }, [turns]);

  const changeSettings = (patch: Partial<AiSettings>) => {
    bridge.call('ai.settings.set', patch).then(
      (s) => {
        setSettings(s);
        if (patch.endpoint !== undefined || patch.model !== undefined) refreshModels();
      },
      (e: Error) => setError(e.message),
    );
  };

  const update = (fn: (t: Turn) => Turn) => setTurns((all) => [...all.slice(0, -1), fn(all[all.length - 1]!)]);

  const ask = (text: string) => {
    const q = text.trim();
    if (!q || busy) return;
    setQuestion('');
    setError(null);
    setTurns((all) => [...all, newTurn(q)]);
    const h = bridge.stream(
      'ai.chat',
      { message: q, ...(conversationId ? { conversationId } : {}) },
      (e: ChatEvent) => {
        if (e.type === 'start') setConversationId(e.conversationId);
        update((t) => applyEvent(t, e));
      },
      'chat',
    );
    handle.current = h;
    h.done.then(
      () => update((t) => (t.streaming ? { ...t, streaming: false } : t)),
      (e: Error) => update((t) => ({ ...t, streaming: false, error: { type: 'error', code: 'failed', message: e.message } })),
    );
  };

  const stop = () => {
    handle.current?.cancel();
    handle.current = null;
    update((t) => ({ ...t, streaming: false, stopped: true }));
  };

  const newConversation = () => {
    if (busy) stop();
    setConversationId(undefined);
    setTurns([]);
  };

  return (
    <section className="chat" aria-label="Chat">
      {settings && <ModelBar settings={settings} models={models} onChange={changeSettings} onRefresh={refreshModels} />}
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <div className="chat-transcript" aria-live="polite">
        {turns.length === 0 && (
          <div className="empty">
            <p>Ask a question about the data. The model answers by querying the database as you, with your permissions; every query is shown.</p>
            <div className="row" style={{ justifyContent: 'center' }}>
              {EXAMPLES.map((ex) => (
                <button key={ex} className="ghost small" onClick={() => ask(ex)}>
                  {ex}
                </button>
              ))}
            </div>
          </div>
        )}
        {turns.map((t, i) => (
          <TurnView key={i} turn={t} />
        ))}
        <div ref={bottom} />
      </div>
      <form
        className="chat-input"
        onSubmit={(e) => {
          e.preventDefault();
          ask(question);
        }}
      >
        <textarea
          aria-label="Question"
          placeholder="Ask about your data…"
          value={question}
          rows={2}
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              ask(question);
            }
          }}
        />
        {busy ? (
          <button type="button" onClick={stop} className="danger">
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!question.trim()}>
            Ask
          </button>
        )}
        <button type="button" className="ghost small" onClick={newConversation} title="Start a new conversation">
          New chat
        </button>
      </form>
    </section>
  );
}
