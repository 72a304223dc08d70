import { inTx, PREPARED, sql, tables, type Executor } from '../../platform/db.js';
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

interface UseOutcome {
  promotion_id: string;
  inserted: boolean;
  counted: boolean;
  customer_counted: boolean;
  /** The promotion as locked, before this order's use (null when no promotion has the id). */
  name: string | null;
  per_customer_limit: number | null;
  used: number | null;
  usage_limit: number | null;
  spent: string | number | null;
  budget: string | number | null;
}

/**
 * Counts an order's promotions against their limits and budgets. Call it inside the order's
 * transaction. One statement records every use: it locks the promotions in id order (the order
 * every writer of several uses, so two orders sharing promotions cannot deadlock), moves each
 * counter only while it stays within its limit and budget, counts the customer's uses (even
 * without a limit, so a limit added later counts the past) and writes the events. A refusal
 * throws, so the whole checkout fails and nothing stays counted.
 */
export async function recordPromotionUse(ctx: Ctx, input: PromotionUseInput): Promise<void> {
  const seen = new Set<string>();
  input.uses.forEach((u, i) => {
    if (!Number.isInteger(u.discount) || u.discount < 0) throw invalid(`uses.${i}.discount`, 'a discount is a non-negative integer amount');
    if (seen.has(u.promotionId)) throw invalid(`uses.${i}.promotionId`, `promotion ${u.promotionId} is listed twice`);
    seen.add(u.promotionId);
  });
  if (!input.uses.length) return;
  const req = input.uses.map((u, n) => ({ n, promotion_id: u.promotionId, discount: u.discount, id: newId('pru'), evt: newId('evt') }));
  const customerId = input.customerId ?? null;
  // In a transaction of its own when called outside one: a refusal must take every use back.
  await inTx(ctx.db, async (tx) => {
    const rows = await recordAll(tx, input.orderId, customerId, req);
    const repeated = rows.find((r) => !r.inserted);
    if (repeated) throw new AppError('already_exists', `order ${input.orderId} already used promotion ${repeated.promotion_id}`, { promotionId: repeated.promotion_id });
    const refused = rows.find((r) => !r.counted);
    if (refused) refuse(refused, req.find((u) => u.promotion_id === refused.promotion_id)!.discount);
    const overLimit = customerId ? rows.find((r) => !r.customer_counted) : undefined;
    if (overLimit) {
      const { promotion_id: id, name, per_customer_limit: limit } = overLimit;
      throw new AppError('customer_limit_reached', `customer ${customerId} has used promotion ${name} (${id}) ${limit} times`, { promotionId: id, field: 'promotionId' });
    }
  });
}

type UseRequest = { n: number; promotion_id: string; discount: number; id: string; evt: string };

/** The one statement of recordPromotionUse; outcomes come back in the order of `req`. */
async function recordAll(tx: Executor, orderId: string, customerId: string | null, req: UseRequest[]): Promise<UseOutcome[]> {
  const { rows } = await sql<UseOutcome>`${PREPARED}
    WITH req AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(req)}::jsonb) AS r(n int, promotion_id text, discount bigint, id text, evt text)
    ), ins AS (
      INSERT INTO promotion_use (id, promotion_id, order_id, customer_id, discount)
      SELECT id, promotion_id, ${orderId}, ${customerId}::text, discount FROM req
      ON CONFLICT (order_id, promotion_id) DO NOTHING
      RETURNING promotion_id
    ), locked AS (
      SELECT id, name, used, usage_limit, spent, budget, per_customer_limit FROM promotion
      WHERE id IN (SELECT promotion_id FROM req) ORDER BY id FOR UPDATE
    ), ok AS (
      SELECT l.id, req.discount FROM req JOIN locked l ON l.id = req.promotion_id
      WHERE (l.usage_limit IS NULL OR l.used < l.usage_limit) AND (l.budget IS NULL OR l.spent + req.discount <= l.budget)
    ), upd AS (
      UPDATE promotion p SET used = p.used + 1, spent = p.spent + ok.discount FROM ok WHERE p.id = ok.id RETURNING p.id
    ), cust AS (
      INSERT INTO promotion_customer_use AS c (promotion_id, customer_id, used)
      SELECT id, ${customerId}::text, 1 FROM ok WHERE ${customerId}::text IS NOT NULL
      ON CONFLICT (promotion_id, customer_id) DO UPDATE SET used = c.used + 1
        WHERE c.used < COALESCE((SELECT per_customer_limit FROM promotion WHERE id = EXCLUDED.promotion_id), 2147483647)
      RETURNING promotion_id
    ), ev AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload)
      SELECT evt, 'promotion.used', promotion_id, jsonb_build_object('promotionId', promotion_id, 'orderId', ${orderId}::text, 'customerId', ${customerId}::text, 'discount', discount)
      FROM req
    )
    SELECT req.promotion_id, l.name, l.per_customer_limit, l.used, l.usage_limit, l.spent, l.budget,
      EXISTS (SELECT 1 FROM ins WHERE ins.promotion_id = req.promotion_id) AS inserted,
      EXISTS (SELECT 1 FROM upd WHERE upd.id = req.promotion_id) AS counted,
      EXISTS (SELECT 1 FROM cust WHERE cust.promotion_id = req.promotion_id) AS customer_counted
    FROM req LEFT JOIN locked l ON l.id = req.promotion_id
    ORDER BY req.n`.execute(tx);
  return rows;
}

/** Why the statement did not count a use, from the promotion as it locked it. */
function refuse(p: UseOutcome, discount: number): never {
  const promotionId = p.promotion_id;
  if (p.name === null) throw notFound('promotion', promotionId, 'promotionId');
  const details = { promotionId, field: 'promotionId' };
  if (p.usage_limit !== null && p.used! >= p.usage_limit) {
    throw new AppError('promotion_exhausted', `promotion ${p.name} (${promotionId}) has been used its ${p.usage_limit} times`, details);
  }
  throw new AppError('budget_exhausted', `promotion ${p.name} (${promotionId}) has ${Number(p.budget) - Number(p.spent)} of its budget left, less than the ${discount} discount`, details);
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
