/**
 * The one error type of the query engine. Every rejection names the place in the AST (`where.$and[1].total.$gt`)
 * and what is allowed there, so a UI, an AI tool or the CLI can show the caller what to fix.
 */
export type QueryErrorCode =
  | 'invalid_query' // structural: not the AST shape
  | 'unknown_object'
  | 'unknown_field'
  | 'operator_not_allowed'
  | 'invalid_value'
  | 'not_groupable'
  | 'not_aggregatable'
  | 'limit_exceeded'
  | 'too_deep'
  | 'forbidden_key'
  | 'invalid_cursor'
  | 'fallback_row_cap'
  | 'unsupported'
  | 'cancelled'
  | 'execution_failed';

export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly code: QueryErrorCode,
    /** Dotted path into the AST, with `[i]` for array items; `''` for the query as a whole. */
    readonly path: string,
    message: string,
    /** What would be accepted at `path` (operators, field names, a range), when there is a short list. */
    readonly allowed?: readonly string[],
  ) {
    super(path ? `${path}: ${message}` : message);
  }

  toJSON(): { code: QueryErrorCode; path: string; message: string; allowed?: readonly string[] } {
    return { code: this.code, path: this.path, message: this.message, ...(this.allowed ? { allowed: this.allowed } : {}) };
  }
}

/** Joins path segments the way the errors print them: `where.$and[1].total`. */
export function joinPath(base: string, segment: string | number): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  return base ? `${base}.${segment}` : segment;
}
