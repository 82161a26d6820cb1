/**
 * Object descriptions as the caller sees them (through `objects.describe`, so hidden objects and fields do
 * not exist), fetched at most once per request.
 */
import type { ObjectDescription } from '../../shared/api/contract';
import type { Session } from '../../shared/api/session';
import type { Api } from '../api';

export type Describe = (objectName: string) => Promise<ObjectDescription>;

export function describer(api: Api, session: Session, signal?: AbortSignal): Describe {
  const cache = new Map<string, Promise<ObjectDescription>>();
  return (objectName) => {
    let d = cache.get(objectName);
    if (!d) {
      d = api.call('objects.describe', { objectName }, session, signal) as Promise<ObjectDescription>;
      cache.set(objectName, d);
    }
    return d;
  };
}
