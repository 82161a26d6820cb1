/** ObjectQL: one query language over every datasource. The public surface of the engine area. */
export * from './ast';
export { QueryError, type QueryErrorCode } from './errors';
export { ObjectQL, type ObjectQLOptions, type QueryResult, type QueryStream, type RunOptions } from './engine';
export type { QueryPlan, PlanStep, StepLocation } from './plan';
export type { ObjectResolver, QueryObjectDef } from './ir';
export { validateQuery, LIMITS, type ValidationContext } from './validate';
export type { ResultRow } from './result';
export { RELATIVE_DATE_TOKENS } from './relative-dates';
