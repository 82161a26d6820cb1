/**
 * The shape of a flow file (`*.flow.ts`): a trigger, an owner, limits and a list of steps. Strict zod
 * schemas — an unknown key is an error that names the step and the key. References between steps
 * (`{ $ref: 'big.rows' }`, `'{{big.count}} invoices'`) are only shaped here; `check.ts` resolves them
 * against the steps before them and the owner's view of the objects.
 */
import { z } from 'zod';

export const IDENTIFIER = /^[a-z_][a-zA-Z0-9_]*$/;
const Identifier = z.string().regex(IDENTIFIER, 'must be an identifier: a lower-case letter or "_", then letters, digits or "_"');
export const FLOW_NAME = /^[a-z][a-z0-9_]*$/;

/** A dotted path to a value of an earlier step: `big.rows`, `big.first.total`, `inv.customer_id`, `trigger.rows`. */
export const RefPathSchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$/, 'must be a dotted path such as "big.rows" or "inv.total"');
export const RefSchema = z.strictObject({ $ref: RefPathSchema });
export type Ref = z.infer<typeof RefSchema>;

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A field value to write: a literal, a reference, or a string template with `{{path}}` placeholders. */
export const ValueSchema = z.union([Scalar, RefSchema]);
export type FlowValue = z.infer<typeof ValueSchema>;

/** An ObjectQL query whose filter values may be `{ $ref: … }`; validated against the metadata in check.ts. */
const QueryAstSchema = z.record(z.string(), z.unknown());

const base = {
  /** How later steps refer to this step's output. */
  id: Identifier,
  label: z.string().max(200).optional(),
};

export const COMPARISONS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'empty', 'notEmpty'] as const;
export const ConditionTestSchema = z.strictObject({
  ref: RefPathSchema,
  op: z.enum(COMPARISONS),
  /** Not used by `empty` / `notEmpty`. */
  value: ValueSchema.optional(),
});
export type ConditionTest = z.infer<typeof ConditionTestSchema>;

export interface StepShapes {
  query: { id: string; label?: string; type: 'query'; query: Record<string, unknown> };
  aggregate: { id: string; label?: string; type: 'aggregate'; query: Record<string, unknown> };
  condition: { id: string; label?: string; type: 'condition'; if: ConditionTest | { all: ConditionTest[] } | { any: ConditionTest[] }; then: Step[]; else?: Step[] };
  loop: { id: string; label?: string; type: 'loop'; over: string; as: string; max: number; steps: Step[] };
  ai: { id: string; label?: string; type: 'ai'; prompt: string; model?: string };
  notify: { id: string; label?: string; type: 'notify'; title: string; message: string; desktop?: boolean };
  export: { id: string; label?: string; type: 'export'; rows: string; format: 'csv' | 'xlsx'; filename: string; folder?: string; columns?: string[] };
  update: { id: string; label?: string; type: 'update'; object: string; records?: string; where?: Record<string, unknown>; set: Record<string, FlowValue> };
  create: { id: string; label?: string; type: 'create'; object: string; values: Record<string, FlowValue> };
  http: { id: string; label?: string; type: 'http'; url: string; body: unknown };
}
export type Step = StepShapes[keyof StepShapes];
export type StepType = Step['type'];
export const STEP_TYPES = ['query', 'aggregate', 'condition', 'loop', 'ai', 'notify', 'export', 'update', 'create', 'http'] as const satisfies readonly StepType[];
export const WRITE_STEPS: ReadonlySet<StepType> = new Set(['update', 'create']);

const Steps: z.ZodType<Step[]> = z.lazy(() => z.array(StepSchema).min(1, 'give at least one step'));

