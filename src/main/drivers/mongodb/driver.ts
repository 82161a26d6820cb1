/**
 * MongoDB on the official driver (v6): `aggregate` and `streamAggregate` run pipelines with `maxTimeMS`
 * from the timeout; aborting closes the cursor, which kills it on the server. Introspection samples
 * collections (see introspect/readers/mongodb.ts). Writes go through `write` only when allowed.
 */
import { MongoClient, type Db } from 'mongodb';
import type { DatasourceDefinition } from '../../metadata/datasource';
import type { Catalog, IntrospectOptions } from '../../introspect/catalog';
import { sampleCatalog, type SampleSource } from '../../introspect/readers/mongodb';
import {
  ConnectionError, DriverClosedError, QueryCancelledError, QueryError, QueryTimeoutError, WriteNotAllowedError,
  connectionMessage, networkCode, scrub, type ConnectionErrorCode, type ConnectionTarget, type ErrorLike,
} from '../errors';
import { onAbort, poolSettings, resolvePassword, writesAllowed } from '../shared';
import type {
  ConnectionCheck, DocumentDriver, DocumentWrite, DriverCapabilities, DriverContext, DriverStatus, Pipeline, QueryOptions,
  QueryResult, Row, StreamOptions, WriteResult,
} from '../types';

type MongoDef = Extract<DatasourceDefinition, { driver: 'mongodb' }>;

function classifyMongoError(err: ErrorLike): ConnectionErrorCode | null {
  const code = Number(err.code ?? 0);
  const msg = String(err.message ?? '');
  if (code === 18 || /Authentication failed|auth.*fail/i.test(msg)) return 'auth_failed';
  if (/SSL|TLS|certificate/i.test(msg)) return 'tls_required';
  if (/getaddrinfo|ENOTFOUND|EAI_AGAIN/.test(msg)) return 'unknown_host';
  if (/ECONNREFUSED/.test(msg)) return 'refused';
  if (String(err.name ?? '') === 'MongoServerSelectionError') {
    const reason = (err as { reason?: { servers?: Map<string, { error?: ErrorLike }> } }).reason;
    for (const s of reason?.servers?.values() ?? []) if (s.error) return classifyMongoError(s.error) ?? 'timeout';
    return 'timeout';
  }
  return networkCode(err);
}

export class MongoDriver implements DocumentDriver {
  readonly kind = 'document' as const;
  readonly driver = 'mongodb' as const;
  readonly datasource: string;
  readonly capabilities: DriverCapabilities;
  private client: MongoClient | null = null;
  private opening: Promise<MongoClient> | null = null;
  private password: string | undefined;
  private serverVersion: string | null = null;
  private closed = false;
  private readonly writable: boolean;
  private readonly target: ConnectionTarget;
  private readonly settings: ReturnType<typeof poolSettings>;

