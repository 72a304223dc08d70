import { describe, expect, it } from 'vitest';
import { bookableSlots, gridSlots, slotProblem, type Calendar, type SlotRules } from './slots.js';
import { formatLocal, localToInstant } from '../../platform/zoned-time.js';

const hourly: SlotRules = { slotMinutes: 60, durationMinutes: 60, leadMinutes: 0, horizonDays: 400 };
const utc = (iso: string) => Date.parse(iso);
const starts = (date: string, cal: Calendar, rules: SlotRules = hourly) => gridSlots(date, cal, rules).map((s) => formatLocal(s.start, cal.timeZone));

describe('gridSlots', () => {
  const cases: Array<{ name: string; date: string; cal: Calendar; rules?: SlotRules; want: string[] }> = [
    {
      name: 'Shanghai morning, hourly',
      date: '2026-06-01',
      cal: { timeZone: 'Asia/Shanghai', hours: { mon: [{ open: '09:00', close: '12:00' }] } },
      want: ['2026-06-01T09:00:00+08:00', '2026-06-01T10:00:00+08:00', '2026-06-01T11:00:00+08:00'],
    },
    {
      name: 'a weekday without hours is closed',
      date: '2026-06-02',
      cal: { timeZone: 'Asia/Shanghai', hours: { mon: [{ open: '09:00', close: '12:00' }] } },
      want: [],
    },
    {
      name: 'a dated exception without hours closes the day',
      date: '2026-06-01',
      cal: { timeZone: 'Asia/Shanghai', hours: { mon: [{ open: '09:00', close: '12:00' }] }, exceptions: [{ date: '2026-06-01', hours: [] }] },
      want: [],
    },
    {
      name: 'a dated exception with special hours replaces the weekly ones',
      date: '2026-06-01',
      cal: { timeZone: 'Asia/Shanghai', hours: { mon: [{ open: '09:00', close: '12:00' }] }, exceptions: [{ date: '2026-06-01', hours: [{ open: '15:00', close: '16:00' }] }] },
      want: ['2026-06-01T15:00:00+08:00'],
    },
    {
      name: 'an overnight range gives its after-midnight slots to the next date',
      date: '2026-06-02',
      cal: { timeZone: 'Asia/Shanghai', hours: { mon: [{ open: '23:00', close: '02:00' }] } },
      want: ['2026-06-02T00:00:00+08:00', '2026-06-02T01:00:00+08:00'],
    },
    {
      name: 'Berlin opening on the spring-forward day keeps its local time at the new offset',
      date: '2026-03-29',
      cal: { timeZone: 'Europe/Berlin', hours: { sun: [{ open: '09:00', close: '11:00' }] } },
      want: ['2026-03-29T09:00:00+02:00', '2026-03-29T10:00:00+02:00'],
    },
    {
      name: 'Berlin night hours across spring forward: 02:00 does not exist, one slot fewer',
      date: '2026-03-29',
      cal: { timeZone: 'Europe/Berlin', hours: { sun: [{ open: '00:00', close: '06:00' }] } },
      want: ['2026-03-29T00:00:00+01:00', '2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-29T04:00:00+02:00', '2026-03-29T05:00:00+02:00'],
    },
    {
      name: 'Berlin night hours across fall back: 02:00 happens twice, one slot more',
      date: '2026-10-25',
      cal: { timeZone: 'Europe/Berlin', hours: { sun: [{ open: '00:00', close: '06:00' }] } },
      want: [
        '2026-10-25T00:00:00+02:00', '2026-10-25T01:00:00+02:00', '2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00',
        '2026-10-25T03:00:00+01:00', '2026-10-25T04:00:00+01:00', '2026-10-25T05:00:00+01:00',
      ],
    },
    {
      name: 'New York, negative offset, open until midnight',
      date: '2026-11-01',
      cal: { timeZone: 'America/New_York', hours: { sun: [{ open: '22:00', close: '24:00' }] } },
      want: ['2026-11-01T22:00:00-05:00', '2026-11-01T23:00:00-05:00'],
    },
    {
      name: 'a lunch break splits the day; a service longer than the step overlaps slots but ends by closing',
      date: '2026-06-01',
      cal: { timeZone: 'Asia/Shanghai', hours: { mon: [{ open: '13:00', close: '14:30' }, { open: '09:00', close: '10:30' }] } },
      rules: { ...hourly, slotMinutes: 30 },
      want: ['2026-06-01T09:00:00+08:00', '2026-06-01T09:30:00+08:00', '2026-06-01T13:00:00+08:00', '2026-06-01T13:30:00+08:00'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => expect(starts(c.date, c.cal, c.rules)).toEqual(c.want));
  }

  it('slot ends are start plus the service duration', () => {
    const [s] = gridSlots('2026-06-01', { timeZone: 'Asia/Shanghai', hours: { mon: [{ open: '09:00', close: '12:00' }] } }, { ...hourly, durationMinutes: 45 });
    expect(new Date(s.start).toISOString()).toBe('2026-06-01T01:00:00.000Z');
    expect(new Date(s.end).toISOString()).toBe('2026-06-01T01:45:00.000Z');
  });
});

describe('bookableSlots and slotProblem', () => {
  const cal: Calendar = { timeZone: 'Europe/Berlin', hours: { mon: [{ open: '09:00', close: '12:00' }], tue: [{ open: '09:00', close: '12:00' }] } };
  const rules: SlotRules = { slotMinutes: 30, durationMinutes: 30, leadMinutes: 60, horizonDays: 7 };
  const now = utc('2026-06-01T07:10:00Z'); // Monday 09:10 in Berlin

  const cases: Array<{ name: string; date: string; want: number }> = [
    { name: 'today: slots inside the lead time are gone (from 10:30 on)', date: '2026-06-01', want: 3 },
    { name: 'tomorrow: the whole day', date: '2026-06-02', want: 6 },
    { name: 'a past date has nothing', date: '2026-05-26', want: 0 },
    { name: 'the last day of the horizon is open (Monday next week)', date: '2026-06-08', want: 6 },
    { name: 'beyond the horizon there is nothing', date: '2026-06-09', want: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => expect(bookableSlots(c.date, cal, rules, now)).toHaveLength(c.want));
  }

  const problems: Array<{ name: string; start: string; want: string | null }> = [
    { name: 'in the past', start: '2026-05-25T08:00:00Z', want: 'too_soon' },
    { name: 'inside the lead time', start: '2026-06-01T08:00:00Z', want: 'too_soon' },
    { name: 'first slot after the lead time', start: '2026-06-01T08:30:00Z', want: null },
    { name: 'between grid points', start: '2026-06-02T07:15:00Z', want: 'off_grid' },
    { name: 'a closed day', start: '2026-06-03T07:00:00Z', want: 'off_grid' },
    { name: 'the last slot would run past closing', start: '2026-06-02T10:00:00Z', want: 'off_grid' },
    { name: 'after the horizon', start: '2026-06-09T07:00:00Z', want: 'beyond_horizon' },
  ];
  for (const c of problems) {
    it(`slotProblem: ${c.name}`, () => {
      const r = slotProblem(utc(c.start), cal, rules, now);
      expect('problem' in r ? r.problem : null).toBe(c.want);
    });
  }
});

describe('localToInstant', () => {
  it('moves a time in the spring-forward gap forward by the gap', () => {
    expect(formatLocal(localToInstant('2026-03-29', 150, 'Europe/Berlin'), 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
  });
  it('takes the first occurrence of a time repeated when clocks go back', () => {
    expect(new Date(localToInstant('2026-10-25', 150, 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});
