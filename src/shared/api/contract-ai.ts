/**
 * API operations of AI chat, models and settings (issue: Data chat). Merged into the one table in ./contract.ts.
 *
 * `ai.chat` is a stream: every step the agent takes reaches the caller as it happens — text as the model
 * writes it, each tool call with its arguments, each result with the ObjectQL and SQL that ran — and ends
 * with one `final` event that cites every query, or one `error` event that says what to do.
 */
import { z } from 'zod';
import { query, stream } from './operation';

export const DEFAULT_OLLAMA_ENDPOINT = 'http://127.0.0.1:11434';

export const AiSettingsSchema = z.strictObject({
  /** Ollama's base URL. Local by default: nothing leaves the machine unless the user points it elsewhere. */
  endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:11434' }),
  /** The chosen model; empty means "the first installed model that supports tools". */
  model: z.string().max(200),
  /** The model sees schemas, result shapes and ungrouped aggregates, never row values. */
  privacyMode: z.boolean(),
  /** Model turns per question before the agent stops (each turn may call several tools). */
  maxSteps: z.number().int().min(1).max(20),
});
export type AiSettings = z.infer<typeof AiSettingsSchema>;

export const ModelInfoSchema = z.strictObject({
  name: z.string(),
  family: z.string().optional(),
  parameterSize: z.string().optional(),
  sizeBytes: z.number().optional(),
  /** From /api/show `capabilities`; null when Ollama did not say. */
  tools: z.boolean().nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const ModelsResultSchema = z.strictObject({
  endpoint: z.string(),
  reachable: z.boolean(),
  models: z.array(ModelInfoSchema),
  /** The model chat will use (the setting, or the first tool-capable one). */
  selected: z.string().optional(),
  /** Why chat cannot run now, with what to do (install Ollama, pull a model, pick another). */
  problem: z.strictObject({ code: z.string(), message: z.string(), hint: z.string() }).optional(),
});
export type ModelsResult = z.infer<typeof ModelsResultSchema>;

const SqlStatementSchema = z.strictObject({ dialect: z.string(), text: z.string(), parameters: z.array(z.unknown()) });

/** One query the agent ran, as cited under its answer. */
export const CitedQuerySchema = z.strictObject({
  /** Tool call id within the turn ("1", "2", …). */
  callId: z.string(),
  tool: z.string(),
  objectName: z.string(),
  /** The ObjectQL AST after permissions (what actually ran). */
  ast: z.unknown(),
  sql: z.array(SqlStatementSchema),
  pipeline: z.array(z.unknown()).optional(),
  rowCount: z.number().int(),
});
export type CitedQuery = z.infer<typeof CitedQuerySchema>;

export const ChatEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), conversationId: z.string(), turn: z.number().int(), model: z.string(), endpoint: z.string(), privacyMode: z.boolean() }),
  /** Exactly the body sent to Ollama's /api/chat for one step ("Show prompt"). */
  z.strictObject({ type: z.literal('model_request'), step: z.number().int(), request: z.unknown() }),
  z.strictObject({ type: z.literal('text'), step: z.number().int(), delta: z.string() }),
  z.strictObject({ type: z.literal('tool_call'), step: z.number().int(), callId: z.string(), name: z.string(), arguments: z.unknown() }),
  z.strictObject({
    type: z.literal('tool_result'),
    step: z.number().int(),
    callId: z.string(),
    name: z.string(),
    ok: z.boolean(),
    /** One line for the transcript: "12 rows from invoice", or the error. */
    summary: z.string(),
    error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
    query: CitedQuerySchema.optional(),
    /** Rows for the UI to show itself (capped); in privacy mode the model never sees them. */
    rows: z.array(z.record(z.string(), z.unknown())).optional(),
    /** Exactly what the model received as the tool message. */
    sentToModel: z.string(),
  }),
  z.strictObject({
    type: z.literal('final'),
    text: z.string(),
    /** 'answer': the model answered; 'step_limit': stopped by the step bound; 'cancelled': the user stopped it. */
    stopped: z.enum(['answer', 'step_limit', 'cancelled']),
    queries: z.array(CitedQuerySchema),
    steps: z.number().int(),
    tokens: z.strictObject({ prompt: z.number().int(), completion: z.number().int() }),
  }),
  z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string(), hint: z.string().optional() }),
]);
export type ChatEvent = z.infer<typeof ChatEventSchema>;

export const ChatTurnSchema = z.strictObject({
  turn: z.number().int(),
  question: z.string(),
  answer: z.string(),
  stopped: z.string(),
  model: z.string(),
  at: z.string(),
  /** The events of the turn as streamed (tool calls, results, final) — the transcript replays from them. */
  events: z.array(z.unknown()),
});
export type ChatTurn = z.infer<typeof ChatTurnSchema>;

export const ConversationSummarySchema = z.strictObject({ id: z.string(), title: z.string(), turns: z.number().int(), updatedAt: z.string() });

export const aiOperations = {
  'ai.settings.get': query('The AI settings: Ollama endpoint, model, privacy mode, step bound.', z.strictObject({}), AiSettingsSchema),
  'ai.settings.set': query('Changes some AI settings and returns all of them.', AiSettingsSchema.partial(), AiSettingsSchema),
  'ai.models': query(
    'Installed Ollama models and whether each supports tools, or why chat cannot run (Ollama down, no model).',
    z.strictObject({ endpoint: z.string().max(500).optional() }),
    ModelsResultSchema,
  ),
  'ai.chat': stream(
    'Asks the data a question: the local model calls list_objects / describe_object / query_records / aggregate_data as the user, and answers citing the queries it ran.',
    z.strictObject({
      message: z.string().trim().min(1, 'ask a question').max(4000),
      /** Continue this conversation; a new one is started when absent. */
      conversationId: z.string().max(100).optional(),
      /** Override the model setting for this question. */
      model: z.string().max(200).optional(),
    }),
    ChatEventSchema,
  ),
  'ai.history': query(
    "The signed-in user's conversations in this workspace, and the turns of one (the latest when none is named).",
    z.strictObject({ conversationId: z.string().max(100).optional() }),
    z.strictObject({
      conversations: z.array(ConversationSummarySchema),
      current: z.strictObject({ id: z.string(), turns: z.array(ChatTurnSchema) }).optional(),
    }),
  ),
  'ai.history.clear': query(
    'Deletes one conversation of the signed-in user (or all of theirs in this workspace).',
    z.strictObject({ conversationId: z.string().max(100).optional() }),
    z.strictObject({ deleted: z.number().int() }),
  ),
} as const;
