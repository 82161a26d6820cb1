/**
 * Builds the Workspace from the evaluated files and runs the checks that span files: duplicate names,
 * column collisions, lookups, primary keys and title fields, datasources and routing. Pure and in-memory,
 * so it reruns in full after every change while only the changed files are re-read.
 */
import path from 'node:path';
import type { ParsedConfig } from './config-parse';
import type { FileResult } from './file-results';
import type { DatasourceDefinition } from './datasource';
import type { Problem } from './problems';
import { describeRule, resolveRouting } from './routing';
import { checkSecurity } from './security-checks';
import { hasUrlCredentials, lineOfKey, lineOfName } from './source-scan';
import type { LoadedDatasource, LoadedObject, Workspace } from './workspace';

export interface AssembleInput {
  root: string;
  configFile: string;
  config: ParsedConfig;
  configResult?: FileResult;
  datasourceFiles: FileResult[];
  objectFiles: FileResult[];
}

export function assembleWorkspace(input: AssembleInput): { workspace: Workspace; problems: Problem[] } {
  const { root, configFile } = input;
  const { config } = input.config;
  const problems: Problem[] = [];
  const sourceOf = new Map<string, () => string>();
  for (const r of [...(input.configResult ? [input.configResult] : []), ...input.datasourceFiles, ...input.objectFiles]) sourceOf.set(r.file, r.source);
  const src = (file: string) => sourceOf.get(file)?.() ?? '';
  const rel = (file: string) => path.relative(root, file) || file;

  // Datasources: from the config and from *.datasource.ts files; names are unique across both.
  const datasources = new Map<string, LoadedDatasource>();
  const addDatasource = (def: DatasourceDefinition, file: string) => {
    const existing = datasources.get(def.name);
    if (existing) {
      problems.push({
        kind: 'duplicate-datasource',
        file,
        line: lineOfName(src(file), def.name),
        message: `datasource "${def.name}" is defined twice, in ${rel(existing.file)} and ${rel(file)} — rename one or delete the copy`,
      });
      return;
    }
    datasources.set(def.name, { ...def, file } as LoadedDatasource);
    if (def.driver === 'mongodb' && hasUrlCredentials(def.config.url)) {
      problems.push({
        kind: 'credentials-in-url',
        file,
        line: lineOfKey(src(file), 'url', lineOfName(src(file), def.name)),
        path: 'config.url',
        message:
          `the connection URL of datasource "${def.name}" contains a user name and password — remove them from the URL ` +
          `(scheme://host/…) and set \`user\` plus \`password: secret('${def.name}')\` or \`password: process.env.<NAME>\``,
      });
    }
  };
  config.datasources.forEach((d) => addDatasource(d, configFile));
  for (const r of input.datasourceFiles) for (const d of r.datasources) addDatasource(d.definition, r.file);

  // Mapping rules: each must be able to match, must be reachable, and must name a datasource that exists.
  const rules = config.datasourceMapping;
  const firstDefault = rules.findIndex((r) => r.default);
  rules.forEach((rule, i) => {
    const at = { kind: 'mapping-rule', file: configFile, path: `datasourceMapping.${i}`, line: lineOfKey(src(configFile), 'datasourceMapping') } as const;
    const hasCriteria = rule.namespace !== undefined || rule.package !== undefined || rule.objectPattern !== undefined;
    if (rule.default && hasCriteria) {
      problems.push({ ...at, message: `rule ${describeRule(rule)} is a default rule with criteria — a default rule matches every object; remove namespace/package/objectPattern or remove "default: true"` });
    } else if (!rule.default && !hasCriteria) {
      problems.push({ ...at, message: `rule ${describeRule(rule)} has no criteria and can never match — add namespace, package or objectPattern, or make it the fallback with "default: true"` });
    }
    if (firstDefault >= 0 && i > firstDefault) {
      problems.push({ ...at, message: `rule ${describeRule(rule)} comes after the default rule datasourceMapping[${firstDefault}] and can never match — move the default rule to the end` });
    }
    if (!datasources.has(rule.datasource)) {
      problems.push({ ...at, kind: 'unknown-datasource', path: `datasourceMapping.${i}.datasource`, message: unknownDatasource(rule.datasource, datasources) });
    }
  });

  // Objects: unique names (first file in path order wins), routed to a datasource.
  const objects = new Map<string, LoadedObject>();
  for (const r of [...input.objectFiles].sort((a, b) => a.file.localeCompare(b.file))) {
    for (const { definition } of r.objects) {
      const existing = objects.get(definition.name);
      if (existing) {
        problems.push({
          kind: 'duplicate-object',
          file: r.file,
          object: definition.name,
          line: lineOfName(src(r.file), definition.name),
          path: 'name',
          message: `object "${definition.name}" is defined in both ${rel(existing.file)} and ${rel(r.file)} — rename one of them or delete the copy`,
        });
        continue;
      }
      const pkg = packageOf(root, r.file);
      const decision = resolveRouting({ ...definition, package: pkg }, rules);
      const objectLine = lineOfName(src(r.file), definition.name);
      if (decision.datasource === null) {
        if (input.config.mappingComplete) {
          problems.push({
            kind: 'unmatched-object',
            file: r.file,
            object: definition.name,
            line: objectLine,
            message: `${decision.reason} — set \`datasource\` on the object or add a rule to datasourceMapping (a \`{ default: true, datasource: '…' }\` rule catches everything else)`,
          });
        }
        continue;
      }
      if (decision.source === 'object' && !datasources.has(decision.datasource)) {
        problems.push({
          kind: 'unknown-datasource',
          file: r.file,
          object: definition.name,
          path: 'datasource',
          line: lineOfKey(src(r.file), 'datasource', objectLine ?? 1) ?? objectLine,
          message: unknownDatasource(decision.datasource, datasources),
        });
      }
      const loaded: LoadedObject = {
        ...definition,
        file: r.file,
        namespace: decision.namespace,
        datasource: decision.datasource,
        routing: { source: decision.source, ...(decision.ruleIndex !== undefined ? { ruleIndex: decision.ruleIndex } : {}), reason: decision.reason },
      };
      if (pkg !== undefined) loaded.package = pkg;
      objects.set(definition.name, loaded);
    }
  }

  // Objects that failed validation are reported once; references to them are not reported again.
  const broken = new Set(input.objectFiles.flatMap((r) => r.brokenObjects).filter((n) => !objects.has(n)));
  for (const o of objects.values()) problems.push(...checkObject(o, objects, datasources, src(o.file), broken));

  const workspace: Workspace = {
    root,
    name: config.name,
    timezone: config.timezone,
    config,
    objects,
    datasources,
    permissionSets: new Map(),
    users: new Map(),
  };
  problems.push(...checkSecurity(workspace, configFile, src(configFile), broken));
  return { workspace, problems };
}

