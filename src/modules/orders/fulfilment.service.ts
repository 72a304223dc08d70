import { inTx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { emit } from '../../platform/outbox.js';
import { requireStore } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { confirmReservation } from '../inventory/index.js';
import type { FulfillmentRow, OrderRow } from './orders.tables.js';
import type { FulfillmentType } from './pricing.js';
import { loadFulfillment, lockOrder, pickupQr, q, readOrder, type OrderView } from './order-store.js';
import { advanceOrder } from './order-payments.js';
import { orderSettings } from './orders.settings.js';

/** Fulfilment steps taken by store staff and operators: ready, handover, ship, deliver. */

const PAID: ReadonlySet<string> = new Set(['paid', 'partially_fulfilled']);

/**
 * Loads a fulfilment for a step: checks the actor may act at its location, locks the order (the
 * one lock every order change takes first) and re-reads the fulfilment under it, so the step
 * sees what a concurrent step just did.
 */
async function forStep(ctx: Ctx, id: string, types: FulfillmentType[]): Promise<{ order: OrderRow; f: FulfillmentRow }> {
  const seen = await loadFulfillment(ctx.db, id);
  if (seen.location_id) requireStore(ctx.actor, seen.location_id, 'id');
  if (!types.includes(seen.type)) throw new AppError('invalid_state', `fulfilment ${id} is ${seen.type.replaceAll('_', ' ')}, not ${types.join(' or ').replaceAll('_', ' ')}`, { field: 'id', type: seen.type });
  const order = await lockOrder(ctx.db, seen.order_id);
  return { order, f: await loadFulfillment(ctx.db, id) };
}

/** Goods are prepared and handed over only for paid orders that wait for nothing (a group buy filling up). */
function requirePaid(order: OrderRow): void {
  if (!PAID.has(order.status)) throw new AppError('order_not_paid', `order ${order.id} is ${order.status.replaceAll('_', ' ')}`, { orderId: order.id, current: order.status });
  if (order.waiting_for) throw new AppError('order_waiting', `order ${order.id} waits for its ${order.waiting_for.replaceAll('_', ' ')} to complete`, { orderId: order.id, waitingFor: order.waiting_for });
}

/** The store has the pickup order ready; the no-show clock starts. */
export async function markReadyForPickup(ctx: Ctx, id: string): Promise<OrderView> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const { order, f } = await forStep(c, id, ['pickup']);
    if (f.status === 'ready') return readOrder(tx, order.id);
    if (f.status !== 'pending') throw new AppError('invalid_state', `the pickup is ${f.status.replaceAll('_', ' ')}`, { field: 'id', current: f.status });
    requirePaid(order);
    const now = new Date();
    const noShowAt = new Date(now.getTime() + orderSettings.pickupNoShowHours * 3600_000);
    await q(tx).updateTable('fulfillment').set({ status: 'ready', ready_at: now, no_show_at: noShowAt }).where('id', '=', id).execute();
    await emit(tx, 'fulfillment.ready_for_pickup', id, {
      orderId: order.id,
      fulfillmentId: id,
      locationId: f.location_id,
      customerId: order.customer_id,
      pickupCode: f.pickup_code,
      qrPayload: pickupQr(f),
      noShowAt: noShowAt.toISOString(),
    });
    return readOrder(tx, order.id);
  });
}

/**
 * Hands a ready pickup over after checking its code. The status moves with a conditional update
 * under the order lock, so of two clerks scanning at once exactly one hands it over; the other is
 * told it was already collected. The reservation is confirmed: the stock leaves as a sale.
 */
export async function handOverPickup(ctx: Ctx, id: string, code: string): Promise<OrderView> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const { order, f } = await forStep(c, id, ['pickup']);
    if (f.status === 'picked_up') throw new AppError('already_picked_up', `this order was handed over at ${new Date(f.fulfilled_at!).toISOString()}`, { field: 'id', fulfilledAt: new Date(f.fulfilled_at!).toISOString() });
    if (f.status === 'pending') throw new AppError('not_ready', 'the store has not marked this pickup ready yet', { field: 'id' });
    if (f.status !== 'ready') throw new AppError('invalid_state', `the pickup is ${f.status.replaceAll('_', ' ')}`, { field: 'id', current: f.status });
    requirePaid(order);
    if (f.pickup_code !== code.trim()) throw new AppError('invalid_pickup_code', 'the pickup code does not match this order', { field: 'code' });
    const now = new Date();
    const moved = await q(tx)
      .updateTable('fulfillment')
      .set({ status: 'picked_up', fulfilled_at: now, fulfilled_by: ctx.actor.id })
      .where('id', '=', id)
      .where('status', '=', 'ready')
      .returning('id')
      .executeTakeFirst();
    if (!moved) throw new AppError('already_picked_up', 'this order was just handed over', { field: 'id' });
    if (f.reservation_id) await confirmReservation(c, f.reservation_id);
    await emit(tx, 'order.picked_up', order.id, { orderId: order.id, fulfillmentId: id, locationId: f.location_id, customerId: order.customer_id, pickedUpBy: ctx.actor.id, at: now.toISOString() });
    await advanceOrder(tx, order);
    return readOrder(tx, order.id);
  });
}

/**
 * A delivery or ship-from-store parcel left. Parcels drawn from one allocation share its
 * reservation, which the first of them to ship confirms (confirming again changes nothing).
 */
export async function markShipped(ctx: Ctx, id: string, input: { carrier?: string; trackingNumber?: string }): Promise<OrderView> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const { order, f } = await forStep(c, id, ['delivery', 'ship_from_store']);
    if (f.status !== 'pending') throw new AppError('invalid_state', `the parcel is ${f.status.replaceAll('_', ' ')}`, { field: 'id', current: f.status });
    requirePaid(order);
    if (f.reservation_id) await confirmReservation(c, f.reservation_id);
    const now = new Date();
    await q(tx).updateTable('fulfillment').set({ status: 'shipped', fulfilled_at: now, fulfilled_by: ctx.actor.id, carrier: input.carrier ?? null, tracking_number: input.trackingNumber ?? null }).where('id', '=', id).execute();
    await emit(tx, 'fulfillment.shipped', id, { orderId: order.id, fulfillmentId: id, locationId: f.location_id, carrier: input.carrier ?? null, trackingNumber: input.trackingNumber ?? null });
    await advanceOrder(tx, order);
    return readOrder(tx, order.id);
  });
}

export async function markDelivered(ctx: Ctx, id: string): Promise<OrderView> {
  return inTx(ctx.db, async (tx) => {
    const seen = await loadFulfillment(tx, id);
    if (seen.location_id) requireStore(ctx.actor, seen.location_id, 'id');
    const order = await lockOrder(tx, seen.order_id);
    const moved = await q(tx).updateTable('fulfillment').set({ status: 'delivered', delivered_at: new Date() }).where('id', '=', id).where('status', '=', 'shipped').returning('id').executeTakeFirst();
    if (!moved) throw new AppError('invalid_state', `only a shipped parcel can be delivered; this one is ${seen.status.replaceAll('_', ' ')}`, { field: 'id', current: seen.status });
    await emit(tx, 'fulfillment.delivered', id, { orderId: order.id, fulfillmentId: id, customerId: order.customer_id });
    return readOrder(tx, order.id);
  });
}
