/**
 * One chat turn as the API streams it: pick the model, open (or continue) the conversation, run the agent
 * with the user's Session via 'ai' — reason = the question and the turn — and keep the turn in the history
 * whatever way it ends (answer, step limit, Stop, error).
 */
import type { AppContext } from '../app/context';
import type { ChatEvent, ChatTurn } from '../../shared/api/contract-ai';
import type { Session } from '../../shared/api/session';
import { runAgent } from './agent/agent';
import { resolveChatModel } from './ollama/models';
import { classifyOllamaError } from './ollama/errors';
import { openConversation, readSettings, saveTurn, withAiStore } from './store/ai-store';
import type { ApiCaller } from './tools/run';

export interface ChatTurnInput {
  message: string;
  conversationId?: string;
  model?: string;
}

/** The reason every tool call of a turn carries into the audit: the question and where it was asked. */
export function chatReason(question: string, conversationId: string, turn: number): string {
  const suffix = ` (chat ${conversationId.slice(0, 8)}, turn ${turn})`;
  const q = question.replace(/\s+/g, ' ').trim();
  return q.length + suffix.length > 2000 ? `${q.slice(0, 2000 - suffix.length - 1)}…${suffix}` : `${q}${suffix}`;
}

export async function* chatTurn(input: ChatTurnInput, ctx: { app: AppContext; session: Session; signal: AbortSignal; api: ApiCaller }): AsyncGenerator<ChatEvent> {
  const { app, session, signal } = ctx;
  app.requireWorkspace();
  const dataDir = app.options.dataDir;
  const settings = withAiStore(dataDir, readSettings);

  let model: string;
  try {
    model = await resolveChatModel(settings.endpoint, input.model || settings.model || undefined, signal);
  } catch (e) {
    const p = classifyOllamaError(e, settings.endpoint, input.model || settings.model);
    if (!p) throw e;
    yield { type: 'error', code: p.code, message: p.message, hint: p.hint };
    return;
  }

  const owner = { workspace: app.options.workspaceDir, user: session.user };
  const conv = withAiStore(dataDir, (db) => openConversation(db, owner, input.conversationId, input.message));
  const turn = conv.nextTurn;
  const start: ChatEvent = { type: 'start', conversationId: conv.id, turn, model, endpoint: settings.endpoint, privacyMode: settings.privacyMode };
  yield start;

  // The transcript keeps what the user saw, without the (large, repeated) prompts and per-token deltas.
  const kept: ChatEvent[] = [start];
  let answer = '';
  let stopped = 'error';
  try {
    for await (const event of runAgent({
      endpoint: settings.endpoint,
      model,
      question: input.message,
      history: conv.history.map((t) => ({ question: t.question, answer: t.answer })),
      api: ctx.api,
      session: { user: session.user, via: 'ai', reason: chatReason(input.message, conv.id, turn) },
      workspaceName: app.workspaceName,
      userLabel: app.partial.users.get(session.user)?.label ?? session.user,
      privacyMode: settings.privacyMode,
      maxSteps: settings.maxSteps,
      signal,
    })) {
      if (event.type === 'final') {
        answer = event.text;
        stopped = event.stopped;
      }
      if (event.type !== 'text' && event.type !== 'model_request') kept.push(event);
      yield event;
    }
  } finally {
    if (stopped === 'error' && signal.aborted) stopped = 'cancelled';
    const record: ChatTurn = { turn, question: input.message, answer, stopped, model, at: new Date().toISOString(), events: kept };
    withAiStore(dataDir, (db) => saveTurn(db, conv.id, record));
  }
}
