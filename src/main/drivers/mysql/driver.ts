/**
 * MySQL and MariaDB on mysql2: one pool per datasource. Sessions start `SET SESSION TRANSACTION READ ONLY`
 * with time_zone UTC, streams run in `START TRANSACTION READ ONLY`, and the explicit `write` path uses
 * `START TRANSACTION READ WRITE`. Statement timeouts use `max_execution_time` (MySQL, ms) or
 * `SET STATEMENT max_statement_time=… FOR` (MariaDB, seconds), detected from the server version.
 * Aborting runs `KILL QUERY <thread>` from a separate connection.
 * Decoding: DECIMAL as exact strings, BIGINT as numbers when safe, DATETIME as ISO wall-clock text,
 * TIMESTAMP as ISO UTC with `Z`, DATE as `YYYY-MM-DD`, TINYINT(1) as boolean.
 */
import mysql from 'mysql2/promise';
import type { DatasourceDefinition } from '../../metadata/datasource';
import type { Catalog, IntrospectOptions } from '../../introspect/catalog';
import { readMysqlCatalog } from '../../introspect/readers/mysql';
import {
  DriverClosedError, QueryCancelledError, QueryError, QueryTimeoutError, WriteNotAllowedError,
  scrub, unavailableError, type ConnectionTarget,
} from '../errors';
import { isoLocal, onAbort, poolSettings, resolvePassword, writesAllowed } from '../shared';
import type {
  CompiledQuery, ConnectionCheck, DriverCapabilities, DriverContext, DriverStatus, QueryOptions, QueryResult, Row,
  SqlDriver, SqlTransaction, StreamOptions, TransactionOptions, WriteResult,
} from '../types';
import { toMysqlConnectionError } from './errors';

type MysqlDef = Extract<DatasourceDefinition, { driver: 'mysql' }>;

interface CastField {
  type: string;
  length?: number;
  columnLength?: number;
  string(): string | null;
}

function typeCast(field: CastField, next: () => unknown): unknown {
  switch (field.type) {
    case 'DATETIME': {
      const s = field.string();
      return s === null ? null : isoLocal(s);
    }
    case 'TIMESTAMP': {
      const s = field.string();
      return s === null ? null : `${isoLocal(s)}Z`;
    }
    case 'DATE':
    case 'NEWDECIMAL':
    case 'DECIMAL':
      return field.string();
    case 'TINY':
      if ((field.columnLength ?? field.length) === 1) {
        const s = field.string();
        return s === null ? null : s !== '0';
      }
      return next();
    default:
      return next();
  }
}

function writeResult(result: unknown): WriteResult {
  if (Array.isArray(result)) return { rows: result as Row[], rowCount: result.length };
  const r = result as { affectedRows?: number; insertId?: number | string };
  const rowCount = Number(r.affectedRows ?? 0);
  // insertId is 0 unless the statement inserted into a table with an AUTO_INCREMENT column.
  const id = r.insertId;
  return id !== undefined && rowCount > 0 && Number(id) > 0 ? { rows: [], rowCount, insertId: id } : { rows: [], rowCount };
}

export class MysqlDriver implements SqlDriver {
  readonly kind = 'sql' as const;
  readonly dialect = 'mysql' as const;
  readonly driver = 'mysql' as const;
  readonly datasource: string;
  readonly capabilities: DriverCapabilities;
  private pool: mysql.Pool | null = null;
  private opening: Promise<mysql.Pool> | null = null;
  private connOptions: mysql.ConnectionOptions | null = null;
  private password: string | undefined;
  private serverVersion: string | null = null;
  private closed = false;
  private readonly writable: boolean;
  private readonly target: ConnectionTarget;
  private readonly settings: ReturnType<typeof poolSettings>;

  constructor(private readonly def: MysqlDef, private readonly ctx: DriverContext) {
    this.datasource = def.name;
    this.writable = writesAllowed(def);
    this.settings = poolSettings(def);
    this.target = { datasource: def.name, driver: 'mysql', host: def.config.host, port: def.config.port ?? 3306, database: def.config.database, user: def.config.user };
    this.capabilities = {
      readOnlySessions: true, transactions: true, cancel: true, streaming: true, joins: true, aggregations: true,
      groupBy: true, dateBuckets: true, windowFunctions: true, caseInsensitiveLike: true, returning: false,
      jsonPaths: true, maxParameters: 65_535, writes: this.writable,
    };
  }

