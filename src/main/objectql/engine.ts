/**
 * The ObjectQL engine: validate → apply permissions → validate again and bind → plan by driver capabilities →
 * compile → execute → decode, with the plan attached to every result. Callers (API handlers, CLI, AI tools)
 * hand it raw JSON; it never trusts the shape.
 */
import type { Driver, DriverCapabilities, Row } from '../drivers/types';
import type { Query } from './ast';
import { compileScan, compileSqlStatement, convertParameter, type CompiledSql } from './compile/sql';
import { compileMongo, decodeMongoRows, type CompiledPipeline } from './compile/mongo';
import { QueryError } from './errors';
import { shapeOf, type BoundQuery, type ObjectResolver, type QueryObjectDef } from './ir';
import { missingCapabilities, stepsOf, type PlanStep, type QueryPlan } from './plan';
import { evaluate, type FlatRow, type RawRow } from './reference/evaluator';
import { encodeCursor } from './cursor';
import { isFullPage, shapeRow, shapeRows, type ResultRow } from './result';
import { validateQuery, type BindTrace, type ValidationContext } from './validate';
import { buildEntry, PreparedStore, rebind, sameDef, sameSignature, structureOf, type PreparedEntry, type Resolved, type Signature, type Structure } from './prepared-cache';

export interface ObjectQLOptions {
  /** name → object definition with its resolved datasource; undefined when unknown or not visible. */
  objects: ObjectResolver;
  /** datasource name → driver. */
  drivers: (datasource: string) => Driver;
  /** IANA zone for relative dates (`today`, `this_quarter`). */
  timezone?: string;
  defaultLimit?: number;
  /** Hard maximum of `limit` for `query`. */
  maxLimit?: number;
  /** Hard maximum of rows a `stream` returns (exports). */
  maxStreamLimit?: number;
  /** Most rows fetched for evaluation here when a driver lacks a capability. */
  fallbackRowCap?: number;
  now?: () => Date;
  /** Filled by the governance layer: object, field and record rules. Identity until then. */
  applyPermissions?: (ast: Query, session: unknown) => Query | Promise<Query>;
  /**
   * Binds the query applyPermissions returned (the second validation pass). The permission layer may add
   * filters on fields the caller cannot read, so it passes the unrestricted metadata here while `objects`
   * stays the caller's view. Defaults to `objects`.
   */
  permissionsResolver?: ObjectResolver;
  /**
   * Reuse the validated, permission-applied, bound statement of a query shape for later queries of the same
   * shape with other values (default true; see prepared-cache.ts). This relies on what AppContext already
   * guarantees: the resolvers answer the same for the engine's lifetime (a hit still re-checks the objects
   * it used), and `applyPermissions` decides from the query's structure and the session, never from the
   * values being compared — it may keep the caller's filters in its output, but not read or copy their values.
   */
  preparedQueries?: boolean;
}

/** Counters of the prepared-query cache (tests and benchmarks). */
export interface PreparedQueryStats {
  hits: number;
  /** Full validation and binding, then a new entry. */
  misses: number;
  /** Full path: a shape that cannot be rebound, a refused value, or no cache for this session. */
  bypassed: number;
}

export interface RunOptions {
  session?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface QueryResult {
  rows: ResultRow[];
  /** Keyset cursor of the next page, when this page was full. */
  nextCursor?: string;
  plan: QueryPlan;
}

export interface QueryStream extends AsyncIterable<ResultRow> {
  /** Filled as the stream runs; `rowsRead`/`elapsedMs` are final once iteration ends. */
  readonly plan: QueryPlan;
}

interface Prepared {
  ast: Query;
  /** On a prepared-query hit, the bound query the entry was made from: read its structure only, not values. */
  bound: BoundQuery;
  /** The page size of this query. */
  limit: number;
  object: QueryObjectDef & { datasource: string };
  driver: Driver;
  plan: QueryPlan;
  compiled?: CompiledSql;
  pipeline?: CompiledPipeline;
}

export class ObjectQL {
  private readonly opts: Required<Omit<ObjectQLOptions, 'applyPermissions' | 'now' | 'permissionsResolver'>> & Pick<ObjectQLOptions, 'applyPermissions' | 'now' | 'permissionsResolver'>;
  private readonly prepared = new PreparedStore<PreparedEntry>();
  /** With a permission hook, entries are kept per session object: the hook may answer differently for each. */
  private readonly preparedBySession = new WeakMap<object, PreparedStore<PreparedEntry>>();
  private readonly preparedStats: PreparedQueryStats = { hits: 0, misses: 0, bypassed: 0 };

