import { z } from 'zod';
import { moneySchema } from '../../platform/money.js';
import { toMinutes, WEEKDAYS, type TimeRange } from './slots.js';

export const SERVICE_KINDS = ['experience', 'fitting', 'optometry', 'installation', 'repair'] as const;
export const STATUSES = ['booked', 'checked_in', 'cancelled', 'no_show'] as const;

const range = z
  .object({
    open: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM').describe('local start time HH:MM'),
    close: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a local time HH:MM or 24:00').describe('local end time HH:MM; at or before `open` means the next day'),
  })
  .strict();

/** A day's ranges must be non-empty and must not overlap. */
const dayRanges = z.array(range).max(10).superRefine((ranges: TimeRange[], ctx) => {
  const spans = ranges
    .map((r, index) => ({ index, open: toMinutes(r.open), close: toMinutes(r.close) > toMinutes(r.open) ? toMinutes(r.close) : toMinutes(r.close) + 1440 }))
    .sort((a, b) => a.open - b.open);
  for (const [i, s] of spans.entries()) {
    if (ranges[s.index].open === ranges[s.index].close) ctx.addIssue({ code: 'custom', path: [s.index, 'close'], message: 'open and close are the same time' });
    else if (i > 0 && s.open < spans[i - 1].close) ctx.addIssue({ code: 'custom', path: [s.index, 'open'], message: 'overlaps another range of the same day' });
  }
});

export const weeklyHoursSchema = z
  .object(Object.fromEntries(WEEKDAYS.map((d) => [d, dayRanges.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof dayRanges>>)
  .strict()
  .describe('weekly hours by day (sun … sat) as local HH:MM ranges; a day left out is closed');

const serviceLocation = z.object({
  locationId: z.string().min(1),
  hours: weeklyHoursSchema.nullable().default(null).describe("when the service is bookable at this store; null uses the store's opening hours"),
});

const minutes = (min: number, max: number) => z.number().int().min(min).max(max);

export const newServiceSchema = z.object({
  kind: z.enum(SERVICE_KINDS),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullish(),
  durationMinutes: minutes(5, 1440).describe('how long one appointment takes'),
  slotMinutes: minutes(5, 1440).optional().describe('distance between slot starts; defaults to the duration'),
  capacity: z.number().int().min(1).max(10_000).default(1).describe('customers served at once in one slot'),
  leadMinutes: minutes(0, 525_600).default(0).describe('how far ahead a slot must be booked at the latest'),
  horizonDays: z.number().int().min(0).max(366).default(30).describe('how many days ahead slots can be booked'),
  price: moneySchema.nullish().describe('what the service costs, if anything'),
  active: z.boolean().default(true),
  locations: z.array(serviceLocation).max(5000).default([]).describe('stores offering the service'),
});

export const servicePatchSchema = newServiceSchema
  .extend({ capacity: z.number().int().min(1).max(10_000), leadMinutes: minutes(0, 525_600), horizonDays: z.number().int().min(0).max(366), active: z.boolean(), locations: z.array(serviceLocation).max(5000).describe('replaces the stores offering the service') })
  .partial();

export const serviceSchema = z.object({
  id: z.string(),
  kind: z.enum(SERVICE_KINDS),
  name: z.string(),
  description: z.string().nullable(),
  durationMinutes: z.number(),
  slotMinutes: z.number(),
  capacity: z.number(),
  leadMinutes: z.number(),
  horizonDays: z.number(),
  price: moneySchema.nullable(),
  active: z.boolean(),
  locations: z.array(z.object({ locationId: z.string(), hours: weeklyHoursSchema.nullable() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const dateSchema = z.iso.date('a date YYYY-MM-DD').describe('local date at the store, YYYY-MM-DD');
export const startSchema = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with offset' }).describe('slot start as listed by the slots endpoint, e.g. 2026-06-01T10:00:00+08:00');

export const slotsSchema = z.object({
  serviceId: z.string(),
  locationId: z.string(),
  date: z.string(),
  timezone: z.string(),
  slots: z.array(z.object({ start: z.string(), end: z.string(), capacity: z.number(), remaining: z.number().describe('places left') })),
});

const contactSchema = z.object({
  name: z.string().trim().min(1).max(200),
  phone: z.string().max(32).optional(),
  email: z.string().email().max(320).optional(),
});

const orderLink = {
  orderId: z.string().min(1).max(100).nullish().describe("the order this booking belongs to, e.g. an installation bought with a product: the booked customer's (a shopper's own)"),
  orderLineId: z.string().min(1).max(100).nullish().describe('a line of that order; one live appointment per line'),
};

export const shopperBookingSchema = z.object({
  serviceId: z.string().min(1),
  locationId: z.string().min(1),
  start: startSchema,
  note: z.string().max(2000).nullish(),
  ...orderLink,
});

export const staffBookingSchema = shopperBookingSchema.extend({
  customerId: z.string().min(1).nullish().describe('the customer booked for; or give a contact'),
  contact: contactSchema.nullish().describe('who is coming, when they have no customer account'),
});

export const rescheduleSchema = z.object({ start: startSchema });
export const cancelSchema = z.object({ reason: z.string().max(500).nullish() });

export const appointmentSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  locationId: z.string(),
  start: z.string().describe('local time at the store with its offset'),
  end: z.string(),
  timezone: z.string(),
  status: z.enum(STATUSES),
  customerId: z.string().nullable(),
  contact: contactSchema.nullable(),
  orderId: z.string().nullable(),
  orderLineId: z.string().nullable(),
  note: z.string().nullable(),
  bookedBy: z.string(),
  cancelReason: z.string().nullable(),
  checkedInAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  noShowAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
