/**
 * SQLite on better-sqlite3: opened `readonly` unless the datasource allows writes; even then, `query` and
 * `stream` refuse statements that would write. Statements are prepared once and cached by SQL text.
 * Decoding: declared DATE/DATETIME/TIMESTAMP text becomes ISO (`T` separator), declared DECIMAL/NUMERIC
 * values become exact strings, so rows compare equal with the server engines.
 */
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { DatasourceDefinition } from '../../metadata/datasource';
import type { IntrospectOptions, Catalog } from '../../introspect/catalog';
import { readSqliteCatalog } from '../../introspect/readers/sqlite';
import { ConnectionError, DriverClosedError, QueryCancelledError, QueryError, QueryTimeoutError, WriteNotAllowedError, connectionMessage } from '../errors';
import { isoLocal, writesAllowed } from '../shared';
import type {
  CompiledQuery, ConnectionCheck, DriverCapabilities, DriverContext, DriverStatus, QueryOptions, QueryResult, Row,
  SqlDriver, SqlTransaction, StreamOptions, TransactionOptions, WriteResult,
} from '../types';

type SqliteDef = Extract<DatasourceDefinition, { driver: 'sqlite' }>;
type Decoder = (row: Row) => Row;
type ArrayDecoder = (row: unknown[]) => unknown[];

interface Prepared {
  stmt: Database.Statement;
  /** `stmt.reader`/`stmt.readonly`, read once: they are fixed when the statement is prepared. */
  reader: boolean;
  readonly: boolean;
  decode: Decoder | null;
  /** The same SQL prepared in raw (array) mode, made on first use: a statement's mode is shared state. */
  raw?: { stmt: Database.Statement; reader: true; decode: ArrayDecoder | null };
}

const STATEMENT_CACHE = 256;

export class SqliteDriver implements SqlDriver {
  readonly kind = 'sql' as const;
  readonly dialect = 'sqlite' as const;
  readonly driver = 'sqlite' as const;
  readonly datasource: string;
  readonly capabilities: DriverCapabilities;
  readonly filename: string;
  private db: Database.Database | null = null;
  private closed = false;
  private readonly writable: boolean;
  private readonly statements = new Map<string, Prepared>();
  /** The SQL of the most recently used statement: using it again needs no reordering of the LRU map. */
  private lastSql: string | undefined;
  /**
   * Set while a transaction is open. There is one connection, so every other statement waits for it to end:
   * otherwise another caller's read would see uncommitted rows, or its write would join the transaction.
   */
  private gate: Promise<void> | null = null;

  constructor(private readonly def: SqliteDef, ctx: DriverContext) {
    this.datasource = def.name;
    this.writable = writesAllowed(def);
    this.filename = path.resolve(ctx.workspaceRoot, def.config.filename);
    this.capabilities = {
      readOnlySessions: true, transactions: true, cancel: false, streaming: true, joins: true, aggregations: true,
      groupBy: true, dateBuckets: true, windowFunctions: true, caseInsensitiveLike: true, returning: true,
      jsonPaths: true, maxParameters: 32_766, writes: this.writable,
    };
  }

  private open(): Database.Database {
    if (this.closed) throw new DriverClosedError(this.datasource);
    if (this.db) return this.db;
    const target = { datasource: this.datasource, driver: 'sqlite', filename: this.def.config.filename };
    if (!fs.existsSync(this.filename)) throw new ConnectionError('database_missing', target, connectionMessage('database_missing', target));
    try {
      this.db = new Database(this.filename, { readonly: !this.writable, fileMustExist: true });
    } catch (e) {
      throw new ConnectionError('database_missing', target, connectionMessage('database_missing', target), (e as { code?: string }).code);
    }
    this.db.pragma('foreign_keys = ON');
    return this.db;
  }

  private prepare(sql: string): Prepared {
    const hit = this.statements.get(sql);
    if (hit) {
      // Least recently used first. The same statement in a row (a repeated query) is already last: moving it
      // again would cost a delete and an insert per read, and leave a hole in the map to be rehashed later.
      if (sql !== this.lastSql) {
        this.statements.delete(sql);
        this.statements.set(sql, hit);
        this.lastSql = sql;
      }
      return hit;
    }
    let stmt: Database.Statement;
    try {
      stmt = this.open().prepare(sql);
    } catch (e) {
      if (e instanceof ConnectionError || e instanceof DriverClosedError) throw e;
      throw new QueryError(this.datasource, (e as Error).message, (e as { code?: string }).code);
    }
    const entry: Prepared = { stmt, reader: stmt.reader, readonly: stmt.readonly, decode: stmt.reader ? decoderFor(stmt) : null };
    this.statements.set(sql, entry);
    this.lastSql = sql;
    if (this.statements.size > STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value as string);
    return entry;
  }