function unknownDatasource(name: string, datasources: Map<string, LoadedDatasource>): string {
  const known = [...datasources.keys()];
  return `unknown datasource "${name}" — ${known.length ? `use one of: ${known.join(', ')}` : 'no datasource is defined'}, or define it in objectdesk.config.ts or a *.datasource.ts file`;
}

/** The folder of the file relative to the workspace, with "/" separators; undefined at the top level. */
export function packageOf(root: string, file: string): string | undefined {
  const dir = path.relative(root, path.dirname(file));
  return dir && !dir.startsWith('..') ? dir.split(path.sep).join('/') : undefined;
}

/** Checks inside one object that need the other objects: fields named by keys, lookups, column collisions. */
function checkObject(
  o: LoadedObject,
  objects: Map<string, LoadedObject>,
  datasources: Map<string, LoadedDatasource>,
  source: string,
  broken: ReadonlySet<string>,
): Problem[] {
  const problems: Problem[] = [];
  const objectLine = lineOfName(source, o.name);
  const at = (key: string, fieldPath: string) => ({ file: o.file, object: o.name, path: fieldPath, line: lineOfKey(source, key, objectLine ?? 1) ?? objectLine });
  const fieldNames = Object.keys(o.fields);

  o.primaryKey.forEach((k, i) => {
    if (!o.fields[k]) {
      problems.push({ kind: 'missing-field', ...at('primaryKey', Array.isArray(o.primaryKey) && o.primaryKey.length > 1 ? `primaryKey.${i}` : 'primaryKey'), message: `primaryKey names "${k}", which is not a field of "${o.name}" — use one of: ${fieldNames.join(', ')}` });
    }
  });
  if (o.titleField && !o.fields[o.titleField]) {
    problems.push({ kind: 'missing-field', ...at('titleField', 'titleField'), message: `titleField names "${o.titleField}", which is not a field of "${o.name}" — use one of: ${fieldNames.join(', ')}` });
  }

  // Two fields reading the same column would make rows ambiguous; SQLite and MySQL compare column names case-insensitively.
  const driver = datasources.get(o.datasource)?.driver;
  const fold = driver === 'sqlite' || driver === 'mysql' ? (s: string) => s.toLowerCase() : (s: string) => s;
  const byColumn = new Map<string, string>();
  for (const [name, f] of Object.entries(o.fields)) {
    const column = f.column ?? name;
    const other = byColumn.get(fold(column));
    if (other !== undefined) {
      problems.push({
        kind: 'duplicate-field',
        ...at(name, `fields.${name}`),
        message: `fields "${other}" and "${name}" both read column "${column}" — give one of them a different \`column\` or remove it`,
      });
    } else byColumn.set(fold(column), name);
  }

  for (const [name, f] of Object.entries(o.fields)) {
    if (f.type !== 'lookup') continue;
    const target = objects.get(f.reference_to);
    if (!target && broken.has(f.reference_to)) continue;
    if (!target) {
      problems.push({
        kind: 'missing-lookup-target',
        ...at(name, `fields.${name}.reference_to`),
        message: `lookup "${name}" references object "${f.reference_to}", which does not exist — create it or point reference_to at one of: ${[...objects.keys()].sort().join(', ')}`,
      });
      continue;
    }
    if (f.reference_field !== undefined && !target.fields[f.reference_field]) {
      problems.push({ kind: 'missing-field', ...at(name, `fields.${name}.reference_field`), message: `reference_field "${f.reference_field}" is not a field of "${target.name}" — use one of: ${Object.keys(target.fields).join(', ')}` });
    } else if (f.reference_field === undefined && target.primaryKey.length !== 1) {
      problems.push({
        kind: 'missing-field',
        ...at(name, `fields.${name}.reference_field`),
        message: `lookup "${name}" needs the field of "${target.name}" it matches: "${target.name}" has ${target.primaryKey.length ? 'a composite' : 'no'} primary key — set reference_field, or give "${target.name}" a single-field primaryKey`,
      });
    }
  }
  return problems;
}
