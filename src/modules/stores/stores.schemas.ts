import { z } from 'zod';
import { COUNTRY_CODES } from './countries.js';
import { hoursProblem, WEEKDAYS, type HoursInterval } from './opening-hours.js';
import { isTimeZone } from '../../platform/zoned-time.js';

export const LOCATION_KINDS = ['store', 'warehouse'] as const;
export const SERVICES = ['pickup', 'ship_from_store', 'returns', 'try_on', 'appointments', 'vouchers'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];
export type Service = (typeof SERVICES)[number];

const text = (max: number) => z.string().trim().min(1).max(max);

export const latSchema = z.number().min(-90).max(90).describe('latitude in degrees, -90 to 90');
export const lngSchema = z.number().min(-180).max(180).describe('longitude in degrees, -180 to 180');
export const geoSchema = z.object({ lat: latSchema, lng: lngSchema }).describe('WGS 84 point');

export const addressSchema = z.object({
  line1: text(200),
  line2: text(200).nullish().transform((v) => v ?? null),
  city: text(100),
  region: text(100).nullish().transform((v) => v ?? null).describe('province, state or county'),
  postalCode: text(20).nullish().transform((v) => v ?? null),
  country: z
    .string()
    .transform((c) => c.toUpperCase())
    .refine((c) => COUNTRY_CODES.has(c), 'an ISO 3166-1 alpha-2 country code such as CN')
    .describe('ISO 3166-1 alpha-2 country code'),
});

export const timezoneSchema = z
  .string()
  .refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai')
  .describe('IANA time zone the opening hours are in');

const intervalSchema = z
  .object({
    open: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM').describe('local opening time HH:MM'),
    close: z
      .string()
      .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a local time HH:MM or 24:00')
      .describe('local closing time HH:MM; at or before `open` means the next day (overnight)'),
  })
  .strict();

/** A day's intervals, rejected when one is empty or two overlap. */
const dayHoursSchema = z
  .array(intervalSchema)
  .max(6)
  .superRefine((ivs: HoursInterval[], ctx) => {
    const problem = hoursProblem(ivs);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.index], message: problem.message });
  });

export const openingHoursSchema = z
  .object(Object.fromEntries(WEEKDAYS.map((d) => [d, dayHoursSchema.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof dayHoursSchema>>)
  .strict()
  .describe('intervals per weekday (sun … sat) in local time; a day left out is closed');

const exceptionSchema = z
  .object({
    date: z.iso.date().describe('local date YYYY-MM-DD'),
    closed: z.boolean().default(false),
    hours: dayHoursSchema.default([]).describe('the only hours of that date, when not closed'),
    note: text(200).nullish().transform((v) => v ?? null).describe('e.g. Spring Festival'),
  })
  .superRefine((e, ctx) => {
    if (e.closed && e.hours.length) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'a closed date has no hours' });
    if (!e.closed && !e.hours.length) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'give the special hours, or closed: true' });
  });

export const exceptionsSchema = z
  .array(exceptionSchema)
  .max(1000)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((e, i) => {
      if (seen.has(e.date)) ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${e.date} is listed twice` });
      seen.add(e.date);
    });
  })
  .describe('dated exceptions (holidays, special hours) that replace the weekly hours of their date');

const fields = {
  kind: z.enum(LOCATION_KINDS),
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (up to 64)').describe('unique code, e.g. SH-001'),
  name: text(200),
  address: addressSchema,
  geo: geoSchema,
  timezone: timezoneSchema,
  openingHours: openingHoursSchema,
  exceptions: exceptionsSchema,
  services: z.array(z.enum(SERVICES)).max(SERVICES.length).transform((s) => [...new Set(s)]).describe('services offered here'),
  priority: z.number().int().min(-1_000_000).max(1_000_000).describe('allocation order: lower numbers are drawn on first'),
  partnerId: text(100).nullable().describe('the partner merchant this store belongs to; null for own locations'),
  active: z.boolean(),
  phone: z.string().trim().regex(/^\+?[0-9 ()-]{3,30}$/, 'a phone number').nullable(),
};

export const newLocationSchema = z.object({
  ...fields,
  openingHours: fields.openingHours.default({}),
  exceptions: fields.exceptions.default([]),
  services: fields.services.default([]),
  priority: fields.priority.default(0),
  partnerId: fields.partnerId.default(null),
  active: fields.active.default(true),
  phone: fields.phone.default(null),
});

/** Every top-level field may be changed; objects and lists are replaced whole. */
export const locationPatchSchema = z.object(fields).partial();

/** Response shapes: the stored form, without the input normalization (responses cannot transform). */
export const addressView = z.object({
  line1: z.string(),
  line2: z.string().nullable(),
  city: z.string(),
  region: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string(),
});

export const locationView = z.object({
  id: z.string(),
  kind: z.enum(LOCATION_KINDS),
  code: z.string(),
  name: z.string(),
  address: addressView,
  geo: geoSchema,
  timezone: z.string(),
  openingHours: openingHoursSchema,
  exceptions: z.array(z.object({ date: z.string(), closed: z.boolean(), hours: z.array(intervalSchema), note: z.string().nullable() })),
  services: z.array(z.enum(SERVICES)),
  priority: z.number().int().describe('allocation order: lower numbers are drawn on first'),
  partnerId: z.string().nullable(),
  active: z.boolean(),
  phone: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type NewLocation = z.output<typeof newLocationSchema>;
export type LocationPatch = z.output<typeof locationPatchSchema>;
export type Address = z.output<typeof addressSchema>;
