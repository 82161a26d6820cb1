/**
 * API operations of flows (issue: Governed automations): list the workspace's flows with their next and
 * last runs, run one (or dry-run it), the run history with each step's outcome, the write preview awaiting
 * approval, approve / reject, the in-app inbox and the owner's flow settings. Merged into ./contract.ts.
 */
import { z } from 'zod';
import { query } from './operation';

const KeyValue = z.union([z.string(), z.number()]);

export const FlowProblemSchema = z.strictObject({
  kind: z.string(),
  file: z.string(),
  line: z.number().optional(),
  object: z.string().optional(),
  path: z.string().optional(),
  flow: z.string().optional(),
  step: z.string().optional(),
  message: z.string(),
});
export type FlowProblemDto = z.infer<typeof FlowProblemSchema>;

export const RUN_STATUSES = ['running', 'awaiting_approval', 'succeeded', 'failed', 'rejected', 'dry_run', 'missed'] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const StepOutcomeSchema = z.strictObject({
  /** Where the step sits in the flow: `steps.2.then.0`. */
  path: z.string(),
  id: z.string(),
  type: z.string(),
  /** `deferred`: a notify/export/http step waiting for the writes (or the approval) before it acts. */
  status: z.enum(['ok', 'failed', 'skipped', 'deferred', 'done']),
  /** The loop iteration (0-based) the step ran in, when inside a loop. */
  iteration: z.number().int().optional(),
  ms: z.number().optional(),
  /** JSON size in bytes of the step's resolved input and of its output. */
  inputSize: z.number().int().optional(),
  outputSize: z.number().int().optional(),
  /** Records the step read or would change. */
  rows: z.number().int().optional(),
  summary: z.string(),
  error: z.string().optional(),
  /** The API operation the step called (audited with the run's reason), e.g. `data.query`. */
  operation: z.string().optional(),
});
export type StepOutcome = z.infer<typeof StepOutcomeSchema>;

export const RecordChangeSchema = z.strictObject({
  key: z.record(z.string(), KeyValue).optional(),
  /** Current values of the fields that change (update only). */
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()),
  status: z.enum(['pending', 'unchanged', 'written', 'failed', 'undone', 'not_undone']),
  error: z.string().optional(),
});
export type RecordChange = z.infer<typeof RecordChangeSchema>;

export const ChangeSetSchema = z.strictObject({
  step: z.string(),
  path: z.string(),
  object: z.string(),
  kind: z.enum(['update', 'create']),
  records: z.array(RecordChangeSchema),
});
export type ChangeSet = z.infer<typeof ChangeSetSchema>;

export const EffectSchema = z.strictObject({
  step: z.string(),
  path: z.string(),
  type: z.enum(['notify', 'export', 'http']),
  /** What it will do, in one line: "notify: 3 invoices…", "export 12 rows to …/top.csv", "POST … (312 bytes)". */
  summary: z.string(),
  payload: z.unknown(),
  status: z.enum(['pending', 'done', 'failed', 'skipped']),
  result: z.string().optional(),
});
export type Effect = z.infer<typeof EffectSchema>;

export const PreviewSchema = z.strictObject({
  changes: z.array(ChangeSetSchema),
  effects: z.array(EffectSchema),
  /** Records that would change (unchanged ones excluded). */
  recordCount: z.number().int(),
});
export type Preview = z.infer<typeof PreviewSchema>;

export const RunSchema = z.strictObject({
  id: z.string(),
  flow: z.string(),
  owner: z.string(),
  requestedBy: z.string(),
  trigger: z.enum(['manual', 'schedule', 'change']),
  status: RunStatusSchema,
  dryRun: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  steps: z.array(StepOutcomeSchema),
  preview: PreviewSchema.optional(),
  triggerInfo: z.record(z.string(), z.unknown()).optional(),
  /** The reason every call of this run is audited with (filter the audit log by it). */
  auditReason: z.string(),
});
export type RunDto = z.infer<typeof RunSchema>;

export const FlowSummarySchema = z.strictObject({
  name: z.string(),
  label: z.string(),
  description: z.string().optional(),
  file: z.string(),
  line: z.number().optional(),
  owner: z.string(),
  trigger: z.strictObject({
    type: z.enum(['manual', 'schedule', 'change']),
    cron: z.string().optional(),
    timezone: z.string().optional(),
    object: z.string().optional(),
    watermark: z.string().optional(),
    every: z.number().optional(),
  }),
  approval: z.enum(['writes', 'never']),
  limits: z.strictObject({ maxRecords: z.number().int(), maxSeconds: z.number().int() }),
  enabled: z.boolean(),
  steps: z.array(z.strictObject({ path: z.string(), id: z.string(), type: z.string(), label: z.string().optional(), depth: z.number().int() })),
  writes: z.boolean(),
  nextRun: z.string().optional(),
  lastRun: z.strictObject({ id: z.string(), status: RunStatusSchema, startedAt: z.string(), finishedAt: z.string().optional() }).optional(),
  /** Runs waiting for the owner's approval. */
  pending: z.number().int(),
  problems: z.array(FlowProblemSchema),
  /** The caller is the owner (only the owner runs, approves and sees the runs of a flow). */
  mine: z.boolean(),
});
export type FlowSummary = z.infer<typeof FlowSummarySchema>;

