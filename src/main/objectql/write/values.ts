/**
 * A value a caller wants to write, checked against its field's type and turned into the parameter one
 * dialect binds. Same value forms as query filters (see validate.ts): wall-clock date-times without an
 * offset, decimals as numbers or exact strings, select values from the field's options.
 */
import { DateTime } from 'luxon';
import type { FieldDefinition } from '../../metadata/field';
import { canonicalDatetime } from '../values';
import type { SqlDialect } from '../compile/sql';

export class WriteValueError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'WriteValueError';
  }
}

const TEXT = new Set(['text', 'textarea', 'email', 'url', 'phone']);
const NUMBER = new Set(['number', 'percent', 'autonumber']);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `the number ${v}`;
  if (typeof v === 'object') return Array.isArray(v) ? 'a list' : 'an object';
  return typeof v;
}

/**
 * `keyKind` is the kind of the referenced key for a lookup ('number' or 'text').
 * Returns the dialect parameter.
 */
export function writeParam(field: FieldDefinition, v: unknown, path: string, dialect: SqlDialect, keyKind: 'number' | 'text' = 'number'): unknown {
  const bad = (expected: string): never => {
    throw new WriteValueError(path, `expected ${expected}, got ${describe(v)}`);
  };
  if (v === null) {
    if (field.required) throw new WriteValueError(path, 'is required and cannot be null');
    return null;
  }
  const t = field.type;
  if (TEXT.has(t)) {
    if (typeof v !== 'string') bad('a string');
    const max = (field as { maxLength?: number }).maxLength;
    if (max !== undefined && (v as string).length > max) throw new WriteValueError(path, `is longer than its maxLength of ${max}`);
    return v;
  }
  if (NUMBER.has(t)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) bad('a finite number');
    return v;
  }
  switch (t) {
    case 'currency': {
      if (typeof v === 'number' && !Number.isFinite(v)) bad('a finite number');
      if (typeof v !== 'number' && (typeof v !== 'string' || !/^-?\d{1,30}(\.\d{1,30})?$/.test(v))) bad('a number or a decimal string such as "12.50"');
      return dialect === 'sqlite' ? Number(v) : String(v);
    }
    case 'boolean':
      if (typeof v !== 'boolean') bad('true or false');
      return dialect === 'postgres' ? v : v ? 1 : 0;
    case 'date':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || !DateTime.fromISO(v).isValid) bad('a date "YYYY-MM-DD"');
      return v;
    case 'datetime': {
      const c = typeof v === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/.test(v) ? canonicalDatetime(v) : undefined;
      if (!c || !DateTime.fromISO(c).isValid) bad('a wall-clock date-time "YYYY-MM-DDTHH:mm:ss" (no offset)');
      return dialect === 'postgres' ? c : c!.replace('T', ' ');
    }
    case 'time':
      if (typeof v !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(v)) bad('a time "HH:mm:ss"');
      return (v as string).length === 5 ? `${v}:00` : v;
    case 'select': {
      const options = field.options ?? [];
      if (!options.some((o) => o.value === v)) throw new WriteValueError(path, `${describe(v)} is not an option of this field (${options.map((o) => String(o.value)).join(', ')})`);
      return v;
    }
    case 'lookup':
      if (keyKind === 'number' ? typeof v !== 'number' || !Number.isFinite(v) : typeof v !== 'string') bad(keyKind === 'number' ? 'the key (a number) of the related record' : 'the key (a string) of the related record');
      return v;
    case 'multiselect':
    case 'json':
      if (typeof v !== 'object') bad('a JSON object or list');
      return JSON.stringify(v);
  }
  return bad('a supported value');
}
