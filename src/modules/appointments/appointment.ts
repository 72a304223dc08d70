import { tables, type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { requireStore, type Actor } from '../../platform/auth.js';
import type { AppointmentRow, AppointmentStatus, AppointmentTables, Contact } from './appointments.tables.js';
import { formatLocal } from '../../platform/zoned-time.js';

export const q = (db: Executor) => tables<AppointmentTables>(db);

export interface Appointment {
  id: string;
  serviceId: string;
  locationId: string;
  /** Local time at the store, with its offset. */
  start: string;
  end: string;
  timezone: string;
  status: AppointmentStatus;
  customerId: string | null;
  contact: Contact | null;
  orderId: string | null;
  orderLineId: string | null;
  note: string | null;
  bookedBy: string;
  cancelReason: string | null;
  checkedInAt: string | null;
  cancelledAt: string | null;
  noShowAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toAppointment(r: AppointmentRow): Appointment {
  return {
    id: r.id,
    serviceId: r.service_id,
    locationId: r.location_id,
    start: formatLocal(new Date(r.slot_start).getTime(), r.time_zone),
    end: formatLocal(new Date(r.slot_end).getTime(), r.time_zone),
    timezone: r.time_zone,
    status: r.status,
    customerId: r.customer_id,
    contact: typeof r.contact === 'string' ? JSON.parse(r.contact) : r.contact,
    orderId: r.order_id,
    orderLineId: r.order_line_id,
    note: r.note,
    bookedBy: r.booked_by,
    cancelReason: r.cancel_reason,
    checkedInAt: iso(r.checked_in_at),
    cancelledAt: iso(r.cancelled_at),
    noShowAt: iso(r.no_show_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/**
 * Loads an appointment the actor may act on: shoppers only their own (others look absent), clerks
 * only at their stores. `lock` takes the row lock that orders concurrent changes to it.
 */
export async function loadFor(db: Executor, actor: Actor, id: string, lock = false): Promise<AppointmentRow> {
  let query = q(db).selectFrom('appointment').selectAll().where('id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row || (actor.kind === 'shopper' && row.customer_id !== actor.customerId)) throw notFound('appointment', id, 'id');
  requireStore(actor, row.location_id, 'id');
  return row;
}

/** What events about an appointment carry. */
export const eventPayload = (a: Appointment) => ({
  id: a.id,
  serviceId: a.serviceId,
  locationId: a.locationId,
  start: a.start,
  end: a.end,
  status: a.status,
  customerId: a.customerId,
  orderId: a.orderId,
  orderLineId: a.orderLineId,
});
