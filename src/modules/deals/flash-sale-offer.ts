import { inTx, PREPARED, sql, tables, type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { OfferContext, OfferLine, OfferPrice, OfferProvider } from '../orders/index.js';
import type { DealsTables, FlashSaleRow } from './deals.tables.js';
import { asCampaign, refuse, unitsPerOffer } from './campaigns.js';
import { flashSaleRefusal, phaseOf } from './offer-rules.js';

/**
 * Buying at a flash sale: the cart line's price is the sale price while the sale runs; checkout
 * takes the units from the allotment and the shopper's limit with conditional updates, so no
 * number of concurrent checkouts sells more than the allotment; a cancelled order gives them back.
 */

const q = (db: Executor) => tables<DealsTables>(db);

async function price(ctx: Ctx, offer: OfferContext, lines: OfferLine[]): Promise<Map<string, OfferPrice>> {
  const units = new Map(unitsPerOffer(lines));
  const ids = [...units.keys()];
  const [sales, used] = await Promise.all([
    q(ctx.db).selectFrom('flash_sale').selectAll().where('id', 'in', ids).execute(),
    offer.customerId
      ? q(ctx.db).selectFrom('flash_sale_customer').select(['flash_sale_id', 'used']).where('customer_id', '=', offer.customerId).where('flash_sale_id', 'in', ids).execute()
      : [],
  ]);
  const byId = new Map(sales.map((s) => [s.id, s]));
  const usedBy = new Map(used.map((u) => [u.flash_sale_id, u.used]));
  const out = new Map<string, OfferPrice>();
  for (const line of lines) {
    const s = byId.get(line.offerId);
    if (!s || s.status === 'draft') throw notFound('flash sale', line.offerId, 'offer');
    const reason = flashSaleRefusal(
      { ...asCampaign(s), allotment: s.allotment, sold: s.sold, perCustomerLimit: s.per_customer_limit, usedByCustomer: usedBy.get(s.id) ?? 0 },
      { variantId: line.variantId, channelId: offer.channelId, currency: offer.currency, customerId: offer.customerId, quantity: units.get(s.id)!, at: offer.at },
    );
    if (reason) throw refuse(reason, { offerId: s.id, remaining: s.allotment - s.sold });
    out.set(line.lineId, { unitPrice: Number(s.price), description: `Flash sale: ${s.name}` });
  }
  return out;
}

async function take(ctx: Ctx, offer: OfferContext & { orderId: string }, lines: OfferLine[]): Promise<{ waits: boolean }> {
  const customerId = offer.customerId;
  if (!customerId) throw refuse('flash_sale_requires_sign_in');
  await inTx(ctx.db, async (tx) => {
    for (const [saleId, quantity] of unitsPerOffer(lines)) {
      const taken = await sql<FlashSaleRow>`${PREPARED}
        UPDATE flash_sale SET sold = sold + ${quantity}
         WHERE id = ${saleId} AND status = 'active' AND starts_at <= ${offer.at} AND ends_at > ${offer.at}
           AND sold + ${quantity} <= allotment
     RETURNING *`.execute(tx);
      const sale = taken.rows[0];
      if (!sale) {
        const now = await q(tx).selectFrom('flash_sale').selectAll().where('id', '=', saleId).executeTakeFirst();
        const running = now && phaseOf(asCampaign(now), offer.at) === 'running';
        throw refuse(running ? 'flash_sale_sold_out' : 'flash_sale_not_running', { offerId: saleId, remaining: now ? now.allotment - now.sold : 0 });
      }
      const counted = await sql`${PREPARED}
        INSERT INTO flash_sale_customer AS c (flash_sale_id, customer_id, used)
        SELECT ${saleId}::text, ${customerId}::text, ${quantity}::int WHERE ${quantity}::int <= ${sale.per_customer_limit}::int
        ON CONFLICT (flash_sale_id, customer_id) DO UPDATE SET used = c.used + ${quantity}
         WHERE c.used + ${quantity} <= ${sale.per_customer_limit}::int
     RETURNING used`.execute(tx);
      if (!counted.rows.length) throw refuse('flash_sale_limit_reached', { offerId: saleId });
      await q(tx).insertInto('flash_sale_purchase').values({ id: newId('fsp'), flash_sale_id: saleId, order_id: offer.orderId, customer_id: customerId, quantity }).execute();
      if (sale.sold === sale.allotment) await emit(tx, 'flash_sale.sold_out', saleId, { id: saleId, variantId: sale.variant_id, allotment: sale.allotment });
    }
  });
  return { waits: false };
}

/** Marking the purchase released is conditional, so a repeated release gives nothing back twice. */
async function release(ctx: Ctx, input: { orderId: string }): Promise<void> {
  await inTx(ctx.db, async (tx) => {
    const released = await sql<{ flash_sale_id: string; customer_id: string; quantity: number }>`${PREPARED}
      UPDATE flash_sale_purchase SET released_at = now()
       WHERE order_id = ${input.orderId} AND released_at IS NULL
   RETURNING flash_sale_id, customer_id, quantity`.execute(tx);
    const rows = [...released.rows].sort((a, b) => (a.flash_sale_id < b.flash_sale_id ? -1 : 1));
    for (const r of rows) {
      await sql`UPDATE flash_sale SET sold = sold - ${r.quantity} WHERE id = ${r.flash_sale_id} AND sold >= ${r.quantity}`.execute(tx);
      await sql`
        UPDATE flash_sale_customer SET used = greatest(used - ${r.quantity}, 0)
         WHERE flash_sale_id = ${r.flash_sale_id} AND customer_id = ${r.customer_id}`.execute(tx);
      await emit(tx, 'flash_sale.released', r.flash_sale_id, { id: r.flash_sale_id, orderId: input.orderId, quantity: r.quantity });
    }
  });
}

export const flashSaleOffers: OfferProvider = { kind: 'flash_sale', price, take, release };
