/**
 * The permission step of the engine (validate → applyPermissions → validate again and bind). It receives a
 * query already validated against the user's view of the metadata (so every field it names is readable)
 * and returns the query that will run:
 *
 * - the object's read rules AND-ed into `where`, so they are pushed down like any filter and every
 *   aggregate (count, sum, group) only sees rows the user could list;
 * - every lookup the query follows (fields, filters, sorts, groups, aggregates, expansions) obeys the
 *   related object's own read rules, as `lookupWhere`: a related record hidden from the user reads as no
 *   record — its fields and expansion are null, filters see no value, sorts and groups see NULL — while the
 *   row itself stays, so a count through a lookup equals the rows the user can list. The related record is
 *   never shown or usable as a filter;
 * - the implicit parts made explicit (`fields`, `expand.fields`, `search` as a filter over the readable
 *   searchable fields), because the second pass binds against the full metadata so that rules can name
 *   fields the user cannot read.
 */
import type { Expand, Filter, Query } from '../objectql/ast';
import type { ObjectResolver, QueryObjectDef } from '../objectql/ir';
import { kindOfFieldType } from '../objectql/values';
import type { Workspace } from '../metadata';
import type { AccessScope, RowFilter } from './access-scope';

export interface PermissionContext {
  ws: Workspace;
  scope: AccessScope;
  /** The user's view (scopedResolver). */
  resolve: ObjectResolver;
}

export function applyPermissions(ast: Query, ctx: PermissionContext): Query {
  const root = ctx.resolve(ast.object);
  // The first pass already refused an object the user cannot read; this guards a misuse of the hook.
  if (!root) throw new Error(`applyPermissions: object "${ast.object}" is not readable`);
  const out: Query = { ...ast };
  const aggregate = ast.aggregations !== undefined || ast.groupBy !== undefined;
  if (!aggregate && out.fields === undefined) out.fields = Object.keys(root.fields);
  if (out.expand) out.expand = explicitExpand(out.expand, root, ctx.resolve);

  const conditions: Filter[] = [];
  if (out.search !== undefined) {
    const s = searchFilter(out.search, root);
    if (s) conditions.push(s);
    delete out.search;
  }

  const lookupWhere: Record<string, Filter> = {};
  for (const path of lookupPaths(ast, aggregate)) {
    const target = targetOf(ast.object, path, ctx.ws);
    if (!target) continue;
    const rule = rowCondition(ctx.scope.object(target.name)?.readRows ?? [], target);
    if (rule) lookupWhere[path] = rule;
  }
  if (Object.keys(lookupWhere).length > 0) out.lookupWhere = lookupWhere;
  const own = rowCondition(ctx.scope.object(ast.object)?.readRows ?? [], root);
  if (own) conditions.push(own);

  if (conditions.length > 0) out.where = { $and: [...(ast.where ? [ast.where] : []), ...conditions] };
  return out;
}

/** The filter for a RowFilter on `object` itself; undefined for 'all'. */
export function rowCondition(rows: RowFilter, object: QueryObjectDef): Filter | undefined {
  if (rows === 'all') return undefined;
  if (rows.length === 0) return nothing(object);
  return rows.length === 1 ? rows[0] : { $or: rows };
}

/** A filter no row matches (`key IN ()`), for a user granted the object but none of its rows. */
export function nothing(object: QueryObjectDef): Filter {
  const key = object.primaryKey[0] ?? Object.keys(object.fields)[0]!;
  return { [key]: { $in: [] } };
}

function searchFilter(text: string, root: QueryObjectDef): Filter | undefined {
  const terms = text.split(/\s+/).filter(Boolean);
  if (terms.length === 0) return undefined;
  // The same fields validate.ts searches — of the user's view, so a hidden field is never searched.
  const fields = Object.entries(root.fields)
    .filter(([, f]) => kindOfFieldType(f) === 'text' && f.type !== 'select' && f.searchable !== false)
    .map(([n]) => n);
  const perTerm = terms.map((t): Filter => ({ $or: fields.map((f) => ({ [f]: { $icontains: t } })) }));
  return perTerm.length === 1 ? perTerm[0] : { $and: perTerm };
}

function explicitExpand(spec: Record<string, Expand>, object: QueryObjectDef, resolve: ObjectResolver): Record<string, Expand> {
  const out: Record<string, Expand> = {};
  for (const [name, sub] of Object.entries(spec)) {
    const field = object.fields[name];
    const target = field?.type === 'lookup' ? resolve(field.reference_to) : undefined;
    if (!target) {
      out[name] = sub; // validation already refused it; keep it so the error stays the same
      continue;
    }
    out[name] = {
      fields: sub.fields ?? Object.keys(target.fields),
      ...(sub.expand ? { expand: explicitExpand(sub.expand, target, resolve) } : {}),
    };
  }
  return out;
}

/** Every lookup path (`customer_id`, `customer_id.support_rep_id`) the caller's query follows. */
function lookupPaths(ast: Query, aggregate: boolean): string[] {
  const paths = new Set<string>();
  const addField = (p: string) => {
    const segs = p.split('.');
    for (let i = 1; i < segs.length; i++) paths.add(segs.slice(0, i).join('.'));
  };
  const addFilter = (f: Filter | undefined) => {
    if (!f) return;
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' || k === '$or') (v as Filter[]).forEach(addFilter);
      else if (k === '$not') addFilter(v as Filter);
      else addField(k);
    }
  };
  const addExpand = (spec: Record<string, Expand> | undefined, prefix: string) => {
    for (const [name, sub] of Object.entries(spec ?? {})) {
      const p = prefix ? `${prefix}.${name}` : name;
      addField(p);
      paths.add(p);
      for (const f of sub.fields ?? []) addField(`${p}.${f}`);
      addExpand(sub.expand, p);
    }
  };
  ast.fields?.forEach(addField);
  addFilter(ast.where);
  if (!aggregate) ast.orderBy?.forEach((s) => addField(s.field));
  ast.groupBy?.forEach((g) => addField(typeof g === 'string' ? g : g.field));
  ast.aggregations?.forEach((a) => {
    if (a.field) addField(a.field);
    addFilter(a.filter);
  });
  addExpand(ast.expand, '');
  return [...paths].sort((a, b) => a.split('.').length - b.split('.').length || a.localeCompare(b));
}

function targetOf(root: string, path: string, ws: Workspace): QueryObjectDef | undefined {
  let obj: QueryObjectDef | undefined = ws.objects.get(root);
  for (const seg of path.split('.')) {
    const f = obj && Object.hasOwn(obj.fields, seg) ? obj.fields[seg] : undefined;
    if (!f || f.type !== 'lookup') return undefined;
    obj = ws.objects.get(f.reference_to);
    if (!obj) return undefined;
  }
  return obj;
}
