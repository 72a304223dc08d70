import { AppError } from '../../platform/errors.js';
import { boundStores, hasScope } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import type { OrderRow } from './orders.tables.js';

/**
 * Cancelling an order or refunding money on it acts on the whole order: a shopper may on their own;
 * a clerk only on one that runs at their stores alone. An order that also runs at another store or
 * a warehouse, or at no store (e-vouchers only), is the back office's to cancel or refund.
 */
export function requireWholeOrder(ctx: Ctx, order: OrderRow): void {
  const a = ctx.actor;
  if (a.kind === 'shopper' && a.customerId !== order.customer_id) throw new AppError('not_found', `order ${order.id} does not exist`, { field: 'id', id: order.id });
  const stores = boundStores(a);
  if (!stores) return;
  const elsewhere = order.location_ids.filter((l) => !stores.includes(l));
  if (!order.location_ids.length || elsewhere.length === order.location_ids.length) {
    throw new AppError('store_out_of_scope', 'this order runs at none of your stores', { field: 'id', locationIds: order.location_ids });
  }
  if (elsewhere.length) {
    throw new AppError('store_out_of_scope', 'this order also runs at locations that are not yours: the back office cancels or refunds it', { field: 'id', locationIds: elsewhere });
  }
}

/**
 * A clerk spends a member's points only at the till, with the pass the member's code gives
 * (POST /v1/pos/sales): never by naming the customer on a cart.
 */
export function refuseClerkPoints(ctx: Ctx, points: number | undefined): void {
  if (points && boundStores(ctx.actor)) {
    throw new AppError('member_code_required', "a clerk spends a member's points at the till, with the pass their member code gives", { field: 'points' });
  }
}

/**
 * Selling to a named customer tells whether they exist and what they hold: a clerk needs the
 * customers:read permission for it, which a partner's clerk does not have.
 */
export function requireCustomerReader(ctx: Ctx, field = 'customerId'): void {
  if (boundStores(ctx.actor) && !hasScope(ctx.actor.scopes, 'customers:read')) {
    throw new AppError('forbidden', "naming a customer requires the customers:read permission, which a partner's clerk does not have", { field, scope: 'customers:read' });
  }
}
