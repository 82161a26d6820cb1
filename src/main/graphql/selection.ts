/** The field names a GraphQL selection asks for on one object type (fragments followed, aliases ignored). */
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from './graphql';

export function selectedFieldNames(info: GraphQLResolveInfo, nodes: readonly FieldNode[] = info.fieldNodes): Set<string> {
  const out = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>) => {
    if (!set) return;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet, seen);
      else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
        seen.add(s.name.value);
        visit(info.fragments[s.name.value]?.selectionSet, seen);
      }
    }
  };
  for (const n of nodes) visit(n.selectionSet, new Set());
  return out;
}

/** The selection of the `rows` field inside a page type's selection. */
export function rowsNodes(info: GraphQLResolveInfo): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>) => {
    if (!set) return;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD && s.name.value === 'rows') out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet, seen);
      else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
        seen.add(s.name.value);
        visit(info.fragments[s.name.value]?.selectionSet, seen);
      }
    }
  };
  for (const n of info.fieldNodes) visit(n.selectionSet, new Set());
  return out;
}
