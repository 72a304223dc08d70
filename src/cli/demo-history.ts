import { inTx, sql, type AnyDb } from '../platform/db.js';

/** When the demo's story says an order was placed, and when its goods reached the shopper. */
export interface Moment {
  orderId: string;
  at: Date;
  handedOverAt: Date;
}

/** Events that mark the handover rather than the sale; they move with `handedOverAt`. */
const HANDOVER_EVENTS = ['order.fulfilled', 'order.partially_fulfilled', 'order.picked_up', 'fulfillment.ready_for_pickup', 'fulfillment.shipped', 'fulfillment.delivered'];

/**
 * DEMO DATA ONLY — never a pattern for product code.
 *
 * The API stamps an order with the time it is placed and no service takes a clock, so the demo's
 * past is placed through the API now and moved back here: each order's own rows (the order, its
 * fulfilments, its cart) and its outbox events shift to the moment the story gives. Placement
 * columns shift by `at`, handover columns by `handedOverAt`. It runs before the worker reads those
 * events, so loyalty confirms the points a week after the (moved) handover, as it would have.
 * Vouchers, payments and stock movements keep the time they were written.
 */
export async function backdateOrders(db: AnyDb, moments: Moment[]): Promise<void> {
  if (!moments.length) return;
  const values = sql.join(moments.map((m) => sql`(${m.orderId}::text, ${m.at.toISOString()}::timestamptz, ${m.handedOverAt.toISOString()}::timestamptz)`));
  // Each order's two shifts, measured from when it was really created (so the order row moves last).
  const shifts = sql`shift AS (SELECT o.id, m.at - o.created_at AS placed, m.done - o.created_at AS done
    FROM (VALUES ${values}) AS m(id, at, done) JOIN sales_order o ON o.id = m.id)`;
  await inTx(db, async (tx) => {
    await sql`WITH ${shifts}
      UPDATE fulfillment f SET created_at = f.created_at + s.placed, ready_at = f.ready_at + s.done, no_show_at = f.no_show_at + s.done,
        fulfilled_at = f.fulfilled_at + s.done, delivered_at = f.delivered_at + s.done
      FROM shift s WHERE f.order_id = s.id`.execute(tx);
    await sql`WITH ${shifts}
      UPDATE cart c SET created_at = c.created_at + s.placed, updated_at = c.updated_at + s.placed
      FROM shift s WHERE c.order_id = s.id`.execute(tx);
    await sql`WITH ${shifts}
      UPDATE outbox_event e SET created_at = e.created_at + CASE WHEN e.type IN (${sql.join(HANDOVER_EVENTS)}) THEN s.done ELSE s.placed END
      FROM shift s WHERE s.id = coalesce(e.payload->>'orderId', e.aggregate_id)`.execute(tx);
    await sql`WITH ${shifts}
      UPDATE sales_order o SET created_at = o.created_at + s.placed, paid_at = o.paid_at + s.placed, payment_due_at = o.payment_due_at + s.placed,
        fulfilled_at = o.fulfilled_at + s.done, completed_at = o.completed_at + s.done, updated_at = o.updated_at + s.done
      FROM shift s WHERE o.id = s.id`.execute(tx);
  });
}
