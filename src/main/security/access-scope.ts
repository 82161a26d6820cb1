/**
 * A user's access scope: the union of their permission sets, resolved against the workspace metadata.
 *
 * - Object access is granted if ANY of the user's sets grants it (`allowRead`, `allowCreate`, …).
 * - A field is readable if some set that grants read on its object does not hide it; editable if some set
 *   that grants create or edit leaves it editable (and it is readable). No entry in `fields` = allowed.
 * - Rows: a set that grants read contributes every row (`viewAllRecords`/`modifyAllRecords`, or no read
 *   rule on the object) or the OR of its `read`/`all` rules; the sets' contributions are OR-ed. Edit and
 *   delete work the same with `edit`/`delete`/`all` rules and `modifyAllRecords`, and are always AND-ed
 *   with the read rows: nobody changes a record they cannot see.
 * - Fail closed where reading would leak: a lookup to an object the user cannot read is hidden, and an
 *   object whose primary key (or, without one, any field) is hidden cannot be read at all — keyset paging
 *   and tie-breaking sort by those columns and would carry their values in cursors.
 */
import type { Filter } from '../objectql/ast';
import type { Workspace } from '../metadata';
import type { PermissionSetDefinition, UserDefinition } from '../metadata/security-config';
import { substituteTokens, usesToken, type UserValues } from './user-tokens';

/** 'all' = no restriction; a list = the rows matching ANY of the filters (an empty list = no row). */
export type RowFilter = 'all' | Filter[];

export interface ObjectAccess {
  read: boolean;
  create: boolean;
  edit: boolean;
  delete: boolean;
  readable: ReadonlySet<string>;
  editable: ReadonlySet<string>;
  readRows: RowFilter;
  editRows: RowFilter;
  deleteRows: RowFilter;
  /** Rows a new record may land in: the edit rules of the sets that grant create. */
  createRows: RowFilter;
}

export class AccessScope {
  constructor(
    readonly user: UserDefinition,
    /** The single owner of a workspace that declares no users. */
    readonly owner: boolean,
    private readonly objects: ReadonlyMap<string, ObjectAccess>,
  ) {}

  /** Undefined when the user cannot read the object (it does not exist for them). */
  object(name: string): ObjectAccess | undefined {
    const a = this.objects.get(name);
    return a?.read ? a : undefined;
  }

  readableObjects(): string[] {
    return [...this.objects.entries()].filter(([, a]) => a.read).map(([n]) => n);
  }
}

/** Whether computing this user's scope needs `$user.subordinates` (read from the hierarchy). */
export function needsSubordinates(ws: Workspace, user: UserDefinition): boolean {
  return setsOf(ws, user).some((ps) => ps.recordRules.some((r) => usesToken(r.using, '$user.subordinates')));
}

export function ownerScope(ws: Workspace, user: UserDefinition): AccessScope {
  const objects = new Map<string, ObjectAccess>();
  for (const [name, o] of ws.objects) {
    const fields = new Set(Object.keys(o.fields));
    objects.set(name, { read: true, create: false, edit: false, delete: false, readable: fields, editable: new Set(), readRows: 'all', editRows: [], deleteRows: [], createRows: [] });
  }
  return new AccessScope(user, true, objects);
}

export function buildScope(ws: Workspace, user: UserDefinition, subordinates?: readonly (string | number)[]): AccessScope {
  const sets = setsOf(ws, user);
  const values: UserValues = { user, subordinates };
  const objects = new Map<string, ObjectAccess>();
  for (const [name, o] of ws.objects) {
    const grants = sets.filter((ps) => Object.hasOwn(ps.objects, name));
    const perm = (ps: PermissionSetDefinition) => ps.objects[name]!;
    const readers = grants.filter((ps) => perm(ps).allowRead);
    const writers = grants.filter((ps) => perm(ps).allowCreate || perm(ps).allowEdit);
    const fieldPerm = (ps: PermissionSetDefinition, f: string) => (Object.hasOwn(ps.fields, `${name}.${f}`) ? ps.fields[`${name}.${f}`] : undefined);
    const readable = new Set(Object.keys(o.fields).filter((f) => readers.some((ps) => fieldPerm(ps, f)?.readable ?? true)));
    const editable = new Set([...readable].filter((f) => writers.some((ps) => fieldPerm(ps, f)?.editable ?? true)));
    const rules = (ps: PermissionSetDefinition, ops: string[]): Filter[] | 'none' => {
      const mine = ps.recordRules.filter((r) => r.object === name && ops.includes(r.operation));
      if (mine.length === 0) return 'none';
      return mine.map((r) => substituteTokens(r.using, values)).filter((f): f is Filter => f !== null);
    };
    const union = (contributions: RowFilter[]): RowFilter => (contributions.includes('all') ? 'all' : (contributions as Filter[][]).flat());
    const readRows = union(readers.map((ps) => {
      if (perm(ps).viewAllRecords || perm(ps).modifyAllRecords) return 'all';
      const r = rules(ps, ['read', 'all']);
      return r === 'none' ? 'all' : r;
    }));
    const changeRows = (flag: 'allowEdit' | 'allowDelete' | 'allowCreate', op: 'edit' | 'delete'): RowFilter =>
      union(grants.filter((ps) => perm(ps)[flag]).map((ps) => {
        if (perm(ps).modifyAllRecords) return 'all';
        const r = rules(ps, [op, 'all']);
        return r === 'none' ? 'all' : r;
      }));
    objects.set(name, {
      read: readers.length > 0,
      create: grants.some((ps) => perm(ps).allowCreate),
      edit: grants.some((ps) => perm(ps).allowEdit),
      delete: grants.some((ps) => perm(ps).allowDelete),
      readable,
      editable,
      readRows,
      editRows: changeRows('allowEdit', 'edit'),
      deleteRows: changeRows('allowDelete', 'delete'),
      createRows: changeRows('allowCreate', 'edit'),
    });
  }
  hideUnreachable(ws, objects);
  return new AccessScope(user, false, objects);
}

/** Lookups to unreadable objects disappear; objects whose key is hidden become unreadable — to a fixpoint. */
function hideUnreachable(ws: Workspace, objects: Map<string, ObjectAccess>): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, a] of objects) {
      if (!a.read) continue;
      const o = ws.objects.get(name)!;
      const readable = new Set(a.readable);
      const editable = new Set(a.editable);
      for (const f of [...readable]) {
        const def = o.fields[f]!;
        if (def.type === 'lookup' && !objects.get(def.reference_to)?.read) {
          readable.delete(f);
          editable.delete(f);
        }
      }
      const key = o.primaryKey.length > 0 ? o.primaryKey : Object.keys(o.fields);
      const read = key.every((f) => readable.has(f));
      if (read !== a.read || readable.size !== a.readable.size) {
        objects.set(name, { ...a, read, readable, editable, ...(read ? {} : { create: false, edit: false, delete: false }) });
        changed = true;
      }
    }
  }
}

function setsOf(ws: Workspace, user: UserDefinition): PermissionSetDefinition[] {
  return user.permissionSets.map((n) => ws.permissionSets.get(n)).filter((ps): ps is PermissionSetDefinition => ps !== undefined);
}
