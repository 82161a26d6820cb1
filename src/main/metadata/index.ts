/**
 * The metadata area's public surface: load and watch a workspace, explain its datasource routing.
 * Workspace files themselves import the authoring API (`objectdesk` → ./authoring).
 */
export { loadWorkspace, WorkspaceLoader, CONFIG_FILE, type LoadResult, type LoaderOptions } from './loader';
export { watchWorkspace, type WorkspaceChangeEvent, type WatchOptions, type WorkspaceWatcher } from './watch';
export { explainRouting, resolveRouting, namespaceOf, ruleMatches, describeRule, type RoutingDecision, type RoutingExplanation, type RoutingSubject } from './routing';
export { WorkspaceNotFoundError, formatProblem, type Problem, type ProblemKind } from './problems';
export type { Workspace, LoadedObject, LoadedDatasource, Routing } from './workspace';
export type { ObjectDefinition } from './object';
export type { FieldDefinition, FieldType } from './field';
export type { DatasourceDefinition } from './datasource';
export type { PermissionSetDefinition, UserDefinition } from './security-config';
export type { WorkspaceConfig, MappingRule } from './workspace-config';
