/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: store hours and appointment
 * slots are local times, while the database keeps instants. Dates are `YYYY-MM-DD`, times are
 * minutes after local midnight.
 */

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

export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of an instant, as if that reading were UTC (ms since epoch). */
function wallClock(instant: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** Minutes the zone is ahead of UTC at an instant (+120 for Berlin in summer). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return (wallClock(whole, timeZone) - whole) / 60_000;
}

export function parseDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

export function formatDate(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return formatDate(parseDate(date) + days * 86_400_000);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(parseDate(date)).getUTCDay();
}

/**
 * The instant a local wall-clock time happens. A time that happens twice (clocks going back) is
 * its first occurrence; a time skipped by clocks going forward is moved forward by the gap, so
 * 02:30 on a spring-forward night in Berlin is 03:30 local.
 */
export function localToInstant(date: string, minutes: number, timeZone: string): number {
  const wall = parseDate(date) + minutes * 60_000;
  const before = offsetMinutes(wall - 86_400_000, timeZone);
  const after = offsetMinutes(wall + 86_400_000, timeZone);
  const candidates = [wall - before * 60_000, wall - after * 60_000]
    .filter((t) => wallClock(t, timeZone) === wall)
    .sort((a, b) => a - b);
  return candidates[0] ?? wall - before * 60_000;
}

/** The local calendar date of an instant. */
export function localDate(instant: number, timeZone: string): string {
  return new Date(wallClock(instant, timeZone)).toISOString().slice(0, 10);
}

/** ISO 8601 with the zone's offset at that instant: `2026-03-29T09:00:00+02:00`. */
export function formatLocal(instant: number, timeZone: string): string {
  const off = offsetMinutes(instant, timeZone);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(wallClock(instant, timeZone)).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}
