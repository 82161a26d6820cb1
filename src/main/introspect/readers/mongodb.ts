/**
 * MongoDB "catalog" by sampling: a bounded `$sample` per collection infers top-level fields, their BSON
 * types and presence; references are inferred, never guessed from names alone — an ObjectId field
 * references the collection whose `_id`s match most of its sampled values, and an `…Id`/`…_id` scalar
 * field references a like-named collection only when the sampled values are found there.
 * The sampler talks to a tiny `SampleSource` interface, so tests can run it on mingo over plain JSON.
 */
import type { Catalog, CatalogColumn, CatalogTable, ForeignKey, IntrospectOptions, NormalizedType } from '../catalog';
import { byTableName, finishTable, tableFilter } from '../keys';

export type Doc = Record<string, unknown>;

export interface SampleSource {
  listCollections(): Promise<string[]>;
  aggregate(collection: string, pipeline: Record<string, unknown>[]): Promise<Doc[]>;
  estimatedCount(collection: string): Promise<number>;
}

export const DEFAULT_SAMPLE_SIZE = 1000;
/** Distinct values checked per candidate reference. */
const REFERENCE_PROBE = 25;

export function bsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  if (typeof v === 'bigint') return 'long';
  if (v instanceof Date) return 'date';
  if (Array.isArray(v)) return 'array';
  const tag = (v as { _bsontype?: string })._bsontype;
  if (tag === 'ObjectId' || tag === 'ObjectID') return 'objectId';
  if (tag === 'Decimal128') return 'decimal';
  if (tag === 'Long') return 'long';
  if (tag === 'Int32') return 'int';
  if (tag === 'Double') return 'double';
  if (tag === 'Binary') return 'binData';
  if (tag) return tag.toLowerCase();
  return 'object';
}

const TYPE_MAP: Record<string, NormalizedType> = {
  string: 'text', bool: 'boolean', int: 'integer', long: 'bigint', double: 'float', decimal: 'decimal',
  date: 'datetimetz', objectId: 'objectid', object: 'json', array: 'json', binData: 'binary',
};

