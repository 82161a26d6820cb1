/**
 * The loaded workspace: what the rest of the engine reads. Built by the loader from the workspace's files;
 * every object already carries its resolved namespace, package and datasource (with the reason why).
 */
import type { DatasourceDefinition } from './datasource';
import type { ObjectDefinition } from './object';
import type { PermissionSetDefinition, UserDefinition } from './security-config';
import type { WorkspaceConfig } from './workspace-config';

export interface Routing {
  /** `object`: its own `datasource` key; `rule`: a mapping rule; `default`: the `default: true` rule. */
  source: 'object' | 'rule' | 'default';
  ruleIndex?: number;
  reason: string;
}

export interface LoadedObject extends ObjectDefinition {
  /** Absolute path of the *.object.ts the object was exported from. */
  file: string;
  /** Sub-folder of the workspace the file lives in (`chinook`, `sales/emea`); absent at the top level. */
  package?: string;
  /** Declared, or the part of the name before the first "_" ('' when the name has none). */
  namespace: string;
  datasource: string;
  routing: Routing;
}

export type LoadedDatasource = DatasourceDefinition & { file: string };

export interface Workspace {
  root: string;
  name: string;
  timezone: string;
  config: WorkspaceConfig;
  objects: Map<string, LoadedObject>;
  datasources: Map<string, LoadedDatasource>;
  permissionSets: Map<string, PermissionSetDefinition>;
  users: Map<string, UserDefinition>;
}
