/**
 * Re-import merge: the user's object file, the snapshot of what the database said when it was drafted
 * (the base), and a fresh draft from the live table. Database-derived keys (type, length, precision,
 * scale, nullability, uniqueness, enum options, lookup target) change only where the database changed
 * since the snapshot; everything the user wrote — labels, descriptions, hidden/readonly flags, added
 * validations, removed fields — stays. Without a snapshot (hand-written files) only contradictions with
 * the live table are fixed and new columns are added.
 */
import type { FieldType } from '../metadata/field';
import type { Draft, DraftField, DraftObject, Snapshot, SnapshotField } from './draft';

const DB_FIELD_KEYS = ['type', 'maxLength', 'precision', 'scale', 'required', 'unique', 'options', 'reference_to', 'reference_field'] as const;
type DbKey = (typeof DB_FIELD_KEYS)[number];

/** Keys every field type accepts; anything else belongs to a type and is dropped when the type changes. */
const COMMON_KEYS = new Set(['label', 'description', 'required', 'readonly', 'hidden', 'searchable', 'unique', 'defaultValue', 'column']);
const TYPE_KEYS: Partial<Record<FieldType, string[]>> = {
  text: ['maxLength'], textarea: ['maxLength'], email: ['maxLength'], url: ['maxLength'], phone: ['maxLength'],
  number: ['precision', 'scale', 'min', 'max'], currency: ['precision', 'scale', 'min', 'max', 'currency'], percent: ['precision', 'scale', 'min', 'max'],
  select: ['options'], multiselect: ['options'], lookup: ['reference_to', 'reference_field'], autonumber: ['format'],
};

const TEXT_FAMILY = new Set<FieldType>(['text', 'textarea', 'email', 'url', 'phone']);
const NUMBER_FAMILY = new Set<FieldType>(['number', 'currency', 'percent', 'autonumber']);

/** Would a field of type `mine` still read a column the database now drafts as `fresh`? */
export function compatibleTypes(mine: FieldType, fresh: FieldType): boolean {
  if (mine === fresh) return true;
  if (mine === 'lookup' || fresh === 'lookup') return true; // a lookup stores whatever its key column holds
  if (TEXT_FAMILY.has(mine) && TEXT_FAMILY.has(fresh)) return true;
  if (NUMBER_FAMILY.has(mine) && NUMBER_FAMILY.has(fresh)) return true;
  if ((mine === 'select' || mine === 'multiselect') && (TEXT_FAMILY.has(fresh) || NUMBER_FAMILY.has(fresh) || fresh === 'select')) return true;
  if (mine === 'json' && fresh === 'multiselect') return true;
  return false;
}

const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const columnOf = (name: string, f: { column?: string }) => f.column ?? name;

export interface MergeResult {
  object: DraftObject;
  snapshot: Snapshot;
  /** One sentence per change the database caused. */
  changes: string[];
}

function retype(mine: DraftField, fresh: DraftField): DraftField {
  const out: DraftField = { ...fresh };
  for (const [k, v] of Object.entries(mine)) {
    if (COMMON_KEYS.has(k) && k !== 'required' && k !== 'unique') out[k] = v;
    else if ((TYPE_KEYS[fresh.type] ?? []).includes(k) && !(k in fresh)) out[k] = v;
  }
  return out;
}

