/** React access to the Bridge, plus a small hook for one-shot API calls with loading and error state. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Bridge } from '../../../shared/api/bridge';
import type { InputOf, OutputOf, QueryName } from '../../../shared/api/contract';

const BridgeContext = createContext<Bridge | null>(null);

export function BridgeProvider({ bridge, children }: { bridge: Bridge; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

export function useBridge(): Bridge {
  const b = useContext(BridgeContext);
  if (!b) throw new Error('useBridge must be used inside <BridgeProvider>.');
  return b;
}

export type Loadable<T> = { status: 'loading' } | { status: 'ok'; value: T } | { status: 'error'; message: string };

export function useQuery<K extends QueryName>(op: K, input: InputOf<K>, reason?: string): [Loadable<OutputOf<K>>, () => void] {
  const bridge = useBridge();
  const [state, setState] = useState<Loadable<OutputOf<K>>>({ status: 'loading' });
  const [nonce, setNonce] = useState(0);
  const key = JSON.stringify(input);
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    bridge.call(op, JSON.parse(key) as InputOf<K>, reason).then(
      (value) => live && setState({ status: 'ok', value }),
      (e: unknown) => live && setState({ status: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [bridge, op, key, reason, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return [state, reload];
}
