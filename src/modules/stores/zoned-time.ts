/**
 * Wall-clock arithmetic in an IANA time zone using only Intl. Opening hours are local times of the
 * store; answers are instants. Dates are `YYYY-MM-DD`, times are minutes after local midnight.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a time zone name Intl knows (`Asia/Shanghai`, `UTC`); false for anything else. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall-clock reading of an instant, written as if that reading were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(Math.floor(instant / 1000) * 1000))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

const parseDate = (date: string) => Date.parse(`${date}T00:00:00Z`);

export function addDays(date: string, days: number): string {
  return new Date(parseDate(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(parseDate(date)).getUTCDay();
}

/** The local calendar date of an instant. */
export function localDate(instant: number, timeZone: string): string {
  return new Date(wallClock(instant, timeZone)).toISOString().slice(0, 10);
}

/**
 * The instant at which a local wall-clock time happens; `minutes` may pass 1440 (the next day).
 * A time that happens twice (clocks going back) is its first occurrence; a time skipped by clocks
 * going forward is moved on by the gap (02:30 on Berlin's spring-forward night is 03:30 CEST).
 */
export function localToInstant(date: string, minutes: number, timeZone: string): number {
  const wall = parseDate(date) + minutes * 60_000;
  const offsetBefore = wallClock(wall - DAY_MS, timeZone) - (wall - DAY_MS);
  const offsetAfter = wallClock(wall + DAY_MS, timeZone) - (wall + DAY_MS);
  const exact = [wall - offsetBefore, wall - offsetAfter].filter((t) => wallClock(t, timeZone) === wall);
  return exact.length ? Math.min(...exact) : wall - offsetBefore;
}
