import type { Updateable } from 'kysely';
import { inTx, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { SYSTEM, requireStore } from '../../platform/auth.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { getCustomer } from '../customers/index.js';
import { getOrder } from '../orders/index.js';
import type { AppointmentRow, AppointmentTables, Contact, ServiceRow } from './appointments.tables.js';
import { eventPayload, loadFor, q, toAppointment, type Appointment } from './appointment.js';
import { moveSeat, releaseSeat, takeSeat, type SeatKey } from './seats.js';
import { slotProblem, type Slot, type SlotProblem } from './slots.js';
import { serviceOffer } from './store-calendar.js';
import { formatLocal } from '../../platform/zoned-time.js';

export interface BookingInput {
  serviceId: string;
  locationId: string;
  /** ISO 8601 instant with offset: a slot start from the slots list. */
  start: string;
  /** Ignored for shoppers, who always book for themselves. */
  customerId?: string | null;
  /** For a walk-in or phone booking without a customer account. */
  contact?: Contact | null;
  orderId?: string | null;
  orderLineId?: string | null;
  note?: string | null;
}

const SLOT_ERRORS: Record<SlotProblem, { code: string; message: string }> = {
  too_soon: { code: 'slot_too_soon', message: 'this slot is in the past or inside the lead time of the service' },
  beyond_horizon: { code: 'slot_beyond_horizon', message: 'this slot is further ahead than the service can be booked' },
  off_grid: { code: 'slot_not_offered', message: 'no slot of this service starts at this time at this store' },
};

/** The slot `start` names for a service at a store, or the reason it cannot be booked. */
async function resolveSlot(ctx: Ctx, serviceId: string, locationId: string, start: string): Promise<{ service: ServiceRow; slot: Slot; timeZone: string }> {
  const { service, cal, rules } = await serviceOffer(ctx, serviceId, locationId, 'locationId');
  const instant = Date.parse(start);
  if (Number.isNaN(instant)) throw new AppError('validation_failed', 'an ISO 8601 date-time with offset', { field: 'start' });
  const found = slotProblem(instant, cal, rules, Date.now());
  if ('problem' in found) {
    const e = SLOT_ERRORS[found.problem];
    throw new AppError(e.code, e.message, { field: 'start', start });
  }
  return { service, slot: found.slot, timeZone: cal.timeZone };
}

const slotFull = (start: string) => new AppError('slot_full', 'this slot has no places left; pick another', { field: 'start', start });

function rethrowOrderLineTaken(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  if (e?.code === '23505' && e.constraint === 'appointment_order_line_key') {
    throw new AppError('order_line_already_booked', 'this order line already has an appointment', { field: 'orderLineId' });
  }
  throw err;
}

/**
 * An order a booking is tied to (an installation bought with a product) must exist, hold the line
 * named and be the booked customer's. A shopper finds only their own orders: another's is missing.
 */
async function checkOrder(ctx: Ctx, customerId: string | null, orderId: string, orderLineId: string | null | undefined): Promise<void> {
  const order = await getOrder(ctx.actor.kind === 'shopper' ? ctx : { ...ctx, actor: SYSTEM }, orderId).catch((err) => {
    throw err instanceof AppError && err.code === 'not_found' ? notFound('order', orderId, 'orderId') : err;
  });
  if (customerId && order.customerId !== customerId) throw new AppError('validation_failed', `order ${orderId} belongs to another customer`, { field: 'orderId' });
  if (orderLineId && !order.lines.some((l) => l.id === orderLineId)) throw notFound('order line', orderLineId, 'orderLineId');
}

export async function bookAppointment(ctx: Ctx, input: BookingInput): Promise<Appointment> {
  const actor = ctx.actor;
  const customerId = actor.kind === 'shopper' ? actor.customerId : (input.customerId ?? null);
  requireStore(actor, input.locationId);
  if (!customerId && !input.contact) throw new AppError('validation_failed', 'name the customer (customerId) or give a contact', { field: 'customerId' });
  if (input.orderLineId && !input.orderId) throw new AppError('validation_failed', 'an order line needs its orderId', { field: 'orderId' });
  if (input.orderId) await checkOrder(ctx, customerId, input.orderId, input.orderLineId);
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const { service, slot, timeZone } = await resolveSlot(c, input.serviceId, input.locationId, input.start);
    if (customerId && actor.kind !== 'shopper') {
      await getCustomer(c, customerId).catch((err) => {
        throw err instanceof AppError && err.code === 'not_found' ? notFound('customer', customerId, 'customerId') : err;
      });
    }
    const seat: SeatKey = { serviceId: service.id, locationId: input.locationId, start: new Date(slot.start) };
    if (!(await takeSeat(tx, seat, service.capacity))) throw slotFull(input.start);
    const row = await q(tx)
      .insertInto('appointment')
      .values({
        id: newId('apt'),
        service_id: service.id,
        location_id: input.locationId,
        slot_start: new Date(slot.start),
        slot_end: new Date(slot.end),
        time_zone: timeZone,
        status: 'booked',
        customer_id: customerId,
        contact: (input.contact ? JSON.stringify(input.contact) : null) as any,
        order_id: input.orderId ?? null,
        order_line_id: input.orderLineId ?? null,
        note: input.note ?? null,
        booked_by: actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowOrderLineTaken);
    const appointment = toAppointment(row);
    await emit(tx, 'appointment.booked', row.id, { ...eventPayload(appointment), bookedBy: actor.id });
    return appointment;
  });
}