  get isMariaDb(): boolean {
    return /mariadb/i.test(this.serverVersion ?? '');
  }

  private async options(): Promise<mysql.ConnectionOptions> {
    if (this.connOptions) return this.connOptions;
    this.password = await resolvePassword(this.def.config.password, this.ctx);
    const ssl = this.def.ssl;
    let sslOpt: mysql.ConnectionOptions['ssl'];
    if (ssl === true) sslOpt = { rejectUnauthorized: true };
    else if (ssl && typeof ssl === 'object') {
      sslOpt = { rejectUnauthorized: ssl.rejectUnauthorized ?? true, ca: ssl.ca, cert: ssl.cert, key: await resolvePassword(ssl.key, this.ctx) };
    }
    this.connOptions = {
      host: this.def.config.host,
      port: this.def.config.port ?? 3306,
      user: this.def.config.user,
      password: this.password,
      database: this.def.config.database,
      connectTimeout: this.settings.connectionTimeoutMillis,
      ssl: sslOpt,
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: false,
      dateStrings: true,
      typeCast: typeCast as mysql.ConnectionOptions['typeCast'],
      multipleStatements: false,
    };
    return this.connOptions;
  }

  private async getPool(): Promise<mysql.Pool> {
    if (this.closed) throw new DriverClosedError(this.datasource);
    if (this.pool) return this.pool;
    this.opening ??= (async () => {
      const opts = await this.options();
      const pool = mysql.createPool({
        ...opts,
        connectionLimit: this.settings.max,
        maxIdle: Math.max(this.settings.min, 0) || this.settings.max,
        idleTimeout: this.settings.idleTimeoutMillis,
        waitForConnections: true,
        queueLimit: 0,
      });
      // Commands queue on the connection, so these run before anything the caller sends.
      const core = (pool as unknown as { pool: { on(ev: string, fn: (c: { query(sql: string, cb?: (e: unknown) => void): void }) => void): void } }).pool;
      core.on('connection', (c) => {
        c.query(`SET SESSION TRANSACTION READ ONLY`, () => {});
        c.query(`SET time_zone = '+00:00'`, () => {});
      });
      this.pool = pool;
      return pool;
    })();
    return this.opening;
  }

  private connectionError(err: unknown): Error {
    const mapped = toMysqlConnectionError(err, this.target, this.settings.connectionTimeoutMillis);
    if (mapped) return mapped;
    return unavailableError(err, this.target, this.password);
  }

  private async connect(): Promise<mysql.PoolConnection> {
    const pool = await this.getPool();
    try {
      const conn = await pool.getConnection();
      if (!this.serverVersion) {
        const [rows] = await conn.query<mysql.RowDataPacket[]>('select version() as v');
        const v = String(rows[0].v);
        this.serverVersion = /mariadb/i.test(v) ? `MariaDB ${v}` : `MySQL ${v}`;
      }
      return conn;
    } catch (e) {
      throw this.connectionError(e);
    }
  }