function normalise(types: Set<string>): { type: NormalizedType; unknown?: string } {
  const t = [...types].filter((x) => x !== 'null');
  if (t.length === 0) return { type: 'text', unknown: 'text' };
  if (t.length === 1) return TYPE_MAP[t[0]] ? { type: TYPE_MAP[t[0]] } : { type: 'text', unknown: 'text' };
  const numeric = new Set(['int', 'long', 'double', 'decimal']);
  if (t.every((x) => numeric.has(x))) return { type: t.includes('decimal') ? 'decimal' : t.includes('double') ? 'float' : 'bigint' };
  return { type: 'json', unknown: 'json' };
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function idStem(field: string): string | null {
  const m = /^(.+?)(_id|Id|ID)$/.exec(field);
  return m ? squash(m[1]) : null;
}

export async function sampleCatalog(
  source: SampleSource,
  ctx: { datasource: string; database: string; serverVersion: string | null; options: IntrospectOptions; defaultSampleSize?: number },
): Promise<Catalog> {
  const size = ctx.options.sampleSize ?? ctx.defaultSampleSize ?? DEFAULT_SAMPLE_SIZE;
  const wanted = tableFilter(ctx.options.tables);
  const all = (await source.listCollections()).filter((c) => !c.startsWith('system.')).sort();
  const names = all.filter(wanted);
  const samples = new Map<string, Doc[]>();
  const counts = new Map<string, number>();
  for (const c of names) {
    const n = await source.estimatedCount(c);
    counts.set(c, n);
    // $sample on a small collection would read it all anyway; a plain limit keeps the order stable.
    samples.set(c, await source.aggregate(c, n <= size ? [{ $limit: size }] : [{ $sample: { size } }]));
  }

  const tables: CatalogTable[] = [];
  for (const c of names) {
    const docs = samples.get(c)!;
    const order: string[] = [];
    const stats = new Map<string, { present: number; types: Set<string>; values: unknown[] }>();
    for (const d of docs) {
      for (const [k, v] of Object.entries(d)) {
        let s = stats.get(k);
        if (!s) {
          s = { present: 0, types: new Set(), values: [] };
          stats.set(k, s);
          order.push(k);
        }
        s.present++;
        s.types.add(bsonType(v));
        if (v !== null && v !== undefined && s.values.length < REFERENCE_PROBE && !s.values.some((x) => sameValue(x, v))) s.values.push(v);
      }
    }
    if (order.includes('_id')) order.splice(order.indexOf('_id'), 1), order.unshift('_id');
    const columns: CatalogColumn[] = order.map((name, i) => {
      const s = stats.get(name)!;
      const t = normalise(s.types);
      const presence = docs.length === 0 ? 0 : s.present / docs.length;
      return {
        name,
        ordinal: i + 1,
        dataType: [...s.types].sort().join('|'),
        normalizedType: t.type,
        nullable: presence < 1 || s.types.has('null'),
        default: null,
        maxLength: null,
        precision: null,
        scale: null,
        comment: null,
        autoIncrement: false,
        presence,
        seenTypes: [...s.types].sort(),
        ...(t.unknown ? { unknownType: t.unknown } : {}),
      };
    });

    const foreignKeys: ForeignKey[] = [];
    for (const col of columns) {
      if (col.name === '_id') continue;
      const s = stats.get(col.name)!;
      if (s.values.length === 0) continue;
      if (col.normalizedType === 'objectid') {
        let best: { coll: string; hits: number } | null = null;
        for (const other of all) {
          const hits = await countIn(source, other, '_id', s.values);
          if (hits > (best?.hits ?? 0)) best = { coll: other, hits };
        }
        if (best && best.hits * 2 >= s.values.length) {
          foreignKeys.push({ name: null, columns: [col.name], referencedSchema: null, referencedTable: best.coll, referencedColumns: ['_id'], inferred: true });
        }
      } else if (col.normalizedType === 'integer' || col.normalizedType === 'bigint' || col.normalizedType === 'text') {
        const stem = idStem(col.name);
        if (!stem) continue;
        const target = all.find((o) => o !== c && [squash(o), squash(o).replace(/s$/, '')].includes(stem));
        if (!target) continue;
        const targetKey = (samples.get(target)?.[0] && col.name in samples.get(target)![0]) ? col.name : '_id';
        const hits = await countIn(source, target, targetKey, s.values);
        if (hits === s.values.length) {
          foreignKeys.push({ name: null, columns: [col.name], referencedSchema: null, referencedTable: target, referencedColumns: [targetKey], inferred: true });
        }
      }
    }

    tables.push(
      finishTable({
        schema: null,
        name: c,
        kind: 'collection',
        comment: null,
        columns,
        primaryKey: columns.some((x) => x.name === '_id') ? ['_id'] : [],
        foreignKeys,
        uniqueConstraints: [],
        rowCountEstimate: counts.get(c) ?? null,
        warnings: docs.length === 0 ? [`collection "${c}" is empty; no fields could be inferred.`] : [],
      }),
    );
  }
  tables.sort(byTableName);
  return {
    datasource: ctx.datasource,
    engine: 'mongodb',
    serverVersion: ctx.serverVersion,
    database: ctx.database,
    schemas: [ctx.database],
    tables,
    enums: [],
    warnings: tables.flatMap((t) => t.warnings.map((w) => `${t.name}: ${w}`)),
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ea = (a as { equals?: (o: unknown) => boolean })?.equals;
  return typeof ea === 'function' ? ea.call(a, b) : false;
}

async function countIn(source: SampleSource, collection: string, field: string, values: unknown[]): Promise<number> {
  const r = await source.aggregate(collection, [{ $match: { [field]: { $in: values } } }, { $group: { _id: `$${field}` } }, { $count: 'n' }]);
  return Number(r[0]?.n ?? 0);
}
