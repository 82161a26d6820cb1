/**
 * The GraphQL schema of one user, generated from the objects they can read (`workspace.objects` +
 * `objects.describe` with their Session, so hidden objects and fields are absent — from data and from
 * introspection alike). For each object `x` (type `X`):
 *
 *   x(where: JSON, search, orderBy: [XOrderBy!], limit, offset, cursor): [X!]!
 *   x_page(…same…): XPage!                    rows + nextCursor (keyset paging)
 *   x_by_key(<primary key fields>): X          one record or null
 *   x_aggregate(groupBy, aggregations, where, having, orderBy, limit): [JSON!]!
 *
 * Lookup fields are nested objects of the target type, loaded in batches (loader.ts); a lookup to an
 * object the user cannot read stays its key. `where` and `having` are ObjectQL filters as JSON, validated
 * by the engine like every other query. Objects or fields whose names are not GraphQL names are left out.
 */
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLError,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLScalarType,
} from './graphql';
import type { FieldSummary, ObjectDescription, ObjectSummary, QueryResultDto } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Session } from '../../shared/api/session';
import type { Api } from '../api';
import { toApiError } from '../api';
import type { LookupLoader } from './loader';
import { isGraphqlName, typeName } from './names';
import { JSONScalar } from './scalars';
import { rowsNodes, selectedFieldNames } from './selection';

export interface GraphqlContext extends Record<PropertyKey, unknown> {
  api: Api;
  session: Session;
  loader: LookupLoader;
  signal?: AbortSignal;
}

type Row = Record<string, unknown>;

const SortOrder = new GraphQLEnumType({ name: 'SortOrder', values: { ASC: { value: 'asc' }, DESC: { value: 'desc' } } });
const AggregateFunction = new GraphQLEnumType({
  name: 'AggregateFunction',
  values: Object.fromEntries(['count', 'count_distinct', 'sum', 'avg', 'min', 'max'].map((f) => [f, { value: f }])),
});
const AggregationInput = new GraphQLInputObjectType({
  name: 'AggregationInput',
  fields: {
    function: { type: new GraphQLNonNull(AggregateFunction) },
    field: { type: GraphQLString },
    alias: { type: new GraphQLNonNull(GraphQLString) },
    filter: { type: JSONScalar },
  },
});
const AggregateOrderBy = new GraphQLInputObjectType({
  name: 'AggregateOrderBy',
  fields: { field: { type: new GraphQLNonNull(GraphQLString) }, order: { type: SortOrder, defaultValue: 'asc' } },
});

function scalarOf(f: FieldSummary): GraphQLScalarType | GraphQLList<GraphQLScalarType> {
  switch (f.type) {
    case 'number':
    case 'percent':
      return GraphQLFloat;
    case 'autonumber':
      // Auto-numbers may exceed GraphQL's 32-bit Int.
      return GraphQLFloat;
    case 'boolean':
      return GraphQLBoolean;
    case 'json':
      return JSONScalar;
    case 'select':
      return f.options?.some((o) => typeof o.value === 'number') ? JSONScalar : GraphQLString;
    case 'multiselect':
      return new GraphQLList(f.options?.some((o) => typeof o.value === 'number') ? JSONScalar : GraphQLString);
    case 'lookup':
      return JSONScalar;
    default:
      // text-like, currency (exact decimal string), date, datetime, time
      return GraphQLString;
  }
}

/** ApiErrors reach the client as GraphQL errors with the API's code, path and details. */
function graphqlError(e: unknown): GraphQLError {
  const err = toApiError(e);
  return new GraphQLError(err.message, { extensions: { code: err.code, ...(err.path ? { path: err.path } : {}) } });
}

/**
 * ObjectQL operators start with `$`, which a GraphQL object literal cannot spell: pass filters as variables,
 * or as a JSON string (`where: "{\"total\": {\"$gt\": 5}}"`), which is parsed here.
 */
function filterArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined || v === null) continue;
    if ((k === 'where' || k === 'having') && typeof v === 'string') {
      try {
        out[k] = JSON.parse(v);
      } catch (e) {
        throw graphqlError(new ApiError('bad_request', `${k}: not valid JSON (${(e as Error).message}).`, k));
      }
    } else out[k] = v;
  }
  return out;
}

