/**
 * The bound query: the AST after validation, with every field resolved to a table alias and a column, lookups
 * turned into joins, implicit equality, relative dates, `search` and the keyset cursor rewritten into plain
 * predicates, and the full sort order (with tie-breakers) spelled out. The reference evaluator and every
 * compiler consume this one form, so the semantics are decided once.
 */
import type { ObjectDefinition } from '../metadata/object';
import type { DateGranularity } from './ast';
import type { ValueKind } from './values';

/** An object as the engine needs it: the metadata definition and the datasource it is routed to. */
export type QueryObjectDef = ObjectDefinition & { datasource?: string };
/** Returns undefined for an unknown object *and* for one the caller may not see: both read the same. */
export type ObjectResolver = (name: string) => QueryObjectDef | undefined;

/** A bound value. `index` is its position in the value list of the query shape (set by `shapeOf`). */
export class Param {
  index = -1;
  constructor(
    readonly value: unknown,
    readonly kind: ValueKind,
    /**
     * Part of the shape rather than a parameter: the statement may depend on it (a zero offset is left out of
     * the SQL — on PostgreSQL an `OFFSET $n` makes the planner re-plan a prepared statement on every call).
     */
    readonly fixed = false,
  ) {}

  /** In the shape key a value is its placeholder; `shapeOf` collects it (see there). */
  toJSON(): string {
    if (this.fixed) return `=${JSON.stringify(this.value)}`;
    if (collecting) {
      this.index = collecting.length;
      collecting.push(this);
    }
    // Whole and fractional numbers compile differently on PostgreSQL (an integer column keeps its index).
    return `?${this.kind}${this.kind === 'number' && !Number.isInteger(this.value) ? '.f' : ''}`;
  }
}

/** The Params met by the `JSON.stringify` of the running `shapeOf`, in serialisation order. */
let collecting: Param[] | null = null;

export interface ColumnRef {
  /** Table alias: `t0` is the queried object, `t1`… the joins. */
  alias: string;
  column: string;
  kind: ValueKind;
  scale: number;
  /** A primary-key column of the queried object: never NULL, so sorts need no NULLS clause (and can use the index). */
  notNull?: boolean;
}

export interface Join {
  alias: string;
  parent: string;
  /** Lookup path from the root object, e.g. `invoice_id.customer_id`. */
  path: string;
  object: string;
  table: string;
  schema?: string;
  /** Column in the parent holding the key. */
  fkColumn: string;
  /** Column in the joined table the key matches. */
  refColumn: string;
  /**
   * The permission layer's rule for this lookup (`lookupWhere`): only related records among these keys
   * join; any other reads as no record (the LEFT JOIN finds nothing), so everything reached through it —
   * fields, expansions, deeper lookups, filters, sorts, groups — sees NULL while the row stays. A query of
   * its own on the related object (alias namespace of its own; rows mode, one column: `refColumn`; no
   * paging or sort), so a rule may follow lookups of its own object, seeing records as stored.
   */
  visible?: BoundQuery;
}

export type Operand =
  | { t: 'col'; ref: ColumnRef }
  /** A date bucket of a column, as the text key `2024-03`, `2024-Q1`, `2024-03-04` (Monday of the week)... */
  | { t: 'bucket'; ref: ColumnRef; granularity: DateGranularity }
  /** Result of aggregation `index` (HAVING, aggregate sorts). */
  | { t: 'agg'; index: number };

export type CmpOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

/**
 * Predicates are two-valued: a comparison with NULL is false, `ne`/`nin` are true for NULL, and `not` is the
 * plain complement. See docs/objectql.md "NULL".
 */
export type Pred =
  | { t: 'const'; value: boolean }
  | { t: 'cmp'; op: CmpOp; a: Operand; kind: ValueKind; v: Param }
  | { t: 'in'; a: Operand; kind: ValueKind; vs: Param[]; negate: boolean }
  | { t: 'null'; a: Operand; isNull: boolean }
  | { t: 'text'; a: Operand; mode: 'contains' | 'startsWith' | 'endsWith'; ci: boolean; v: Param }
  | { t: 'and' | 'or'; items: Pred[] }
  | { t: 'not'; item: Pred };

export interface OutputColumn {
  /** Output key (rows: the field path; aggregates: the group key or alias). */
  key: string;
  operand: Operand;
  kind: ValueKind;
  scale: number;
  /** Not returned to the caller: sort keys for the cursor, presence markers of expanded lookups. */
  hidden?: boolean;
}

export interface Expansion {
  /** Where the nested record goes in the output row, e.g. ['support_rep_id'] or ['invoice_id', 'customer_id']. */
  at: string[];
  /** Hidden column that is NULL when the lookup found no record. */
  presenceKey: string;
  /** Output columns (by key) that fill the nested record, with their key inside it. */
  members: { key: string; name: string }[];
}

export type AggregateFunction = 'count' | 'count_distinct' | 'sum' | 'avg' | 'min' | 'max';

export interface BoundAggregate {
  key: string;
  fn: AggregateFunction;
  ref?: ColumnRef;
  filter?: Pred;
  /** Kind and scale of the result. */
  kind: ValueKind;
  scale: number;
}

export interface BoundGroup {
  key: string;
  operand: Operand;
  kind: ValueKind;
  scale: number;
}

export interface BoundSort {
  operand: Operand;
  kind: ValueKind;
  desc: boolean;
}

/** The one column a key set (Join.visible) selects: the related object's key. */
export function keySetColumn(q: BoundQuery): ColumnRef {
  const key = q.columns[0]?.operand;
  if (key?.t !== 'col') throw new Error('a key set selects one column');
  return key.ref;
}

export interface BoundQuery {
  object: string;
  table: string;
  schema?: string;
  datasource?: string;
  joins: Join[];
  mode: 'rows' | 'aggregate';
  /** Rows mode: selected columns (incl. hidden). Aggregate mode: groups then aggregates, in output order. */
  columns: OutputColumn[];
  expansions: Expansion[];
  groups: BoundGroup[];
  aggregates: BoundAggregate[];
  where?: Pred;
  having?: Pred;
  sort: BoundSort[];
  /** Keys (hidden columns) of the sort values that make the next keyset cursor; rows mode only. */
  cursorKeys: string[];
  /** Fingerprint of the sort order, stored in cursors so a cursor cannot be replayed on another order. */
  sortFingerprint: string;
  limit: Param;
  offset: Param;
}

/**
 * Every `Param` of a bound query in a deterministic order, and the query's shape with the values left out.
 * Params serialise themselves (`toJSON`) rather than through a replacer function, which keeps
 * `JSON.stringify` on its native fast path (this runs for every query).
 */
export function shapeOf(q: BoundQuery): { key: string; values: unknown[]; params: Param[] } {
  const params: Param[] = [];
  collecting = params;
  let key: string;
  try {
    key = JSON.stringify(q);
  } finally {
    collecting = null;
  }
  return { key, values: params.map((p) => p.value), params };
}
