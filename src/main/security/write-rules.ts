/**
 * Record rules applied to the VALUES a create or update writes, not only to the record it starts from:
 *
 * - the new record must lie inside the user's read rows AND the rows they may change with that
 *   operation: for an update the edit rows (`editRows`, the same rows the old-row guard uses); for a create
 *   the `edit`/`all` rules of the permission sets that grant `allowCreate` (see `createRows`) — nobody
 *   creates a record they could not then read and edit;
 * - every lookup the write sets (to a non-null value) must point at an existing record of the referenced
 *   object that the user can read (that object's read rules) — a missing and a hidden record get the same
 *   answer, so the refusal is no oracle for what exists.
 *
 * Each check is a filter on the object (lookup paths joined, rules re-rooted through the written lookup),
 * compiled by the engine against the full metadata (rules may name fields the user cannot read) and run
 * by the write path against the new row inside the write statement (objectql/write/new-row.ts).
 */
import type { LoadedObject, Workspace } from '../metadata';
import type { PermissionSetDefinition, UserDefinition } from '../metadata/security-config';
import type { Filter } from '../objectql/ast';
import type { ObjectAccess, RowFilter } from './access-scope';
import { rowCondition } from './apply-permissions';
import { PermissionDeniedError } from './errors';
import { substituteTokens } from './user-tokens';

export interface ValueCheck {
  /** A filter on the object, true for the new row when the check passes. */
  condition: Filter;
  /** The refusal when it fails: names the rule (its description), never data the user cannot read. */
  refusal: () => PermissionDeniedError;
}

/** A refused write because the new values break a record rule; audited as denied (`forbidden.record_rule`). */
export class RecordRuleDeniedError extends PermissionDeniedError {
  override readonly details = { code: 'record_rule' };
  constructor(message: string, override readonly path?: string) {
    super(message, 'user');
    this.name = 'RecordRuleDeniedError';
  }
}

interface Ctx {
  ws: Workspace;
  user: UserDefinition;
  /** The user's access to the object written (from the resolved AccessScope). */
  access: ObjectAccess;
  /** The user's read rows of another object (for lookups), `[]` when they cannot read it. */
  readRowsOf: (object: string) => RowFilter;
}

export function valueChecks(kind: 'create' | 'update', object: LoadedObject, values: Record<string, unknown>, ctx: Ctx): ValueCheck[] {
  const checks: ValueCheck[] = [];
  const verb = kind === 'create' ? 'create refused: the new record' : 'update refused: the changed record';
  const sides: Array<{ rows: RowFilter; op: 'read' | 'edit' | 'create' }> = [
    { rows: ctx.access.readRows, op: 'read' },
    kind === 'create' ? { rows: createRows(ctx, object.name), op: 'create' } : { rows: ctx.access.editRows, op: 'edit' },
  ];
  const seen = new Set<string>();
  for (const side of sides) {
    const condition = rowCondition(side.rows, object);
    if (!condition || seen.has(JSON.stringify(condition))) continue;
    seen.add(JSON.stringify(condition));
    const names = ruleNames(ctx, object.name, side.op);
    checks.push({
      condition,
      refusal: () =>
        new RecordRuleDeniedError(
          `${verb} of "${object.name}" would be outside your record rules${names.length ? ` (${names.join('; ')})` : ''}: ` +
            `you may ${side.op === 'read' ? 'only write records you can read' : kind === 'create' ? 'only create records inside them' : 'only change records within them'} — change the values, or ask an admin`,
        ),
    });
  }

  for (const [name, value] of Object.entries(values)) {
    const field = object.fields[name];
    if (field?.type !== 'lookup' || value === null || value === undefined) continue;
    const target = ctx.ws.objects.get(field.reference_to);
    if (!target) continue; // the workspace loader refuses lookups to unknown objects
    const key = field.reference_field ?? target.primaryKey[0];
    if (!key) throw new RecordRuleDeniedError(`${verb} cannot point "${name}" at a "${target.name}": that object has no key to check`, `values.${name}`);
    const path = `${name}.${key}`;
    const rows = ctx.readRowsOf(target.name);
    const exists: Filter = { [path]: { $null: false } };
    const readable: Filter | undefined = rows === 'all' ? undefined : rows.length === 0 ? { [path]: { $in: [] } } : either(rows.map((f) => prefixed(f, name)));
    checks.push({
      condition: readable ? { $and: [exists, readable] } : exists,
      refusal: () =>
        new RecordRuleDeniedError(
          `${verb} of "${object.name}" cannot point "${name}" at ${JSON.stringify(value)}: that is not a "${target.name}" record you can see — choose one you can read`,
          `values.${name}`,
        ),
    });
  }
  return checks;
}

/**
 * The rows a user may create: per permission set granting `allowCreate` on the object, every row
 * (`modifyAllRecords`, or no `edit`/`all` rule) or the OR of its `edit`/`all` rules; the sets OR-ed.
 * When the sets that grant create are exactly those that grant edit this is the scope's `editRows`
 * (which has `$user.subordinates` resolved). Otherwise the rules are resolved here, where
 * `$user.subordinates` is not known: such a rule grants nothing (fails closed, like any token without a
 * value) — grant allowEdit in the same set to use it.
 */
/** Create rules come from the scope, with every `$user.*` token (subordinates too) already resolved. */
export function createRows(ctx: Pick<Ctx, 'access'>, _object: string): RowFilter {
  return ctx.access.createRows;
}

/** Descriptions (or, without one, the `using` filter as written, with its `$user.*` tokens) of the rules on one side. */
function ruleNames(ctx: Pick<Ctx, 'ws' | 'user'>, object: string, op: 'read' | 'edit' | 'create'): string[] {
  const flag = op === 'read' ? 'allowRead' : op === 'edit' ? 'allowEdit' : 'allowCreate';
  const ops = op === 'read' ? ['read', 'all'] : ['edit', 'all'];
  const names = setsOf(ctx.ws, ctx.user)
    .filter((ps) => Object.hasOwn(ps.objects, object) && ps.objects[object]![flag])
    .flatMap((ps) => ps.recordRules.filter((r) => r.object === object && ops.includes(r.operation)))
    .map((r) => (r.description ? `"${r.description}"` : `the rule ${JSON.stringify(r.using)}`));
  return [...new Set(names)];
}

function setsOf(ws: Workspace, user: UserDefinition): PermissionSetDefinition[] {
  return user.permissionSets.map((n) => ws.permissionSets.get(n)).filter((ps): ps is PermissionSetDefinition => ps !== undefined);
}

function either(filters: Filter[]): Filter {
  return filters.length === 1 ? filters[0]! : { $or: filters };
}

/** A rule written for the referenced object, re-rooted at the lookup that reaches it. */
function prefixed(f: Filter, path: string): Filter {
  const out: Filter = {};
  for (const [k, v] of Object.entries(f)) {
    if (k === '$and' || k === '$or') out[k] = (v as Filter[]).map((x) => prefixed(x, path));
    else if (k === '$not') out.$not = prefixed(v as Filter, path);
    else out[`${path}.${k}`] = v as never;
  }
  return out;
}
