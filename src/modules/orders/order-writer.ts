import { sql } from 'kysely';
import type { Executor } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import type { Ctx } from '../../platform/context.js';
import type { FulfillmentRow, OrderLineRow, OrderRow } from './orders.tables.js';
import { includedTax, paidForUnits, type CartTotals, type FulfillmentType, type PricedLine } from './pricing.js';
import type { FulfillmentStatus } from './order-state.js';
import type { Variant } from '../catalog/index.js';
import { q } from './order-store.js';
import { orderSettings } from './orders.settings.js';

/**
 * Writes a priced order: the order row, its fulfilments and lines, each in one multi-row insert.
 * Checkout and the till both end here, so online and in-store sales share one order history.
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

export async function writeOrder(
  ctx: Ctx,
  order: NewOrder,
  totals: CartTotals,
  variants: Map<string, Variant>,
  planned: PlannedFulfillment[],
): Promise<{ order: OrderRow; fulfillments: FulfillmentRow[]; lines: OrderLineRow[] }> {
  const tx = ctx.db;
  const locationIds = [...new Set(planned.flatMap((p) => (p.locationId ? [p.locationId] : [])))];
  const row = await q(tx)
    .insertInto('sales_order')
    .values({
      ...order,
      subtotal: totals.subtotal,
      discount_total: totals.discountTotal,
      shipping_total: totals.shippingTotal,
      tax_included: totals.taxIncluded,
      grand_total: totals.grandTotal,
      location_ids: locationIds,
      shipping_adjustments: JSON.stringify(totals.shippingAdjustments) as never,
    })
    .returningAll()
    .executeTakeFirstOrThrow();

  const fulfillments: FulfillmentInsert[] = planned.map((p) => ({
    id: newId('ful'),
    order_id: row.id,
    type: p.type,
    location_id: p.locationId,
    status: p.status,
    reservation_id: p.reservationId,
    pickup_code: null as string | null,
    shipping_address: p.shippingAddress ?? null,
    fulfilled_at: p.fulfilledAt ?? null,
    fulfilled_by: p.fulfilledAt ? ctx.actor.id : null,
  }));
  const written = await insertFulfillments(tx, fulfillments);

  const priced = new Map(totals.lines.map((l) => [l.id, l]));
  const taken = new Map<string, number>();
  const lines = planned.flatMap((p, i) =>
    p.portions.map((portion) => {
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
        adjustments: JSON.stringify(part.adjustments) as never,
      };
    }),
  );
  const lineRows = lines.length ? await q(tx).insertInto('order_line').values(lines).returningAll().execute() : [];
  return { order: row, fulfillments: written, lines: lineRows.sort((a, b) => a.id.localeCompare(b.id)) };
}

type FulfillmentInsert = Omit<FulfillmentRow, 'created_at' | 'carrier' | 'tracking_number' | 'ready_at' | 'no_show_at' | 'delivered_at'>;

/**
 * Inserts fulfilments in one statement. Pickups draw a code that must be free among the store's open
 * pickups; the partial unique index decides, and the few that collide draw again.
 */
async function insertFulfillments(tx: Executor, rows: FulfillmentInsert[]): Promise<FulfillmentRow[]> {
  const out: FulfillmentRow[] = [];
  let pending = rows;
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt > 8) throw new Error('could not draw a free pickup code');
    for (const r of pending) if (r.type === 'pickup') r.pickup_code = pickupCode(attempt);
    const res = await sql<FulfillmentRow>`
      INSERT INTO fulfillment (id, order_id, type, location_id, status, reservation_id, pickup_code, shipping_address, fulfilled_at, fulfilled_by)
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(pending)}::jsonb)
        AS x(id text, order_id text, type text, location_id text, status text, reservation_id text, pickup_code text, shipping_address jsonb, fulfilled_at timestamptz, fulfilled_by text)
      ON CONFLICT DO NOTHING
      RETURNING *`.execute(tx);
    out.push(...res.rows);
    const done = new Set(res.rows.map((r) => r.id));
    pending = pending.filter((r) => !done.has(r.id));
  }
  const order = new Map(rows.map((r, i) => [r.id, i]));
  return out.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}
