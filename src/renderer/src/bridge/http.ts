/** Browser mode: the Bridge over the headless host's HTTP API (the token travels as an HttpOnly cookie). */
import type { Bridge, StreamHandle } from '../../../shared/api/bridge';
import { ApiError, ApiErrorBodySchema } from '../../../shared/api/errors';

async function toError(res: Response): Promise<ApiError> {
  try {
    const parsed = ApiErrorBodySchema.safeParse(await res.json());
    if (parsed.success) return ApiError.fromBody(parsed.data);
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status === 401 ? 'unauthorized' : 'internal', `The ObjectDesk host answered ${res.status} ${res.statusText}.`);
}

export function createHttpBridge(base = ''): Bridge {
  const post = (op: string, input: unknown, reason: string | undefined, signal?: AbortSignal) =>
    fetch(`${base}/api/rpc/${encodeURIComponent(op)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ input, ...(reason ? { reason } : {}) }),
      signal,
    });

  return {
    async call(op, input, reason) {
      const res = await post(op, input, reason);
      if (!res.ok) throw await toError(res);
      return ((await res.json()) as { result: never }).result;
    },
    stream(op, input, onEvent, reason): StreamHandle {
      const abort = new AbortController();
      const done = (async () => {
        let res: Response;
        try {
          res = await post(op, input, reason, abort.signal);
        } catch (e) {
          if (abort.signal.aborted) return;
          throw new ApiError('unavailable', `Could not reach the ObjectDesk host: ${(e as Error).message}`);
        }
        if (!res.ok || !res.body) throw await toError(res);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        try {
          for (;;) {
            const { value, done: finished } = await reader.read();
            if (finished) break;
            buffer += value;
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl).trim();
              buffer = buffer.slice(nl + 1);
              if (!line) continue;
              const msg = JSON.parse(line) as { event?: never; end?: true; error?: unknown };
              if (msg.error) throw ApiError.fromBody(msg as never);
              if (msg.end) return;
              onEvent(msg.event as never);
            }
          }
        } catch (e) {
          if (abort.signal.aborted) return;
          throw e;
        }
        if (!abort.signal.aborted) throw new ApiError('internal', 'The stream ended without a final message.');
      })();
      return { cancel: () => abort.abort(), done };
    },
  };
}
