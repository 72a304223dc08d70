import { sql } from 'kysely';
import { inTx, type AnyDb } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { emit } from '../../platform/outbox.js';
import { SYSTEM } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { releaseReservation } from '../inventory/index.js';
import { voidVouchersForOrderLine } from '../vouchers/index.js';
import type { FulfillmentRow, OrderRow } from './orders.tables.js';
import { lockOrder, moveOrder, q, readOrder, type OrderView } from './order-store.js';
import { DONE_FULFILLMENT, VOID_FULFILLMENT } from './order-state.js';
import { refundOrder } from './order-payments.js';
import { requireWholeOrder } from './order-access.js';
import { orderSettings } from './orders.settings.js';
import { releaseDiscounts } from './discounts.js';
import { releaseOffers } from './offers.js';

/** Cancellation, and the background jobs that end orders nobody finished: unpaid, holds, no-shows. */

const GOODS_HANDED_OVER: ReadonlySet<string> = new Set(['picked_up', 'shipped', 'delivered', 'sold']);

/** Releases the stock of fulfilments still holding it, each shared reservation once. */
async function releaseStock(ctx: Ctx, fs: FulfillmentRow[]): Promise<void> {
  const ids = [...new Set(fs.filter((f) => !VOID_FULFILLMENT.has(f.status) && !DONE_FULFILLMENT.has(f.status) && f.reservation_id).map((f) => f.reservation_id!))];
  for (const id of ids.sort()) await releaseReservation(ctx, id);
}

/**
 * Cancels an order whose goods have not been handed over: releases reservations, voids unredeemed
 * vouchers and refunds what was paid, less what redeemed vouchers consumed.
 */
export async function cancelOrder(ctx: Ctx, id: string, reason: string): Promise<OrderView> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const order = await lockOrder(tx, id);
    requireWholeOrder(c, order);
    await closeOrder(c, order, reason);
    return readOrder(tx, id);
  });
}

async function closeOrder(ctx: Ctx, order: OrderRow, reason: string): Promise<void> {
  const tx = ctx.db;
  if (order.status === 'cancelled') throw new AppError('invalid_state', `order ${order.id} is already cancelled`, { field: 'id', current: order.status });
  const fs = await q(tx).selectFrom('fulfillment').selectAll().where('order_id', '=', order.id).orderBy('id').execute();
  const handed = fs.find((f) => GOODS_HANDED_OVER.has(f.status));
  if (handed) throw new AppError('invalid_state', `fulfilment ${handed.id} is ${handed.status.replaceAll('_', ' ')}: return its goods instead`, { field: 'id', fulfillmentId: handed.id });
  if (!['reserved', 'pending_payment', 'paid', 'partially_refunded', 'partially_fulfilled'].includes(order.status)) {
    throw new AppError('invalid_state', `an order that is ${order.status.replaceAll('_', ' ')} cannot be cancelled`, { field: 'id', current: order.status });
  }
  await releaseStock(ctx, fs);
  await releaseDiscounts(ctx, order.id);
  await releaseOffers(ctx, order.id);

  // Issued vouchers: the unredeemed ones are voided; what redeemed ones consumed is kept.
  let kept = 0;
  const issued = fs.filter((f) => f.status === 'issued').map((f) => f.id);
  if (issued.length) {
    const lines = await q(tx).selectFrom('order_line').selectAll().where('fulfillment_id', 'in', issued).orderBy('id').execute();
    for (const l of lines) {
      const v = await voidVouchersForOrderLine(ctx, { orderLineId: l.id });
      kept += Number(l.total) - v.refundableAmount;
    }
  }
  const live = fs.filter((f) => !VOID_FULFILLMENT.has(f.status)).map((f) => f.id);
  if (live.length) await q(tx).updateTable('fulfillment').set({ status: 'cancelled' }).where('id', 'in', live).execute();

  const refund = Number(order.paid_amount) - Number(order.refunded_amount) - kept;
  const current = refund > 0 ? await refundOrder(ctx, order, refund, `cancelled: ${reason}`, { moveStatus: false }) : order;
  await moveOrder(tx, current, 'cancelled', { cancelled_at: new Date(), cancel_reason: reason, payment_due_at: null, hold_expires_at: null }, { reason, refunded: Math.max(refund, 0) });
}

