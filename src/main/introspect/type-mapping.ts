/**
 * The documented mapping from catalog columns to field types (docs/drivers.md, "Type mapping").
 * Only database facts decide it, plus a few name conventions for text columns (email, phone, url), so the
 * same table drafts to the same fields on every engine.
 */
import type { CatalogColumn } from './catalog';

export type DraftFieldType =
  | 'text' | 'textarea' | 'email' | 'url' | 'phone' | 'number' | 'boolean' | 'date' | 'datetime' | 'time'
  | 'select' | 'json' | 'autonumber' | 'lookup';

/** The keys of a field that come from the database (the rest are the author's). */
export const DB_KEYS = ['type', 'maxLength', 'precision', 'scale', 'required', 'unique', 'options', 'reference_to', 'reference_field', 'column'] as const;

export interface MappedField {
  type: DraftFieldType;
  maxLength?: number;
  precision?: number;
  scale?: number;
  options?: string[];
  readonly?: boolean;
  hidden?: boolean;
  /** Why a field looks the way it does, written as a comment above it. */
  note?: string;
}

const EMAIL = /(^|_)e?mail(_address)?$/;
const PHONE = /(^|_)(phone|fax|mobile|telephone)(_number)?$/;
const URL_ = /(^|_)(url|website|homepage|web_site)$/;
const UNBOUNDED_TEXT = /^(text|tinytext|mediumtext|longtext|clob|ntext)$/i;

export function mapColumn(col: CatalogColumn, fieldName: string): MappedField {
  switch (col.normalizedType) {
    case 'enum':
      return col.enumValues && col.enumValues.length > 0 ? { type: 'select', options: col.enumValues } : { type: 'text' };
    case 'text':
    case 'uuid': {
      const ml = col.maxLength && col.maxLength > 0 ? { maxLength: col.maxLength } : {};
      if (col.unknownType) return { type: 'text', ...ml, note: `database type ${col.dataType} is not known to ObjectDesk; read as text` };
      if (EMAIL.test(fieldName)) return { type: 'email', ...ml };
      if (PHONE.test(fieldName)) return { type: 'phone', ...ml };
      if (URL_.test(fieldName)) return { type: 'url', ...ml };
      if (!col.maxLength && UNBOUNDED_TEXT.test(col.dataType.replace(/\(.*$/, '').trim())) return { type: 'textarea' };
      return { type: 'text', ...ml };
    }
    case 'integer':
    case 'bigint':
      return col.autoIncrement ? { type: 'autonumber', readonly: true } : { type: 'number', scale: 0 };
    case 'decimal': {
      const p = col.precision && col.precision > 0 && col.precision <= 65 ? col.precision : undefined;
      const s = col.scale !== null && col.scale >= 0 && col.scale <= 30 ? col.scale : undefined;
      return { type: 'number', ...(p !== undefined ? { precision: p } : {}), ...(p !== undefined && s !== undefined ? { scale: s } : {}) };
    }
    case 'float':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'date' };
    case 'datetime':
    case 'datetimetz':
      return { type: 'datetime' };
    case 'time':
      return { type: 'time' };
    case 'json':
      return col.unknownType
        ? { type: 'json', note: `database type ${col.dataType} is not known to ObjectDesk; read as json` }
        : { type: 'json' };
    case 'binary':
      return { type: 'text', hidden: true, readonly: true, note: `binary column (${col.dataType}): hidden; ObjectDesk does not display binary data` };
    case 'objectid':
      return { type: 'text', readonly: col.name === '_id' ? true : undefined };
    case 'unknown':
      return { type: 'text', note: `database type ${col.dataType} is not known to ObjectDesk; read as text` };
  }
}
