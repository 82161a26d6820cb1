export const ENTRY: 0;
export const WHO: 1;
export const HOW: 2;
export const TEMPLATE: 3;
export const NO_AST: 0;
export const JSON_AST: 1;
export const TEMPLATE_AST: 2;
export const V_NUMBER: 0;
export const V_STRING: 1;
export const V_TRUE: 2;
export const V_FALSE: 3;
export const V_NULL: 4;
/** A batch: numbers, and the strings and other values they refer to, in order. */
export interface EncodedBatch {
  readonly nums: Float64Array;
  readonly others: readonly unknown[];
}
export function visitBatch(
  batch: EncodedBatch,
  onEntry: (at: string, who: readonly unknown[], how: readonly unknown[], rowCount: number | null, durationMs: number | null, ast: string | null, astIsCanonical: boolean) => void,
): void;