const system = (db: AnyDb | Ctx['db'], requestId: string): Ctx => ({ db, actor: SYSTEM, requestId });

/**
 * Cancels orders past a deadline, one transaction per order. Candidates are re-checked under the
 * order lock, so replicas running the job at once, or a payment landing meanwhile, are safe.
 */
async function expireDue(db: AnyDb, status: 'pending_payment' | 'reserved', column: 'payment_due_at' | 'hold_expires_at', reason: string, now: Date): Promise<number> {
  const due = await q(db).selectFrom('sales_order').select('id').where('status', '=', status).where(column, '<=', now).orderBy(column).limit(50).execute();
  let done = 0;
  for (const { id } of due) {
    done += await inTx(db, async (tx) => {
      const order = await lockOrder(tx, id);
      const deadline = order[column];
      if (order.status !== status || !deadline || new Date(deadline) > now) return 0;
      await closeOrder(system(tx, `job:${reason}`), order, reason);
      return 1;
    });
  }
  return done;
}

export const expireUnpaidOrders = (db: AnyDb, now = new Date()) => expireDue(db, 'pending_payment', 'payment_due_at', 'payment_timeout', now);
export const expireHolds = (db: AnyDb, now = new Date()) => expireDue(db, 'reserved', 'hold_expires_at', 'hold_expired', now);

/**
 * Ready pickups nobody collected by their deadline: the stock goes back on sale and the lines are
 * refunded to the original payment.
 */
export async function expireNoShows(db: AnyDb, now = new Date()): Promise<number> {
  const due = await q(db).selectFrom('fulfillment').select(['id', 'order_id']).where('status', '=', 'ready').where('no_show_at', '<=', now).orderBy('no_show_at').limit(50).execute();
  let done = 0;
  for (const f of due) {
    done += await inTx(db, async (tx) => {
      const ctx = system(tx, 'job:no_show');
      const order = await lockOrder(tx, f.order_id);
      const moved = await q(tx).updateTable('fulfillment').set({ status: 'no_show' }).where('id', '=', f.id).where('status', '=', 'ready').where('no_show_at', '<=', now).returningAll().executeTakeFirst();
      if (!moved) return 0;
      if (moved.reservation_id) await releaseReservation(ctx, moved.reservation_id);
      const lines = await q(tx).updateTable('order_line').set({ refunded_amount: sql<number>`total` }).where('fulfillment_id', '=', f.id).returning(['id', 'total']).execute();
      const amount = lines.reduce((s, l) => s + Number(l.total), 0);
      await emit(tx, 'fulfillment.no_show', f.id, { orderId: order.id, fulfillmentId: f.id, locationId: moved.location_id, customerId: order.customer_id, refunded: amount });
      if (amount > 0 && order.payment_id) await refundOrder(ctx, order, amount, 'pickup not collected');
      return 1;
    });
  }
  return done;
}

/** Fulfilled orders whose return window has passed are completed. */
export async function completeOrders(db: AnyDb, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - orderSettings.returnWindowDays * 86400_000);
  const due = await q(db).selectFrom('sales_order').select('id').where('status', '=', 'fulfilled').where('fulfilled_at', '<=', cutoff).orderBy('fulfilled_at').limit(200).execute();
  let done = 0;
  for (const { id } of due) {
    done += await inTx(db, async (tx) => {
      const order = await lockOrder(tx, id);
      if (order.status !== 'fulfilled') return 0;
      await moveOrder(tx, order, 'completed', { completed_at: now });
      return 1;
    });
  }
  return done;
}
