import { AppError } from '../../platform/errors.js';

/**
 * The order lifecycle as data: which status may follow which, and the domain event each arrival
 * announces. Services ask `transition(from, to)` before they write, so an illegal move is an error
 * and never a silent overwrite.
 */
export const ORDER_STATUSES = [
  'reserved', // a reserve-and-try hold: no payment, expires
  'pending_payment',
  'paid',
  'partially_fulfilled',
  'fulfilled',
  'completed', // the return window has passed
  'partially_refunded',
  'refunded',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  reserved: ['cancelled'],
  pending_payment: ['paid', 'cancelled'],
  paid: ['partially_fulfilled', 'fulfilled', 'partially_refunded', 'refunded', 'cancelled'],
  // Cancellable while only unredeemed vouchers were issued; the service refuses once goods left.
  partially_fulfilled: ['fulfilled', 'partially_refunded', 'refunded', 'cancelled'],
  fulfilled: ['completed', 'partially_refunded', 'refunded'],
  // After a partial refund the order only ends: fully refunded, cancelled (nothing handed over) or completed.
  partially_refunded: ['partially_refunded', 'refunded', 'cancelled', 'completed'],
  completed: [],
  refunded: [],
  cancelled: [],
};

export const ORDER_EVENT: Record<OrderStatus, string> = {
  reserved: 'order.placed',
  pending_payment: 'order.placed',
  paid: 'order.paid',
  partially_fulfilled: 'order.partially_fulfilled',
  fulfilled: 'order.fulfilled',
  completed: 'order.completed',
  partially_refunded: 'order.partially_refunded',
  refunded: 'order.refunded',
  cancelled: 'order.cancelled',
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** Returns the event type to emit for the move, or throws invalid_state naming both statuses. */
export function transition(from: OrderStatus, to: OrderStatus): string {
  if (!canTransition(from, to)) {
    throw new AppError('invalid_state', `an order that is ${from.replaceAll('_', ' ')} cannot become ${to.replaceAll('_', ' ')}`, { current: from, to });
  }
  return ORDER_EVENT[to];
}

export const FULFILLMENT_STATUSES = [
  'pending', // waiting for payment or preparation
  'held', // reserve-and-try: stock held until the hold expires
  'ready', // pickup: the store has it ready
  'picked_up',
  'shipped',
  'delivered',
  'issued', // e-vouchers issued
  'sold', // handed over at the till
  'no_show',
  'expired',
  'cancelled',
] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

/** Goods or vouchers have reached the shopper (or left for them). */
export const DONE_FULFILLMENT: ReadonlySet<FulfillmentStatus> = new Set(['picked_up', 'shipped', 'delivered', 'issued', 'sold']);
/** Nothing more will happen to it, and its stock is back. */
export const VOID_FULFILLMENT: ReadonlySet<FulfillmentStatus> = new Set(['no_show', 'expired', 'cancelled']);

/**
 * Where fulfilment progress takes a paid order: fulfilled when every live fulfilment is done,
 * partially when some are; null when nothing changes (e.g. refunds already moved it on).
 */
export function progressStatus(current: OrderStatus, fulfillments: FulfillmentStatus[]): OrderStatus | null {
  if (current !== 'paid' && current !== 'partially_fulfilled') return null;
  const live = fulfillments.filter((s) => !VOID_FULFILLMENT.has(s));
  const done = live.filter((s) => DONE_FULFILLMENT.has(s)).length;
  const next: OrderStatus = live.length > 0 && done === live.length ? 'fulfilled' : done > 0 ? 'partially_fulfilled' : current;
  return next === current ? null : next;
}

/** Where a refund takes an order: refunded when everything paid is back, otherwise partially. */
export function refundStatus(current: OrderStatus, paidAmount: number, refundedAmount: number): OrderStatus {
  const to: OrderStatus = refundedAmount >= paidAmount ? 'refunded' : 'partially_refunded';
  transition(current, to);
  return to;
}
