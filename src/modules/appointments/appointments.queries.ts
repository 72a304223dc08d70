import { AppError, notFound } from '../../platform/errors.js';
import { requireStore } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { getLocation } from '../stores/index.js';
import type { AppointmentStatus } from './appointments.tables.js';
import { loadFor, q, toAppointment, type Appointment } from './appointment.js';
import { seatsTaken } from './seats.js';
import { bookableSlots } from './slots.js';
import { serviceOffer } from './store-calendar.js';
import { addDays, formatLocal, localDate, localToInstant } from '../../platform/zoned-time.js';

export interface SlotAvailability {
  start: string;
  end: string;
  capacity: number;
  remaining: number;
}

export interface DaySlots {
  serviceId: string;
  locationId: string;
  date: string;
  timezone: string;
  slots: SlotAvailability[];
}

/** Bookable slots of a service at a store on a local date, with the places left in each. */
export async function listSlots(ctx: Ctx, input: { serviceId: string; locationId: string; date: string }): Promise<DaySlots> {
  const { service, cal, rules } = await serviceOffer(ctx, input.serviceId, input.locationId, 'serviceId');
  const slots = bookableSlots(input.date, cal, rules, Date.now());
  const taken = slots.length
    ? await seatsTaken(ctx.db, service.id, input.locationId, new Date(slots[0].start), new Date(slots.at(-1)!.start + 1))
    : new Map<number, number>();
  return {
    serviceId: service.id,
    locationId: input.locationId,
    date: input.date,
    timezone: cal.timeZone,
    slots: slots.map((s) => ({
      start: formatLocal(s.start, cal.timeZone),
      end: formatLocal(s.end, cal.timeZone),
      capacity: service.capacity,
      remaining: Math.max(0, service.capacity - (taken.get(s.start) ?? 0)),
    })),
  };
}

/** A store's appointments on a local date (today by default), in time order: the clerk's day. */
export async function listStoreAppointments(ctx: Ctx, input: { locationId: string; date?: string; status?: AppointmentStatus }): Promise<{ date: string; data: Appointment[] }> {
  requireStore(ctx.actor, input.locationId);
  const store = await getLocation(ctx, input.locationId).catch((err) => {
    throw err instanceof AppError && err.code === 'not_found' ? notFound('location', input.locationId, 'locationId') : err;
  });
  const date = input.date ?? localDate(Date.now(), store.timezone);
  let query = q(ctx.db)
    .selectFrom('appointment')
    .selectAll()
    .where('location_id', '=', input.locationId)
    .where('slot_start', '>=', new Date(localToInstant(date, 0, store.timezone)))
    .where('slot_start', '<', new Date(localToInstant(addDays(date, 1), 0, store.timezone)));
  if (input.status) query = query.where('status', '=', input.status);
  const rows = await query.orderBy('slot_start').orderBy('id').execute();
  return { date, data: rows.map(toAppointment) };
}

/** A customer's appointments, the latest first; `upcoming` keeps those not yet started. */
export async function listCustomerAppointments(
  ctx: Ctx,
  customerId: string,
  filter: { status?: AppointmentStatus; upcoming?: boolean; limit?: number } = {},
): Promise<Appointment[]> {
  let query = q(ctx.db).selectFrom('appointment').selectAll().where('customer_id', '=', customerId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.upcoming) query = query.where('slot_start', '>=', new Date());
  const rows = await query.orderBy('slot_start', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
  return rows.map(toAppointment);
}

export async function getAppointment(ctx: Ctx, id: string): Promise<Appointment> {
  return toAppointment(await loadFor(ctx.db, ctx.actor, id));
}

/** Appointments tied to an order (installation visits booked for its lines). */
export async function listOrderAppointments(ctx: Ctx, orderId: string): Promise<Appointment[]> {
  const rows = await q(ctx.db).selectFrom('appointment').selectAll().where('order_id', '=', orderId).orderBy('slot_start').execute();
  return rows.map(toAppointment);
}
