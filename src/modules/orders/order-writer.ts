import { sql } from 'kysely';
import { PREPARED, type Executor } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import type { Ctx } from '../../platform/context.js';
import type { FulfillmentRow, OrderLineRow, OrderRow } from './orders.tables.js';
import { includedTax, paidForUnits, type CartTotals, type FulfillmentType, type PricedLine } from './pricing.js';
import type { FulfillmentStatus } from './order-state.js';
import type { Variant } from '../catalog/index.js';
import { orderSettings } from './orders.settings.js';

/**
 * Writes a priced order: the order row, its fulfilments and lines and its order.placed event, in
 * one statement. Checkout and the till both end here, so online and in-store sales share one order history.
 */

export interface PlannedFulfillment {
  type: FulfillmentType;
  locationId: string | null;
  status: FulfillmentStatus;
  reservationId: string | null;
  shippingAddress?: Record<string, unknown> | null;
  /** Which priced lines (by cart line id) and how many units of each this fulfilment carries. */
  portions: Array<{ lineId: string; quantity: number }>;
  fulfilledAt?: Date | null;
}

export type NewOrder = Omit<OrderRow, 'subtotal' | 'discount_total' | 'shipping_total' | 'tax_included' | 'grand_total' | 'paid_amount' | 'refunded_amount' | 'location_ids' | 'shipping_adjustments' | 'created_at' | 'updated_at' | 'fulfilled_at' | 'completed_at' | 'cancelled_at' | 'cancel_reason' | 'paid_at'>;

/** Splits a priced line into portions (when stock comes from several places) that sum exactly. */
function portionOf(line: PricedLine, quantity: number, before: number) {
  const part = (total: number) => paidForUnits(total, line.quantity, before + quantity) - paidForUnits(total, line.quantity, before);
  const subtotal = line.unitPrice * quantity;
  const total = part(line.total);
  return {
    subtotal,
    discount: subtotal - total,
    total,
    adjustments: line.adjustments.map((a) => ({ ...a, amount: part(a.amount) })),
  };
}

/** A pickup code: 6 digits, 8 once 6-digit draws keep colliding at a busy store. */
export function pickupCode(attempt: number): string {
  const digits = attempt < 3 ? 6 : 8;
  const n = Math.floor(Math.random() * 10 ** digits);
  return String(n).padStart(digits, '0');
}

export interface OrderRows {
  order: OrderRow;
  fulfillments: FulfillmentRow[];
  lines: OrderLineRow[];
}

/**
 * Builds every row of a priced order, ids included, before anything is written: the caller can
 * name them in events and answer with them without reading anything back.
 */
export function planOrder(ctx: Ctx, order: NewOrder, totals: CartTotals, variants: Map<string, Variant>, planned: PlannedFulfillment[]): OrderRows {
  const now = new Date();
  const row: OrderRow = {
    ...order,
    subtotal: totals.subtotal,
    discount_total: totals.discountTotal,
    shipping_total: totals.shippingTotal,
    tax_included: totals.taxIncluded,
    grand_total: totals.grandTotal,
    paid_amount: 0,
    refunded_amount: 0,
    location_ids: [...new Set(planned.flatMap((p) => (p.locationId ? [p.locationId] : [])))],
    shipping_adjustments: totals.shippingAdjustments,
    paid_at: null,
    fulfilled_at: null,
    completed_at: null,
    cancelled_at: null,
    cancel_reason: null,
    created_at: now,
    updated_at: now,
  };
  const fulfillments: FulfillmentRow[] = planned.map((p) => ({
    id: newId('ful'),
    order_id: row.id,
    type: p.type,
    location_id: p.locationId,
    status: p.status,
    reservation_id: p.reservationId,
    pickup_code: p.type === 'pickup' ? pickupCode(0) : null,
    shipping_address: p.shippingAddress ?? null,
    carrier: null,
    tracking_number: null,
    ready_at: null,
    no_show_at: null,
    fulfilled_at: p.fulfilledAt ?? null,
    fulfilled_by: p.fulfilledAt ? ctx.actor.id : null,
    delivered_at: null,
    created_at: now,
  }));

  const priced = new Map(totals.lines.map((l) => [l.id, l]));
  const taken = new Map<string, number>();
  const lines = planned.flatMap((p, i) =>
    p.portions.map((portion): OrderLineRow => {
      const line = priced.get(portion.lineId)!;
      const v = variants.get(line.variantId)!;
      const before = taken.get(line.id) ?? 0;
      taken.set(line.id, before + portion.quantity);
      const part = portionOf(line, portion.quantity, before);
      return {
        id: newId('oli'),
        order_id: row.id,
        fulfillment_id: fulfillments[i].id,
        variant_id: v.id,
        product_id: v.productId,
        sku: v.sku,
        title: v.title === v.productTitle || !v.title ? v.productTitle : `${v.productTitle} · ${v.title}`,
        product_type: v.productType,
        quantity: portion.quantity,
        unit_price: line.unitPrice,
        price_source: line.priceSource,
        subtotal: part.subtotal,
        discount: part.discount,
        total: part.total,
        tax_included: includedTax(part.total, orderSettings.taxRateBps),
        adjustments: part.adjustments,
        returned_quantity: 0,
        refunded_amount: 0,
      };
    }),
  );
  return { order: row, fulfillments, lines: lines.sort((a, b) => a.id.localeCompare(b.id)) };
}

