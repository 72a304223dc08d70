import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { ownPayments } from '../payments/index.js';
import { cartRoutes } from './carts.routes.js';
import { orderRoutes } from './orders.routes.js';
import { onPaymentsCaptured } from './order-payments.js';
import { getOrder } from './orders.service.js';
import { completeOrders, expireHolds, expireNoShows, expireUnpaidOrders } from './cancel.service.js';

/** Carts, checkout, the order lifecycle, O2O fulfilment (pickup, ship, vouchers), the till, returns. */
export function register(host: ModuleHost): void {
  registerErrorStatus({
    cart_checked_out: 409,
    cart_empty: 422,
    service_unavailable: 422,
    order_not_paid: 409,
    not_ready: 409,
    already_picked_up: 409,
    invalid_pickup_code: 422,
    insufficient_tender: 422,
    not_returnable: 409,
    return_window_closed: 409,
    return_exceeds_sold: 409,
    refund_exceeds_paid: 422,
    order_waiting: 409,
  });
  ownPayments('order', { refundRoute: 'POST /v1/orders/{id}/refunds', reveal: getOrder });
  cartRoutes(host.app);
  orderRoutes(host.app);
  host.handlers.onBatch(onPaymentsCaptured);
  host.jobs.push(
    { name: 'orders.expire-unpaid', everyMs: 10_000, run: (db) => expireUnpaidOrders(db) },
    { name: 'orders.expire-holds', everyMs: 10_000, run: (db) => expireHolds(db) },
    { name: 'orders.pickup-no-shows', everyMs: 60_000, run: (db) => expireNoShows(db) },
    { name: 'orders.complete', everyMs: 300_000, run: (db) => completeOrders(db) },
  );
}

export { priceCart, paidForUnits, type Adjustment, type CartTotals, type FulfillmentType, type PricedLine } from './pricing.js';
export { ORDER_STATUSES, canTransition, type OrderStatus, type FulfillmentStatus } from './order-state.js';
export { getCart, type CartView } from './carts.service.js';
export { checkout, type CheckoutInput } from './checkout.service.js';
export { getOrder, listOrders, type OrderFilter } from './orders.service.js';
export { cancelOrder, expireUnpaidOrders, expireHolds, expireNoShows, completeOrders } from './cancel.service.js';
export { markReadyForPickup, handOverPickup, markShipped, markDelivered } from './fulfilment.service.js';
export { createPosSale, type PosSaleInput } from './pos.service.js';
export { receiveReturn, refundAmount, type ReturnInput } from './returns.service.js';
export type { OrderView, FulfillmentView, OrderLineView } from './order-store.js';
export { releaseOrderWait } from './order-payments.js';
export { registerOfferProvider, type OfferProvider, type OfferLine, type OfferContext, type OfferPrice } from './offers.js';
