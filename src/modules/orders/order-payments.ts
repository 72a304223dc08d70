import { inTx, PREPARED, sql } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import { SYSTEM } from '../../platform/auth.js';
import type { Executor } from '../../platform/db.js';
import type { Ctx } from '../../platform/context.js';
import type { DomainEvent } from '../../platform/outbox.js';
import { refundPayment } from '../payments/index.js';
import { findVoucherTemplateForVariant, issueVouchers } from '../vouchers/index.js';
import type { OrderRow } from './orders.tables.js';
import { lockOrder, moveOrder, q } from './order-store.js';
import { progressStatus, refundStatus, transition, type FulfillmentStatus } from './order-state.js';
import { releaseDiscounts } from './discounts.js';

/**
 * Marks an order paid, idempotently by state: only a pending order moves; a payment that arrives
 * for an order cancelled meanwhile is refunded. Vouchers for service lines are issued in the same
 * transaction, so a paid order always has its vouchers.
 */
export async function markOrderPaid(ctx: Ctx, orderId: string, payment: { paymentId: string | null; amount: number }): Promise<void> {
  const tx = ctx.db;
  const order = await lockOrder(tx, orderId, 'orderId');
  if (order.status === 'cancelled' && payment.paymentId && payment.amount > 0 && Number(order.paid_amount) === 0) {
    const paid = await q(tx).updateTable('sales_order').set({ paid_amount: payment.amount, payment_id: payment.paymentId }).where('id', '=', orderId).returningAll().executeTakeFirstOrThrow();
    await refundOrder(ctx, paid, payment.amount, 'payment arrived after the order was cancelled', { moveStatus: false });
    return;
  }
  if (order.status !== 'pending_payment') return;
  const now = new Date();
  const row = await moveOrder(tx, order, 'paid', { paid_amount: payment.amount, paid_at: now, payment_id: payment.paymentId ?? order.payment_id, payment_due_at: null }, { amount: payment.amount, currency: order.currency, paymentId: payment.paymentId });

  // An order waiting for its offer (a group buy filling up) gets its vouchers when the wait ends.
  if (!row.waiting_for) await issueOrderVouchers(ctx, row);
  await advanceOrder(tx, row);
}

/**
 * Issues the vouchers of a paid order's service lines, in the caller's transaction, so a paid
 * order always has its vouchers.
 */
async function issueOrderVouchers(ctx: Ctx, order: OrderRow): Promise<void> {
  const tx = ctx.db;
  const orderId = order.id;
  const voucherFulfillments = await q(tx).selectFrom('fulfillment').select('id').where('order_id', '=', orderId).where('type', '=', 'voucher').where('status', '=', 'pending').execute();
  if (!voucherFulfillments.length) return;
  const now = new Date();
  const ids = voucherFulfillments.map((f) => f.id);
  const lines = await q(tx).selectFrom('order_line').selectAll().where('fulfillment_id', 'in', ids).orderBy('id').execute();
  const templated = new Set<string>();
  for (const variantId of new Set(lines.map((l) => l.variant_id))) {
    if (await findVoucherTemplateForVariant(ctx, variantId)) templated.add(variantId);
  }
  // A service without a voucher template is delivered by the store itself: nothing to issue.
  // Each voucher carries an equal share of the paid line; a cancel that voids them all refunds the whole line.
  for (const l of lines.filter((x) => templated.has(x.variant_id))) {
    await issueVouchers(ctx, { orderId, orderLineId: l.id, customerId: order.customer_id, variantId: l.variant_id, quantity: l.quantity, unitPrice: Math.floor(Number(l.total) / l.quantity), lineTotal: Number(l.total) });
  }
  await q(tx).updateTable('fulfillment').set({ status: 'issued', fulfilled_at: now }).where('id', 'in', ids).execute();
  for (const id of ids) await emit(tx, 'fulfillment.vouchers_issued', id, { orderId, fulfillmentId: id });
}

/**
 * An order's offer no longer holds it back (its group buy filled up): it is fulfilled like any
 * other from now on, and a paid one gets its vouchers. Ending a wait that has ended changes nothing.
 */
export async function releaseOrderWait(ctx: Ctx, orderId: string): Promise<void> {
  await inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const order = await lockOrder(tx, orderId, 'orderId');
    if (!order.waiting_for) return;
    const row = await q(tx).updateTable('sales_order').set({ waiting_for: null, updated_at: new Date() }).where('id', '=', orderId).returningAll().executeTakeFirstOrThrow();
    await emit(tx, 'order.wait_ended', orderId, { orderId, waitedFor: order.waiting_for, customerId: order.customer_id });
    if (row.status === 'paid') {
      await issueOrderVouchers(c, row);
      await advanceOrder(tx, row);
    }
  });
}

/** After a fulfilment moved: takes a paid order on to partially fulfilled or fulfilled. */
export async function advanceOrder(tx: Executor, order: OrderRow): Promise<OrderRow> {
  const fs = await q(tx).selectFrom('fulfillment').select('status').where('order_id', '=', order.id).execute();
  const to = progressStatus(order.status, fs.map((f) => f.status));
  if (!to) return order;
  return moveOrder(tx, order, to, to === 'fulfilled' ? { fulfilled_at: new Date() } : {});
}

/**
 * Refunds `amount` of what was paid, to the original payment. The counter only moves if it stays
 * within the paid amount (a conditional update), so concurrent refunds can never exceed it.
 */
