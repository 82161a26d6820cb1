/**
 * `$user.*` tokens in record-rule filters, replaced by the signed-in user's values before a rule enters a
 * query. A rule that names a token the user has no value for (no `externalId`, no such attribute) grants
 * nothing: substituting null would turn `{ support_rep_id: '$user.externalId' }` into "customers without a
 * rep", which is a grant nobody wrote.
 */
import type { Filter } from '../objectql/ast';
import type { UserDefinition } from '../metadata/security-config';

export interface UserValues {
  user: UserDefinition;
  /** `$user.subordinates`, when some rule of the user needs it. */
  subordinates?: readonly (string | number)[];
}

type TokenValue = string | number | boolean | readonly (string | number)[] | undefined;

export function tokenValue(token: string, v: UserValues): TokenValue {
  const name = token.slice('$user.'.length);
  switch (name) {
    case 'id':
    case 'name':
      return v.user.name;
    case 'email':
      return v.user.email;
    case 'externalId':
      return v.user.externalId;
    case 'subordinates':
      return v.subordinates;
  }
  const attribute = name.startsWith('attributes.') ? name.slice('attributes.'.length) : name;
  return Object.hasOwn(v.user.attributes, attribute) ? v.user.attributes[attribute] : undefined;
}

export function usesToken(value: unknown, token: string): boolean {
  if (typeof value === 'string') return value === token;
  if (Array.isArray(value)) return value.some((x) => usesToken(x, token));
  if (value && typeof value === 'object') return Object.values(value).some((x) => usesToken(x, token));
  return false;
}

class Unresolved extends Error {}

/** The filter with every token replaced, or null when a token has no value for this user (the rule grants nothing). */
export function substituteTokens(filter: Record<string, unknown>, values: UserValues): Filter | null {
  try {
    return walk(filter, values) as Filter;
  } catch (e) {
    if (e instanceof Unresolved) return null;
    throw e;
  }
}

function walk(value: unknown, values: UserValues): unknown {
  if (typeof value === 'string' && value.startsWith('$user.')) {
    const v = tokenValue(value, values);
    if (v === undefined) throw new Unresolved(value);
    return Array.isArray(v) ? [...v] : v;
  }
  if (Array.isArray(value)) {
    // `$in: ['$user.externalId', '$user.subordinates']` reads as one flat list.
    return value.flatMap((x) => {
      const r = walk(x, values);
      return Array.isArray(r) && typeof x === 'string' ? r : [r];
    });
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, values);
    return out;
  }
  return value;
}
