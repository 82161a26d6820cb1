/**
 * Model discovery: what is installed (/api/tags) and whether each model can call tools (/api/show
 * `capabilities`). Chat refuses a model without tools up front instead of letting it answer from memory.
 */
import type { ModelInfo } from '../../../shared/api/contract-ai';
import { ollamaClient } from './client';
import { classifyOllamaError, modelNotFound, modelWithoutTools, noModels, ModelProblem } from './errors';

export async function listModels(endpoint: string, signal?: AbortSignal): Promise<ModelInfo[]> {
  const client = ollamaClient(endpoint, signal);
  try {
    const { models } = await client.list();
    return await Promise.all(
      models.map(async (m) => {
        const capabilities = await capabilitiesOf(endpoint, m.name, signal).catch(() => null);
        return {
          name: m.name,
          ...(m.details?.family ? { family: m.details.family } : {}),
          ...(m.details?.parameter_size ? { parameterSize: m.details.parameter_size } : {}),
          ...(typeof m.size === 'number' ? { sizeBytes: m.size } : {}),
          tools: capabilities ? capabilities.includes('tools') : null,
        };
      }),
    );
  } catch (e) {
    throw classifyOllamaError(e, endpoint) ?? e;
  }
}

/** The model's capabilities, or null when this Ollama is too old to report them. */
export async function capabilitiesOf(endpoint: string, model: string, signal?: AbortSignal): Promise<string[] | null> {
  const show = await ollamaClient(endpoint, signal).show({ model });
  return Array.isArray(show.capabilities) ? show.capabilities : null;
}

/** The model chat will use: the requested one when installed and tool-capable, else the first tool-capable one. */
export async function resolveChatModel(endpoint: string, requested: string | undefined, signal?: AbortSignal): Promise<string> {
  const models = await listModels(endpoint, signal);
  if (models.length === 0) throw noModels(endpoint);
  if (requested) {
    const found = models.find((m) => m.name === requested || m.name === `${requested}:latest`);
    if (!found) throw modelNotFound(requested, endpoint, models.map((m) => m.name));
    if (found.tools === false) {
      const caps = await capabilitiesOf(endpoint, found.name, signal).catch(() => null);
      throw modelWithoutTools(found.name, caps);
    }
    return found.name;
  }
  const capable = models.find((m) => m.tools !== false);
  if (!capable) {
    throw new ModelProblem(
      'model_without_tools',
      `None of the models installed in Ollama at ${endpoint} (${models.map((m) => m.name).join(', ')}) supports tool calling, so none can query your data.`,
      modelWithoutTools(models[0]!.name, null).hint,
    );
  }
  return capable.name;
}

export { ModelProblem };