  constructor(options: ObjectQLOptions) {
    this.opts = {
      timezone: 'UTC',
      defaultLimit: 1000,
      maxLimit: 100_000,
      maxStreamLimit: 10_000_000,
      fallbackRowCap: 50_000,
      preparedQueries: true,
      ...options,
    };
  }

  /** How often the prepared-query cache answered (a copy). */
  preparedQueryStats(): PreparedQueryStats {
    return { ...this.preparedStats };
  }

  /** Validates and plans without touching the database. */
  async explain(raw: unknown, run: RunOptions = {}): Promise<QueryPlan> {
    return (await this.prepare(raw, run, false)).plan;
  }

  async query(raw: unknown, run: RunOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    // A prepared-query hit comes back synchronously; only a full preparation (the permission hook may be
    // async) is awaited. On a small query every promise and microtask shows.
    const ready = this.prepare(raw, run, false);
    const p = ready instanceof Promise ? await ready : ready;
    throwIfAborted(run.signal);
    let rows: ResultRow[];
    let nextCursor: string | undefined;
    if (p.plan.strategy !== 'fallback' && p.compiled && p.driver.kind === 'sql') {
      // Array rows decoded straight into result rows: no per-row driver object, no intermediate flat row.
      const options = run.signal === undefined && run.timeoutMs === undefined ? ARRAY_ROWS : { signal: run.signal, timeoutMs: run.timeoutMs, rowMode: 'array' as const };
      // An in-process database (SQLite) answers at once; a server, or SQLite inside a transaction, is awaited.
      const res = p.driver.querySync?.<unknown[]>(p.compiled, options) ?? (await p.driver.query<unknown[]>(p.compiled, options));
      const raws = res.rows;
      const decoder = p.compiled.decoder;
      p.plan.rowsRead = raws.length;
      rows = new Array<ResultRow>(raws.length);
      for (let i = 0; i < raws.length; i++) rows[i] = decoder.row(raws[i]!);
      if (isFullPage(p.bound, raws.length, p.limit)) nextCursor = encodeCursor(decoder.cursorValues(raws[raws.length - 1]!), p.bound.sortFingerprint);
    } else {
      let flat: FlatRow[];
      if (p.plan.strategy === 'fallback') {
        flat = await this.fallback(p, run);
      } else if (p.pipeline && p.driver.kind === 'document') {
        const res = await p.driver.aggregate<Row>(p.pipeline.collection, p.pipeline.stages, { signal: run.signal, timeoutMs: run.timeoutMs });
        p.plan.rowsRead = res.rows.length;
        flat = decodeMongoRows(p.bound, p.pipeline, res.rows);
      } else {
        throw new Error('planner produced no executable form');
      }
      rows = shapeRows(p.bound, flat);
      if (isFullPage(p.bound, flat.length)) nextCursor = encodeCursor(p.bound.cursorKeys.map((k) => flat[flat.length - 1]![k] ?? null), p.bound.sortFingerprint);
    }
    p.plan.rowsReturned = rows.length;
    p.plan.elapsedMs = round(performance.now() - started);
    return nextCursor ? { rows, nextCursor, plan: p.plan } : { rows, plan: p.plan };
  }