  constructor(private readonly def: MongoDef, private readonly ctx: DriverContext) {
    this.datasource = def.name;
    this.writable = writesAllowed(def);
    this.settings = poolSettings(def);
    let host = '?';
    try {
      host = new URL(def.config.url).host;
    } catch {
      host = def.config.url.replace(/^mongodb(\+srv)?:\/\//, '').split('/')[0];
    }
    this.target = { datasource: def.name, driver: 'mongodb', host, database: def.config.database, user: def.config.user };
    this.capabilities = {
      readOnlySessions: false, transactions: false, cancel: true, streaming: true, joins: true, aggregations: true,
      groupBy: true, dateBuckets: true, windowFunctions: true, caseInsensitiveLike: true, returning: false,
      jsonPaths: true, maxParameters: Number.MAX_SAFE_INTEGER, writes: this.writable,
    };
  }

  private async getClient(): Promise<MongoClient> {
    if (this.closed) throw new DriverClosedError(this.datasource);
    if (this.client) return this.client;
    this.opening ??= (async () => {
      this.password = await resolvePassword(this.def.config.password, this.ctx);
      const client = new MongoClient(this.def.config.url, {
        auth: this.def.config.user ? { username: this.def.config.user, password: this.password } : undefined,
        minPoolSize: this.settings.min,
        maxPoolSize: this.settings.max,
        maxIdleTimeMS: this.settings.idleTimeoutMillis,
        serverSelectionTimeoutMS: this.settings.connectionTimeoutMillis,
        connectTimeoutMS: this.settings.connectionTimeoutMillis,
        tls: this.def.ssl === undefined ? undefined : this.def.ssl !== false,
        appName: `objectdesk:${this.def.name}`,
        promoteLongs: true,
      });
      try {
        await client.connect();
      } catch (e) {
        await client.close().catch(() => {});
        this.opening = null;
        throw this.connectionError(e);
      }
      this.client = client;
      return client;
    })();
    return this.opening;
  }

  private connectionError(err: unknown): Error {
    const code = classifyMongoError((err ?? {}) as ErrorLike) ?? 'unavailable';
    const base = connectionMessage(code, this.target, this.settings.connectionTimeoutMillis);
    const detail = code === 'unavailable' ? ` (${scrub(String((err as Error)?.message ?? err), [this.password])})` : '';
    return new ConnectionError(code, this.target, base + detail);
  }

  private async db(): Promise<Db> {
    return (await this.getClient()).db(this.def.config.database);
  }

  async testConnection(): Promise<ConnectionCheck> {
    const t0 = performance.now();
    const db = await this.db();
    try {
      const info = await db.command({ buildInfo: 1 });
      const names = await db.admin().listDatabases({ nameOnly: true }).catch(() => null);
      if (names && !names.databases.some((d) => d.name === this.def.config.database)) {
        throw new ConnectionError('database_missing', this.target, connectionMessage('database_missing', this.target));
      }
      this.serverVersion = `MongoDB ${info.version}`;
      return { ok: true, serverVersion: this.serverVersion, latencyMs: performance.now() - t0 };
    } catch (e) {
      if (e instanceof ConnectionError) throw e;
      throw this.connectionError(e);
    }
  }

  status(): DriverStatus {
    return { connected: this.client !== null, poolSize: this.client ? 1 : 0, idle: 0, serverVersion: this.serverVersion };
  }

  private error(e: unknown, opts: QueryOptions): Error {
    const err = e as { code?: number; message?: string; name?: string };
    if (opts.signal?.aborted) return new QueryCancelledError(this.datasource);
    if (err?.code === 50) return new QueryTimeoutError(this.datasource, opts.timeoutMs ?? this.def.queryTimeoutMs);
    return new QueryError(this.datasource, scrub(String(err?.message ?? e), [this.password]), err?.code !== undefined ? String(err.code) : undefined);
  }

  async aggregate<R = Row>(collection: string, pipeline: Pipeline, opts: QueryOptions = {}): Promise<QueryResult<R>> {
    const rows: R[] = [];
    for await (const r of this.streamAggregate<R>(collection, pipeline, opts)) rows.push(r);
    return { rows, rowCount: rows.length };
  }

  async *streamAggregate<R = Row>(collection: string, pipeline: Pipeline, opts: StreamOptions = {}): AsyncIterable<R> {
    if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
    if (!this.writable && pipeline.some((s) => '$out' in s || '$merge' in s)) throw new WriteNotAllowedError(this.datasource);
    const db = await this.db();
    const timeout = opts.timeoutMs ?? this.def.queryTimeoutMs;
    const cursor = db.collection(collection).aggregate(pipeline, { maxTimeMS: timeout, batchSize: opts.batchSize ?? 1000 });
    const off = onAbort(opts.signal, () => void cursor.close().catch(() => {}));
    try {
      for await (const doc of cursor) {
        if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
        yield doc as R;
      }
      if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
    } catch (e) {
      if (e instanceof QueryCancelledError || e instanceof WriteNotAllowedError) throw e;
      throw this.error(e, opts);
    } finally {
      off();
      await cursor.close().catch(() => {});
    }
  }

  async write(op: DocumentWrite, opts: QueryOptions = {}): Promise<WriteResult> {
    if (!this.writable) throw new WriteNotAllowedError(this.datasource);
    const coll = (await this.db()).collection(op.collection);
    const o = { maxTimeMS: opts.timeoutMs ?? this.def.queryTimeoutMs };
    try {
      switch (op.operation) {
        case 'insertOne': {
          const r = await coll.insertOne({ ...(op.document ?? {}) });
          return { rows: [{ _id: r.insertedId }], rowCount: 1 };
        }
        case 'updateOne':
          return { rows: [], rowCount: (await coll.updateOne(op.filter ?? {}, op.update ?? {}, o)).modifiedCount };
        case 'updateMany':
          return { rows: [], rowCount: (await coll.updateMany(op.filter ?? {}, op.update ?? {}, o)).modifiedCount };
        case 'deleteOne':
          return { rows: [], rowCount: (await coll.deleteOne(op.filter ?? {}, o)).deletedCount };
        case 'deleteMany':
          return { rows: [], rowCount: (await coll.deleteMany(op.filter ?? {}, o)).deletedCount };
      }
    } catch (e) {
      throw this.error(e, opts);
    }
  }

  /** The sampler's view of this database. */
  sampleSource(): SampleSource {
    return {
      listCollections: async () => (await (await this.db()).listCollections({}, { nameOnly: true }).toArray()).filter((c) => c.type !== 'view').map((c) => c.name),
      aggregate: async (c, p) => (await this.aggregate<Record<string, unknown>>(c, p)).rows,
      estimatedCount: async (c) => (await this.db()).collection(c).estimatedDocumentCount(),
    };
  }

  async introspect(options: IntrospectOptions = {}): Promise<Catalog> {
    if (!this.serverVersion) await this.testConnection();
    return sampleCatalog(this.sampleSource(), {
      datasource: this.datasource,
      database: this.def.config.database,
      serverVersion: this.serverVersion,
      options,
      defaultSampleSize: this.def.config.sampleSize,
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (this.opening ? await this.opening.catch(() => null) : null);
    this.client = null;
    this.opening = null;
    if (client) await client.close();
  }
}
