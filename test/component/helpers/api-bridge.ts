/**
 * A renderer Bridge over the real API on the demo workspace (in process): components under test call the
 * same operations, validated, permission-checked and audited, that they call in the app.
 */
import type { Bridge, StreamHandle } from '../../../src/shared/api/bridge';

/**
 * In jsdom the global Uint8Array is the window's, while Node's TextEncoder returns Node's; esbuild (which
 * the workspace loader uses for *.object.ts) refuses to load then. Hand it bytes of the global kind.
 */
function alignTextEncoder(): void {
  if (new TextEncoder().encode('') instanceof Uint8Array) return;
  const Base = TextEncoder;
  globalThis.TextEncoder = class extends Base {
    override encode(input?: string): Uint8Array<ArrayBuffer> {
      return new Uint8Array(super.encode(input));
    }
  } as typeof TextEncoder;
}

export async function openApiBridge(user?: string): Promise<{ bridge: Bridge; calls: string[]; dispose(): Promise<void> }> {
  alignTextEncoder();
  const [{ createApi }, { openTestApp }] = await Promise.all([import('../../../src/main/api'), import('../../helpers/app')]);
  const t = await openTestApp(user ? { user } : {});
  const api = createApi(t.app);
  const session = (reason?: string) => ({ user: t.app.user.name, via: 'ui' as const, ...(reason ? { reason } : {}) });
  const calls: string[] = [];
  const bridge = {
    call: (op: string, input: unknown, reason?: string) => {
      calls.push(op);
      return api.call(op, input, session(reason));
    },
    stream: (op: string, input: unknown, onEvent: (e: unknown) => void, reason?: string): StreamHandle => {
      calls.push(op);
      const ac = new AbortController();
      const done = (async () => {
        for await (const e of api.stream(op, input, session(reason), ac.signal)) {
          if (ac.signal.aborted) return;
          onEvent(e);
        }
      })();
      return { cancel: () => ac.abort(), done };
    },
  } as unknown as Bridge;
  return { bridge, calls, dispose: () => t.dispose() };
}
