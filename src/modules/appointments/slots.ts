import { addDays, localDate, localToInstant, weekday } from '../../platform/zoned-time.js';

/**
 * Slot rules, pure: which start times a service offers at a store on a day, and why a given start
 * cannot be booked. The grid of a day starts at each opening time and steps by the slot length in
 * elapsed time, so a day with a clock change has one slot more or less, never a duplicate.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local times `HH:MM`; `close` may be `24:00`, and a `close` at or before `open` is the next day. */
export interface TimeRange {
  open: string;
  close: string;
}
export type WeeklyHours = Partial<Record<Weekday, TimeRange[]>>;

export interface SlotRules {
  slotMinutes: number;
  durationMinutes: number;
  leadMinutes: number;
  horizonDays: number;
}

export interface Calendar {
  timeZone: string;
  hours: WeeklyHours;
  /** Dated hours that replace the weekly hours of their date; no ranges means closed. */
  exceptions?: Array<{ date: string; hours: TimeRange[] }>;
}

export interface Slot {
  start: number;
  end: number;
}

export const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function rangesOn(date: string, cal: Calendar): TimeRange[] {
  const exception = cal.exceptions?.find((e) => e.date === date);
  return exception ? exception.hours : (cal.hours[WEEKDAYS[weekday(date)]] ?? []);
}

/**
 * Every slot starting on a local date, ignoring lead time and horizon. Ranges of the day before
 * count too: an overnight range opened yesterday offers slots after midnight.
 */
export function gridSlots(date: string, cal: Calendar, rules: SlotRules): Slot[] {
  const step = rules.slotMinutes * 60_000;
  const length = rules.durationMinutes * 60_000;
  const starts = new Map<number, Slot>();
  for (const day of [addDays(date, -1), date]) {
    for (const r of rangesOn(day, cal)) {
      const openMin = toMinutes(r.open);
      const closeMin = toMinutes(r.close) > openMin ? toMinutes(r.close) : toMinutes(r.close) + 1440;
      const open = localToInstant(day, openMin, cal.timeZone);
      const close = localToInstant(day, closeMin, cal.timeZone);
      for (let start = open; start + length <= close; start += step) {
        if (localDate(start, cal.timeZone) === date) starts.set(start, { start, end: start + length });
      }
    }
  }
  return [...starts.values()].sort((a, b) => a.start - b.start);
}

/** The earliest bookable instant and the last bookable local date, seen from `now`. */
function window(cal: Calendar, rules: SlotRules, now: number) {
  return { earliest: now + rules.leadMinutes * 60_000, lastDate: addDays(localDate(now, cal.timeZone), rules.horizonDays) };
}

/** Slots a shopper can book on a local date, seen from `now`. */
export function bookableSlots(date: string, cal: Calendar, rules: SlotRules, now: number): Slot[] {
  const { earliest, lastDate } = window(cal, rules, now);
  if (date > lastDate) return [];
  return gridSlots(date, cal, rules).filter((s) => s.start >= earliest);
}

export type SlotProblem = 'too_soon' | 'beyond_horizon' | 'off_grid';

/** Why `start` cannot be booked, or null when it is a bookable slot. */
export function slotProblem(start: number, cal: Calendar, rules: SlotRules, now: number): { problem: SlotProblem } | { slot: Slot } {
  const { earliest, lastDate } = window(cal, rules, now);
  if (start < earliest) return { problem: 'too_soon' };
  const date = localDate(start, cal.timeZone);
  if (date > lastDate) return { problem: 'beyond_horizon' };
  const slot = gridSlots(date, cal, rules).find((s) => s.start === start);
  return slot ? { slot } : { problem: 'off_grid' };
}