export const InboxItemSchema = z.strictObject({
  id: z.string(),
  user: z.string(),
  flow: z.string(),
  runId: z.string().optional(),
  title: z.string(),
  message: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
export type InboxItemDto = z.infer<typeof InboxItemSchema>;

export const FlowSettingsSchema = z.strictObject({
  /** Where export steps write unless a step names its own folder; must exist. */
  exportFolder: z.string().max(1000).optional(),
  /** Origins (`https://hooks.example.com`) that http steps of this user's flows may POST to. Empty = http off. */
  httpAllowed: z.array(z.string().max(500)).max(50),
});
export type FlowSettings = z.infer<typeof FlowSettingsSchema>;

const FlowName = z.string().min(1).max(200);
const RunId = z.string().min(1).max(100);

/**
 * A flow definition as the editor sends it: checked on the server by the flow loader's own strict schema and
 * reference checks (see docs/flows.md), which name every problem with its step and key.
 */
export const FlowDefinitionInputSchema = z.record(z.string(), z.unknown());
export type FlowDefinitionInput = z.infer<typeof FlowDefinitionInputSchema>;

export const flowOperations = {
  'flows.list': query(
    "The workspace's flows with trigger, owner, next and last run, pending approvals and load problems.",
    z.strictObject({}),
    z.strictObject({ flows: z.array(FlowSummarySchema), problems: z.array(FlowProblemSchema) }),
  ),
  'flows.run': query(
    "Runs a flow now as its owner (owner only). With dryRun, nothing is written or sent: the answer's preview shows exactly which records would change and how. A run with writes pauses for approval unless the flow says approval: 'never'.",
    z.strictObject({ flow: FlowName, dryRun: z.boolean().default(false) }),
    RunSchema,
  ),
  'flows.runs': query(
    "Run history of the caller's flows (newest first), each with its steps' outcomes.",
    z.strictObject({ flow: FlowName.optional(), status: RunStatusSchema.optional(), limit: z.number().int().min(1).max(500).default(50) }),
    z.strictObject({ runs: z.array(RunSchema) }),
  ),
  'flows.preview': query('One run of the caller\'s flows with its steps and its write preview.', z.strictObject({ runId: RunId }), RunSchema),
  'flows.approve': query('Approves a run awaiting approval (its owner only) and applies its preview: all writes or none, then its notifications and exports.', z.strictObject({ runId: RunId }), RunSchema),
  'flows.reject': query('Rejects a run awaiting approval (its owner only): nothing is written or sent.', z.strictObject({ runId: RunId, reason: z.string().max(500).optional() }), RunSchema),
  'flows.settings.get': query("The caller's flow settings: export folder and allowed http targets.", z.strictObject({}), FlowSettingsSchema),
  'flows.settings.set': query("Changes the caller's flow settings.", FlowSettingsSchema.partial(), FlowSettingsSchema),
  'flows.get': query(
    'The definition of one flow, as the step editor edits it (its owner or an admin).',
    z.strictObject({ flow: FlowName }),
    z.strictObject({ name: z.string(), file: z.string(), definition: FlowDefinitionInputSchema, problems: z.array(FlowProblemSchema) }),
  ),
  'flows.save': query(
    "Writes a flow as a formatted *.flow.ts file (new: flows/<name>.flow.ts; edit: give its file). Owner or admin only; a non-admin saves only flows they own. The rendered file is loaded by the flow loader first: a flow with problems is refused with them (error details: { problems }) and nothing is written. validateOnly checks without writing.",
    z.strictObject({ file: z.string().min(1).max(1000).optional(), definition: FlowDefinitionInputSchema, validateOnly: z.boolean().default(false) }),
    z.strictObject({ name: z.string(), file: z.string(), created: z.boolean(), written: z.boolean() }),
  ),
  'flows.nextRuns': query(
    'The next times a cron schedule fires, in the given time zone (default: the workspace\'s) — the editor\'s preview.',
    z.strictObject({ cron: z.string().min(1).max(200), timezone: z.string().min(1).max(100).optional(), count: z.number().int().min(1).max(20).default(5) }),
    z.strictObject({ timezone: z.string(), runs: z.array(z.string()) }),
  ),
  'inbox.list': query(
    "The caller's in-app inbox: flow notifications, approvals to give and missed scheduled runs.",
    z.strictObject({ unreadOnly: z.boolean().default(false), limit: z.number().int().min(1).max(500).default(100) }),
    z.strictObject({ items: z.array(InboxItemSchema), unread: z.number().int() }),
  ),
  'inbox.markRead': query('Marks inbox items (or all, when none are named) as read.', z.strictObject({ ids: z.array(z.string().max(100)).max(500).optional() }), z.strictObject({ marked: z.number().int() })),
} as const;