  /** Rows as an async iterator over the driver's server cursor, in constant memory. */
  async stream(raw: unknown, run: RunOptions = {}): Promise<QueryStream> {
    const started = performance.now();
    const p = await this.prepare(raw, run, true);
    const plan = p.plan;
    const self = this;
    async function* rows(): AsyncGenerator<ResultRow> {
      plan.rowsRead = 0;
      plan.rowsReturned = 0;
      try {
        throwIfAborted(run.signal);
        if (plan.strategy === 'fallback') {
          for (const r of shapeRows(p.bound, await self.fallback(p, run))) {
            plan.rowsReturned++;
            yield r;
          }
        } else if (p.compiled && p.driver.kind === 'sql') {
          const decoder = p.compiled.decoder;
          for await (const r of p.driver.stream<unknown[]>({ sql: p.compiled.sql, parameters: p.compiled.parameters }, { signal: run.signal, timeoutMs: run.timeoutMs, rowMode: 'array' })) {
            plan.rowsRead!++;
            plan.rowsReturned!++;
            yield decoder.row(r);
          }
        } else if (p.pipeline && p.driver.kind === 'document') {
          const batch: Row[] = [];
          for await (const r of p.driver.streamAggregate<Row>(p.pipeline.collection, p.pipeline.stages, { signal: run.signal, timeoutMs: run.timeoutMs })) {
            plan.rowsRead!++;
            batch.push(r);
            if (batch.length >= 500) {
              for (const f of decodeMongoRows(p.bound, p.pipeline, batch.splice(0), { synthesizeEmpty: false })) {
                plan.rowsReturned!++;
                yield shapeRow(p.bound, f);
              }
            }
          }
          for (const f of decodeMongoRows(p.bound, p.pipeline, batch, { synthesizeEmpty: plan.rowsRead === batch.length })) {
            plan.rowsReturned!++;
            yield shapeRow(p.bound, f);
          }
        }
      } finally {
        plan.elapsedMs = round(performance.now() - started);
      }
    }
    const iterable = rows();
    return { plan, [Symbol.asyncIterator]: () => iterable };
  }

  private validationContext(stream: boolean): ValidationContext {
    const o = this.opts;
    return {
      resolve: o.objects,
      timezone: o.timezone,
      now: o.now,
      defaultLimit: stream ? o.maxStreamLimit : o.defaultLimit,
      maxLimit: stream ? o.maxStreamLimit : o.maxLimit,
    };
  }

  private storeFor(session: unknown): PreparedStore<PreparedEntry> | undefined {
    if (!this.opts.preparedQueries) return undefined;
    if (!this.opts.applyPermissions || session === undefined) return this.prepared;
    if (session === null || typeof session !== 'object') return undefined;
    let store = this.preparedBySession.get(session);
    if (!store) this.preparedBySession.set(session, (store = new PreparedStore<PreparedEntry>()));
    return store;
  }

  /** A prepared-query hit synchronously, else the full preparation's promise. */
  private prepare(raw: unknown, run: RunOptions, stream: boolean): Prepared | Promise<Prepared> {
    const store = this.storeFor(run.session);
    const probe = store?.probe(raw, stream ? 's' : 'q');
    if (!store || !probe) {
      this.preparedStats.bypassed++;
      return this.prepareFully(raw, run, stream);
    }
    const entry = probe.found;
    if (entry) {
      const p = this.fromEntry(entry, probe.values);
      if (p) {
        this.preparedStats.hits++;
        return p;
      }
      if (p === undefined) {
        // A value the entry's checks refuse: the full path gives the canonical error (or binds it another way).
        this.preparedStats.bypassed++;
        return this.prepareFully(raw, run, stream);
      }
      store.delete(probe.signature);
    } else if (entry === null) {
      this.preparedStats.bypassed++;
      return this.prepareFully(raw, run, stream);
    }
    this.preparedStats.misses++;
    return this.prepareFully(raw, run, stream, { store, signature: probe.signature, scope: stream ? 's' : 'q' });
  }

