/**
 * Governed automations: flows defined as source (`*.flow.ts`), run as their owner through the API, with
 * dry-run, approval, limits and all-or-nothing writes. See docs/flows.md.
 */
export { Flow, defineFlow } from './authoring';
export { FlowSchema, type FlowDefinition, type FlowInput, type Step } from './schema';
export { loadFlows, listFlowFiles, type LoadedFlow, type FlowProblem, type FlowLoadResult } from './loader';
export { loadedFlows, forgetFlows } from './registry';
export { renderFlowFile, leadingComment, UnrenderableValueError } from './render';
export { saveFlow, isAdmin, FlowSaveError, FLOW_DIR, type SaveFlowRequest, type SaveFlowResult } from './writer';
export { FlowService, FlowAccessError, toDto, type FlowServiceOptions } from './service';
export { FlowScheduler, type SchedulerOptions, type TickReport } from './scheduler';
export { nextRuns, decideDue, occurrencesBetween } from './schedule';
export { FlowStore, FLOWS_AREA, FLOWS_MIGRATIONS } from './store';
export type { DesktopNotifier, FlowApi } from './runner/deps';
export { startFlowScheduler } from './host';
export { setDesktopNotifier } from './notifier';
