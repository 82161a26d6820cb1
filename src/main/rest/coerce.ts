/**
 * Text from a URL (a `field=value` filter, a record id part) turned into the value the field's type takes,
 * so `?invoice_id=98` means the number 98. Lookups take the type of the primary key they point at.
 */
import type { FieldSummary } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { Describe } from './describer';

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export async function coerceParam(text: string, field: FieldSummary, describe: Describe, path: string): Promise<unknown> {
  switch (field.type) {
    case 'number':
    case 'percent':
    case 'autonumber':
      if (!NUMBER.test(text)) throw new ApiError('bad_request', `${path}: "${text}" is not a number (field "${field.name}" is ${field.type}).`, path);
      return Number(text);
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw new ApiError('bad_request', `${path}: "${text}" is not a boolean; use true or false.`, path);
    case 'select': {
      const numeric = field.options?.find((o) => typeof o.value === 'number' && String(o.value) === text);
      return numeric ? numeric.value : text;
    }
    case 'lookup': {
      if (!field.reference_to) return text;
      const target = await describe(field.reference_to);
      const pk = target.fields.find((f) => f.name === target.primaryKey[0]);
      return pk && pk.type !== 'lookup' ? coerceParam(text, pk, describe, path) : text;
    }
    default:
      // currency is an exact decimal string; dates and text are strings.
      return text;
  }
}

/** The field a dotted path (`customer_id.country`) ends at, following lookups. */
export async function fieldAtPath(objectName: string, dotted: string, describe: Describe, path: string): Promise<FieldSummary> {
  const segs = dotted.split('.');
  let current = await describe(objectName);
  for (let i = 0; i < segs.length; i++) {
    const f = current.fields.find((x) => x.name === segs[i]);
    if (!f) {
      throw new ApiError(
        'bad_request',
        `${path}: unknown field "${segs[i]}" on object "${current.name}". Its fields are: ${current.fields.map((x) => x.name).join(', ')}.`,
        path,
      );
    }
    if (i === segs.length - 1) return f;
    if (f.type !== 'lookup' || !f.reference_to) throw new ApiError('bad_request', `${path}: "${segs[i]}" is not a lookup, so "${dotted}" cannot follow it.`, path);
    current = await describe(f.reference_to);
  }
  throw new ApiError('bad_request', `${path}: empty field name.`, path);
}
