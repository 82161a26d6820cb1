/**
 * Lookups without N+1: every nested lookup asked for while one level of a GraphQL result is resolved is
 * collected and answered by ONE `data.query` per target object (`where: { <key>: { $in: [...] } }`), with
 * the union of the fields that level selected. The batch runs on setImmediate, after graphql-js has called
 * the resolvers of every item of the level (it does so synchronously or in the same microtask drain).
 * One loader lives for one request, so rows are never shared between users or requests.
 */
import type { QueryResultDto } from '../../shared/api/contract';
import type { Session } from '../../shared/api/session';
import type { Api } from '../api';

/** ObjectQL's `$in` bound (LIMITS in src/main/objectql/validate.ts). */
const MAX_KEYS_PER_QUERY = 1000;

type Key = string | number;
interface Pending {
  key: Key;
  resolve: (row: Record<string, unknown> | null) => void;
  reject: (e: unknown) => void;
}
interface Batch {
  primaryKey: string;
  fields: Set<string>;
  pending: Pending[];
}

export class LookupLoader {
  private batches = new Map<string, Batch>();
  private scheduled = false;
  /** Queries this loader sent (tests check that it stays bounded). */
  queries = 0;

  constructor(
    private readonly api: Api,
    private readonly session: Session,
    private readonly signal?: AbortSignal,
  ) {}

  load(object: string, primaryKey: string, key: Key, fields: Iterable<string>): Promise<Record<string, unknown> | null> {
    let b = this.batches.get(object);
    if (!b) this.batches.set(object, (b = { primaryKey, fields: new Set([primaryKey]), pending: [] }));
    for (const f of fields) b.fields.add(f);
    const batch = b;
    const p = new Promise<Record<string, unknown> | null>((resolve, reject) => batch.pending.push({ key, resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.dispatch());
    }
    return p;
  }

  private async dispatch(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.batches.entries()];
    this.batches.clear();
    await Promise.all(batches.map(([object, b]) => this.run(object, b)));
  }

  private async run(object: string, b: Batch): Promise<void> {
    const keys = [...new Set(b.pending.map((p) => p.key))];
    try {
      const found = new Map<string, Record<string, unknown>>();
      for (let i = 0; i < keys.length; i += MAX_KEYS_PER_QUERY) {
        const chunk = keys.slice(i, i + MAX_KEYS_PER_QUERY);
        this.queries++;
        const out = (await this.api.call(
          'data.query',
          { query: { object, fields: [...b.fields], where: { [b.primaryKey]: { $in: chunk } }, limit: chunk.length } },
          this.session,
          this.signal,
        )) as QueryResultDto;
        for (const row of out.rows) found.set(keyString(row[b.primaryKey] as Key), row);
      }
      // A key without a visible record (missing, or hidden by a record rule) reads as null, like a LEFT JOIN.
      for (const p of b.pending) p.resolve(found.get(keyString(p.key)) ?? null);
    } catch (e) {
      for (const p of b.pending) p.reject(e);
    }
  }
}

const keyString = (k: Key) => String(k);
