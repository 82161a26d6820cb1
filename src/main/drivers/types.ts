/**
 * The Driver contract: what the ObjectQL engine (and introspection) may ask of a datasource. SQL drivers run
 * compiled SQL; the document driver runs aggregation pipelines. Every read runs in a read-only session or
 * transaction; writes go only through the explicit `write` path, which refuses unless the datasource allows it.
 */
import type { Catalog, IntrospectOptions } from '../introspect/catalog';
import type { DatasourceDefinition, SecretRef } from '../metadata/datasource';

export interface CompiledQuery {
  sql: string;
  parameters: readonly unknown[];
}

export interface QueryOptions {
  /** Aborting cancels the statement on the server (pg_cancel_backend / KILL QUERY / killCursors). */
  signal?: AbortSignal;
  /** Overrides the datasource's `queryTimeoutMs` for this statement. */
  timeoutMs?: number;
  /**
   * 'array': each row is an array of the selected values in SELECT order (no per-row object, no key lookups),
   * decoded exactly as in the default 'object' mode. For callers that know the select list, like the engine.
   */
  rowMode?: RowMode;
}

export type RowMode = 'object' | 'array';

export interface StreamOptions extends QueryOptions {
  /** Rows fetched from the server cursor per round trip. */
  batchSize?: number;
}

export type Row = Record<string, unknown>;
/** A row in `rowMode: 'array'`. */
export type ArrayRow = unknown[];

export interface QueryResult<R = Row> {
  rows: R[];
  rowCount: number;
}

export interface WriteResult {
  rowCount: number;
  rows: Row[];
  /**
   * For an INSERT that changed rows: the id the database assigned — SQLite `lastInsertRowid`, MySQL/MariaDB
   * `insertId` (only when the table has an AUTO_INCREMENT column). PostgreSQL answers with RETURNING rows.
   */
  insertId?: number | string;
}

/** Cancellation and the statement timeout of a whole transaction, applied as in `write()`. */
export interface TransactionOptions {
  /** Aborting cancels the running statement on the server and rolls the transaction back. */
  signal?: AbortSignal;
  /** Overrides the datasource's `queryTimeoutMs` for every statement of the transaction. */
  timeoutMs?: number;
}

/** The statements of one open read-write transaction, on one connection. Valid only inside `transaction(fn)`. */
export interface SqlTransaction {
  readonly dialect: SqlDialect;
  /** A read inside the transaction: it sees the transaction's own uncommitted writes. */
  query<R = Row>(compiled: CompiledQuery, opts?: { rowMode?: RowMode }): Promise<QueryResult<R>>;
  write(compiled: CompiledQuery): Promise<WriteResult>;
}

export interface ConnectionCheck {
  ok: true;
  serverVersion: string;
  latencyMs: number;
}

export interface DriverStatus {
  connected: boolean;
  /** Open connections (idle + busy). */
  poolSize: number;
  idle: number;
  serverVersion: string | null;
}

/** What the planner may push down to this driver. */
export interface DriverCapabilities {
  readOnlySessions: boolean;
  transactions: boolean;
  /** Cancellation reaches the server. */
  cancel: boolean;
  /** `stream` reads through a server-side cursor instead of buffering. */
  streaming: boolean;
  joins: boolean;
  aggregations: boolean;
  groupBy: boolean;
  /** Date truncation for group-by buckets (day/week/month/quarter/year). */
  dateBuckets: boolean;
  windowFunctions: boolean;
  caseInsensitiveLike: boolean;
  returning: boolean;
  jsonPaths: boolean;
  /** Largest number of bound parameters in one statement. */
  maxParameters: number;
  /** Writes are possible at all on this datasource (allowWrites and not readOnly). */
  writes: boolean;
}

export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

interface DriverBase {
  readonly datasource: string;
  readonly driver: DatasourceDefinition['driver'];
  readonly capabilities: DriverCapabilities;
  /** Connects (or reuses the pool), runs a trivial query and reports the server version; throws `ConnectionError`. */
  testConnection(): Promise<ConnectionCheck>;
  status(): DriverStatus;
  introspect(options?: IntrospectOptions): Promise<Catalog>;
  /** Closes every connection; the driver may not be used afterwards. Safe to call twice. */
  close(): Promise<void>;
}

export interface SqlDriver extends DriverBase {
  readonly kind: 'sql';
  readonly dialect: SqlDialect;
  query<R = Row>(compiled: CompiledQuery, opts?: QueryOptions): Promise<QueryResult<R>>;
  /**
   * `query` answered synchronously, for drivers whose database runs in-process (SQLite): the same statement
   * cache, checks, decoding and errors (thrown instead of rejected), without a promise and a microtask per
   * read — a fifth of a small primary-key read. Undefined when the read cannot run right now (a transaction
   * holds the connection); the caller then awaits `query`. Drivers that talk to a server do not have it.
   */
  querySync?<R = Row>(compiled: CompiledQuery, opts?: QueryOptions): QueryResult<R> | undefined;
  stream<R = Row>(compiled: CompiledQuery, opts?: StreamOptions): AsyncIterable<R>;
  /** The only path that may change data; throws `WriteNotAllowedError` unless `allowWrites` and not `readOnly`. */
  write(compiled: CompiledQuery, opts?: QueryOptions): Promise<WriteResult>;
  /**
   * Runs `fn` in ONE read-write transaction on one connection (SQLite `BEGIN IMMEDIATE`, PostgreSQL
   * `BEGIN READ WRITE`, MySQL `START TRANSACTION READ WRITE`): committed when `fn` resolves, rolled back
   * when it throws (or the signal aborts, or a statement times out). Same switch as `write()`: throws
   * `WriteNotAllowedError` unless `allowWrites` and not `readOnly`.
   */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>, opts?: TransactionOptions): Promise<T>;
}

export type Pipeline = Record<string, unknown>[];

export interface DocumentWrite {
  collection: string;
  operation: 'insertOne' | 'updateOne' | 'updateMany' | 'deleteOne' | 'deleteMany';
  filter?: Record<string, unknown>;
  document?: Record<string, unknown>;
  update?: Record<string, unknown>;
}

export interface DocumentDriver extends DriverBase {
  readonly kind: 'document';
  aggregate<R = Row>(collection: string, pipeline: Pipeline, opts?: QueryOptions): Promise<QueryResult<R>>;
  streamAggregate<R = Row>(collection: string, pipeline: Pipeline, opts?: StreamOptions): AsyncIterable<R>;
  write(op: DocumentWrite, opts?: QueryOptions): Promise<WriteResult>;
}

export type Driver = SqlDriver | DocumentDriver;

export interface DriverContext {
  /** Relative SQLite filenames resolve against this folder. */
  workspaceRoot: string;
  resolveSecret: (ref: SecretRef) => Promise<string>;
}
