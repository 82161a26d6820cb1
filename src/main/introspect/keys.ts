/**
 * Final checks every reader applies to a table: tables without a primary key are flagged and offered the
 * best unique key instead (all columns NOT NULL first), and columns of unknown type are listed.
 */
import type { CatalogTable } from './catalog';

export function finishTable(t: Omit<CatalogTable, 'candidateKey' | 'warnings'> & { warnings?: string[] }): CatalogTable {
  const warnings = [...(t.warnings ?? [])];
  let candidateKey: string[] | null = null;
  if (t.primaryKey.length === 0 && t.kind !== 'collection') {
    const notNull = new Set(t.columns.filter((c) => !c.nullable).map((c) => c.name));
    const uniques = [...t.uniqueConstraints].sort((a, b) => a.columns.length - b.columns.length);
    const best = uniques.find((u) => u.columns.every((c) => notNull.has(c))) ?? uniques[0];
    candidateKey = best ? best.columns : null;
    const what = t.kind === 'view' ? 'view' : 'table';
    warnings.push(
      candidateKey
        ? `${what} "${t.name}" has no primary key; the unique key (${candidateKey.join(', ')}) is offered instead — confirm it identifies one row.`
        : `${what} "${t.name}" has no primary key and no unique key; records cannot be opened one by one until you choose a primaryKey in the object file.`,
    );
  }
  for (const c of t.columns) {
    if (c.unknownType) warnings.push(`column "${c.name}" has type ${c.dataType}, which ObjectDesk does not know; it is read as ${c.unknownType}.`);
  }
  return { ...t, candidateKey, warnings };
}

export function tableFilter(tables: readonly string[] | undefined): (name: string) => boolean {
  if (!tables || tables.length === 0) return () => true;
  const set = new Set(tables);
  return (n) => set.has(n);
}

/** Tables in code-unit order of (schema, name): the same on every engine, whatever its collation. */
export function byTableName(a: { schema: string | null; name: string }, b: { schema: string | null; name: string }): number {
  const ka = `${a.schema ?? ''}\u0000${a.name}`;
  const kb = `${b.schema ?? ''}\u0000${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
