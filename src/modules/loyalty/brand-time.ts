/** Calendar arithmetic in the brand's time zone (birthdays, year ends), with Intl only. */

function parts(at: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour, minute: +p.minute, second: +p.second };
}

/** The local calendar date of an instant, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The instant local midnight starts on a date in the zone. */
export function localMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  const p = parts(new Date(guess), timeZone);
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - guess;
  return new Date(guess - offset);
}

/** End of the calendar year `years` after the one `at` falls in (0 = this year's end). */
export function endOfYear(at: Date, years: number, timeZone: string): Date {
  return localMidnight(parts(at, timeZone).year + years + 1, 1, 1, timeZone);
}

/**
 * Whether a birthday (YYYY-MM-DD) falls on the local date `today`. A 29 February birthday is
 * celebrated on 28 February in other years.
 */
export function isBirthday(birthday: string, today: string): boolean {
  const md = birthday.slice(5);
  const [y] = today.split('-').map(Number);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return today.slice(5) === (md === '02-29' && !leap ? '02-28' : md);
}
