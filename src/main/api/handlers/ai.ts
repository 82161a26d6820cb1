/** Handlers for the operations declared in src/shared/api/contract-ai.ts: settings, models, chat and its history. */
import type { QueryHandler, StreamHandler } from '../types';
import type { Api } from '..';
import { chatTurn } from '../../ai/chat-turn';
import { listModels } from '../../ai/ollama/models';
import { classifyOllamaError, modelNotFound, modelWithoutTools, noModels } from '../../ai/ollama/errors';
import { deleteConversations, listConversations, readSettings, readTurns, withAiStore, writeSettings } from '../../ai/store/ai-store';

const settingsGet: QueryHandler<'ai.settings.get'> = async (_input, { app }) => withAiStore(app.options.dataDir, readSettings);

const settingsSet: QueryHandler<'ai.settings.set'> = async (patch, { app }) => withAiStore(app.options.dataDir, (db) => writeSettings(db, patch));

const models: QueryHandler<'ai.models'> = async ({ endpoint: requested }, { app, signal }) => {
  const settings = withAiStore(app.options.dataDir, readSettings);
  const endpoint = requested ?? settings.endpoint;
  try {
    const list = await listModels(endpoint, signal);
    const wanted = settings.model ? list.find((m) => m.name === settings.model || m.name === `${settings.model}:latest`) : undefined;
    const selected = wanted ?? (settings.model ? undefined : list.find((m) => m.tools !== false));
    const problem =
      list.length === 0
        ? noModels(endpoint)
        : settings.model && !wanted
          ? modelNotFound(settings.model, endpoint, list.map((m) => m.name))
          : !selected || selected.tools === false
            ? modelWithoutTools(selected?.name ?? list[0]!.name, null)
            : undefined;
    return {
      endpoint,
      reachable: true,
      models: list,
      ...(selected ? { selected: selected.name } : {}),
      ...(problem ? { problem: { code: problem.code, message: problem.message, hint: problem.hint } } : {}),
    };
  } catch (e) {
    const p = classifyOllamaError(e, endpoint);
    if (!p) throw e;
    return { endpoint, reachable: p.code !== 'ollama_unavailable', models: [], problem: { code: p.code, message: p.message, hint: p.hint } };
  }
};

const chat: StreamHandler<'ai.chat'> = async function* (input, { app, session, signal }) {
  // Imported when called: the API module imports this handler table.
  const { createApi } = (await import('..')) as { createApi: (a: typeof app) => Api };
  yield* chatTurn(input, { app, session, signal, api: createApi(app) });
};

const history: QueryHandler<'ai.history'> = async ({ conversationId }, { app, session }) =>
  withAiStore(app.options.dataDir, (db) => {
    const owner = { workspace: app.options.workspaceDir, user: session.user };
    const conversations = listConversations(db, owner);
    const id = conversationId ?? conversations[0]?.id;
    const current = id && conversations.some((c) => c.id === id) ? { id, turns: readTurns(db, id) } : undefined;
    return { conversations, ...(current ? { current } : {}) };
  });

const historyClear: QueryHandler<'ai.history.clear'> = async ({ conversationId }, { app, session }) => ({
  deleted: withAiStore(app.options.dataDir, (db) => deleteConversations(db, { workspace: app.options.workspaceDir, user: session.user }, conversationId)),
});

export const aiHandlers = {
  'ai.settings.get': settingsGet,
  'ai.settings.set': settingsSet,
  'ai.models': models,
  'ai.chat': chat,
  'ai.history': history,
  'ai.history.clear': historyClear,
} as const;
