/**
 * Load-time checks of permission sets, users and the hierarchy: every object, field, field path, permission
 * set and `$user.*` token they name must exist. (Enforcement lives in src/main/security; a typo here would
 * otherwise silently grant or deny nothing.)
 */
import type { Problem } from './problems';
import type { PermissionSetDefinition, UserDefinition } from './security-config';
import { lineOfKey, lineOfName } from './source-scan';
import type { LoadedObject, Workspace } from './workspace';

/** The `$user.*` tokens a record rule may use, besides `$user.<attribute>` for attributes users declare. */
export const USER_TOKENS = ['id', 'name', 'email', 'externalId', 'subordinates'] as const;
const LOGICAL = new Set(['$and', '$or', '$nor']);

/** `broken`: names of objects that failed to load; references to them are not reported again. */
export function checkSecurity(workspace: Workspace, configFile: string, source: string, broken: ReadonlySet<string> = new Set()): Problem[] {
  const problems: Problem[] = [];
  const { config, objects } = workspace;
  const objectList = () => [...objects.keys()].sort().join(', ');
  const push = (p: Omit<Problem, 'file'>) => problems.push({ file: configFile, ...p });

  for (const [i, ps] of config.permissionSets.entries()) {
    const base = `permissionSets.${i}`;
    const psLine = lineOfName(source, ps.name);
    const line = (key: string) => lineOfKey(source, key, psLine ?? 1) ?? psLine;
    if (workspace.permissionSets.has(ps.name)) {
      push({ kind: 'duplicate-permission-set', line: psLine, path: `${base}.name`, message: `permission set "${ps.name}" is defined twice — rename or remove one` });
      continue;
    }
    workspace.permissionSets.set(ps.name, ps);
    for (const objectName of Object.keys(ps.objects)) {
      if (!objects.has(objectName) && !broken.has(objectName)) {
        push({ kind: 'unknown-permission-object', line: line(objectName), path: `${base}.objects.${objectName}`, message: `permission set "${ps.name}" grants on object "${objectName}", which does not exist — use one of: ${objectList()}` });
      }
    }
    for (const key of Object.keys(ps.fields)) {
      const [objectName, fieldName] = key.split('.');
      const object = objects.get(objectName);
      if (!object) {
        if (broken.has(objectName)) continue;
        push({ kind: 'unknown-permission-object', line: line(key), path: `${base}.fields.${key}`, message: `permission set "${ps.name}" sets field access on object "${objectName}", which does not exist — use one of: ${objectList()}` });
      } else if (!object.fields[fieldName]) {
        push({ kind: 'unknown-permission-field', line: line(key), path: `${base}.fields.${key}`, message: `permission set "${ps.name}" names field "${fieldName}", which "${objectName}" does not have — use one of: ${Object.keys(object.fields).join(', ')}` });
      }
    }
    ps.recordRules.forEach((rule, r) => {
      const rulePath = `${base}.recordRules.${r}`;
      const object = objects.get(rule.object);
      if (!object) {
        if (broken.has(rule.object)) return;
        push({ kind: 'unknown-permission-object', line: line('recordRules'), path: `${rulePath}.object`, message: `record rule of "${ps.name}" is on object "${rule.object}", which does not exist — use one of: ${objectList()}` });
        return;
      }
      for (const issue of checkFilter(rule.using, object, workspace, broken)) {
        push({ kind: issue.kind, line: line(issue.key) ?? line('recordRules'), path: `${rulePath}.using${issue.path ? `.${issue.path}` : ''}`, message: `record rule of "${ps.name}" on "${rule.object}": ${issue.message}` });
      }
    });
  }

  for (const [i, user] of config.users.entries()) {
    const userLine = lineOfName(source, user.name);
    if (workspace.users.has(user.name)) {
      push({ kind: 'duplicate-user', line: userLine, path: `users.${i}.name`, message: `user "${user.name}" is defined twice — rename or remove one` });
      continue;
    }
    workspace.users.set(user.name, user as UserDefinition);
    user.permissionSets.forEach((name, j) => {
      if (!workspace.permissionSets.has(name) && !config.permissionSets.some((p: PermissionSetDefinition) => p.name === name)) {
        push({
          kind: 'unknown-permission-set',
          line: lineOfKey(source, 'permissionSets', userLine ?? 1) ?? userLine,
          path: `users.${i}.permissionSets.${j}`,
          message: `user "${user.name}" has permission set "${name}", which does not exist — use one of: ${config.permissionSets.map((p) => p.name).join(', ') || '(none defined)'}`,
        });
      }
    });
  }
  if (config.defaultUser !== undefined && !workspace.users.has(config.defaultUser)) {
    push({ kind: 'unknown-user', line: lineOfKey(source, 'defaultUser'), path: 'defaultUser', message: `defaultUser "${config.defaultUser}" is not one of the workspace's users — use one of: ${[...workspace.users.keys()].join(', ') || '(none defined)'}` });
  }

  const h = config.hierarchy;
  if (h) {
    const line = lineOfKey(source, 'hierarchy');
    const object = objects.get(h.object);
    if (!object) {
      if (broken.has(h.object)) return problems;
      push({ kind: 'hierarchy', line, path: 'hierarchy.object', message: `hierarchy object "${h.object}" does not exist — use one of: ${objectList()}` });
    } else {
      const parent = object.fields[h.parentField];
      if (!parent || parent.type !== 'lookup' || parent.reference_to !== h.object) {
        push({
          kind: 'hierarchy',
          line,
          path: 'hierarchy.parentField',
          message: `hierarchy parentField "${h.parentField}" must be a lookup field of "${h.object}" that references "${h.object}" itself (e.g. reports_to: Field.lookup('${h.object}'))`,
        });
      }
    }
  }
  return problems;
}

