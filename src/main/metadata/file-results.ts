/**
 * One workspace file, evaluated: the definitions it exports and the problems found while evaluating it.
 * These results are cached per file by the loader, so a change re-reads only the changed file.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { definitionKindOf, issuesFromZod, type DefinitionError, type DefinitionIssue } from './authoring';
import { DatasourceSchema, type DatasourceDefinition } from './datasource';
import { FIELD_TYPES } from './field';
import type { ModuleLoader } from './module-loader';
import { ObjectSchemaDef, normaliseObject, type ObjectDefinition } from './object';
import type { Problem } from './problems';
import { findLiteralPasswords, lineOfKey, lineOfName } from './source-scan';

export type FileRole = 'config' | 'object' | 'datasource';

export interface FileResult {
  file: string;
  role: FileRole;
  objects: Array<{ definition: ObjectDefinition; line?: number }>;
  datasources: Array<{ definition: DatasourceDefinition; line?: number }>;
  /** The config file's default export, as written (re-validated section by section when assembling). */
  config?: unknown;
  problems: Problem[];
  /** Names of objects this file defines that failed validation (so references to them are not reported twice). */
  brokenObjects: string[];
  /** Source text, read lazily: only files with problems or secrets to scan need it. */
  source(): string;
}

export async function evaluateFile(loader: ModuleLoader, file: string, role: FileRole): Promise<FileResult> {
  let text: string | undefined;
  const source = () => (text ??= safeRead(file));
  const result: FileResult = { file, role, objects: [], datasources: [], problems: [], brokenObjects: [], source };
  const evaluated = await loader.evaluate(file);

  if (role !== 'object') {
    for (const s of findLiteralPasswords(source())) {
      result.problems.push({
        kind: 'literal-password',
        file,
        line: s.line,
        path: s.key,
        message:
          `a literal password is written in this file — never put secrets in workspace files; use ` +
          `\`${s.key}: secret('<name>')\` (stored in the OS keychain: \`objectdesk secret set <name>\`) or ` +
          `\`${s.key}: process.env.<NAME>\` instead`,
      });
    }
  }

  for (const error of evaluated.definitionErrors) {
    // The config is re-validated section by section during assembly, with better paths.
    if (role === 'config' && error.kind === 'workspace') continue;
    result.problems.push(...problemsFromIssues(error.issues, file, error.definitionName, error.kind, source));
    if (error.kind === 'object' && error.definitionName) result.brokenObjects.push(error.definitionName);
  }
  if (!evaluated.ok) {
    result.problems.push({ kind: evaluated.kind, file, line: evaluated.line, message: evaluated.message });
    return result;
  }

  const seen = new Set<unknown>();
  for (const [exportName, value] of Object.entries(evaluated.exports)) {
    if (!value || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (role === 'config') {
      // Even when defineWorkspace() failed: the config is re-validated section by section when assembling.
      if (exportName === 'default') result.config = value;
      continue;
    }
    const kind = definitionKindOf(value);
    if (kind === 'invalid') continue; // already reported through definitionErrors
    if (role === 'object' && (kind === 'object' || (kind === undefined && looksLike(value, 'fields')))) {
      if (kind === 'object') result.objects.push({ definition: value as ObjectDefinition });
      else {
        const parsed = validateLoose(ObjectSchemaDef, value, 'object', file, source, result.problems);
        if (parsed) result.objects.push({ definition: normaliseObject(parsed) });
        else result.brokenObjects.push((value as { name: string }).name);
      }
    } else if (role === 'datasource' && (kind === 'datasource' || (kind === undefined && looksLike(value, 'driver')))) {
      const definition = kind === 'datasource' ? (value as DatasourceDefinition) : validateLoose(DatasourceSchema, value, 'datasource', file, source, result.problems);
      if (definition) result.datasources.push({ definition });
    }
  }

  if (role === 'config' && result.config === undefined) {
    result.problems.push({
      kind: 'invalid',
      file,
      message: 'objectdesk.config.ts has no default export — end it with `export default defineWorkspace({ name: "…" })`',
    });
  }
  if (role === 'object' && result.objects.length === 0 && result.problems.length === 0) {
    result.problems.push({
      kind: 'invalid',
      file,
      message: 'this object file exports no object — export the result of ObjectSchema.create({ … }), e.g. `export const Account = ObjectSchema.create({ … })`',
    });
  }
  if (role === 'datasource' && result.datasources.length === 0 && result.problems.length === 0) {
    result.problems.push({
      kind: 'invalid',
      file,
      message: 'this datasource file exports no datasource — `export default Datasource.create({ name, driver, config })`',
    });
  }
  return result;
}

function looksLike(value: object, key: string): boolean {
  return !Array.isArray(value) && typeof (value as { name?: unknown }).name === 'string' && key in value;
}

/** Plain object literals (not made by the helpers) are validated here with the same schemas. */
function validateLoose<S extends z.ZodType>(
  schema: S,
  value: unknown,
  kind: DefinitionError['kind'],
  file: string,
  source: () => string,
  problems: Problem[],
): z.output<S> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  problems.push(...problemsFromIssues(issuesFromZod(r.error), file, (value as { name?: string }).name, kind, source));
  return undefined;
}

/** Turns a definition's schema issues into problems with a kind, a line and a sentence on how to fix them. */
export function problemsFromIssues(
  issues: DefinitionIssue[],
  file: string,
  definitionName: string | undefined,
  definitionKind: DefinitionError['kind'],
  source: () => string,
  pathPrefix = '',
): Problem[] {
  const startLine = definitionName ? lineOfName(source(), definitionName) : undefined;
  return issues.map((issue) => {
    const path = pathPrefix && issue.path ? `${pathPrefix}.${issue.path}` : pathPrefix || issue.path;
    const problem: Problem = { kind: classify(issue), file, path: path || undefined, message: explain(issue, definitionKind) };
    if (definitionKind === 'object' && definitionName) problem.object = definitionName;
    const line = lineOfPath(source(), issue.path, startLine);
    if (line ?? startLine) problem.line = line ?? startLine;
    return problem;
  });
}

function classify(issue: DefinitionIssue): Problem['kind'] {
  if (issue.code === 'unrecognized_keys') return 'unknown-key';
  if (issue.code === 'invalid_key') return 'bad-name';
  if (issue.code === 'invalid_format' && (issue.path === 'name' || issue.path.endsWith('.name') || issue.path === 'namespace')) return 'bad-name';
  return 'invalid';
}

function explain(issue: DefinitionIssue, kind: DefinitionError['kind']): string {
  if (issue.code === 'unrecognized_keys' || issue.code === 'invalid_key') return issue.message;
  if (issue.code === 'invalid_discriminator') {
    if (issue.path.endsWith('type')) return `unknown field type — use one of: ${FIELD_TYPES.join(', ')}`;
    return `unknown driver — use one of: sqlite, postgres, mysql, mongodb`;
  }
  const name = issue.path.split('.').pop() ?? '';
  if (issue.code === 'invalid_format' && (name === 'name' || name === 'namespace' || name === 'reference_to')) {
    return `bad ${kind === 'object' && name === 'name' ? 'object name' : name}: ${issue.message} — rename it`;
  }
  return `${issue.message} — fix the value of "${issue.path || '(root)'}"`;
}

function lineOfPath(source: string, path: string, fromLine: number | undefined): number | undefined {
  let line = fromLine;
  let found: number | undefined;
  for (const segment of path.split('.')) {
    if (!segment || /^\d+$/.test(segment)) continue;
    const next = lineOfKey(source, segment, line ?? 1);
    if (next === undefined) break;
    found = line = next;
  }
  return found;
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