function requireBooked(row: AppointmentRow, action: string): void {
  if (row.status !== 'booked') {
    throw new AppError('appointment_not_active', `a ${row.status.replace('_', '-')} appointment cannot be ${action}`, { field: 'id', status: row.status });
  }
}

const seatOf = (row: AppointmentRow): SeatKey => ({ serviceId: row.service_id, locationId: row.location_id, start: new Date(row.slot_start) });

/** Moves a booked appointment to another slot of the same service and store, atomically. */
export async function rescheduleAppointment(ctx: Ctx, id: string, input: { start: string }): Promise<Appointment> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const row = await loadFor(tx, ctx.actor, id, true);
    requireBooked(row, 'rescheduled');
    const { service, slot, timeZone } = await resolveSlot(c, row.service_id, row.location_id, input.start);
    if (slot.start === new Date(row.slot_start).getTime()) return toAppointment(row);
    const to: SeatKey = { ...seatOf(row), start: new Date(slot.start) };
    if (!(await moveSeat(tx, seatOf(row), to, service.capacity))) throw slotFull(input.start);
    const updated = await q(tx)
      .updateTable('appointment')
      .set({ slot_start: new Date(slot.start), slot_end: new Date(slot.end), time_zone: timeZone, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const appointment = toAppointment(updated);
    const previousStart = formatLocal(new Date(row.slot_start).getTime(), row.time_zone);
    await emit(tx, 'appointment.rescheduled', id, { ...eventPayload(appointment), previousStart, by: ctx.actor.id });
    return appointment;
  });
}

/**
 * Ends a booked appointment one way or another, in one transaction with its event. `apply` checks
 * what else the change needs and returns the columns to set.
 */
async function closeAppointment(
  ctx: Ctx,
  id: string,
  verb: string,
  event: string,
  apply: (tx: Executor, row: AppointmentRow) => Promise<Updateable<AppointmentTables['appointment']>>,
): Promise<Appointment> {
  return inTx(ctx.db, async (tx) => {
    const row = await loadFor(tx, ctx.actor, id, true);
    requireBooked(row, verb);
    const updated = await q(tx)
      .updateTable('appointment')
      .set({ ...(await apply(tx, row)), updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const appointment = toAppointment(updated);
    const reason = updated.status === 'cancelled' ? { reason: updated.cancel_reason } : {};
    await emit(tx, event, id, { ...eventPayload(appointment), ...reason, by: ctx.actor.id });
    return appointment;
  });
}

/** Cancels a booked appointment and gives its place back to the slot. */
export const cancelAppointment = (ctx: Ctx, id: string, input: { reason?: string | null } = {}) =>
  closeAppointment(ctx, id, 'cancelled', 'appointment.cancelled', async (tx, row) => {
    await releaseSeat(tx, seatOf(row));
    return { status: 'cancelled', cancelled_at: new Date(), cancel_reason: input.reason ?? null };
  });

/** The customer arrived: staff of the store check them in. */
export const checkInAppointment = (ctx: Ctx, id: string) =>
  closeAppointment(ctx, id, 'checked in', 'appointment.checked_in', async () => ({ status: 'checked_in', checked_in_at: new Date() }));

/** The customer did not come: marked once the appointment has started. The place stays used. */
export const markNoShow = (ctx: Ctx, id: string) =>
  closeAppointment(ctx, id, 'marked no-show', 'appointment.no_show', async (_tx, row) => {
    if (new Date(row.slot_start).getTime() > Date.now()) {
      throw new AppError('appointment_not_started', 'a no-show can be marked only once the appointment has started', { field: 'id' });
    }
    return { status: 'no_show', no_show_at: new Date() };
  });
