import { tables, type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { emit } from '../../platform/outbox.js';
import type { FulfillmentRow, OrderLineRow, OrderRow, OrdersTables } from './orders.tables.js';
import { transition, type FulfillmentStatus, type OrderStatus } from './order-state.js';
import type { AppliedAdjustment, FulfillmentType } from './pricing.js';

/** Reading and locking orders, and moving them between statuses: shared by every order use case. */
export const q = (db: Executor) => tables<OrdersTables>(db);

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/**
 * Locks the order row. Every change to an order, its fulfilments or its lines takes this lock
 * first, so concurrent handovers, returns and payments on one order run one after another.
 */
export async function lockOrder(tx: Executor, id: string, field = 'id'): Promise<OrderRow> {
  const row = await q(tx).selectFrom('sales_order').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('order', id, field);
  return row;
}

export async function loadFulfillment(db: Executor, id: string): Promise<FulfillmentRow> {
  const row = await q(db).selectFrom('fulfillment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('fulfillment', id, 'id');
  return row;
}

/** Moves an order to `to` if the state machine allows it, with the event that move announces. */
export async function moveOrder(tx: Executor, order: OrderRow, to: OrderStatus, set: Partial<OrderRow> = {}, payload: object = {}): Promise<OrderRow> {
  const event = transition(order.status, to);
  const row = await q(tx)
    .updateTable('sales_order')
    .set({ ...set, status: to, updated_at: new Date() })
    .where('id', '=', order.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await emit(tx, event, order.id, { orderId: order.id, from: order.status, status: to, customerId: order.customer_id, channelId: order.channel_id, ...payload });
  return row;
}

export interface OrderView {
  id: string;
  status: OrderStatus;
  channelId: string;
  channelKind: string;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  currency: string;
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxIncluded: number;
  grandTotal: number;
  paidAmount: number;
  refundedAmount: number;
  paymentId: string | null;
  paymentMethod: string | null;
  tendered: number | null;
  change: number | null;
  locationIds: string[];
  paymentDueAt: string | null;
  holdExpiresAt: string | null;
  paidAt: string | null;
  fulfilledAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  couponCodes: string[];
  pointsSpent: number;
  waitingFor: string | null;
  shippingAdjustments: AppliedAdjustment[];
  createdAt: string;
  fulfillments: FulfillmentView[];
  lines: OrderLineView[];
}

export interface FulfillmentView {
  id: string;
  type: FulfillmentType;
  status: FulfillmentStatus;
  locationId: string | null;
  reservationId: string | null;
  pickupCode: string | null;
  qrPayload: string | null;
  shippingAddress: Record<string, unknown> | null;
  carrier: string | null;
  trackingNumber: string | null;
  readyAt: string | null;
  noShowAt: string | null;
  fulfilledAt: string | null;
  deliveredAt: string | null;
  lineIds: string[];
}

export interface OrderLineView {
  id: string;
  fulfillmentId: string;
  variantId: string;
  productId: string;
  sku: string;
  title: string;
  productType: string;
  quantity: number;
  unitPrice: number;
  priceSource: string;
  subtotal: number;
  discount: number;
  total: number;
  taxIncluded: number;
  adjustments: Array<{ code: string; description: string; amount: number }>;
  returnedQuantity: number;
  refundedAmount: number;
}

/** What a clerk scans to hand a pickup over: the fulfilment and its code. */
export const pickupQr = (f: Pick<FulfillmentRow, 'id' | 'pickup_code'>) => `omniloop:pickup:${f.id}:${f.pickup_code}`;

export function toOrderView(o: OrderRow, fulfillments: FulfillmentRow[], lines: OrderLineRow[]): OrderView {
  return {
    id: o.id,
    status: o.status,
    channelId: o.channel_id,
    channelKind: o.channel_kind,
    customerId: o.customer_id,
    email: o.email,
    phone: o.phone,
    currency: o.currency,
    subtotal: Number(o.subtotal),
    discountTotal: Number(o.discount_total),
    shippingTotal: Number(o.shipping_total),
    taxIncluded: Number(o.tax_included),
    grandTotal: Number(o.grand_total),
    paidAmount: Number(o.paid_amount),
    refundedAmount: Number(o.refunded_amount),
    paymentId: o.payment_id,
    paymentMethod: o.payment_method,
    tendered: o.tendered === null ? null : Number(o.tendered),
    change: o.change_due === null ? null : Number(o.change_due),
    locationIds: o.location_ids,
    paymentDueAt: iso(o.payment_due_at),
    holdExpiresAt: iso(o.hold_expires_at),
    paidAt: iso(o.paid_at),
    fulfilledAt: iso(o.fulfilled_at),
    cancelledAt: iso(o.cancelled_at),
    cancelReason: o.cancel_reason,
    couponCodes: o.coupon_codes,
    pointsSpent: o.points_spent,
    waitingFor: o.waiting_for,
    shippingAdjustments: o.shipping_adjustments,
    createdAt: iso(o.created_at)!,
    fulfillments: fulfillments.map((f) => ({
      id: f.id,
      type: f.type,
      status: f.status,
      locationId: f.location_id,
      reservationId: f.reservation_id,
      pickupCode: f.pickup_code,
      qrPayload: f.pickup_code ? pickupQr(f) : null,
      shippingAddress: f.shipping_address,
      carrier: f.carrier,
      trackingNumber: f.tracking_number,
      readyAt: iso(f.ready_at),
      noShowAt: iso(f.no_show_at),
      fulfilledAt: iso(f.fulfilled_at),
      deliveredAt: iso(f.delivered_at),
      lineIds: lines.filter((l) => l.fulfillment_id === f.id).map((l) => l.id),
    })),
    lines: lines.map((l) => ({
      id: l.id,
      fulfillmentId: l.fulfillment_id,
      variantId: l.variant_id,
      productId: l.product_id,
      sku: l.sku,
      title: l.title,
      productType: l.product_type,
      quantity: l.quantity,
      unitPrice: Number(l.unit_price),
      priceSource: l.price_source,
      subtotal: Number(l.subtotal),
      discount: Number(l.discount),
      total: Number(l.total),
      taxIncluded: Number(l.tax_included),
      adjustments: l.adjustments,
      returnedQuantity: l.returned_quantity,
      refundedAmount: Number(l.refunded_amount),
    })),
  };
}

/** One order with its fulfilments and lines: three indexed queries. */
export async function readOrder(db: Executor, id: string): Promise<OrderView> {
  const o = await q(db).selectFrom('sales_order').selectAll().where('id', '=', id).executeTakeFirst();
  if (!o) throw notFound('order', id, 'id');
  const fs = await q(db).selectFrom('fulfillment').selectAll().where('order_id', '=', id).orderBy('id').execute();
  const ls = await q(db).selectFrom('order_line').selectAll().where('order_id', '=', id).orderBy('id').execute();
  return toOrderView(o, fs, ls);
}