interface FilterIssue {
  kind: Problem['kind'];
  /** The key of the filter the issue is at, to find its line. */
  key: string;
  path: string;
  message: string;
}

/** Walks an ObjectQL filter: field paths through lookups (`customer_id.support_rep_id`), operators, `$user.*` tokens. */
export function checkFilter(filter: Record<string, unknown>, object: LoadedObject, workspace: Workspace, broken: ReadonlySet<string> = new Set(), at = ''): FilterIssue[] {
  const issues: FilterIssue[] = [];
  const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
  for (const [key, value] of Object.entries(filter)) {
    if (LOGICAL.has(key) || key === '$not') {
      const list = key === '$not' ? [value] : Array.isArray(value) ? value : null;
      if (!list) {
        issues.push({ kind: 'invalid', key, path: join(at, key), message: `"${key}" takes a list of filters, e.g. { ${key}: [{ … }, { … }] }` });
        continue;
      }
      list.forEach((sub, i) => {
        if (sub && typeof sub === 'object' && !Array.isArray(sub)) issues.push(...checkFilter(sub as Record<string, unknown>, object, workspace, broken, join(at, key === '$not' ? key : `${key}.${i}`)));
        else issues.push({ kind: 'invalid', key, path: join(at, `${key}`), message: `each entry of "${key}" must be a filter object` });
      });
      continue;
    }
    if (key.startsWith('$')) {
      issues.push({ kind: 'invalid', key, path: join(at, key), message: `unknown logical operator "${key}" — use $and, $or, $nor or $not, or a field name` });
      continue;
    }
    const walk = walkFieldPath(key, object, workspace, broken);
    if (walk) issues.push({ kind: 'unknown-permission-field', key, path: join(at, key), message: walk });
    for (const token of tokensIn(value)) {
      const problem = checkToken(token, workspace);
      if (problem) issues.push({ kind: 'invalid', key, path: join(at, key), message: problem });
    }
  }
  return issues;
}

function walkFieldPath(fieldPath: string, start: LoadedObject, workspace: Workspace, broken: ReadonlySet<string>): string | undefined {
  const segments = fieldPath.split('.');
  let current = start;
  for (let i = 0; i < segments.length; i++) {
    const field = current.fields[segments[i]];
    if (!field) return `field path "${fieldPath}": "${current.name}" has no field "${segments[i]}" — use one of: ${Object.keys(current.fields).join(', ')}`;
    if (i === segments.length - 1) return undefined;
    if (field.type !== 'lookup') return `field path "${fieldPath}": "${segments[i]}" is not a lookup, so the path cannot continue past it — end the path there or follow a lookup field`;
    const next = workspace.objects.get(field.reference_to);
    if (!next && broken.has(field.reference_to)) return undefined;
    if (!next) return `field path "${fieldPath}": lookup "${segments[i]}" references missing object "${field.reference_to}"`;
    current = next;
  }
  return undefined;
}

function* tokensIn(value: unknown): Generator<string> {
  if (typeof value === 'string') {
    if (value.startsWith('$user.')) yield value;
  } else if (Array.isArray(value)) {
    for (const v of value) yield* tokensIn(v);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) yield* tokensIn(v);
  }
}

function checkToken(token: string, workspace: Workspace): string | undefined {
  const name = token.slice('$user.'.length);
  const attribute = name.startsWith('attributes.') ? name.slice('attributes.'.length) : name;
  if (name === 'subordinates' && !workspace.config.hierarchy) {
    return `"$user.subordinates" needs a hierarchy — add \`hierarchy: { object: 'employee', parentField: 'reports_to' }\` to the workspace config`;
  }
  if ((USER_TOKENS as readonly string[]).includes(name)) return undefined;
  const declared = workspace.config.users.some((u) => attribute in u.attributes);
  if (declared) return undefined;
  return `unknown token "${token}" — use $user.${USER_TOKENS.join(', $user.')}, or $user.<attribute> for an attribute the users declare`;
}