  async testConnection(): Promise<ConnectionCheck> {
    const t0 = performance.now();
    const row = this.open().prepare('select sqlite_version() as v').get() as { v: string };
    return { ok: true, serverVersion: `SQLite ${row.v}`, latencyMs: performance.now() - t0 };
  }

  status(): DriverStatus {
    const connected = this.db !== null && this.db.open;
    return { connected, poolSize: connected ? 1 : 0, idle: connected ? 1 : 0, serverVersion: connected ? `SQLite ${(this.db!.prepare('select sqlite_version() as v').get() as { v: string }).v}` : null };
  }

  private readStatement(compiled: CompiledQuery, rowMode: QueryOptions['rowMode']): { stmt: Database.Statement; reader: boolean; decode: ((row: never) => unknown) | null } {
    const entry = this.prepare(compiled.sql);
    if (!entry.readonly) throw new WriteNotAllowedError(this.datasource);
    if (rowMode !== 'array' || !entry.reader) return entry;
    if (!entry.raw) {
      const stmt = this.open().prepare(compiled.sql).raw(true);
      entry.raw = { stmt, reader: true, decode: arrayDecoderFor(stmt) };
    }
    return entry.raw;
  }

  private async outsideTransactions(): Promise<void> {
    while (this.gate) await this.gate;
  }

  async query<R = Row>(compiled: CompiledQuery, opts: QueryOptions = {}): Promise<QueryResult<R>> {
    if (this.gate) await this.outsideTransactions();
    return this.read<R>(compiled, opts);
  }

  /** The same read as `query`, synchronously (better-sqlite3 is synchronous); undefined while a transaction is open. */
  querySync<R = Row>(compiled: CompiledQuery, opts: QueryOptions = {}): QueryResult<R> | undefined {
    if (this.gate) return undefined;
    return this.read<R>(compiled, opts);
  }

  private read<R>(compiled: CompiledQuery, opts: QueryOptions): QueryResult<R> {
    if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
    const { stmt, reader, decode } = this.readStatement(compiled, opts.rowMode);
    try {
      if (!reader) {
        stmt.run(...(compiled.parameters as unknown[]));
        return { rows: [], rowCount: 0 };
      }
      const rows = stmt.all(...(compiled.parameters as unknown[])) as never[];
      // The decoders change a row in place (and return it): no second array.
      if (decode) for (let i = 0; i < rows.length; i++) decode(rows[i]!);
      return { rows: rows as R[], rowCount: rows.length };
    } catch (e) {
      throw new QueryError(this.datasource, (e as Error).message, (e as { code?: string }).code);
    }
  }

  async *stream<R = Row>(compiled: CompiledQuery, opts: StreamOptions = {}): AsyncIterable<R> {
    if (this.gate) await this.outsideTransactions();
    const { stmt, decode } = this.readStatement(compiled, opts.rowMode);
    const batch = opts.batchSize ?? 1000;
    let n = 0;
    for (const raw of stmt.iterate(...(compiled.parameters as unknown[])) as IterableIterator<never>) {
      if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
      yield (decode ? decode(raw) : raw) as R;
      // Let other work (and aborts) in between batches: better-sqlite3 is synchronous.
      if (++n % batch === 0) await new Promise((r) => setImmediate(r));
    }
  }

  async write(compiled: CompiledQuery): Promise<WriteResult> {
    if (!this.writable) throw new WriteNotAllowedError(this.datasource);
    if (this.gate) await this.outsideTransactions();
    return this.runWrite(compiled);
  }

  private runWrite(compiled: CompiledQuery): WriteResult {
    const { stmt } = this.prepare(compiled.sql);
    try {
      if (stmt.reader) {
        const rows = stmt.all(...(compiled.parameters as unknown[])) as Row[];
        return { rows, rowCount: rows.length };
      }
      const info = stmt.run(...(compiled.parameters as unknown[]));
      // lastInsertRowid keeps the connection's last insert, so it says something only about an INSERT that inserted.
      if (info.changes > 0 && /^\s*insert\b/i.test(compiled.sql)) {
        const id = info.lastInsertRowid;
        return { rows: [], rowCount: info.changes, insertId: typeof id === 'bigint' ? (id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : String(id)) : id };
      }
      return { rows: [], rowCount: info.changes };
    } catch (e) {
      throw new QueryError(this.datasource, (e as Error).message, (e as { code?: string }).code);
    }
  }

