/**
 * Validates `objectdesk.config.ts` section by section, so one bad datasource or user does not hide the rest:
 * every valid entry is kept (and the other checks still run against it), every invalid one becomes problems.
 */
import path from 'node:path';
import { z } from 'zod';
import { issuesFromZod } from './authoring';
import { DatasourceSchema } from './datasource';
import { problemsFromIssues } from './file-results';
import type { Problem } from './problems';
import { PermissionSetSchema, UserSchema } from './security-config';
import { MappingRuleSchema, WorkspaceConfigSchema, type WorkspaceConfig } from './workspace-config';

const SECTIONS = {
  datasources: { schema: DatasourceSchema, kind: 'datasource' },
  datasourceMapping: { schema: MappingRuleSchema, kind: 'workspace' },
  permissionSets: { schema: PermissionSetSchema, kind: 'permissionSet' },
  users: { schema: UserSchema, kind: 'user' },
} as const;
type Section = keyof typeof SECTIONS;

export interface ParsedConfig {
  config: WorkspaceConfig;
  problems: Problem[];
  /** False when a mapping rule was invalid: then "matches no rule" would be noise, so it is not reported. */
  mappingComplete: boolean;
}

export function parseWorkspaceConfig(raw: unknown, file: string, source: () => string, root: string): ParsedConfig {
  const problems: Problem[] = [];
  const fallbackName = path.basename(root);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    if (raw !== undefined) {
      problems.push({ kind: 'invalid', file, message: 'the default export must be the workspace object — `export default defineWorkspace({ name: "…" })`' });
    }
    return { config: WorkspaceConfigSchema.parse({ name: fallbackName }), problems, mappingComplete: true };
  }
  const input = { ...(raw as Record<string, unknown>) };
  const kept: Partial<Record<Section, unknown[]>> = {};
  let mappingComplete = true;
  for (const section of Object.keys(SECTIONS) as Section[]) {
    const value = input[section];
    if (value === undefined) continue;
    if (!Array.isArray(value)) continue; // left in place: the whole-config parse below reports it
    const { schema, kind } = SECTIONS[section];
    kept[section] = [];
    value.forEach((entry, i) => {
      const r = (schema as z.ZodType).safeParse(entry);
      if (r.success) {
        kept[section]!.push(r.data);
        return;
      }
      if (section === 'datasourceMapping') mappingComplete = false;
      const name = entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string' ? (entry as { name: string }).name : undefined;
      problems.push(...problemsFromIssues(issuesFromZod(r.error), file, name, kind, source, `${section}.${i}`));
    });
    input[section] = [];
  }
  const rest = WorkspaceConfigSchema.safeParse(input);
  let config: WorkspaceConfig;
  if (rest.success) {
    config = rest.data;
  } else {
    problems.push(...problemsFromIssues(issuesFromZod(rest.error), file, undefined, 'workspace', source));
    // Keep what is valid of the top level so the other checks still run.
    const salvage: Record<string, unknown> = { name: fallbackName };
    for (const [k, v] of Object.entries(input)) {
      if (!(k in WorkspaceConfigSchema.shape)) continue;
      const probe = WorkspaceConfigSchema.safeParse({ name: fallbackName, [k]: v });
      if (probe.success) salvage[k] = v;
    }
    config = WorkspaceConfigSchema.parse(salvage);
  }
  for (const section of Object.keys(kept) as Section[]) (config as Record<Section, unknown[]>)[section] = kept[section]!;
  return { config, problems, mappingComplete };
}
