/**
 * Turns the event stream of one chat turn into what the transcript shows: text paragraphs and tool calls
 * in the order they happened, the final answer with its cited queries, and the prompts that were sent.
 */
import type { ChatEvent, CitedQuery } from '../../../shared/api/contract-ai';

export interface ToolCallView {
  callId: string;
  name: string;
  arguments: unknown;
  result?: Extract<ChatEvent, { type: 'tool_result' }>;
}

export type Segment = { kind: 'text'; step: number; text: string } | { kind: 'tool'; call: ToolCallView };

export interface TurnView {
  question: string;
  conversationId?: string;
  model?: string;
  privacyMode?: boolean;
  segments: Segment[];
  final?: Extract<ChatEvent, { type: 'final' }>;
  error?: Extract<ChatEvent, { type: 'error' }>;
  prompts: unknown[];
  streaming: boolean;
  /** The user pressed Stop (the stream ends without a final event reaching us). */
  stopped?: boolean;
}

export function newTurn(question: string): TurnView {
  return { question, segments: [], prompts: [], streaming: true };
}

export function applyEvent(turn: TurnView, e: ChatEvent): TurnView {
  const t: TurnView = { ...turn, segments: [...turn.segments] };
  switch (e.type) {
    case 'start':
      return { ...t, conversationId: e.conversationId, model: e.model, privacyMode: e.privacyMode };
    case 'model_request':
      return { ...t, prompts: [...t.prompts, e.request] };
    case 'text': {
      const last = t.segments[t.segments.length - 1];
      if (last?.kind === 'text' && last.step === e.step) t.segments[t.segments.length - 1] = { ...last, text: last.text + e.delta };
      else t.segments.push({ kind: 'text', step: e.step, text: e.delta });
      return t;
    }
    case 'tool_call':
      t.segments.push({ kind: 'tool', call: { callId: e.callId, name: e.name, arguments: e.arguments } });
      return t;
    case 'tool_result':
      t.segments = t.segments.map((s) => (s.kind === 'tool' && s.call.callId === e.callId ? { kind: 'tool', call: { ...s.call, result: e } } : s));
      return t;
    case 'final': {
      // The final answer is shown as the answer, not again as streamed text of its step.
      const segments = e.stopped === 'answer' ? t.segments.filter((s) => !(s.kind === 'text' && s.step === e.steps)) : t.segments;
      return { ...t, segments, final: e, streaming: false };
    }
    case 'error':
      return { ...t, error: e, streaming: false };
  }
}

/** A saved turn from ai.history, replayed through the same reducer (text deltas were not kept: the answer was). */
export function turnFromHistory(saved: { question: string; events: unknown[] }): TurnView {
  return (saved.events as ChatEvent[]).reduce(applyEvent, { ...newTurn(saved.question), streaming: false });
}

export function sqlOf(q: CitedQuery): string {
  return q.sql.map((s) => s.text).join(';\n');
}