  /**
   * `BEGIN IMMEDIATE … COMMIT` on the one connection (better-sqlite3's own `db.transaction()` needs a
   * synchronous function; ours awaits). SQLite runs statements synchronously, so cancellation and the
   * timeout are checked before every statement and before COMMIT; either rolls everything back.
   */
  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    if (!this.writable) throw new WriteNotAllowedError(this.datasource);
    await this.outsideTransactions();
    let release!: () => void;
    this.gate = new Promise<void>((r) => (release = r));
    const timeoutMs = opts.timeoutMs ?? this.def.queryTimeoutMs;
    const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
    let open = true;
    const check = () => {
      if (!open) throw new Error(`the transaction on "${this.datasource}" has already ended`);
      if (opts.signal?.aborted) throw new QueryCancelledError(this.datasource);
      if (performance.now() > deadline) throw new QueryTimeoutError(this.datasource, timeoutMs);
    };
    let db: Database.Database | null = null;
    try {
      check();
      db = this.open();
      this.control(db, 'BEGIN IMMEDIATE');
      const tx: SqlTransaction = {
        dialect: 'sqlite',
        query: async <R = Row>(compiled: CompiledQuery, o: { rowMode?: QueryOptions['rowMode'] } = {}) => {
          check();
          return this.read<R>(compiled, o);
        },
        write: async (compiled: CompiledQuery) => {
          check();
          return this.runWrite(compiled);
        },
      };
      const result = await fn(tx);
      check();
      this.control(db, 'COMMIT');
      return result;
    } catch (e) {
      if (db?.inTransaction) db.exec('ROLLBACK');
      throw e;
    } finally {
      open = false;
      this.gate = null;
      release();
    }
  }

  private control(db: Database.Database, statement: 'BEGIN IMMEDIATE' | 'COMMIT'): void {
    try {
      db.exec(statement);
    } catch (e) {
      throw new QueryError(this.datasource, `${statement} failed: ${(e as Error).message}`, (e as { code?: string }).code);
    }
  }

  async introspect(options: IntrospectOptions = {}): Promise<Catalog> {
    const db = this.open();
    const run = async (sql: string, params: readonly unknown[]) => db.prepare(sql).all(...(params as unknown[])) as Row[];
    return readSqliteCatalog(run, { datasource: this.datasource, serverVersion: (await this.testConnection()).serverVersion, options });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.statements.clear();
    this.lastSql = undefined;
    if (this.db?.open) this.db.close();
    this.db = null;
  }
}

const DATETIME_DECL = /^(DATETIME|TIMESTAMP)/i;
const DECIMAL_DECL = /^(DECIMAL|NUMERIC)/i;

const decodeDatetime = (v: unknown) => (typeof v === 'string' ? isoLocal(v) : v);
const decodeDecimal = (v: unknown) => (typeof v === 'number' ? String(v) : v);

/** The deliberate decoding of one result column (by its declared type), or null when it passes as is. */
function columnDecoder(type: string | null): ((v: unknown) => unknown) | null {
  if (!type) return null;
  if (DATETIME_DECL.test(type)) return decodeDatetime;
  if (DECIMAL_DECL.test(type)) return decodeDecimal;
  return null;
}

function decoderFor(stmt: Database.Statement): Decoder | null {
  const plan: Array<[string, (v: unknown) => unknown]> = [];
  for (const c of stmt.columns()) {
    const f = columnDecoder(c.type);
    if (f) plan.push([c.name, f]);
  }
  if (plan.length === 0) return null;
  return (row) => {
    for (const [k, f] of plan) if (row[k] != null) row[k] = f(row[k]);
    return row;
  };
}

/** The same decoding for raw rows, by position (duplicate column names cannot collide here). */
function arrayDecoderFor(stmt: Database.Statement): ArrayDecoder | null {
  const at: number[] = [];
  const fns: Array<(v: unknown) => unknown> = [];
  stmt.columns().forEach((c, i) => {
    const f = columnDecoder(c.type);
    if (f) {
      at.push(i);
      fns.push(f);
    }
  });
  if (at.length === 0) return null;
  const n = at.length;
  return (row) => {
    for (let j = 0; j < n; j++) {
      const i = at[j]!;
      if (row[i] != null) row[i] = fns[j]!(row[i]);
    }
    return row;
  };
}
