/**
 * Row decoding for PostgreSQL, decided once: no `Date` objects (they cost ~40% of a large read and lose
 * microseconds). timestamp → `YYYY-MM-DDTHH:MM:SS[.ffffff]` (wall clock), timestamptz → the same in UTC
 * with `Z` (sessions run with TimeZone=UTC), date/time stay text, numeric stays an exact string, int8 becomes
 * a number when it is a safe integer and stays a string otherwise.
 */
import pg from 'pg';
import { isoLocal, safeInteger } from '../shared';

const OID = { int8: 20, numeric: 1700, date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, timetz: 1266, interval: 1186, _timestamp: 1115, _timestamptz: 1185, _date: 1182, _int8: 1016 };

const identity = (v: string) => v;

function isoUtc(v: string): string {
  // With TimeZone=UTC the server prints "2009-01-01 00:00:00+00"; anything else is converted exactly.
  const s = isoLocal(v);
  if (s.endsWith('+00')) return `${s.slice(0, -3)}Z`;
  if (/[+-]\d\d(:\d\d)?$/.test(s)) return new Date(s).toISOString();
  return s;
}

const arrayOf = (f: (v: string) => unknown) => (v: string) => (pg.types.getTypeParser(1009 as never, 'text') as (s: string) => (string | null)[])(v).map((x) => (x === null ? null : f(x)));

export const typeParsers: Record<number, (v: string) => unknown> = {
  [OID.int8]: safeInteger,
  [OID.numeric]: identity,
  [OID.date]: identity,
  [OID.time]: identity,
  [OID.timetz]: identity,
  [OID.timestamp]: isoLocal,
  [OID.timestamptz]: isoUtc,
  [OID._timestamp]: arrayOf(isoLocal),
  [OID._timestamptz]: arrayOf(isoUtc),
  [OID._date]: arrayOf(identity),
  [OID._int8]: arrayOf(safeInteger),
};

/** The `types` option for pg clients: our parsers first, pg's defaults for everything else. */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format !== 'binary' && typeParsers[oid]) return typeParsers[oid];
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format ?? 'text');
  },
} as unknown as pg.CustomTypesConfig;
