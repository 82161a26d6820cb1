/**
 * The problems that stop chat before the first token, each with the one thing to do about it. Suggested
 * models are ones Ollama lists with tool support.
 */
export const SUGGESTED_MODEL = 'qwen2.5:7b';
const PULL = `ollama pull ${SUGGESTED_MODEL}`;

export type ModelProblemCode = 'ollama_unavailable' | 'no_models' | 'model_not_found' | 'model_without_tools' | 'ollama_error';

export class ModelProblem extends Error {
  override readonly name = 'ModelProblem';
  constructor(
    readonly code: ModelProblemCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function ollamaUnavailable(endpoint: string, cause: string): ModelProblem {
  return new ModelProblem(
    'ollama_unavailable',
    `Ollama is not running at ${endpoint} (${cause}).`,
    `Install Ollama from https://ollama.com/download, start it (\`ollama serve\`), then pull a model that supports tools: \`${PULL}\`. ` +
      'If Ollama runs elsewhere, set its endpoint in the AI settings.',
  );
}

export function noModels(endpoint: string): ModelProblem {
  return new ModelProblem('no_models', `Ollama at ${endpoint} has no models installed.`, `Pull a model that supports tools: \`${PULL}\` (or llama3.1, qwen3, mistral-nemo).`);
}

export function modelNotFound(model: string, endpoint: string, installed: string[]): ModelProblem {
  return new ModelProblem(
    'model_not_found',
    `The model "${model}" is not installed in Ollama at ${endpoint}.`,
    `Run \`ollama pull ${model}\`${installed.length ? `, or pick an installed one: ${installed.join(', ')}` : ''}.`,
  );
}

export function modelWithoutTools(model: string, capabilities: string[] | null): ModelProblem {
  return new ModelProblem(
    'model_without_tools',
    `The model "${model}" does not support tool calling${capabilities ? ` (its capabilities: ${capabilities.join(', ') || 'none'})` : ''}, so it cannot query your data.`,
    `Pick a model with tools in the model picker, or pull one: \`${PULL}\` (or llama3.1, qwen3, mistral-nemo).`,
  );
}

/** Turns what fetch or the ollama package threw into a ModelProblem when it is one. */
export function classifyOllamaError(e: unknown, endpoint: string, model?: string): ModelProblem | null {
  if (e instanceof ModelProblem) return e;
  const err = e as { name?: string; message?: string; status_code?: number; cause?: { code?: string; message?: string } };
  const message = err?.message ?? String(e);
  if (err?.name === 'ResponseError') {
    if (model && /does not support tools/i.test(message)) return modelWithoutTools(model, null);
    if (model && err.status_code === 404) return modelNotFound(model, endpoint, []);
    return new ModelProblem('ollama_error', `Ollama answered with an error: ${message}`, 'Check the Ollama server log (`journalctl -u ollama` or the Ollama app).');
  }
  if (err?.name === 'TimeoutError') return ollamaUnavailable(endpoint, 'no answer within 5 s');
  if ((err?.name === 'TypeError' && /fetch failed|network|ECONNREFUSED/i.test(message)) || err?.cause?.code) return ollamaUnavailable(endpoint, err.cause?.code ?? err.cause?.message ?? message);
  return null;
}

/** Anything else that went wrong while Ollama was streaming an answer (a dropped connection, an error line). */
export function streamFailed(e: unknown, endpoint: string, model?: string): ModelProblem {
  return (
    classifyOllamaError(e, endpoint, model) ??
    new ModelProblem('ollama_error', `Ollama failed while answering: ${e instanceof Error ? e.message : String(e)}`, 'Try again; if it persists, check the Ollama server log.')
  );
}
