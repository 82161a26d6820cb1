/**
 * The agent loop on Ollama: stream a model turn (text as it comes, tool calls when it asks), run each tool
 * as the user through the API, feed the results back, and stop at an answer, at the step bound or when the
 * caller aborts. The final event cites every query that ran, with its SQL.
 */
import type { Message } from 'ollama';
import type { ObjectSummary } from '../../../shared/api/contract';
import type { ChatEvent, CitedQuery } from '../../../shared/api/contract-ai';
import { ApiError } from '../../../shared/api/errors';
import type { Session } from '../../../shared/api/session';
import { ollamaClient } from '../ollama/client';
import { classifyOllamaError, streamFailed } from '../ollama/errors';
import { ollamaTools } from '../tools/catalog';
import { runTool, type ApiCaller } from '../tools/run';
import { systemPrompt } from './prompt';

export interface AgentOptions {
  endpoint: string;
  model: string;
  question: string;
  /** Earlier turns of the conversation (questions and answers only; tool results are not replayed). */
  history?: { question: string; answer: string }[];
  api: ApiCaller;
  /** The user's Session for the tools: via 'ai', reason = the question and the chat turn. */
  session: Session;
  workspaceName: string;
  userLabel: string;
  privacyMode: boolean;
  maxSteps: number;
  signal: AbortSignal;
  today?: string;
}

type AgentEvent = Exclude<ChatEvent, { type: 'start' }>;

const HISTORY_TURNS = 6;

export async function* runAgent(o: AgentOptions): AsyncGenerator<AgentEvent> {
  const queries: CitedQuery[] = [];
  const tokens = { prompt: 0, completion: 0 };
  let step = 0;
  let callCounter = 0;
  const final = (text: string, stopped: 'answer' | 'step_limit' | 'cancelled'): AgentEvent => ({ type: 'final', text, stopped, queries, steps: step, tokens });

  try {
    const objects = (await o.api.call('workspace.objects', {}, o.session, o.signal)) as ObjectSummary[];
    const messages: Message[] = [
      {
        role: 'system',
        content: systemPrompt({ workspaceName: o.workspaceName, userLabel: o.userLabel, objects, privacyMode: o.privacyMode, today: o.today ?? new Date().toISOString().slice(0, 10) }),
      },
      ...(o.history ?? []).slice(-HISTORY_TURNS).flatMap((t): Message[] => [
        { role: 'user', content: t.question },
        { role: 'assistant', content: t.answer },
      ]),
      { role: 'user', content: o.question },
    ];
    const tools = ollamaTools();
    const client = ollamaClient(o.endpoint, o.signal);

    while (step < o.maxSteps) {
      step += 1;
      const request = { model: o.model, messages, tools, stream: true as const, options: { temperature: 0 } };
      yield { type: 'model_request', step, request: JSON.parse(JSON.stringify(request)) as unknown };

      let content = '';
      const calls: NonNullable<Message['tool_calls']> = [];
      try {
        const response = await client.chat(request);
        for await (const chunk of response) {
          const delta = chunk.message?.content ?? '';
          if (delta) {
            content += delta;
            yield { type: 'text', step, delta };
          }
          if (chunk.message?.tool_calls?.length) calls.push(...chunk.message.tool_calls);
          if (chunk.done) {
            tokens.prompt += chunk.prompt_eval_count ?? 0;
            tokens.completion += chunk.eval_count ?? 0;
          }
        }
      } catch (e) {
        if (o.signal.aborted) throw e;
        throw streamFailed(e, o.endpoint, o.model);
      }

      if (calls.length === 0) {
        yield final(content, 'answer');
        return;
      }
      if (step >= o.maxSteps) break;

      messages.push({ role: 'assistant', content, tool_calls: calls });
      for (const call of calls) {
        const callId = String(++callCounter);
        const name = call.function?.name ?? '';
        const args = call.function?.arguments;
        yield { type: 'tool_call', step, callId, name, arguments: args ?? {} };
        const outcome = await runTool(name, args, { api: o.api, session: o.session, signal: o.signal, privacyMode: o.privacyMode });
        if (outcome.query) queries.push({ callId, ...outcome.query });
        yield {
          type: 'tool_result',
          step,
          callId,
          name,
          ok: outcome.ok,
          summary: outcome.summary,
          ...(outcome.error ? { error: outcome.error } : {}),
          ...(outcome.query ? { query: { callId, ...outcome.query } } : {}),
          ...(outcome.rows ? { rows: outcome.rows.slice(0, 200) } : {}),
          sentToModel: outcome.content,
        };
        messages.push({ role: 'tool', content: outcome.content, tool_name: name });
      }
    }
    yield final(
      `Stopped after ${o.maxSteps} model steps without a final answer (the step limit). ${queries.length ? 'The queries that ran are listed below.' : ''} Try a more specific question, or raise the step limit in the AI settings.`.replace(/\s+/g, ' ').trim(),
      'step_limit',
    );
  } catch (e) {
    if (o.signal.aborted) {
      yield final('Stopped.', 'cancelled');
      return;
    }
    const problem = classifyOllamaError(e, o.endpoint, o.model);
    if (problem) {
      yield { type: 'error', code: problem.code, message: problem.message, hint: problem.hint };
      return;
    }
    if (e instanceof ApiError) {
      yield { type: 'error', code: e.code, message: e.message };
      return;
    }
    throw e;
  }
}