/**
 * Writes a planned order in one statement: the order, its fulfilments and lines, its order.placed
 * event and, for a checkout, the cart marked as taken. A pickup whose code is already open at its
 * store is skipped there (with its lines) and written again with a fresh code.
 */
export async function insertOrder(tx: Executor, rows: OrderRows, placed: object, cartId: string | null): Promise<void> {
  const json = (v: unknown) => JSON.stringify(v);
  const res = await sql<{ id: string }>`${PREPARED}
    WITH o AS (
      INSERT INTO sales_order SELECT * FROM jsonb_populate_record(NULL::sales_order, ${json(rows.order)}::jsonb)
    ), f AS (
      INSERT INTO fulfillment SELECT * FROM jsonb_populate_recordset(NULL::fulfillment, ${json(rows.fulfillments)}::jsonb)
      ON CONFLICT DO NOTHING
      RETURNING id
    ), l AS (
      INSERT INTO order_line SELECT * FROM jsonb_populate_recordset(NULL::order_line, ${json(rows.lines)}::jsonb) x
      WHERE x.fulfillment_id IN (SELECT id FROM f)
    ), ev AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload) VALUES (${newId('evt')}, 'order.placed', ${rows.order.id}, ${json(placed)}::jsonb)
    ), c AS (
      UPDATE cart SET status = 'checked_out', order_id = ${rows.order.id}, updated_at = now() WHERE id = ${cartId}
    )
    SELECT id FROM f`.execute(tx);
  const written = new Set(res.rows.map((r) => r.id));
  const skipped = rows.fulfillments.filter((f) => !written.has(f.id));
  if (!skipped.length) return;
  await insertFulfillments(tx, skipped);
  const ids = new Set(skipped.map((f) => f.id));
  await sql`INSERT INTO order_line SELECT * FROM jsonb_populate_recordset(NULL::order_line, ${json(rows.lines.filter((l) => ids.has(l.fulfillment_id)))}::jsonb)`.execute(tx);
}

/** Writes a priced order (the till's path): plans it, then writes it with its order.placed event. */
export async function writeOrder(
  ctx: Ctx,
  order: NewOrder,
  totals: CartTotals,
  variants: Map<string, Variant>,
  planned: PlannedFulfillment[],
  placed: (rows: OrderRows) => object,
): Promise<OrderRows> {
  const rows = planOrder(ctx, order, totals, variants, planned);
  await insertOrder(ctx.db, rows, placed(rows), order.cart_id);
  return rows;
}

/**
 * Inserts fulfilments whose pickup code was taken, drawing new codes (longer after a few tries)
 * until the partial unique index of open pickup codes accepts every one. Updates the rows' codes.
 */
async function insertFulfillments(tx: Executor, rows: FulfillmentRow[]): Promise<void> {
  let pending = rows;
  for (let attempt = 1; pending.length; attempt++) {
    if (attempt > 8) throw new Error('could not draw a free pickup code');
    for (const r of pending) if (r.type === 'pickup') r.pickup_code = pickupCode(attempt);
    const res = await sql<{ id: string }>`
      INSERT INTO fulfillment SELECT * FROM jsonb_populate_recordset(NULL::fulfillment, ${JSON.stringify(pending)}::jsonb)
      ON CONFLICT DO NOTHING
      RETURNING id`.execute(tx);
    const done = new Set(res.rows.map((r) => r.id));
    pending = pending.filter((r) => !done.has(r.id));
  }
}
