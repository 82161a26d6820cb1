/**
 * PostgreSQL on `pg`: one Pool per datasource honouring `pool` (min/max/idle/connect timeouts), `ssl` and
 * `queryTimeoutMs` (statement_timeout). Every session starts with `default_transaction_read_only=on`, so
 * a read can never write; the explicit `write` path opens `BEGIN READ WRITE` and exists only when the
 * datasource allows writes. Aborting a query runs `pg_cancel_backend` from a separate connection.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { DatasourceDefinition } from '../../metadata/datasource';
import type { Catalog, IntrospectOptions } from '../../introspect/catalog';
import { readPostgresCatalog } from '../../introspect/readers/postgres';
import {
  ConnectionError, DriverClosedError, QueryCancelledError, QueryError, QueryTimeoutError, WriteNotAllowedError,
  scrub, unavailableError, type ConnectionTarget,
} from '../errors';
import { onAbort, poolSettings, resolvePassword, writesAllowed } from '../shared';
import type {
  CompiledQuery, ConnectionCheck, DriverCapabilities, DriverContext, DriverStatus, QueryOptions, QueryResult, Row,
  SqlDriver, SqlTransaction, StreamOptions, TransactionOptions, WriteResult,
} from '../types';
import { pgTypes } from './decode';
import { toPgConnectionError } from './errors';

type PgDef = Extract<DatasourceDefinition, { driver: 'postgres' }>;

const PREPARED_STATEMENT_CAP = 500;

export class PostgresDriver implements SqlDriver {
  readonly kind = 'sql' as const;
  readonly dialect = 'postgres' as const;
  readonly driver = 'postgres' as const;
  readonly datasource: string;
  readonly capabilities: DriverCapabilities;
  readonly applicationName: string;
  private pool: pg.Pool | null = null;
  /** SQL text → prepared-statement name (see statementName). */
  private readonly statementNames = new Map<string, string>();
  private opening: Promise<pg.Pool> | null = null;
  private clientConfig: pg.ClientConfig | null = null;
  private password: string | undefined;
  private serverVersion: string | null = null;
  private closed = false;
  private readonly writable: boolean;
  private readonly target: ConnectionTarget;
  private readonly settings: ReturnType<typeof poolSettings>;

  constructor(private readonly def: PgDef, private readonly ctx: DriverContext) {
    this.datasource = def.name;
    this.writable = writesAllowed(def);
    this.settings = poolSettings(def);
    this.applicationName = def.config.applicationName ?? `objectdesk:${def.name}`;
    this.target = { datasource: def.name, driver: 'postgres', host: def.config.host, port: def.config.port ?? 5432, database: def.config.database, user: def.config.user };
    this.capabilities = {
      readOnlySessions: true, transactions: true, cancel: true, streaming: true, joins: true, aggregations: true,
      groupBy: true, dateBuckets: true, windowFunctions: true, caseInsensitiveLike: true, returning: true,
      jsonPaths: true, maxParameters: 65_535, writes: this.writable,
    };
  }

  private async config(): Promise<pg.ClientConfig> {
    if (this.clientConfig) return this.clientConfig;
    this.password = await resolvePassword(this.def.config.password, this.ctx);
    const ssl = await this.sslConfig();
    const options = ['-c default_transaction_read_only=on', '-c TimeZone=UTC'];
    this.clientConfig = {
      host: this.def.config.host,
      port: this.def.config.port ?? 5432,
      database: this.def.config.database,
      user: this.def.config.user,
      password: this.password,
      application_name: this.applicationName,
      ssl,
      connectionTimeoutMillis: this.settings.connectionTimeoutMillis,
      statement_timeout: this.def.queryTimeoutMs,
      options: options.join(' '),
      types: pgTypes,
    };
    return this.clientConfig;
  }

  private async sslConfig(): Promise<pg.ClientConfig['ssl']> {
    const ssl = this.def.ssl;
    if (ssl === undefined || ssl === false) return false;
    if (ssl === true) return { rejectUnauthorized: true };
    return {
      rejectUnauthorized: ssl.rejectUnauthorized ?? true,
      ca: ssl.ca,
      cert: ssl.cert,
      key: await resolvePassword(ssl.key, this.ctx),
      servername: ssl.servername,
    };
  }

  private async getPool(): Promise<pg.Pool> {
    if (this.closed) throw new DriverClosedError(this.datasource);
    if (this.pool) return this.pool;
    this.opening ??= (async () => {
      const cfg = await this.config();
      const pool = new pg.Pool({
        ...cfg,
        min: this.settings.min,
        max: this.settings.max,
        idleTimeoutMillis: this.settings.idleTimeoutMillis,
      } as pg.PoolConfig);
      // An idle client losing its connection must not crash the app; the pool replaces it.
      pool.on('error', () => {});
      this.pool = pool;
      return pool;
    })();
    return this.opening;
  }

  private connectionError(err: unknown): Error {
    const mapped = toPgConnectionError(err, this.target, this.settings.connectionTimeoutMillis);
    if (mapped) return mapped;
    return unavailableError(err, this.target, this.password);
  }

  private async connect(): Promise<pg.PoolClient> {
    const pool = await this.getPool();
    try {
      return await pool.connect();
    } catch (e) {
      throw this.connectionError(e);
    }
  }

  private queryError(err: unknown, opts: QueryOptions, aborted: boolean): Error {
    const e = err as { code?: string; message?: string };
    if (e?.code === '57014') {
      if (aborted || opts.signal?.aborted) return new QueryCancelledError(this.datasource);
      return new QueryTimeoutError(this.datasource, opts.timeoutMs ?? this.def.queryTimeoutMs);
    }
    if (e?.code === '25006') return new WriteNotAllowedError(this.datasource);
    if (err instanceof Error && /Connection terminated|ECONNRESET/.test(err.message)) return this.connectionError(err);
    return new QueryError(this.datasource, scrub(String(e?.message ?? err), [this.password]), e?.code);
  }

  /** Cancels whatever backend `pid` is running, from a fresh connection so a full pool cannot block it. */
  private async cancelBackend(pid: number): Promise<void> {
    const client = new pg.Client({ ...(await this.config()), application_name: `${this.applicationName}:cancel` });
    try {
      await client.connect();
      await client.query('select pg_cancel_backend($1)', [pid]);
    } catch {
      // The query may have finished meanwhile; nothing to cancel.
    } finally {
      await client.end().catch(() => {});
    }
  }

  /**
   * A named (server-side prepared) statement for SQL we have seen before, so the server parses and plans
   * it once per connection instead of on every call — ObjectQL's shape cache keeps the set of texts small.
   * Bounded: past the cap, new texts run unnamed, so ad-hoc SQL cannot grow every connection's statement list.
   */
  private statementName(sql: string): string | undefined {
    let name = this.statementNames.get(sql);
    if (name) return name;
    if (this.statementNames.size >= PREPARED_STATEMENT_CAP || sql.length > 16_384) return undefined;
    name = `od_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    this.statementNames.set(sql, name);
    return name;
  }

  private async run<R>(client: pg.PoolClient, compiled: CompiledQuery, opts: QueryOptions, readWrite: boolean): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
    let aborted = false;
    const pid = (client as unknown as { processID: number }).processID;
    let cancelling: Promise<void> | null = null;
    const off = onAbort(opts.signal, () => {
      aborted = true;
      cancelling = this.cancelBackend(pid);
    });
    const wrap = readWrite || opts.timeoutMs !== undefined;
    try {
      if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
      if (wrap) {
        await client.query(readWrite ? 'begin read write' : 'begin read only');
        if (opts.timeoutMs !== undefined) await client.query(`select set_config('statement_timeout', $1, true)`, [String(Math.max(1, Math.floor(opts.timeoutMs)))]);
      }
      const name = this.statementName(compiled.sql);
      const res = await client.query<R & pg.QueryResultRow>({
        text: compiled.sql,
        values: compiled.parameters as unknown[],
        ...(name ? { name } : {}),
        ...(opts.rowMode === 'array' ? { rowMode: 'array' } : {}),
      } as pg.QueryConfig);
      if (wrap) await client.query('commit');
      return res;
    } catch (e) {
      if (wrap) await client.query('rollback').catch(() => {});
      if (e instanceof QueryCancelledError) throw e;
      throw this.queryError(e, opts, aborted);
    } finally {
      off();
      if (cancelling) await cancelling;
    }
  }

  async testConnection(): Promise<ConnectionCheck> {
    const t0 = performance.now();
    const client = await this.connect();
    try {
      const r = await client.query<{ v: string }>("select current_setting('server_version') as v");
      this.serverVersion = `PostgreSQL ${r.rows[0].v}`;
      return { ok: true, serverVersion: this.serverVersion, latencyMs: performance.now() - t0 };
    } finally {
      client.release();
    }
  }

  status(): DriverStatus {
    return {
      connected: this.pool !== null && this.pool.totalCount > 0,
      poolSize: this.pool?.totalCount ?? 0,
      idle: this.pool?.idleCount ?? 0,
      serverVersion: this.serverVersion,
    };
  }

  async query<R = Row>(compiled: CompiledQuery, opts: QueryOptions = {}): Promise<QueryResult<R>> {
    const client = await this.connect();
    let broken = false;
    try {
      const res = await this.run<R>(client, compiled, opts, false);
      return { rows: res.rows as R[], rowCount: res.rows.length };
    } catch (e) {
      broken = e instanceof ConnectionError;
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async *stream<R = Row>(compiled: CompiledQuery, opts: StreamOptions = {}): AsyncIterable<R> {
    const client = await this.connect();
    const pid = (client as unknown as { processID: number }).processID;
    const batch = opts.batchSize ?? 1000;
    let aborted = false;
    const off = onAbort(opts.signal, () => {
      aborted = true;
      void this.cancelBackend(pid);
    });
    let cursor: Cursor<R & pg.QueryResultRow> | null = null;
    let ok = false;
    try {
      await client.query('begin read only');
      if (opts.timeoutMs !== undefined) await client.query(`select set_config('statement_timeout', $1, true)`, [String(Math.max(1, Math.floor(opts.timeoutMs)))]);
      cursor = client.query(new Cursor<R & pg.QueryResultRow>(compiled.sql, compiled.parameters as unknown[], { types: pgTypes, ...(opts.rowMode === 'array' ? { rowMode: 'array' } : {}) } as never));
      for (;;) {
        if (aborted) throw new QueryCancelledError(this.datasource);
        let rows: (R & pg.QueryResultRow)[];
        try {
          rows = await cursor.read(batch);
        } catch (e) {
          throw this.queryError(e, opts, aborted);
        }
        if (rows.length === 0) break;
        for (const r of rows) yield r as R;
      }
      await cursor.close();
      await client.query('commit');
      ok = true;
    } finally {
      off();
      if (!ok) {
        await cursor?.close().catch(() => {});
        await client.query('rollback').catch(() => {});
      }
      client.release();
    }
  }

  async write(compiled: CompiledQuery, opts: QueryOptions = {}): Promise<WriteResult> {
    if (!this.writable) throw new WriteNotAllowedError(this.datasource);
    const client = await this.connect();
    try {
      const res = await this.run<Row>(client, compiled, opts, true);
      return { rows: res.rows, rowCount: res.rowCount ?? 0 };
    } finally {
      client.release();
    }
  }

  /**
   * `BEGIN READ WRITE` … `COMMIT` on one pooled client; `timeoutMs` becomes the transaction's
   * statement_timeout (`set_config(…, true)`), and aborting cancels the running statement with
   * pg_cancel_backend from another connection — any failure rolls the whole transaction back.
   */
  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    if (!this.writable) throw new WriteNotAllowedError(this.datasource);
    if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
    const client = await this.connect();
    const pid = (client as unknown as { processID: number }).processID;
    let aborted = false;
    let cancelling: Promise<void> | null = null;
    const off = onAbort(opts.signal, () => {
      aborted = true;
      cancelling = this.cancelBackend(pid);
    });
    const errOpts: QueryOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs };
    let open = true;
    let broken = false;
    const statement = async <R>(compiled: CompiledQuery, rowMode?: QueryOptions['rowMode']): Promise<pg.QueryResult<R & pg.QueryResultRow>> => {
      if (!open) throw new Error(`the transaction on "${this.datasource}" has already ended`);
      if (aborted || opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
      const name = this.statementName(compiled.sql);
      try {
        return await client.query<R & pg.QueryResultRow>({
          text: compiled.sql,
          values: compiled.parameters as unknown[],
          ...(name ? { name } : {}),
          ...(rowMode === 'array' ? { rowMode: 'array' } : {}),
        } as pg.QueryConfig);
      } catch (e) {
        throw this.queryError(e, errOpts, aborted);
      }
    };
    try {
      try {
        await client.query('begin read write');
        if (opts.timeoutMs !== undefined) await client.query(`select set_config('statement_timeout', $1, true)`, [String(Math.max(1, Math.floor(opts.timeoutMs)))]);
      } catch (e) {
        throw this.queryError(e, errOpts, aborted);
      }
      const tx: SqlTransaction = {
        dialect: 'postgres',
        query: async <R = Row>(compiled: CompiledQuery, o: { rowMode?: QueryOptions['rowMode'] } = {}) => {
          const res = await statement<R>(compiled, o.rowMode);
          return { rows: res.rows as R[], rowCount: res.rows.length };
        },
        write: async (compiled: CompiledQuery) => {
          const res = await statement<Row>(compiled);
          return { rows: res.rows, rowCount: res.rowCount ?? 0 };
        },
      };
      const result = await fn(tx);
      if (aborted || opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
      try {
        await client.query('commit');
      } catch (e) {
        throw this.queryError(e, errOpts, aborted);
      }
      return result;
    } catch (e) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      if (e instanceof ConnectionError) broken = true;
      throw e;
    } finally {
      open = false;
      off();
      if (cancelling) await cancelling;
      client.release(broken);
    }
  }

  async introspect(options: IntrospectOptions = {}): Promise<Catalog> {
    const allowed = this.def.allowedSchemas ?? ['public'];
    const schemas = options.schemas ?? allowed;
    const refused = schemas.filter((s) => !allowed.includes(s));
    if (refused.length > 0) {
      throw new QueryError(this.datasource, `schema(s) ${refused.map((s) => `"${s}"`).join(', ')} are not in allowedSchemas (${allowed.join(', ')}) — add them to the datasource's allowedSchemas to read them.`);
    }
    if (!this.serverVersion) await this.testConnection();
    const pool = await this.getPool();
    const run = async (sql: string, params: readonly unknown[]) => {
      try {
        return (await pool.query(sql, params as unknown[])).rows as Row[];
      } catch (e) {
        throw this.queryError(e, {}, false);
      }
    };
    return readPostgresCatalog(run, { datasource: this.datasource, serverVersion: this.serverVersion, database: this.def.config.database, schemas, options });
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool ?? (this.opening ? await this.opening.catch(() => null) : null);
    this.pool = null;
    this.opening = null;
    if (pool) await pool.end();
  }
}
