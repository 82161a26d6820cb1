/**
 * Schedule arithmetic, pure and clock-free: the next runs of a cron expression in a time zone (croner does
 * the zone and DST work: a time skipped by spring-forward runs at the first valid minute after it, a time
 * repeated by fall-back runs once), and which occurrences fell due since the last check — the latest runs
 * if it is only just due, everything older (a laptop asleep, the app closed) is reported as missed.
 */
import { Cron } from 'croner';

export function cronOf(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, paused: true });
}

export function nextRuns(expression: string, timezone: string, after: Date, count: number): Date[] {
  const c = cronOf(expression, timezone);
  try {
    return c.nextRuns(count, after);
  } finally {
    c.stop();
  }
}

/** Occurrences in (since, now], oldest first, at most `max` (the oldest are dropped beyond that). */
export function occurrencesBetween(expression: string, timezone: string, since: Date, now: Date, max = 1000): { dates: Date[]; more: boolean } {
  const c = cronOf(expression, timezone);
  try {
    const dates: Date[] = [];
    let more = false;
    let at = since;
    for (;;) {
      const next = c.nextRun(at);
      if (!next || next.getTime() > now.getTime()) break;
      dates.push(next);
      if (dates.length > max) {
        dates.shift();
        more = true;
      }
      at = next;
    }
    return { dates, more };
  } finally {
    c.stop();
  }
}

export interface DueDecision {
  /** The occurrence to run now, if it is recent enough. */
  run?: Date;
  /** Occurrences that will not run (reported). */
  missed: Date[];
  /** More missed occurrences than listed. */
  moreMissed: boolean;
}

export function decideDue(expression: string, timezone: string, lastCheck: Date, now: Date, graceMs: number): DueDecision {
  const { dates, more } = occurrencesBetween(expression, timezone, lastCheck, now, 100);
  if (dates.length === 0) return { missed: [], moreMissed: false };
  const latest = dates[dates.length - 1]!;
  if (now.getTime() - latest.getTime() <= graceMs) return { run: latest, missed: dates.slice(0, -1), moreMissed: more };
  return { missed: dates, moreMissed: more };
}
