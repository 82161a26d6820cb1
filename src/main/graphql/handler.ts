/**
 * GraphQL over HTTP at /graphql (graphql-http, the reference GraphQL-over-HTTP server, on the fetch API
 * that Hono speaks). Each request runs as the token's user with via `graphql`: the schema is that user's
 * (cached per workspace load and user, so it regenerates when the workspace reloads), and a fresh lookup
 * loader batches its nested lookups.
 */
import type { Context } from 'hono';
import type { GraphQLSchema } from './graphql';
import { specifiedRules } from './graphql';
import { createHandler } from 'graphql-http/lib/use/fetch';
import type { Api } from '../api';
import { sessionOf, type ApiEnv } from '../rest/auth';
import { errorResponse } from '../rest/respond';
import { limitRule, type GraphqlLimits, DEFAULT_GRAPHQL_LIMITS } from './limits';
import { LookupLoader } from './loader';
import { buildUserSchema, type GraphqlContext } from './schema';

export interface GraphqlOptions {
  limits?: GraphqlLimits;
  /** Called with each request's loader (tests count the queries it sent). */
  onLoader?: (loader: LookupLoader) => void;
}

export function graphqlRoute(api: Api, opts: GraphqlOptions = {}) {
  const cache = new WeakMap<object, Map<string, Promise<GraphQLSchema>>>();
  const schemaFor = (user: string, build: () => Promise<GraphQLSchema>): Promise<GraphQLSchema> => {
    // A reload replaces the workspace object, which drops every schema built from the old one.
    const key = api.app.workspace ?? api.app.partial;
    let byUser = cache.get(key);
    if (!byUser) cache.set(key, (byUser = new Map()));
    let s = byUser.get(user);
    if (!s) {
      s = build();
      byUser.set(user, s);
      s.catch(() => byUser!.delete(user));
    }
    return s;
  };
  const rules = [...specifiedRules, limitRule(opts.limits ?? DEFAULT_GRAPHQL_LIMITS)];

  return async (c: Context<ApiEnv>): Promise<Response> => {
    const session = sessionOf(c, 'graphql');
    let schema: GraphQLSchema;
    try {
      schema = await schemaFor(session.user, () => buildUserSchema(api, session));
    } catch (e) {
      return errorResponse(c, e);
    }
    const loader = new LookupLoader(api, session, c.req.raw.signal);
    opts.onLoader?.(loader);
    const context: GraphqlContext = { api, session, loader, signal: c.req.raw.signal };
    const handler = createHandler<GraphqlContext>({ schema, context, validationRules: rules });
    return handler(c.req.raw);
  };
}
