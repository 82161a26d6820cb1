/**
 * Query depth and cost limits, as GraphQL validation rules (a query over them is refused before anything
 * runs). Depth counts nested selections of data fields; cost counts every field selected, with fragments
 * expanded. Introspection (`__schema`, `__type`) is exempt from depth: it is schema, not data, and a client's
 * standard introspection query is deeper than any sensible data query.
 */
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from './graphql';

export interface GraphqlLimits {
  maxDepth: number;
  maxFields: number;
}

export const DEFAULT_GRAPHQL_LIMITS: GraphqlLimits = { maxDepth: 8, maxFields: 500 };

function measure(set: SelectionSetNode | undefined, fragments: (name: string) => FragmentDefinitionNode | undefined, seen: Set<string>): { depth: number; fields: number } {
  if (!set) return { depth: 0, fields: 0 };
  let depth = 0;
  let fields = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      fields++;
      if (s.name.value.startsWith('__')) continue;
      const inner = measure(s.selectionSet, fragments, seen);
      fields += inner.fields;
      depth = Math.max(depth, s.selectionSet ? inner.depth + 1 : 1);
    } else {
      let inner = { depth: 0, fields: 0 };
      if (s.kind === Kind.INLINE_FRAGMENT) inner = measure(s.selectionSet, fragments, seen);
      else if (!seen.has(s.name.value)) {
        // A fragment cycle is reported by graphql's own rule; here it just stops.
        const next = new Set(seen).add(s.name.value);
        inner = measure(fragments(s.name.value)?.selectionSet, fragments, next);
      }
      fields += inner.fields;
      depth = Math.max(depth, inner.depth);
    }
  }
  return { depth, fields };
}

export function limitRule(limits: GraphqlLimits = DEFAULT_GRAPHQL_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const { depth, fields } = measure(node.selectionSet, (n) => context.getFragment(n) ?? undefined, new Set());
      if (depth > limits.maxDepth) {
        context.reportError(new GraphQLError(`The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed. Split it into several queries.`, { nodes: [node] }));
      }
      if (fields > limits.maxFields) {
        context.reportError(new GraphQLError(`The query selects ${fields} fields; at most ${limits.maxFields} are allowed. Select fewer fields or split the query.`, { nodes: [node] }));
      }
    },
  });
}
