/**
 * The Ollama client for one endpoint, with every request — listing, show and the streamed chat — bound to
 * an AbortSignal, so Stop reaches the HTTP connection and Ollama stops generating.
 */
import { Ollama } from 'ollama';

/** Requests that are not the chat stream (tags, show) must answer quickly or Ollama is treated as down. */
export const METADATA_TIMEOUT_MS = 5_000;

export function ollamaClient(endpoint: string, signal?: AbortSignal): Ollama {
  const boundFetch: typeof fetch = (input, init) => {
    const signals = [init?.signal, signal].filter((s): s is AbortSignal => Boolean(s));
    if (!init?.signal) signals.push(AbortSignal.timeout(METADATA_TIMEOUT_MS));
    return fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
  return new Ollama({ host: endpoint, fetch: boundFetch });
}
