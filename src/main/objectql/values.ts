/**
 * Value semantics shared by the validator, the reference evaluator, the compilers and the result decoder:
 * which *kind* of value a field holds, the canonical JS form of each kind (the form results are returned in
 * and compared in), and the total order used for sorting and range comparisons.
 *
 * Canonical forms:
 *   text      string, compared by Unicode code point (= UTF-8 byte order, = SQLite BINARY, PG COLLATE "C")
 *   number    JS number (IEEE double)
 *   decimal   exact decimal string with the field's scale, e.g. "1.98" (currency; money is never a float)
 *   boolean   true | false
 *   date      "YYYY-MM-DD"
 *   datetime  "YYYY-MM-DDTHH:mm:ss" (+ ".SSS" when there are milliseconds) — a wall-clock time in the
 *             workspace time zone, without an offset
 *   time      "HH:mm:ss"
 *   json      whatever the driver returned (only $null/$exists apply)
 */
import Decimal from 'decimal.js';
import type { FieldDefinition } from '../metadata/field';

export type ValueKind = 'text' | 'number' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'time' | 'json';

/** Decimal with enough precision that sums and averages of money never round before we say so. */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -100, toExpPos: 100 });
export type Dec = Decimal;

/** Scale of currency values when the field does not declare one. */
export const DEFAULT_CURRENCY_SCALE = 2;
/** Averages of decimals carry this many digits more than the field's scale (rounded half up). */
export const AVG_EXTRA_SCALE = 4;

export function kindOfFieldType(field: FieldDefinition): ValueKind {
  switch (field.type) {
    case 'text': case 'textarea': case 'email': case 'url': case 'phone':
      return 'text';
    case 'number': case 'percent': case 'autonumber':
      return 'number';
    case 'currency':
      return 'decimal';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'time':
      return 'time';
    case 'select':
      return field.options?.every((o) => typeof o.value === 'number') ? 'number' : 'text';
    case 'multiselect': case 'json':
      return 'json';
    case 'lookup':
      // Resolved by the binder from the referenced key field; 'number' is the usual surrogate key.
      return 'number';
  }
}

export function scaleOf(field: FieldDefinition): number {
  return field.type === 'currency' ? (field.scale ?? DEFAULT_CURRENCY_SCALE) : 0;
}

const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** A `Date` read from a driver is taken as the wall-clock time it prints in UTC (drivers should send strings). */
function dateToNaive(d: Date): string {
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return d.getUTCMilliseconds() ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : base;
}

export function canonicalDatetime(s: string): string | undefined {
  const m = DATETIME_RE.exec(s.trim());
  if (!m) return undefined;
  const [, day, hh = '00', mm = '00', ss = '00', frac] = m;
  const ms = frac ? frac.padEnd(3, '0').slice(0, 3) : '';
  return `${day}T${hh}:${mm}:${ss}${ms && ms !== '000' ? `.${ms}` : ''}`;
}

/**
 * A plain decimal string (`-?(0|[1-9]\d*)(\.\d*)?`) at exactly `scale` digits, when no rounding is needed
 * (the database's own NUMERIC(p, s) text already has at most `scale` digits); undefined when it would need
 * rounding or is not plain. Scans characters instead of matching a regular expression: it runs for every money
 * value of a result, and text that is already at the scale (PostgreSQL, MySQL) is returned without a copy.
 */
function fixedScale(s: string, scale: number): string | undefined {
  const n = s.length;
  const neg = n > 0 && s.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  const intStart = i;
  let nonZero = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (c !== 48) nonZero = true;
  }
  const intEnd = i;
  if (intEnd === intStart || (s.charCodeAt(intStart) === 48 && intEnd - intStart > 1)) return undefined;
  let fracLen = 0;
  const hasDot = i < n;
  if (hasDot) {
    if (s.charCodeAt(i) !== 46) return undefined;
    for (i++; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      if (c !== 48) nonZero = true;
      fracLen++;
    }
  }
  if (fracLen > scale) return undefined;
  // "-0.00" is "0.00", as decimal.js prints it.
  const from = neg && !nonZero ? 1 : 0;
  if (scale === 0) return from === 0 && !hasDot ? s : s.slice(from, intEnd);
  const body = from === 0 ? s : s.slice(from);
  if (fracLen === scale) return body;
  return `${hasDot ? body : `${body}.`}${'0'.repeat(scale - fracLen)}`;
}

