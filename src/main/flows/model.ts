/** The records the flows area keeps and answers with; shapes are declared once in the API contract. */
import type { ChangeSet, Effect, FlowSettings, InboxItemDto, Preview, RecordChange, RunDto, RunStatus, StepOutcome } from '../../shared/api/contract-flows';

export type RunRecord = Omit<RunDto, 'auditReason'>;
export type InboxItem = InboxItemDto;
export type { ChangeSet, Effect, FlowSettings, Preview, RecordChange, RunStatus, StepOutcome };

/** Every API call of a run carries this reason, so the audit log ties each read and write to the run. */
export function runReason(flow: string, runId: string): string {
  return `flow ${flow} run ${runId}`;
}
