/**
 * `objectdesk chat "<question>" [--conversation ID] [--model NAME] [--json]`: one chat turn through the API
 * (ai.chat, as the signed-in user; the tools run via "ai"). The answer streams to stdout; tool calls, the
 * SQL they ran and problems go to stderr. Ctrl-C stops the model and the database work.
 */
import { createApi } from '../../api';
import type { ChatEvent } from '../../../shared/api/contract-ai';
import { ApiError } from '../../../shared/api/errors';
import { openContext, type GlobalOptions } from '../global-options';
import { println, type CliIO } from '../io';

export interface ChatCommandOptions extends GlobalOptions {
  question: string;
  /** Continue this conversation (its id is printed after each answer). */
  conversation?: string;
  model?: string;
  /** Print the SQL of every query under the answer (default on). */
  sql?: boolean;
}

/** Exit codes: 0 answered, 1 the model or a tool could not run (the message says why), 130 stopped with Ctrl-C. */
export async function runChat(opts: ChatCommandOptions, io: CliIO, signal?: AbortSignal): Promise<number> {
  const app = await openContext(opts, 'cli');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  signal?.addEventListener('abort', () => controller.abort(), { once: true });
  let code = 0;
  try {
    const api = createApi(app);
    const session = { user: app.user.name, via: 'cli' as const, reason: 'objectdesk chat' };
    const input = { message: opts.question, ...(opts.conversation ? { conversationId: opts.conversation } : {}), ...(opts.model ? { model: opts.model } : {}) };
    let answered = false;
    for await (const raw of api.stream('ai.chat', input, session, controller.signal)) {
      const e = raw as ChatEvent;
      if (opts.json) {
        if (e.type !== 'model_request') println(io.out, JSON.stringify(e));
      } else {
        printEvent(e, io, opts.sql !== false, () => (answered = true), answered);
      }
      if (e.type === 'error') code = 1;
      if (e.type === 'final' && e.stopped === 'cancelled') code = 130;
    }
    return code;
  } catch (e) {
    if (controller.signal.aborted) return 130;
    if (e instanceof ApiError) {
      println(io.err, `objectdesk chat: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await app.close();
  }
}

function printEvent(e: ChatEvent, io: CliIO, showSql: boolean, markText: () => void, hadText: boolean): void {
  switch (e.type) {
    case 'start':
      println(io.err, `(${e.model} at ${e.endpoint}${e.privacyMode ? ', privacy mode' : ''}; conversation ${e.conversationId}, turn ${e.turn})`);
      break;
    case 'text':
      markText();
      io.out.write(e.delta);
      break;
    case 'tool_call':
      if (hadText) println(io.out);
      println(io.err, `→ ${e.name} ${JSON.stringify(e.arguments)}`);
      break;
    case 'tool_result':
      println(io.err, `  ${e.ok ? '←' : '✗'} ${e.summary}`);
      break;
    case 'final':
      println(io.out);
      if (e.stopped !== 'answer') println(io.err, e.stopped === 'cancelled' ? 'Stopped.' : e.text);
      if (showSql && e.queries.length) {
        println(io.err, `Queries run (${e.queries.length}):`);
        for (const q of e.queries) {
          for (const s of q.sql) println(io.err, `  [${q.callId}] ${q.tool} on ${q.objectName}, ${q.rowCount} rows: ${s.text}  -- ${JSON.stringify(s.parameters)}`);
          if (!q.sql.length && q.pipeline) println(io.err, `  [${q.callId}] ${q.tool} on ${q.objectName}: ${JSON.stringify(q.pipeline)}`);
        }
      }
      break;
    case 'error':
      println(io.err, `objectdesk chat: ${e.message}${e.hint ? `\n  ${e.hint}` : ''}`);
      break;
    case 'model_request':
      break;
  }
}
