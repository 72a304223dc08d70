import { addDays, localDate, localToInstant, weekday } from '../../platform/zoned-time.js';

/** Weekday keys, indexed like Date#getDay (0 = Sunday). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local times `HH:MM`; `close` may be `24:00`, and a `close` at or before `open` is the next day. */
export interface HoursInterval {
  open: string;
  close: string;
}
export type WeeklyHours = Partial<Record<Weekday, HoursInterval[]>>;

/** A dated exception replaces that date's weekly hours: closed, or open only in `hours`. */
export interface HoursException {
  date: string;
  closed: boolean;
  hours: HoursInterval[];
  note: string | null;
}

export interface Schedule {
  timezone: string;
  openingHours: WeeklyHours;
  exceptions: HoursException[];
}

export interface HoursChange {
  kind: 'opens' | 'closes';
  at: Date;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** An interval's [open, close) in minutes after the local midnight of the day it opens. */
export function intervalMinutes(iv: HoursInterval): [number, number] {
  const open = minutes(iv.open);
  const close = minutes(iv.close);
  return [open, close > open ? close : close + 1440];
}

/** Why a day's intervals are unusable (an empty interval or two that overlap), or null. */
export function hoursProblem(intervals: HoursInterval[]): { index: number; message: string } | null {
  const spans = intervals.map((iv, index) => ({ index, span: intervalMinutes(iv), same: iv.open === iv.close }));
  const empty = spans.find((s) => s.same);
  if (empty) return { index: empty.index, message: 'open and close are the same time; use 00:00 to 24:00 for a whole day' };
  spans.sort((a, b) => a.span[0] - b.span[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].span[0] < spans[i - 1].span[1]) return { index: spans[i].index, message: 'overlaps another interval of the same day' };
  }
  return null;
}

function intervalsOn(schedule: Schedule, date: string): HoursInterval[] {
  const exception = schedule.exceptions.find((e) => e.date === date);
  if (exception) return exception.closed ? [] : exception.hours;
  return schedule.openingHours[WEEKDAYS[weekday(date)]] ?? [];
}

/**
 * Open periods as instants [start, end) for the intervals that open on `days` local dates from
 * `firstDate`, sorted, with overlapping or touching periods merged (an overnight shift that runs
 * into the next day's opening is one period).
 */
function openPeriods(schedule: Schedule, firstDate: string, days: number): Array<[number, number]> {
  const periods: Array<[number, number]> = [];
  for (let d = 0; d < days; d++) {
    const date = addDays(firstDate, d);
    for (const iv of intervalsOn(schedule, date)) {
      const [open, close] = intervalMinutes(iv);
      periods.push([localToInstant(date, open, schedule.timezone), localToInstant(date, close, schedule.timezone)]);
    }
  }
  periods.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const p of periods) {
    const last = merged.at(-1);
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else merged.push([...p]);
  }
  return merged;
}

/** Whether the location is open at an instant, by its local opening hours and exceptions. */
export function isOpenAt(schedule: Schedule, instant: Date): boolean {
  const t = instant.getTime();
  // Intervals open on the local day or the day before (an overnight shift still running).
  const first = addDays(localDate(t, schedule.timezone), -1);
  return openPeriods(schedule, first, 2).some(([s, e]) => s <= t && t < e);
}

/** Horizons, in days, searched for the next change; a store closed for more than a year has none. */
const HORIZONS = [8, 64, 400];

/**
 * The next time the location opens (when closed at `instant`) or closes (when open), or null when
 * there is none within a year: no hours at all, or open around the clock.
 */
export function nextChange(schedule: Schedule, instant: Date): HoursChange | null {
  const t = instant.getTime();
  const today = localDate(t, schedule.timezone);
  for (const days of HORIZONS) {
    const periods = openPeriods(schedule, addDays(today, -1), days + 1);
    // Periods opening after the searched days start no earlier than this, so one ending before it is final.
    const unseen = localToInstant(addDays(today, days), 0, schedule.timezone);
    const current = periods.find(([s, e]) => s <= t && t < e);
    if (current) {
      if (current[1] < unseen) return { kind: 'closes', at: new Date(current[1]) };
      continue;
    }
    const next = periods.find(([s]) => s > t);
    if (next) return { kind: 'opens', at: new Date(next[0]) };
  }
  return null;
}
