/** Object descriptions, fetched once per object and shared by every screen (cleared on workspace reload). */
import { useEffect, useState } from 'react';
import type { Bridge } from '../../../shared/api/bridge';
import type { ObjectDescription } from '../../../shared/api/contract';
import { useBridge } from '../bridge/context';

const cache = new Map<string, Promise<ObjectDescription>>();

export function clearDescribeCache(): void {
  cache.clear();
}

export function describe(bridge: Bridge, name: string): Promise<ObjectDescription> {
  let p = cache.get(name);
  if (!p) {
    p = bridge.call('objects.describe', { objectName: name });
    p.catch(() => cache.delete(name));
    cache.set(name, p);
  }
  return p;
}

/** Descriptions of several objects; entries stay undefined until loaded. */
export function useDescriptions(names: readonly string[]): { byName: Record<string, ObjectDescription>; error: string | null } {
  const bridge = useBridge();
  const key = [...new Set(names)].sort().join(',');
  const [state, setState] = useState<{ byName: Record<string, ObjectDescription>; error: string | null }>({ byName: {}, error: null });
  useEffect(() => {
    let live = true;
    const list = key ? key.split(',') : [];
    Promise.allSettled(list.map((n) => describe(bridge, n))).then((results) => {
      if (!live) return;
      const byName: Record<string, ObjectDescription> = {};
      let error: string | null = null;
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') byName[list[i]!] = r.value;
        else error ??= r.reason instanceof Error ? r.reason.message : String(r.reason);
      });
      setState({ byName, error });
    });
    return () => {
      live = false;
    };
  }, [bridge, key]);
  return state;
}
