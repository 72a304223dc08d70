import { inTx, sql, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { PromotionsTables } from './promotions.tables.js';

const q = (db: Executor) => tables<PromotionsTables>(db);

export interface PromotionUseInput {
  orderId: string;
  customerId?: string | null;
  /** What each applied promotion gave on the order (PricingResult.applied). */
  uses: Array<{ promotionId: string; discount: number }>;
}

/**
 * Counts an order's promotions against their limits and budgets. Call it inside the order's
 * transaction: each counter moves by one conditional update, so concurrent checkouts can never take
 * a promotion past its limit or budget, and a refusal throws so the whole checkout fails.
 */
export async function recordPromotionUse(ctx: Ctx, input: PromotionUseInput): Promise<void> {
  const seen = new Set<string>();
  input.uses.forEach((u, i) => {
    if (!Number.isInteger(u.discount) || u.discount < 0) throw invalid(`uses.${i}.discount`, 'a discount is a non-negative integer amount');
    if (seen.has(u.promotionId)) throw invalid(`uses.${i}.promotionId`, `promotion ${u.promotionId} is listed twice`);
    seen.add(u.promotionId);
  });
  // Rows are taken in id order so two orders sharing promotions cannot deadlock.
  const uses = [...input.uses].sort((a, b) => (a.promotionId < b.promotionId ? -1 : 1));
  await inTx(ctx.db, async (tx) => {
    for (const u of uses) {
      const use = await q(tx)
        .insertInto('promotion_use')
        .values({ id: newId('pru'), promotion_id: u.promotionId, order_id: input.orderId, customer_id: input.customerId ?? null, discount: u.discount })
        .onConflict((oc) => oc.columns(['order_id', 'promotion_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!use) throw new AppError('already_exists', `order ${input.orderId} already used promotion ${u.promotionId}`, { promotionId: u.promotionId });
      const row = await q(tx)
        .updateTable('promotion')
        .set({ used: sql`used + 1`, spent: sql`spent + ${u.discount}` })
        .where('id', '=', u.promotionId)
        .where((e) => e.or([e('usage_limit', 'is', null), e('used', '<', e.ref('usage_limit'))]))
        .where(sql<boolean>`(budget IS NULL OR spent + ${u.discount} <= budget)`)
        .returning(['per_customer_limit', 'name'])
        .executeTakeFirst();
      if (!row) await refuse(tx, u.promotionId, u.discount);
      // Customers' uses are counted even without a limit, so a limit added later counts the past.
      else if (input.customerId) await countCustomerUse(tx, u.promotionId, row.name, input.customerId, row.per_customer_limit);
      await emit(tx, 'promotion.used', u.promotionId, { promotionId: u.promotionId, orderId: input.orderId, customerId: input.customerId ?? null, discount: u.discount });
    }
  });
}

async function refuse(tx: Executor, promotionId: string, discount: number): Promise<never> {
  const p = await q(tx).selectFrom('promotion').select(['name', 'used', 'usage_limit', 'spent', 'budget']).where('id', '=', promotionId).executeTakeFirst();
  if (!p) throw notFound('promotion', promotionId, 'promotionId');
  const details = { promotionId, field: 'promotionId' };
  if (p.usage_limit !== null && p.used >= p.usage_limit) {
    throw new AppError('promotion_exhausted', `promotion ${p.name} (${promotionId}) has been used its ${p.usage_limit} times`, details);
  }
  throw new AppError('budget_exhausted', `promotion ${p.name} (${promotionId}) has ${Number(p.budget) - Number(p.spent)} of its budget left, less than the ${discount} discount`, details);
}

async function countCustomerUse(tx: Executor, promotionId: string, name: string, customerId: string, limit: number | null): Promise<void> {
  const counted = await q(tx)
    .insertInto('promotion_customer_use')
    .values({ promotion_id: promotionId, customer_id: customerId, used: 1 })
    .onConflict((oc) => {
      const update = oc.columns(['promotion_id', 'customer_id']).doUpdateSet({ used: sql`promotion_customer_use.used + 1` });
      return limit === null ? update : update.where('promotion_customer_use.used', '<', limit);
    })
    .returning('used')
    .executeTakeFirst();
  if (!counted) {
    throw new AppError('customer_limit_reached', `customer ${customerId} has used promotion ${name} (${promotionId}) ${limit} times`, { promotionId, field: 'promotionId' });
  }
}

/** Gives an order's promotion uses back (cancel, refund); a second call finds nothing to release. */
export async function releasePromotionUse(ctx: Ctx, input: { orderId: string }): Promise<{ released: number }> {
  return inTx(ctx.db, async (tx) => {
    const uses = await q(tx)
      .updateTable('promotion_use')
      .set({ released_at: new Date() })
      .where('order_id', '=', input.orderId)
      .where('released_at', 'is', null)
      .returning(['promotion_id', 'customer_id', 'discount'])
      .execute();
    uses.sort((a, b) => (a.promotion_id < b.promotion_id ? -1 : 1));
    for (const u of uses) {
      await q(tx).updateTable('promotion').set({ used: sql`used - 1`, spent: sql`spent - ${u.discount}` }).where('id', '=', u.promotion_id).execute();
      if (u.customer_id) {
        await q(tx)
          .updateTable('promotion_customer_use')
          .set({ used: sql`used - 1` })
          .where('promotion_id', '=', u.promotion_id)
          .where('customer_id', '=', u.customer_id)
          .where('used', '>', 0)
          .execute();
      }
      await emit(tx, 'promotion.released', u.promotion_id, { promotionId: u.promotion_id, orderId: input.orderId, customerId: u.customer_id, discount: Number(u.discount) });
    }
    return { released: uses.length };
  });
}
