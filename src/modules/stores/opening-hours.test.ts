import { describe, expect, it } from 'vitest';
import { isOpenAt, nextChange, type Schedule } from './opening-hours.js';

const weekdays = (open: string, close: string) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open, close }]]));
const everyDay = (open: string, close: string) =>
  Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [{ open, close }]]));
const closedOn = (...dates: string[]) => dates.map((date) => ({ date, closed: true, hours: [], note: null }));

/** Shanghai (UTC+8 all year): weekdays 10–22, Saturday until 02:00 Sunday, National Day closed. */
const shanghai: Schedule = {
  timezone: 'Asia/Shanghai',
  openingHours: { ...weekdays('10:00', '22:00'), sat: [{ open: '10:00', close: '02:00' }] },
  exceptions: [...closedOn('2026-10-01'), { date: '2026-10-02', closed: false, hours: [{ open: '12:00', close: '18:00' }], note: 'Golden Week' }],
};
/** The same store closed on Saturday 3 October: no overnight shift that night. */
const shanghaiSatClosed: Schedule = { ...shanghai, exceptions: closedOn('2026-10-03') };
/** Berlin (CET/CEST): 10–20 daily plus a Saturday night 22–04; clocks change 29 Mar and 25 Oct 2026. */
const berlin: Schedule = {
  timezone: 'Europe/Berlin',
  openingHours: { ...everyDay('10:00', '20:00'), sat: [{ open: '10:00', close: '20:00' }, { open: '22:00', close: '04:00' }], sun: [{ open: '12:00', close: '18:00' }] },
  exceptions: [],
};
const aroundTheClock: Schedule = { timezone: 'UTC', openingHours: everyDay('00:00', '24:00'), exceptions: [] };
const christmasOff: Schedule = { ...aroundTheClock, exceptions: closedOn('2026-12-25') };
const longClosure: Schedule = {
  timezone: 'UTC',
  openingHours: everyDay('09:00', '17:00'),
  exceptions: closedOn(...Array.from({ length: 20 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`)),
};
const noHours: Schedule = { timezone: 'Asia/Shanghai', openingHours: {}, exceptions: [] };

type Row = [name: string, schedule: Schedule, at: string, open: boolean, change: string | null];
const cases: Row[] = [
  ['before opening on a Monday', shanghai, '2026-09-28T01:59:59Z', false, 'opens 2026-09-28T02:00:00.000Z'],
  ['at opening time', shanghai, '2026-09-28T02:00:00Z', true, 'closes 2026-09-28T14:00:00.000Z'],
  ['at closing time', shanghai, '2026-09-28T14:00:00Z', false, 'opens 2026-09-29T02:00:00.000Z'],
  ['Saturday night after midnight (overnight)', shanghai, '2026-10-03T17:30:00Z', true, 'closes 2026-10-03T18:00:00.000Z'],
  ['after the overnight shift, closed Sunday', shanghai, '2026-10-03T18:00:00Z', false, 'opens 2026-10-05T02:00:00.000Z'],
  ['evening before a holiday skips to the special hours', shanghai, '2026-09-30T15:00:00Z', false, 'opens 2026-10-02T04:00:00.000Z'],
  ['on the closed holiday at noon', shanghai, '2026-10-01T04:00:00Z', false, 'opens 2026-10-02T04:00:00.000Z'],
  ['special hours: before the late opening', shanghai, '2026-10-02T03:00:00Z', false, 'opens 2026-10-02T04:00:00.000Z'],
  ['special hours: closes early', shanghai, '2026-10-02T09:00:00Z', true, 'closes 2026-10-02T10:00:00.000Z'],
  ['a closed Saturday has no overnight shift', shanghaiSatClosed, '2026-10-03T17:30:00Z', false, 'opens 2026-10-05T02:00:00.000Z'],
  ['Berlin winter: 10:00 CET is 09:00Z', berlin, '2026-03-27T08:30:00Z', false, 'opens 2026-03-27T09:00:00.000Z'],
  ['Berlin: Saturday night opens 22:00 CET', berlin, '2026-03-28T20:59:00Z', false, 'opens 2026-03-28T21:00:00.000Z'],
  ['Berlin: the night the clocks go forward ends 04:00 CEST', berlin, '2026-03-29T01:30:00Z', true, 'closes 2026-03-29T02:00:00.000Z'],
  ['Berlin: Sunday after the change opens 12:00 CEST', berlin, '2026-03-29T09:00:00Z', false, 'opens 2026-03-29T10:00:00.000Z'],
  ['Berlin summer: 10:00 CEST is 08:00Z', berlin, '2026-03-30T07:59:00Z', false, 'opens 2026-03-30T08:00:00.000Z'],
  ['Berlin: the night the clocks go back ends 04:00 CET', berlin, '2026-10-25T02:30:00Z', true, 'closes 2026-10-25T03:00:00.000Z'],
  ['open around the clock never changes', aroundTheClock, '2026-06-01T12:00:00Z', true, null],
  ['around the clock closes for a holiday days ahead', christmasOff, '2026-12-20T12:00:00Z', true, 'closes 2026-12-25T00:00:00.000Z'],
  ['around the clock reopens after the holiday', christmasOff, '2026-12-25T12:00:00Z', false, 'opens 2026-12-26T00:00:00.000Z'],
  ['a three-week closure is looked past', longClosure, '2025-12-31T18:00:00Z', false, 'opens 2026-01-21T09:00:00.000Z'],
  ['no opening hours at all', noHours, '2026-06-01T04:00:00Z', false, null],
];

describe('opening hours', () => {
  it.each(cases)('%s', (_name, schedule, at, open, change) => {
    const instant = new Date(at);
    expect(isOpenAt(schedule, instant)).toBe(open);
    const next = nextChange(schedule, instant);
    expect(next ? `${next.kind} ${next.at.toISOString()}` : null).toBe(change);
  });
});
