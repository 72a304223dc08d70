import { sql, type Executor } from '../../platform/db.js';

/**
 * Seats of a slot, counted in one row per (service, store, slot start). Taking a seat is one
 * conditional upsert, so concurrent bookings queue on the row and never pass the capacity.
 */
export interface SeatKey {
  serviceId: string;
  locationId: string;
  start: Date;
}

/** Takes one seat; false when the slot is already full. */
export async function takeSeat(db: Executor, key: SeatKey, capacity: number): Promise<boolean> {
  const r = await sql<{ booked: number }>`
    INSERT INTO appointment_slot (service_id, location_id, slot_start, booked)
    VALUES (${key.serviceId}, ${key.locationId}, ${key.start}, 1)
    ON CONFLICT (service_id, location_id, slot_start)
    DO UPDATE SET booked = appointment_slot.booked + 1 WHERE appointment_slot.booked < ${capacity}
    RETURNING booked`.execute(db);
  return r.rows.length === 1;
}

export async function releaseSeat(db: Executor, key: SeatKey): Promise<void> {
  await sql`
    UPDATE appointment_slot SET booked = booked - 1
    WHERE service_id = ${key.serviceId} AND location_id = ${key.locationId} AND slot_start = ${key.start} AND booked > 0`.execute(db);
}

/**
 * Moves one seat from `from` to `to`. Both rows are touched in slot order, whatever the direction
 * of the move, so two moves crossing each other wait instead of deadlocking.
 */
export async function moveSeat(db: Executor, from: SeatKey, to: SeatKey, capacity: number): Promise<boolean> {
  if (from.start.getTime() < to.start.getTime()) {
    await releaseSeat(db, from);
    return takeSeat(db, to, capacity);
  }
  if (!(await takeSeat(db, to, capacity))) return false;
  await releaseSeat(db, from);
  return true;
}

/** Seats taken per slot start (ms) for a service at a store within [from, to). */
export async function seatsTaken(db: Executor, serviceId: string, locationId: string, from: Date, to: Date): Promise<Map<number, number>> {
  const r = await sql<{ slot_start: Date; booked: number }>`
    SELECT slot_start, booked FROM appointment_slot
    WHERE service_id = ${serviceId} AND location_id = ${locationId} AND slot_start >= ${from} AND slot_start < ${to}`.execute(db);
  return new Map(r.rows.map((row) => [new Date(row.slot_start).getTime(), Number(row.booked)]));
}