/** Turns whatever a driver or a data file returned into the canonical form of `kind`. */
export function canonical(kind: ValueKind, scale: number, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (kind) {
    case 'text':
      if (typeof raw === 'string') return raw;
      if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
      return String(raw);
    case 'number':
      if (typeof raw === 'number') return raw;
      if (typeof raw === 'bigint') return Number(raw);
      if (typeof raw === 'boolean') return raw ? 1 : 0;
      return Number(raw);
    case 'decimal': {
      // Fast paths for what drivers actually return (a plain decimal string, or a double from SQLite's
      // NUMERIC affinity); decimal.js only for anything else. Both give the same digits, rounded half-up.
      if (typeof raw === 'string') {
        const fast = fixedScale(raw, scale);
        if (fast !== undefined) return fast;
      } else if (typeof raw === 'number' && Number.isSafeInteger(raw)) {
        return scale > 0 ? `${raw}.${'0'.repeat(scale)}` : String(raw);
      } else if (typeof raw === 'number' && Number.isFinite(raw)) {
        // A double (SQLite's NUMERIC affinity) prints its shortest decimal, which is what decimal.js reads
        // from it; plain at or below the scale, that text is the answer without decimal.js.
        const fast = fixedScale(String(raw), scale);
        if (fast !== undefined) return fast;
      }
      const d = raw instanceof Decimal ? raw : new Dec(typeof raw === 'bigint' ? raw.toString() : (raw as string | number));
      return d.toFixed(scale);
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'number' || typeof raw === 'bigint') return Number(raw) !== 0;
      return raw === 't' || raw === 'true' || raw === '1' || raw === 'TRUE';
    case 'date':
      if (raw instanceof Date) return dateToNaive(raw).slice(0, 10);
      return String(raw).slice(0, 10);
    case 'datetime':
      if (raw instanceof Date) return dateToNaive(raw);
      return canonicalDatetime(String(raw)) ?? String(raw);
    case 'time': {
      const s = String(raw);
      return /^\d{2}:\d{2}$/.test(s) ? `${s}:00` : s.slice(0, 8);
    }
    case 'json':
      return raw;
  }
}

/**
 * `canonical` specialised for one kind and scale, chosen once per result column instead of per value: the
 * common driver forms (a string for text, a number for numbers, an ISO date-time already in canonical form)
 * return at once; everything else goes through `canonical`, so results are the same value for value.
 */
export function canonicalFor(kind: ValueKind, scale: number): (raw: unknown) => unknown {
  switch (kind) {
    case 'text':
      return (raw) => (typeof raw === 'string' ? raw : canonical('text', scale, raw));
    case 'number':
      return (raw) => (typeof raw === 'number' ? raw : canonical('number', scale, raw));
    case 'datetime':
      return (raw) => (typeof raw === 'string' && isCanonicalSeconds(raw) ? raw : canonical('datetime', scale, raw));
    case 'decimal':
      // canonical's first step for a string, without its switch.
      return (raw) => (typeof raw === 'string' ? (fixedScale(raw, scale) ?? canonical('decimal', scale, raw)) : canonical('decimal', scale, raw));
    case 'json':
      return (raw) => (raw === undefined ? null : raw);
    default:
      return (raw) => canonical(kind, scale, raw);
  }
}

/** `YYYY-MM-DDTHH:mm:ss` exactly (digits where digits go): already canonical, `canonicalDatetime` returns it as is. */
function isCanonicalSeconds(s: string): boolean {
  if (s.length !== 19) return false;
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    if (i === 4 || i === 7) {
      if (c !== 45) return false;
    } else if (i === 10) {
      if (c !== 84) return false;
    } else if (i === 13 || i === 16) {
      if (c !== 58) return false;
    } else if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Code point order (UTF-16 code unit order differs for characters above U+FFFF). */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points above every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Total order of two non-null canonical values of one kind. */
export function compareValues(kind: ValueKind, a: unknown, b: unknown): number {
  switch (kind) {
    case 'number':
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 'decimal':
      return new Dec(a as string).cmp(new Dec(b as string));
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'json':
      return compareText(JSON.stringify(a), JSON.stringify(b));
    default:
      return compareText(String(a), String(b));
  }
}

/** NULL is the smallest value: first in ascending order, last in descending order — on every engine. */
export function compareNullable(kind: ValueKind, a: unknown, b: unknown): number {
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  return compareValues(kind, a, b);
}

/** `$icontains` & co. fold ASCII letters only; every other character must match exactly. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** The text key of the date bucket holding a canonical date/datetime value (weeks start on Monday). */
export function bucketOf(granularity: 'day' | 'week' | 'month' | 'quarter' | 'year', value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value);
  switch (granularity) {
    case 'day':
      return s.slice(0, 10);
    case 'month':
      return s.slice(0, 7);
    case 'year':
      return s.slice(0, 4);
    case 'quarter':
      return `${s.slice(0, 4)}-Q${Math.ceil(Number(s.slice(5, 7)) / 3)}`;
    case 'week': {
      const d = new Date(`${s.slice(0, 10)}T00:00:00Z`);
      const back = (d.getUTCDay() + 6) % 7;
      return new Date(d.getTime() - back * 86_400_000).toISOString().slice(0, 10);
    }
  }
}
