import { sql } from 'kysely';
import { AppError } from '../../platform/errors.js';
import { canActAtStore, hasScope } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { getLocations } from '../stores/index.js';
import { q, readOrder, toOrderView, type OrderView } from './order-store.js';
import type { OrderStatus } from './order-state.js';
import type { OrderRow } from './orders.tables.js';
import { returnableAnywhere } from './returns.service.js';

/** Reading orders: one history for every channel, online and in store. */

export interface OrderFilter {
  channelId?: string;
  locationId?: string;
  status?: OrderStatus;
  customerId?: string;
  limit: number;
  after?: string;
}

/** Whether a clerk of these stores could take goods of this order back: one of them takes returns. */
async function mayTakeReturn(ctx: Ctx, storeIds: string[], order: OrderView): Promise<boolean> {
  return returnableAnywhere(order) && (await getLocations(ctx, storeIds)).some((l) => l.services.includes('returns'));
}

/**
 * The order if the actor may see it: shoppers their own; clerks those at their stores, and by its
 * id any whose goods the shopper has and may bring back to a store of theirs that takes returns.
 */
export async function getOrder(ctx: Ctx, id: string): Promise<OrderView> {
  const order = await readOrder(ctx.db, id);
  const a = ctx.actor;
  const hidden =
    (a.kind === 'shopper' && order.customerId !== a.customerId) ||
    // An order with no store (e-vouchers only) is no clerk's, but the rest of the staff see it.
    (a.kind === 'staff' && a.role === 'clerk' && !order.locationIds.some((l) => canActAtStore(a, l)) && !(await mayTakeReturn(ctx, a.storeIds, order))) ||
    (a.kind === 'api_key' && !hasScope(a.scopes, 'orders:read'));
  // Someone else's order is reported as missing, not forbidden: ids do not leak.
  if (hidden) throw new AppError('not_found', `order ${id} does not exist`, { field: 'id', id });
  return order;
}

/** Newest first, in pages; a clerk sees only orders that run at one of their stores. */
export async function listOrders(ctx: Ctx, f: OrderFilter): Promise<{ data: OrderView[]; nextCursor: string | null }> {
  let query = q(ctx.db).selectFrom('sales_order').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
  if (f.channelId) query = query.where('channel_id', '=', f.channelId);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.customerId) query = query.where('customer_id', '=', f.customerId);
  if (f.locationId) query = query.where(sql<boolean>`location_ids @> ARRAY[${f.locationId}]::text[]`);
  if (f.after) query = query.where('id', '<', f.after);
  const a = ctx.actor;
  if (a.kind === 'staff' && a.role === 'clerk') query = query.where(sql<boolean>`location_ids && ${sql.val(a.storeIds)}::text[]`);
  if (a.kind === 'shopper') query = query.where('customer_id', '=', a.customerId);
  const rows = await query.execute();
  const page = rows.slice(0, f.limit);
  return { data: await withDetails(ctx, page), nextCursor: rows.length > f.limit ? page[page.length - 1].id : null };
}

/** A shopper's orders on every channel, including guest orders placed with their contact. */
export async function listShopperOrders(ctx: Ctx, customerId: string, page: { limit: number; after?: string }) {
  return listOrders(ctx, { customerId, ...page });
}

/** Fulfilments and lines of a page of orders in two queries, not two per order. */
async function withDetails(ctx: Ctx, rows: OrderRow[]): Promise<OrderView[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const fs = await q(ctx.db).selectFrom('fulfillment').selectAll().where('order_id', 'in', ids).orderBy('id').execute();
  const ls = await q(ctx.db).selectFrom('order_line').selectAll().where('order_id', 'in', ids).orderBy('id').execute();
  return rows.map((o) => toOrderView(o, fs.filter((f) => f.order_id === o.id), ls.filter((l) => l.order_id === o.id)));
}