async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw graphqlError(e);
  }
}

export async function buildUserSchema(api: Api, session: Session): Promise<GraphQLSchema> {
  const summaries = (await api.call('workspace.objects', {}, session)) as ObjectSummary[];
  const usable = summaries.filter((s) => isGraphqlName(s.name));
  const described = await Promise.all(usable.map((s) => api.call('objects.describe', { objectName: s.name }, session) as Promise<ObjectDescription>));
  const descriptions = described.filter((d) => d.fields.some((f) => isGraphqlName(f.name)));
  const byName = new Map(descriptions.map((d) => [d.name, d]));
  const taken = new Set(['Query', 'SortOrder', 'AggregateFunction', 'AggregationInput', 'AggregateOrderBy', 'JSON', 'String', 'Int', 'Float', 'Boolean', 'ID']);
  const names = new Map<string, string>();
  for (const d of descriptions) {
    const base = typeName(d.name, taken);
    names.set(d.name, base);
    for (const suffix of ['Page', 'Field', 'OrderBy']) taken.add(`${base}${suffix}`);
  }
  const types = new Map<string, GraphQLObjectType>();
  const fieldsOf = (d: ObjectDescription) => d.fields.filter((f) => isGraphqlName(f.name));
  /** A lookup nests when its target is readable and has a single-field key. */
  const nestedTarget = (f: FieldSummary): ObjectDescription | undefined => {
    const t = f.type === 'lookup' && f.reference_to ? byName.get(f.reference_to) : undefined;
    return t && t.primaryKey.length === 1 ? t : undefined;
  };
  /** The ObjectQL `fields` for a selection: the selected data fields, or the key when none. */
  const queryFields = (d: ObjectDescription, selected: Set<string>): string[] => {
    const own = fieldsOf(d)
      .map((f) => f.name)
      .filter((n) => selected.has(n));
    return own.length ? own : [d.primaryKey[0]!];
  };

  for (const d of descriptions) {
    types.set(
      d.name,
      new GraphQLObjectType({
        name: names.get(d.name)!,
        description: d.description ?? d.label,
        fields: () =>
          Object.fromEntries(
            fieldsOf(d).map((f): [string, GraphQLFieldConfig<Row, GraphqlContext>] => {
              const target = nestedTarget(f);
              const description = f.description ?? f.label;
              if (!target) return [f.name, { type: scalarOf(f) as GraphQLOutputType, description }];
              return [
                f.name,
                {
                  type: types.get(target.name)!,
                  description: `${description} (the ${target.label} record)`,
                  resolve: (row, _args, ctx, info) => {
                    const key = row[f.name];
                    if (key === null || key === undefined) return null;
                    if (typeof key === 'object') return key; // already nested
                    return run(() => ctx.loader.load(target.name, target.primaryKey[0]!, key as string | number, queryFields(target, selectedFieldNames(info))));
                  },
                },
              ];
            }),
          ),
      }),
    );
  }

  const queryFieldsMap: Record<string, GraphQLFieldConfig<unknown, GraphqlContext>> = {
    me: { type: new GraphQLNonNull(GraphQLString), description: 'The workspace user this token acts as.', resolve: (_s, _a, ctx) => ctx.session.user },
  };
  const rootTaken = new Set(['me']);
  const claim = (name: string) => {
    if (rootTaken.has(name)) return false;
    rootTaken.add(name);
    return true;
  };

  for (const d of descriptions) {
    const T = types.get(d.name)!;
    const base = names.get(d.name)!;
    const fieldEnum = new GraphQLEnumType({
      name: `${base}Field`,
      values: Object.fromEntries(fieldsOf(d).map((f) => [f.name, { value: f.name, description: f.label }])),
    });
    const orderBy = new GraphQLInputObjectType({
      name: `${base}OrderBy`,
      fields: { field: { type: new GraphQLNonNull(fieldEnum) }, order: { type: SortOrder, defaultValue: 'asc' } },
    });
    const listArgs: GraphQLFieldConfigArgumentMap = {
      where: { type: JSONScalar, description: 'an ObjectQL filter, e.g. {"total": {"$gt": 5}}' },
      search: { type: GraphQLString },
      orderBy: { type: new GraphQLList(new GraphQLNonNull(orderBy)) },
      limit: { type: GraphQLInt },
      offset: { type: GraphQLInt },
      cursor: { type: GraphQLString, description: 'nextCursor of the previous page (same orderBy)' },
    };
    const listQuery = (args: Record<string, unknown>, selected: Set<string>) => ({
      object: d.name,
      fields: queryFields(d, selected),
      ...filterArgs(args),
    });
    const page = (ctx: GraphqlContext, ast: Record<string, unknown>) =>
      run(async () => (await ctx.api.call('data.query', { query: ast }, ctx.session, ctx.signal)) as QueryResultDto);

    if (claim(d.name)) {
      queryFieldsMap[d.name] = {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(T))),
        description: `${d.pluralLabel} you can read.`,
        args: listArgs,
        resolve: async (_s, args, ctx, info: GraphQLResolveInfo) => (await page(ctx, listQuery(args, selectedFieldNames(info)))).rows,
      };
    }
    if (claim(`${d.name}_page`)) {
      const Page = new GraphQLObjectType({
        name: `${base}Page`,
        fields: { rows: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(T))) }, nextCursor: { type: GraphQLString } },
      });
      queryFieldsMap[`${d.name}_page`] = {
        type: new GraphQLNonNull(Page),
        description: `A page of ${d.pluralLabel} with the cursor of the next one.`,
        args: listArgs,
        resolve: async (_s, args, ctx, info) => {
          const out = await page(ctx, listQuery(args, selectedFieldNames(info, rowsNodes(info))));
          return { rows: out.rows, nextCursor: out.nextCursor ?? null };
        },
      };
    }
    const keyFields = d.primaryKey.map((k) => d.fields.find((f) => f.name === k));
    if (keyFields.every((f): f is FieldSummary => !!f && isGraphqlName(f.name)) && claim(`${d.name}_by_key`)) {
      queryFieldsMap[`${d.name}_by_key`] = {
        type: T,
        description: `One ${d.label} by its key (${d.primaryKey.join(', ')}), or null.`,
        args: Object.fromEntries(keyFields.map((f) => [f.name, { type: new GraphQLNonNull(f.type === 'lookup' ? JSONScalar : (scalarOf(f) as GraphQLScalarType)) }])),
        resolve: async (_s, args, ctx, info) => (await page(ctx, { object: d.name, fields: queryFields(d, selectedFieldNames(info)), where: args, limit: 1 })).rows[0] ?? null,
      };
    }
    if (claim(`${d.name}_aggregate`)) {
      queryFieldsMap[`${d.name}_aggregate`] = {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(JSONScalar))),
        description: `Groups and aggregates of ${d.pluralLabel}: one JSON object per group (group keys and aggregation aliases).`,
        args: {
          groupBy: { type: new GraphQLList(new GraphQLNonNull(JSONScalar)), description: 'field paths, or {field, dateGranularity, alias}' },
          aggregations: { type: new GraphQLList(new GraphQLNonNull(AggregationInput)) },
          where: { type: JSONScalar },
          having: { type: JSONScalar },
          orderBy: { type: new GraphQLList(new GraphQLNonNull(AggregateOrderBy)) },
          limit: { type: GraphQLInt },
        },
        resolve: async (_s, args, ctx) => {
          if (!args.groupBy && !args.aggregations) throw graphqlError(new ApiError('bad_request', 'Give groupBy and/or aggregations.', 'aggregations'));
          const ast = {
            object: d.name,
            ...Object.fromEntries(
              Object.entries(filterArgs(args)).map(([k, v]) => [k, k === 'aggregations' ? (v as Row[]).map((a) => Object.fromEntries(Object.entries(a).filter(([, x]) => x !== undefined && x !== null))) : v]),
            ),
          };
          return (await page(ctx, ast)).rows;
        },
      };
    }
  }

  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: queryFieldsMap }) });
}
