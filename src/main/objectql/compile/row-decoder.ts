/**
 * Driver rows in array form (`rowMode: 'array'`, SELECT order) straight to the rows callers get, in one pass
 * and one object per row (plus one per expanded lookup). Built once per compiled statement: the decode
 * function of every column is chosen by its kind when the statement is compiled, not looked up per value.
 * The result is exactly what `decodeSqlRow` + `shapeRow` produce (the unit tests compare them).
 */
import type { BoundQuery } from '../ir';
import type { ResultRow } from '../result';
import { canonicalFor, Dec } from '../values';
import type { SqlColumn } from './sql';

type Read = (values: readonly unknown[]) => unknown;

export interface RowDecoder {
  /** One array row → the caller's row: hidden columns left out, expanded lookups nested. */
  row(values: readonly unknown[]): ResultRow;
  /** The canonical sort-key values of one row, for the keyset cursor of the next page. */
  cursorValues(values: readonly unknown[]): unknown[];
}

const NULL_READ: Read = () => null;

function reader(c: SqlColumn): Read {
  const d = c.decode;
  const at = c.at;
  if (d.t === 'value') {
    const canon = canonicalFor(c.kind, c.scale);
    return (v) => canon(v[at]);
  }
  if (d.t === 'minor') {
    const unit = new Dec(10).pow(d.scale);
    return (v) => {
      const x = v[at];
      return x === null || x === undefined ? null : new Dec(String(x)).div(unit).toFixed(c.scale);
    };
  }
  const { minorScale } = d;
  const countAt = c.countAt!;
  const unit = minorScale !== undefined ? new Dec(10).pow(minorScale) : undefined;
  return (v) => {
    const s = v[at];
    const n = Number(v[countAt] ?? 0);
    if (s === null || s === undefined || n === 0) return null;
    if (c.kind !== 'decimal') return Number(s) / n;
    const sum = unit ? new Dec(String(s)).div(unit) : new Dec(String(s));
    return sum.div(n).toFixed(c.scale);
  };
}

export function rowDecoder(q: BoundQuery, columns: readonly SqlColumn[]): RowDecoder {
  // A later column of the same key wins, as it would in a flat row keyed by output key.
  const byKey = new Map(columns.map((c) => [c.key, reader(c)] as const));
  const read = (key: string): Read => byKey.get(key) ?? NULL_READ;
  const visible = q.columns.filter((c) => !c.hidden);
  const keys = visible.map((c) => c.key);
  const reads = visible.map((c) => read(c.key));
  const n = keys.length;
  // Parents before children: a child lands inside the record its parent created.
  const expansions = [...q.expansions]
    .sort((a, b) => a.at.length - b.at.length)
    .map((e) => ({
      parents: e.at.slice(0, -1),
      last: e.at[e.at.length - 1]!,
      present: read(e.presenceKey),
      names: e.members.map((m) => m.name),
      members: e.members.map((m) => read(m.key)),
    }));
  const cursorReads = q.cursorKeys.map(read);

  const flatRow = (values: readonly unknown[]): ResultRow => {
    const out: ResultRow = {};
    for (let i = 0; i < n; i++) out[keys[i]!] = reads[i]!(values) ?? null;
    return out;
  };
  const row = expansions.length === 0
    ? flatRow
    : (values: readonly unknown[]): ResultRow => {
        const out = flatRow(values);
        for (const e of expansions) {
          let holder: ResultRow | null = out;
          for (const seg of e.parents) {
            const next: unknown = holder?.[seg];
            holder = next !== null && typeof next === 'object' ? (next as ResultRow) : null;
          }
          if (!holder) continue;
          const p = e.present(values);
          if (p === null || p === undefined) {
            holder[e.last] = null;
            continue;
          }
          const rec: ResultRow = {};
          for (let i = 0; i < e.names.length; i++) rec[e.names[i]!] = e.members[i]!(values) ?? null;
          holder[e.last] = rec;
        }
        return out;
      };
  return { row, cursorValues: (values) => cursorReads.map((r) => r(values) ?? null) };
}