  /** A prepared entry with new values; undefined when a value is refused, null when the entry is stale. */
  private fromEntry(e: PreparedEntry, values: unknown[]): Prepared | undefined | null {
    const driver = this.opts.drivers(e.datasource);
    if (driver !== e.driver) return null;
    const resolved = e.resolved;
    for (let i = 0; i < resolved.length; i++) {
      const r = resolved[i]!;
      if (!sameDef(r.resolve(r.name), r.def)) return null;
    }
    const b = rebind(e, values);
    if (!b) return undefined;
    const st = e.statement;
    const compiled: CompiledSql = { dialect: e.dialect, sql: st.sql, parameters: b.parameters, columns: st.columns, decoder: st.decoder, cached: true };
    const plan: QueryPlan = {
      object: e.bound.object,
      datasource: e.datasource,
      driver: driver.driver,
      ast: b.ast,
      strategy: 'pushdown',
      steps: b.steps as PlanStep[],
      cached: true,
      rowsRead: null,
      rowsReturned: null,
      elapsedMs: null,
    };
    plan.sql = [{ dialect: e.dialect, text: st.sql, parameters: b.parameters }];
    return { ast: b.ast, bound: e.bound, limit: b.limit, object: e.object, driver, plan, compiled };
  }

  private async prepareFully(raw: unknown, run: RunOptions, stream: boolean, fill?: { store: PreparedStore<PreparedEntry>; signature: Signature; scope: string }): Promise<Prepared> {
    let ctx = this.validationContext(stream);
    let objects = this.opts.objects;
    let permissionsResolver = this.opts.permissionsResolver ?? ctx.resolve;
    // Filling an entry: record where every value goes and which objects the binding looked up.
    const resolved: Resolved[] = [];
    const firstTrace: BindTrace | undefined = fill ? { values: [] } : undefined;
    const finalTrace: BindTrace | undefined = fill ? { values: [] } : undefined;
    if (fill) {
      const recording = (resolve: ObjectResolver): ObjectResolver => (name) => {
        const def = resolve(name);
        if (!resolved.some((r) => r.resolve === resolve && r.name === name)) resolved.push({ resolve, name, def });
        return def;
      };
      objects = recording(this.opts.objects);
      permissionsResolver = this.opts.permissionsResolver ? recording(this.opts.permissionsResolver) : objects;
      ctx = { ...ctx, resolve: objects, trace: firstTrace };
    }
    // A keyset cursor carries the fingerprint of the sort it was made for, which the permission layer's
    // joins can renumber: with a permission layer it is checked once, against the query that runs.
    const cursor = this.opts.applyPermissions && isRecord(raw) && raw.cursor !== undefined ? raw.cursor : undefined;
    const first = validateQuery(cursor === undefined ? raw : { ...(raw as Record<string, unknown>), cursor: undefined }, ctx);
    let ast = this.opts.applyPermissions ? await this.opts.applyPermissions(first.ast, run.session) : first.ast;
    if (cursor !== undefined) ast = { ...ast, cursor: cursor as string };
    // The permission layer may add filters or drop fields: bind what will actually run.
    const twice = ast !== first.ast;
    const { bound } = twice ? validateQuery(ast, { ...ctx, resolve: permissionsResolver, trace: finalTrace, trusted: true }) : first;
    const object = objects(bound.object);
    if (!object?.datasource) throw new QueryError('unknown_object', 'object', `object "${bound.object}" has no datasource`);
    const driver = this.opts.drivers(object.datasource);
    const missing = missingCapabilities(bound, driver.capabilities as DriverCapabilities);
    const plan: QueryPlan = {
      object: bound.object,
      datasource: object.datasource,
      driver: driver.driver,
      ast,
      strategy: 'pushdown',
      steps: [],
      cached: false,
      rowsRead: null,
      rowsReturned: null,
      elapsedMs: null,
    };
    const prepared: Prepared = { ast, bound, limit: Number(bound.limit.value), object: object as QueryObjectDef & { datasource: string }, driver, plan };
    if (missing.length > 0) {
      plan.strategy = 'fallback';
      plan.fallback = { reason: `driver "${driver.driver}" lacks ${missing.join(', ')}`, rowCap: this.opts.fallbackRowCap };
      plan.steps = stepsOf(bound, 'reference-evaluator');
      fill?.store.set(fill.signature, null);
      return prepared;
    }
    plan.steps = stepsOf(bound, 'database');
    if (driver.kind === 'sql') {
      const dialect = driver.dialect;
      const { statement, values, params, cached } = compileSqlStatement(bound, dialect);
      const parameters = statement.slots.map((s) => convertParameter(dialect, s.conv, values[s.index]));
      prepared.compiled = { dialect, sql: statement.sql, parameters, columns: statement.columns, decoder: statement.decoder, cached };
      plan.cached = cached;
      plan.sql = [{ dialect, text: statement.sql, parameters }];
      // Stored under the structure the lookup saw: a raw query its caller changed meanwhile is not stored.
      const withPaths = fill && structureOf(raw, true, fill.scope);
      if (fill && withPaths && sameSignature(withPaths.signature, fill.signature)) {
        const entry = buildEntry({
          structure: withPaths as Structure & { paths: (string | number)[][] }, parsed: first.ast, final: ast,
          firstTrace: twice ? firstTrace : undefined, finalTrace: twice ? finalTrace! : firstTrace!,
          bound, statement, params, values, dialect, driver,
          object: prepared.object, resolved, steps: stepsOf(bound, 'database'),
        });
        fill.store.set(fill.signature, typeof entry === 'string' ? null : entry);
      }
    } else {
      const pipeline = compileMongo(bound);
      prepared.pipeline = pipeline;
      plan.pipeline = [{ collection: pipeline.collection, stages: pipeline.stages }];
      fill?.store.set(fill.signature, null);
    }
    return prepared;
  }