export function mergeObject(mine: DraftObject, base: Snapshot | null, fresh: Draft): MergeResult {
  const changes: string[] = [];
  const freshByColumn = new Map(Object.entries(fresh.object.fields).map(([n, f]) => [columnOf(n, f), { name: n, field: f }]));
  const freshSnap = new Map(Object.values(fresh.snapshot.fields).map((s) => [s.column, s]));
  const baseByColumn = new Map<string, SnapshotField>(base ? Object.values(base.fields).map((s) => [s.column, s]) : []);
  const fields: Record<string, DraftField> = {};
  const mineColumns = new Set<string>();
  const fieldNameOfColumn = new Map<string, string>();

  for (const [name, f] of Object.entries(mine.fields)) {
    const col = columnOf(name, f);
    mineColumns.add(col);
    const now = freshByColumn.get(col);
    if (!now) {
      changes.push(`removed field "${name}": column "${col}" no longer exists in ${fresh.table.name}`);
      continue;
    }
    fieldNameOfColumn.set(col, name);
    const snapNow = freshSnap.get(col)!;
    const was = baseByColumn.get(col);
    let out: DraftField = { ...f };
    if (was) {
      if (was.type !== snapNow.type) {
        out = retype(f, { ...now.field, ...(f.column !== undefined ? { column: f.column } : {}) });
        delete out.column;
        if (name !== col) out.column = col;
        changes.push(`field "${name}": type ${was.type} → ${snapNow.type} (column ${col} changed in the database)`);
      } else {
        for (const k of DB_FIELD_KEYS) {
          if (k === 'type') continue;
          const before = was[k as keyof SnapshotField];
          const after = snapNow[k as keyof SnapshotField];
          if (eq(before, after)) continue;
          if (after === undefined) delete out[k as DbKey];
          else (out as Record<string, unknown>)[k] = k === 'options' ? [...(after as string[])] : after;
          changes.push(`field "${name}": ${k} ${before === undefined ? '(none)' : JSON.stringify(before)} → ${after === undefined ? '(none)' : JSON.stringify(after)}`);
        }
      }
    } else if (!compatibleTypes(f.type, snapNow.type)) {
      out = retype(f, now.field);
      delete out.column;
      if (name !== col) out.column = col;
      changes.push(`field "${name}": type ${f.type} → ${snapNow.type} (it no longer matches column ${col})`);
    } else {
      for (const k of ['maxLength', 'precision', 'scale'] as const) {
        if (out[k] !== undefined && !eq(out[k], snapNow[k])) {
          changes.push(`field "${name}": ${k} ${out[k]} → ${snapNow[k] ?? '(none)'}`);
          if (snapNow[k] === undefined) delete out[k];
          else out[k] = snapNow[k];
        }
      }
    }
    fields[name] = out;
  }

  // New columns: in the table now, not in the file, and not deliberately removed by the user.
  for (const [col, { name, field }] of freshByColumn) {
    if (mineColumns.has(col) || baseByColumn.has(col)) continue;
    let n = name;
    for (let i = 2; n in fields; i++) n = `${name}_${i}`;
    fields[n] = n !== col ? { ...field, column: col } : (({ column: _c, ...rest }) => rest as DraftField)(field);
    fieldNameOfColumn.set(col, n);
    changes.push(`added field "${n}" for new column "${col}"`);
  }

  const object: DraftObject = { ...mine, fields };
  const freshPk = fresh.table.primaryKey.length > 0 ? fresh.table.primaryKey : null;
  const basePkCols = base ? base.primaryKey.map((n) => base.fields[n]?.column ?? n) : null;
  const minePkNames = mine.primaryKey === undefined ? [] : Array.isArray(mine.primaryKey) ? mine.primaryKey : [mine.primaryKey];
  const minePkCols = minePkNames.map((n) => (mine.fields[n] ? columnOf(n, mine.fields[n]) : n));
  if (freshPk && !eq(basePkCols ?? minePkCols, freshPk) && freshPk.every((c) => fieldNameOfColumn.has(c))) {
    const names = freshPk.map((c) => fieldNameOfColumn.get(c)!);
    object.primaryKey = names.length === 1 ? names[0] : names;
    changes.push(`primary key (${minePkNames.join(', ') || 'none'}) → (${names.join(', ')})`);
  } else if (minePkNames.some((n) => !(n in fields))) {
    delete object.primaryKey;
    changes.push(`primary key (${minePkNames.join(', ')}) removed: its field is gone — choose a new primaryKey`);
  }
  if (object.titleField && !(object.titleField in fields)) {
    changes.push(`titleField "${object.titleField}" removed: its field is gone`);
    delete object.titleField;
  }
  // The new base: what the database says now, keyed by the merged file's field names.
  const snapFields: Record<string, SnapshotField> = {};
  const baseNameOfColumn = new Map(base ? Object.entries(base.fields).map(([n, f]) => [f.column, n]) : []);
  for (const [freshName, s] of Object.entries(fresh.snapshot.fields)) {
    snapFields[fieldNameOfColumn.get(s.column) ?? baseNameOfColumn.get(s.column) ?? freshName] = s;
  }
  const snapshot: Snapshot = { ...fresh.snapshot, fields: snapFields, primaryKey: fresh.snapshot.primaryKey.map((n) => fieldNameOfColumn.get(fresh.object.fields[n]?.column ?? n) ?? n) };
  return { object, snapshot, changes };
}