  private queryError(err: unknown, opts: QueryOptions, aborted: boolean): Error {
    const e = err as { code?: string; errno?: number; message?: string };
    if (e?.code === 'ER_QUERY_INTERRUPTED' || e?.errno === 1317) {
      if (aborted || opts.signal?.aborted) return new QueryCancelledError(this.datasource);
    }
    if (e?.errno === 1969 || e?.code === 'ER_STATEMENT_TIMEOUT' || e?.errno === 3024 || e?.code === 'ER_QUERY_TIMEOUT' || e?.errno === 1317) {
      return new QueryTimeoutError(this.datasource, opts.timeoutMs ?? this.def.queryTimeoutMs);
    }
    if (e?.errno === 1792 || e?.code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION') return new WriteNotAllowedError(this.datasource);
    return new QueryError(this.datasource, scrub(String(e?.message ?? err), [this.password]), e?.code);
  }

  private async killQuery(threadId: number): Promise<void> {
    try {
      const conn = await mysql.createConnection({ ...(await this.options()), typeCast: undefined });
      try {
        await conn.query('KILL QUERY ?', [threadId]);
      } finally {
        await conn.end().catch(() => {});
      }
    } catch {
      // The query may have finished meanwhile.
    }
  }

  /** The statement with its timeout applied, plus the statements to run before and after it (MySQL). */
  private timed(sql: string, timeoutMs: number | undefined): { sql: string; before?: string; after?: string } {
    if (timeoutMs === undefined) return { sql };
    const ms = Math.max(1, Math.floor(timeoutMs));
    if (this.isMariaDb) return { sql: `SET STATEMENT max_statement_time=${(ms / 1000).toFixed(3)} FOR ${sql}` };
    return { sql, before: `SET SESSION max_execution_time=${ms}`, after: 'SET SESSION max_execution_time=DEFAULT' };
  }

  private async run(conn: mysql.PoolConnection, compiled: CompiledQuery, opts: QueryOptions, readWrite: boolean): Promise<unknown> {
    let aborted = false;
    let killing: Promise<void> | null = null;
    const off = onAbort(opts.signal, () => {
      aborted = true;
      killing = this.killQuery(conn.threadId);
    });
    const t = this.timed(compiled.sql, opts.timeoutMs ?? this.def.queryTimeoutMs);
    try {
      if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
      if (readWrite) await conn.query('START TRANSACTION READ WRITE');
      if (t.before) await conn.query(t.before);
      try {
        const values = compiled.parameters as never;
        const [result] = opts.rowMode === 'array' ? await conn.execute({ sql: t.sql, rowsAsArray: true }, values) : await conn.execute(t.sql, values);
        if (readWrite) await conn.query('COMMIT');
        return result;
      } finally {
        if (t.after) await conn.query(t.after).catch(() => {});
      }
    } catch (e) {
      if (readWrite) await conn.query('ROLLBACK').catch(() => {});
      if (e instanceof QueryCancelledError) throw e;
      throw this.queryError(e, opts, aborted);
    } finally {
      off();
      if (killing) await killing;
    }
  }

  async testConnection(): Promise<ConnectionCheck> {
    const t0 = performance.now();
    const conn = await this.connect();
    try {
      await conn.query('select 1');
      return { ok: true, serverVersion: this.serverVersion ?? '', latencyMs: performance.now() - t0 };
    } finally {
      conn.release();
    }
  }

  status(): DriverStatus {
    const core = (this.pool as unknown as { pool?: { _allConnections?: { length: number }; _freeConnections?: { length: number } } } | null)?.pool;
    const size = core?._allConnections?.length ?? 0;
    return { connected: size > 0, poolSize: size, idle: core?._freeConnections?.length ?? 0, serverVersion: this.serverVersion };
  }

  async query<R = Row>(compiled: CompiledQuery, opts: QueryOptions = {}): Promise<QueryResult<R>> {
    const conn = await this.connect();
    try {
      const result = await this.run(conn, compiled, opts, false);
      const rows = (Array.isArray(result) ? result : []) as R[];
      return { rows, rowCount: rows.length };
    } finally {
      conn.release();
    }
  }

  async *stream<R = Row>(compiled: CompiledQuery, opts: StreamOptions = {}): AsyncIterable<R> {
    const conn = await this.connect();
    let aborted = false;
    const off = onAbort(opts.signal, () => {
      aborted = true;
      void this.killQuery(conn.threadId);
    });
    const t = this.timed(compiled.sql, opts.timeoutMs ?? this.def.queryTimeoutMs);
    let ok = false;
    let stream: (AsyncIterable<unknown> & { destroy(): void }) | null = null;
    try {
      await conn.query('START TRANSACTION READ ONLY');
      if (t.before) await conn.query(t.before);
      const core = (conn as unknown as { connection: { execute(sql: string | { sql: string; rowsAsArray: boolean }, values: unknown[]): { stream(o: { highWaterMark: number }): AsyncIterable<unknown> & { destroy(): void } } } }).connection;
      const statement = opts.rowMode === 'array' ? { sql: t.sql, rowsAsArray: true } : t.sql;
      stream = core.execute(statement, compiled.parameters as unknown[]).stream({ highWaterMark: opts.batchSize ?? 1000 });
      try {
        for await (const row of stream) {
          if (aborted) throw new QueryCancelledError(this.datasource);
          yield row as R;
        }
      } catch (e) {
        if (e instanceof QueryCancelledError) throw e;
        throw this.queryError(e, opts, aborted);
      }
      if (t.after) await conn.query(t.after);
      await conn.query('COMMIT');
      ok = true;
    } finally {
      off();
      if (!ok) {
        stream?.destroy();
        // A half-read result set leaves the connection unusable: drop it instead of returning it to the pool.
        (conn as unknown as { destroy(): void }).destroy();
      } else conn.release();
    }
  }

  async write(compiled: CompiledQuery, opts: QueryOptions = {}): Promise<WriteResult> {
    if (!this.writable) throw new WriteNotAllowedError(this.datasource);
    const conn = await this.connect();
    try {
      return writeResult(await this.run(conn, compiled, opts, true));
    } finally {
      conn.release();
    }
  }

  /**
   * `START TRANSACTION READ WRITE` … `COMMIT` on one pooled connection. Every statement gets the timeout
   * (`timeoutMs`, else `queryTimeoutMs`) as in `write()`; aborting runs `KILL QUERY` on the connection's
   * thread from another connection — any failure rolls the whole transaction back.
   */
  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    if (!this.writable) throw new WriteNotAllowedError(this.datasource);
    if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
    const conn = await this.connect();
    let aborted = false;
    let killing: Promise<void> | null = null;
    const off = onAbort(opts.signal, () => {
      aborted = true;
      killing = this.killQuery(conn.threadId);
    });
    const errOpts: QueryOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs };
    let open = true;
    let broken = false;
    const statement = async (compiled: CompiledQuery, rowMode?: QueryOptions['rowMode']): Promise<unknown> => {
      if (!open) throw new Error(`the transaction on "${this.datasource}" has already ended`);
      if (aborted || opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
      const t = this.timed(compiled.sql, opts.timeoutMs ?? this.def.queryTimeoutMs);
      try {
        if (t.before) await conn.query(t.before);
        try {
          const values = compiled.parameters as never;
          const [result] = rowMode === 'array' ? await conn.execute({ sql: t.sql, rowsAsArray: true }, values) : await conn.execute(t.sql, values);
          return result;
        } finally {
          if (t.after) await conn.query(t.after).catch(() => {});
        }
      } catch (e) {
        throw this.queryError(e, errOpts, aborted);
      }
    };
    try {
      try {
        await conn.query('START TRANSACTION READ WRITE');
      } catch (e) {
        throw this.queryError(e, errOpts, aborted);
      }
      const tx: SqlTransaction = {
        dialect: 'mysql',
        query: async <R = Row>(compiled: CompiledQuery, o: { rowMode?: QueryOptions['rowMode'] } = {}) => {
          const result = await statement(compiled, o.rowMode);
          const rows = (Array.isArray(result) ? result : []) as R[];
          return { rows, rowCount: rows.length };
        },
        write: async (compiled: CompiledQuery) => writeResult(await statement(compiled)),
      };
      const result = await fn(tx);
      if (aborted || opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
      try {
        await conn.query('COMMIT');
      } catch (e) {
        throw this.queryError(e, errOpts, aborted);
      }
      return result;
    } catch (e) {
      await conn.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw e;
    } finally {
      open = false;
      off();
      if (killing) await killing;
      // A connection whose rollback failed may still hold the transaction: never hand it to another caller.
      if (broken) (conn as unknown as { destroy(): void }).destroy();
      else conn.release();
    }
  }

  async introspect(options: IntrospectOptions = {}): Promise<Catalog> {
    if (!this.serverVersion) await this.testConnection();
    const pool = await this.getPool();
    const run = async (sql: string, params: readonly unknown[]) => {
      try {
        const [rows] = await pool.query(sql, params as unknown[]);
        return rows as Row[];
      } catch (e) {
        throw this.queryError(e, {}, false);
      }
    };
    return readMysqlCatalog(run, { datasource: this.datasource, serverVersion: this.serverVersion, database: this.def.config.database, options });
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool ?? (this.opening ? await this.opening.catch(() => null) : null);
    this.pool = null;
    this.opening = null;
    if (pool) await pool.end();
  }
}
