/**
 * Relative date tokens (`today`, `last_n_days:30`, `this_quarter`, ...) and the half-open wall-clock range each
 * one denotes in the workspace time zone. Weeks start on Monday (ISO 8601).
 */
import { DateTime } from 'luxon';

export const RELATIVE_DATE_TOKENS = [
  'today', 'yesterday', 'tomorrow',
  'this_week', 'last_week', 'next_week',
  'this_month', 'last_month', 'next_month',
  'this_quarter', 'last_quarter', 'next_quarter',
  'this_year', 'last_year', 'next_year',
  'last_n_days:<n>', 'next_n_days:<n>',
] as const;

const UNIT_TOKEN = /^(this|last|next)_(week|month|quarter|year)$/;
const N_DAYS = /^(last|next)_n_days:(\d{1,5})$/;

export function isRelativeDateToken(v: unknown): v is string {
  return typeof v === 'string' && (v === 'today' || v === 'yesterday' || v === 'tomorrow' || UNIT_TOKEN.test(v) || N_DAYS.test(v));
}

/** `[start, end)` as wall-clock DateTimes in `zone`. */
export function relativeRange(token: string, now: Date, zone: string): { start: DateTime; end: DateTime } {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  if (!today.isValid) throw new Error(`invalid workspace time zone "${zone}"`);
  if (token === 'today') return { start: today, end: today.plus({ days: 1 }) };
  if (token === 'yesterday') return { start: today.minus({ days: 1 }), end: today };
  if (token === 'tomorrow') return { start: today.plus({ days: 1 }), end: today.plus({ days: 2 }) };
  const n = N_DAYS.exec(token);
  if (n) {
    const days = Number(n[2]);
    // N calendar days including today / starting tomorrow.
    return n[1] === 'last'
      ? { start: today.minus({ days: days - 1 }), end: today.plus({ days: 1 }) }
      : { start: today.plus({ days: 1 }), end: today.plus({ days: 1 + days }) };
  }
  const u = UNIT_TOKEN.exec(token);
  if (!u) throw new Error(`not a relative date token: ${token}`);
  const unit = u[2] as 'week' | 'month' | 'quarter' | 'year';
  const shift = u[1] === 'this' ? 0 : u[1] === 'last' ? -1 : 1;
  const start = today.startOf(unit).plus({ [`${unit}s`]: shift });
  return { start, end: start.plus({ [`${unit}s`]: 1 }) };
}

export function formatWallClock(dt: DateTime, kind: 'date' | 'datetime'): string {
  return kind === 'date' ? dt.toFormat('yyyy-MM-dd') : dt.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}
