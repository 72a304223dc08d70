import { sql } from 'kysely';
import { inTx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import { requireStore } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { adjustStock } from '../inventory/index.js';
import { getLocation } from '../stores/index.js';
import { lockOrder, q, readOrder, type OrderView } from './order-store.js';
import { paidForUnits } from './pricing.js';
import { refundOrder } from './order-payments.js';
import { requireWholeOrder } from './order-access.js';
import { orderSettings } from './orders.settings.js';

/** Returns across channels (bought online, returned at any store) and money-only refunds. */

const RETURNABLE_ORDER: ReadonlySet<string> = new Set(['partially_fulfilled', 'fulfilled', 'partially_refunded']);
const HANDED_OVER: ReadonlySet<string> = new Set(['picked_up', 'shipped', 'delivered', 'sold']);

/** Whether goods of the order are with the shopper, who may bring them back to any store. */
export const returnableAnywhere = (order: Pick<OrderView, 'status' | 'fulfillments'>): boolean =>
  RETURNABLE_ORDER.has(order.status) && order.fulfillments.some((f) => HANDED_OVER.has(f.status));

export interface ReturnInput {
  locationId: string;
  lines: Array<{ orderLineId: string; quantity: number }>;
  reason: string;
}

/**
 * Receives returned goods at a store: restocks them there and refunds the lines' paid amounts
 * (after discounts) to the original payment. Under the order lock, each line's returned count
 * moves only if it stays within what was sold, so concurrent returns can never exceed it.
 */
export async function receiveReturn(ctx: Ctx, orderId: string, input: ReturnInput): Promise<OrderView & { returnId: string; refunded: number }> {
  requireStore(ctx.actor, input.locationId);
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const store = await getLocation(c, input.locationId).catch(() => {
      throw new AppError('not_found', `location ${input.locationId} does not exist`, { field: 'locationId' });
    });
    if (!store.services.includes('returns')) throw new AppError('service_unavailable', `${store.name} does not take returns`, { field: 'locationId', locationId: store.id });
    const order = await lockOrder(tx, orderId);
    if (!RETURNABLE_ORDER.has(order.status)) throw new AppError('not_returnable', `an order that is ${order.status.replaceAll('_', ' ')} takes no returns`, { current: order.status });
    const wanted = new Map<string, { quantity: number; index: number }>();
    input.lines.forEach((l, index) => wanted.set(l.orderLineId, { quantity: (wanted.get(l.orderLineId)?.quantity ?? 0) + l.quantity, index }));
    const lines = await q(tx).selectFrom('order_line').selectAll().where('order_id', '=', orderId).where('id', 'in', [...wanted.keys()]).orderBy('id').execute();
    const fs = await q(tx).selectFrom('fulfillment').selectAll().where('order_id', '=', orderId).execute();
    const returnId = newId('ret');
    const now = Date.now();
    const received: Array<{ lineId: string; variantId: string; quantity: number; amount: number }> = [];
    for (const [lineId, w] of wanted) {
      const field = `lines.${w.index}`;
      const line = lines.find((l) => l.id === lineId);
      if (!line) throw new AppError('not_found', `order line ${lineId} is not on order ${orderId}`, { field: `${field}.orderLineId` });
      if (line.product_type !== 'physical') throw new AppError('not_returnable', 'services are refunded by cancelling their vouchers, not returned', { field: `${field}.orderLineId` });
      const f = fs.find((x) => x.id === line.fulfillment_id)!;
      if (!HANDED_OVER.has(f.status)) throw new AppError('not_returnable', `line ${lineId} was never handed over (its fulfilment is ${f.status.replaceAll('_', ' ')})`, { field: `${field}.orderLineId` });
      const closes = new Date(f.fulfilled_at!).getTime() + orderSettings.returnWindowDays * 86400_000;
      if (now > closes) throw new AppError('return_window_closed', `returns for this line closed at ${new Date(closes).toISOString()}`, { field: `${field}.orderLineId`, closedAt: new Date(closes).toISOString() });
    }
    // Lines move in id order: concurrent returns of one order also queue on the order lock.
    for (const line of lines) {
      const w = wanted.get(line.id)!;
      const moved = await q(tx)
        .updateTable('order_line')
        .set({ returned_quantity: sql<number>`returned_quantity + ${w.quantity}` })
        .where('id', '=', line.id)
        .where(sql<boolean>`returned_quantity + ${w.quantity} <= quantity`)
        .returning(['returned_quantity'])
        .executeTakeFirst();
      if (!moved) {
        const left = line.quantity - line.returned_quantity;
        throw new AppError('return_exceeds_sold', `only ${left} of line ${line.id} can still be returned`, { field: `lines.${w.index}.quantity`, returnable: left });
      }
      const before = moved.returned_quantity - w.quantity;
      const amount = paidForUnits(Number(line.total), line.quantity, moved.returned_quantity) - paidForUnits(Number(line.total), line.quantity, before);
      await q(tx).updateTable('order_line').set({ refunded_amount: sql<number>`refunded_amount + ${amount}` }).where('id', '=', line.id).execute();
      received.push({ lineId: line.id, variantId: line.variant_id, quantity: w.quantity, amount });
    }
    const total = received.reduce((s, r) => s + r.amount, 0);
    await q(tx).insertInto('order_return').values({ id: returnId, order_id: orderId, location_id: input.locationId, reason: input.reason, amount: total, received_by: ctx.actor.id }).execute();
    await q(tx).insertInto('order_return_line').values(received.map((r) => ({ return_id: returnId, order_line_id: r.lineId, quantity: r.quantity, amount: r.amount }))).execute();
    for (const r of received) {
      await adjustStock(c, { variantId: r.variantId, locationId: input.locationId, delta: r.quantity, reason: 'return', reference: { type: 'return', id: returnId } });
    }
    await emit(tx, 'return.received', returnId, {
      returnId,
      orderId,
      locationId: input.locationId,
      customerId: order.customer_id,
      reason: input.reason,
      amount: total,
      currency: order.currency,
      lines: received.map((r) => ({ orderLineId: r.lineId, variantId: r.variantId, quantity: r.quantity, amount: r.amount })),
    });
    await refundOrder(c, order, total, `return: ${input.reason}`, { returnId });
    return { ...(await readOrder(tx, orderId)), returnId, refunded: total };
  });
}

/** A money-only refund (goodwill, price adjustment) of at most what is still refundable. */
export async function refundAmount(ctx: Ctx, orderId: string, input: { amount: number; reason: string }): Promise<OrderView> {
  return inTx(ctx.db, async (tx) => {
    const order = await lockOrder(tx, orderId);
    requireWholeOrder(ctx, order);
    if (!['paid', 'partially_fulfilled', 'fulfilled', 'partially_refunded'].includes(order.status)) {
      throw new AppError('invalid_state', `an order that is ${order.status.replaceAll('_', ' ')} cannot be refunded`, { current: order.status });
    }
    await refundOrder({ ...ctx, db: tx }, order, input.amount, input.reason);
    return readOrder(tx, orderId);
  });
}