export const StepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ ...base, type: z.literal('query'), query: QueryAstSchema }),
    z.strictObject({ ...base, type: z.literal('aggregate'), query: QueryAstSchema }),
    z.strictObject({
      ...base,
      type: z.literal('condition'),
      if: z.union([ConditionTestSchema, z.strictObject({ all: z.array(ConditionTestSchema).min(1) }), z.strictObject({ any: z.array(ConditionTestSchema).min(1) })]),
      then: Steps,
      else: Steps.optional(),
    }),
    z.strictObject({
      ...base,
      type: z.literal('loop'),
      /** A list of an earlier step, e.g. `big.rows`. */
      over: RefPathSchema,
      /** The name each item is known by inside the loop. */
      as: Identifier,
      /** Bounded: a list longer than this stops the run instead of being cut short silently. */
      max: z.number().int().min(1).max(10_000),
      steps: Steps,
    }),
    z.strictObject({ ...base, type: z.literal('ai'), prompt: z.string().min(1).max(4000), model: z.string().max(200).optional() }),
    z.strictObject({ ...base, type: z.literal('notify'), title: z.string().min(1).max(200), message: z.string().max(4000), desktop: z.boolean().optional() }),
    z.strictObject({
      ...base,
      type: z.literal('export'),
      rows: RefPathSchema,
      format: z.enum(['csv', 'xlsx']),
      /** A file name (no folders); `{{…}}` placeholders allowed. The run id is added so nothing is overwritten. */
      filename: z.string().min(1).max(200),
      /** Overrides the export folder the owner chose in the app; must exist. */
      folder: z.string().min(1).max(1000).optional(),
      columns: z.array(z.string().min(1)).min(1).optional(),
    }),
    z.strictObject({
      ...base,
      type: z.literal('update'),
      object: z.string().min(1),
      /** Records of `object` from an earlier step (they must include the primary key)… */
      records: RefPathSchema.optional(),
      /** …or a filter that selects them. */
      where: z.record(z.string(), z.unknown()).optional(),
      set: z.record(z.string(), ValueSchema).refine((s) => Object.keys(s).length > 0, 'set at least one field'),
    }),
    z.strictObject({ ...base, type: z.literal('create'), object: z.string().min(1), values: z.record(z.string(), ValueSchema) }),
    z.strictObject({
      ...base,
      type: z.literal('http'),
      /** POSTed only when this URL's origin is allowed in the app's flow settings (off by default). */
      url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
      /** JSON body; strings may hold `{{…}}` placeholders and values may be `{ $ref: … }`. */
      body: z.unknown(),
    }),
  ]),
) as z.ZodType<Step>;

export const TriggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('manual') }),
  z.strictObject({
    type: z.literal('schedule'),
    /** Five or six fields (seconds optional), read in the workspace time zone unless `timezone` is given. */
    cron: z.string().min(1).max(200),
    timezone: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('change'),
    object: z.string().min(1),
    /** A field that grows when a record is inserted or changed (e.g. `updated_at`, or an id for inserts only). */
    watermark: z.string().min(1),
    /** Seconds between polls. */
    every: z.number().int().min(5).max(86_400).default(60),
    /** Records per run; more wait for the next poll. */
    batch: z.number().int().min(1).max(10_000).default(500),
  }),
]);
export type Trigger = z.output<typeof TriggerSchema>;

export const LimitsSchema = z.strictObject({
  /** Records the run may change (writes) — a larger batch stops the run before anything is written. */
  maxRecords: z.number().int().min(0).max(100_000).default(100),
  /** Wall-clock seconds the run may take; checked between steps and passed to each call as a timeout. */
  maxSeconds: z.number().int().min(1).max(3600).default(60),
});

export const FlowSchema = z.strictObject({
  name: z.string().regex(FLOW_NAME, 'must be snake_case: a lower-case letter, then lower-case letters, digits or "_"'),
  label: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  /** The workspace user the flow runs as (permissions and audit apply to them). */
  owner: z.string().min(1),
  trigger: TriggerSchema.default({ type: 'manual' }),
  /**
   * `writes` (default): a run that would write pauses for the owner's approval of its preview;
   * `never`: writes apply without a pause (still limited, audited and all-or-nothing).
   */
  approval: z.enum(['writes', 'never']).default('writes'),
  limits: LimitsSchema.default({ maxRecords: 100, maxSeconds: 60 }),
  enabled: z.boolean().default(true),
  steps: Steps,
});
export type FlowInput = z.input<typeof FlowSchema>;
export type FlowDefinition = z.output<typeof FlowSchema>;