  /** Fetches the tables the query touches (each at most `fallbackRowCap` rows) and evaluates here. */
  private async fallback(p: Prepared, run: RunOptions): Promise<FlatRow[]> {
    const cap = this.opts.fallbackRowCap;
    const tables = new Map<string, RawRow[]>();
    const wanted = [{ object: p.bound.object, table: p.bound.table, schema: p.bound.schema }, ...p.bound.joins.map((j) => ({ object: j.object, table: j.table, schema: j.schema }))];
    p.plan.rowsRead = 0;
    p.plan.sql = p.driver.kind === 'sql' ? [] : undefined;
    p.plan.pipeline = p.driver.kind === 'document' ? [] : undefined;
    for (const w of wanted) {
      const key = `${w.schema ?? ''}.${w.table}`;
      if (tables.has(key)) continue;
      let rows: RawRow[];
      if (p.driver.kind === 'sql') {
        const scan = compileScan(p.driver.dialect, w.table, w.schema, cap + 1);
        p.plan.sql!.push({ dialect: p.driver.dialect, text: scan.sql, parameters: scan.parameters });
        rows = (await p.driver.query<Row>(scan, { signal: run.signal, timeoutMs: run.timeoutMs })).rows;
      } else {
        const stages = [{ $limit: cap + 1 }];
        p.plan.pipeline!.push({ collection: w.table, stages });
        rows = (await p.driver.aggregate<Row>(w.table, stages, { signal: run.signal, timeoutMs: run.timeoutMs })).rows;
      }
      if (rows.length > cap) {
        throw new QueryError('fallback_row_cap', 'object', `"${w.object}" has more than ${cap} rows, too many to evaluate outside the database (${p.plan.fallback?.reason}); narrow the query or use a datasource that supports it`);
      }
      p.plan.rowsRead += rows.length;
      tables.set(key, rows);
    }
    shapeOf(p.bound);
    return evaluate(p.bound, (_object, table) => tables.get(`${wanted.find((w) => w.table === table)?.schema ?? ''}.${table}`) ?? []);
  }
}

/** The driver options of a read without a signal or a timeout: one shared object instead of one per query. */
const ARRAY_ROWS = Object.freeze({ rowMode: 'array' as const });

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new QueryError('cancelled', '', 'the query was cancelled');
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
