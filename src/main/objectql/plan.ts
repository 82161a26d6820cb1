/**
 * The plan every result carries: the AST after permissions, the exact statement or pipeline with its
 * parameters, the datasource, where each step of the query ran, rows read from the database and elapsed time.
 * Also the planning decision itself: push everything down, or fall back to the reference evaluator.
 */
import type { DriverCapabilities } from '../drivers/types';
import type { Query } from './ast';
import type { BoundQuery } from './ir';

export type StepName = 'scan' | 'join' | 'filter' | 'search' | 'group' | 'aggregate' | 'having' | 'sort' | 'page' | 'finalize';
export type StepLocation = 'database' | 'engine' | 'reference-evaluator';

export interface PlanStep {
  step: StepName;
  ran: StepLocation;
  detail?: string;
}

export interface QueryPlan {
  object: string;
  datasource: string;
  driver: string;
  /** The AST after permissions were applied: what was actually run. */
  ast: Query;
  /** 'pushdown': the database did the work; 'fallback': rows were fetched and evaluated here, under a cap. */
  strategy: 'pushdown' | 'fallback';
  sql?: { dialect: string; text: string; parameters: readonly unknown[] }[];
  pipeline?: { collection: string; stages: unknown[] }[];
  steps: PlanStep[];
  fallback?: { reason: string; rowCap: number };
  /** Compiled statement came from the shape cache. */
  cached: boolean;
  /** Rows the database sent us (for a grouped pushdown: the number of groups). */
  rowsRead: number | null;
  rowsReturned: number | null;
  elapsedMs: number | null;
}

/** Which capabilities the bound query needs from a driver to run entirely in the database. */
export function requiredCapabilities(q: BoundQuery): Array<keyof DriverCapabilities> {
  const need: Array<keyof DriverCapabilities> = [];
  if (q.joins.length > 0) need.push('joins');
  if (q.mode === 'aggregate') need.push('aggregations');
  if (q.groups.length > 0) need.push('groupBy');
  if (q.groups.some((g) => g.operand.t === 'bucket')) need.push('dateBuckets');
  return need;
}

export function missingCapabilities(q: BoundQuery, caps: DriverCapabilities): Array<keyof DriverCapabilities> {
  return requiredCapabilities(q).filter((c) => !caps[c]);
}

/** The steps of a bound query, all placed at `ran` (finalisation of averages always runs in the engine). */
export function stepsOf(q: BoundQuery, ran: StepLocation): PlanStep[] {
  const steps: PlanStep[] = [{ step: 'scan', ran, detail: q.table }];
  if (q.joins.length) steps.push({ step: 'join', ran, detail: q.joins.map((j) => `${j.path} → ${j.object}${j.visible ? ' (only records its rules let this user see)' : ''}`).join(', ') });
  if (q.where) steps.push({ step: 'filter', ran });
  if (q.mode === 'aggregate') {
    if (q.groups.length) steps.push({ step: 'group', ran, detail: q.groups.map((g) => g.key).join(', ') });
    steps.push({ step: 'aggregate', ran, detail: q.aggregates.map((a) => `${a.fn}→${a.key}`).join(', ') || 'distinct groups' });
    if (q.having) steps.push({ step: 'having', ran });
  }
  steps.push({ step: 'sort', ran });
  steps.push({ step: 'page', ran, detail: `limit ${String(q.limit.value)} offset ${String(q.offset.value)}` });
  const avg = q.aggregates.filter((a) => a.fn === 'avg');
  steps.push({
    step: 'finalize',
    ran: ran === 'reference-evaluator' ? ran : 'engine',
    detail: avg.length ? `exact averages from sum and count (${avg.map((a) => a.key).join(', ')}); values decoded to canonical form` : 'values decoded to canonical form',
  });
  return steps;
}