export async function refundOrder(
  ctx: Ctx,
  order: OrderRow,
  amount: number,
  reason: string,
  opts: { returnId?: string; moveStatus?: boolean } = {},
): Promise<OrderRow> {
  if (amount <= 0) return order;
  const updated = await q(ctx.db)
    .updateTable('sales_order')
    .set((eb) => ({ refunded_amount: eb('refunded_amount', '+', amount), updated_at: new Date() }))
    .where('id', '=', order.id)
    .where((eb) => eb(eb('refunded_amount', '+', amount), '<=', eb.ref('paid_amount')))
    .returningAll()
    .executeTakeFirst();
  if (!updated) {
    const left = Number(order.paid_amount) - Number(order.refunded_amount);
    throw new AppError('refund_exceeds_paid', `a refund of ${amount} is more than the ${left} ${order.currency} still refundable on order ${order.id}`, { field: 'amount', refundable: left, requested: amount });
  }
  if (!order.payment_id) throw new AppError('invalid_state', `order ${order.id} has no payment to refund to`);
  await refundPayment(ctx, { paymentId: order.payment_id, amount, reason });
  const refundId = newId('ref');
  await q(ctx.db).insertInto('order_refund').values({ id: refundId, order_id: order.id, payment_id: order.payment_id, return_id: opts.returnId ?? null, amount, reason, created_by: ctx.actor.id }).execute();
  await emit(ctx.db, 'refund.created', refundId, { refundId, orderId: order.id, paymentId: order.payment_id, returnId: opts.returnId ?? null, amount, currency: order.currency, reason, customerId: order.customer_id });
  if (opts.moveStatus === false) return updated;
  const to = refundStatus(updated.status, Number(updated.paid_amount), Number(updated.refunded_amount));
  // Everything paid went back: the coupons, promotion uses and points the order took come back too.
  if (to === 'refunded') await releaseDiscounts(ctx, order.id);
  return moveOrder(ctx.db, updated, to, {}, { refundId, amount });
}

interface Captured {
  id: string;
  reference?: { type: string; id: string };
  amount: number;
  capturedAmount?: number;
}

/**
 * Outbox reaction to a batch's payment.captured events: their orders become paid. Most are plain
 * (pending payment, no vouchers to issue, no wait, fulfilment not yet begun) and are moved together
 * by one statement with their order.paid events, so paying keeps pace with checkouts under load;
 * every other order goes through markOrderPaid. The orders are locked in id order first.
 */
export async function onPaymentsCaptured(tx: Executor, events: DomainEvent[]): Promise<void> {
  const byOrder = new Map<string, { event: DomainEvent; payment: Captured }>();
  const later: Array<{ event: DomainEvent; payment: Captured }> = [];
  for (const event of events) {
    const payment = event.payload as unknown as Captured;
    if (event.type !== 'payment.captured' || payment.reference?.type !== 'order') continue;
    if (byOrder.has(payment.reference.id)) later.push({ event, payment });
    else byOrder.set(payment.reference.id, { event, payment });
  }
  if (!byOrder.size) return;
  const { rows } = await sql<OrderRow & { fulfillments: Array<[string, FulfillmentStatus]> | null }>`${PREPARED}
    SELECT o.*, (SELECT json_agg(json_build_array(f.type, f.status)) FROM fulfillment f WHERE f.order_id = o.id) AS fulfillments
    FROM sales_order o WHERE o.id = ANY(${[...byOrder.keys()]}::text[]) ORDER BY o.id FOR UPDATE OF o`.execute(tx);
  const plain = rows.filter((o) => {
    const fs = o.fulfillments ?? [];
    return o.status === 'pending_payment' && !o.waiting_for && !fs.some(([type]) => type === 'voucher') && !progressStatus('paid', fs.map(([, status]) => status));
  });
  const moves = plain.map((o) => {
    const p = byOrder.get(o.id)!.payment;
    const amount = p.capturedAmount ?? p.amount;
    const payload = { orderId: o.id, from: o.status, status: 'paid', customerId: o.customer_id, channelId: o.channel_id, amount, currency: o.currency, paymentId: p.id };
    return { id: o.id, amount, payment_id: p.id, event_id: newId('evt'), payload };
  });
  if (moves.length) {
    await sql`${PREPARED}
      WITH x AS (SELECT * FROM jsonb_to_recordset(${JSON.stringify(moves)}::jsonb) AS x(id text, amount bigint, payment_id text, event_id text, payload jsonb)),
      u AS (
        UPDATE sales_order o SET status = 'paid', paid_amount = x.amount, paid_at = now(), payment_id = x.payment_id, payment_due_at = NULL, updated_at = now()
        FROM x WHERE o.id = x.id
      )
      INSERT INTO outbox_event (id, type, aggregate_id, payload) SELECT event_id, ${transition('pending_payment', 'paid')}, id, payload FROM x`.execute(tx);
  }
  const moved = new Set(moves.map((m) => m.id));
  const found = new Set(rows.map((o) => o.id));
  const rest = [...[...byOrder].filter(([orderId]) => !moved.has(orderId)).map(([, c]) => c), ...later];
  for (const { event, payment } of rest) {
    if (!found.has(payment.reference!.id)) continue;
    await markOrderPaid({ db: tx, actor: SYSTEM, requestId: event.id }, payment.reference!.id, { paymentId: payment.id, amount: payment.capturedAmount ?? payment.amount });
  }
}
