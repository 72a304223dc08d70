import { inTx, PREPARED, sql, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { DomainEvent } from '../../platform/outbox.js';
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
  /** A promotion given a limit while the statement waited: it wrote nothing (see recordAll). */
  retry: boolean;
  inserted: boolean;
  /** Within the promotion's limit and budget (always, for one that has neither). */
  allowed: boolean;
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
 * transaction. One statement records every use. A promotion with a usage limit or budget is locked
 * (in id order, the order every writer of several uses takes, so two orders sharing promotions
 * cannot deadlock) and its counters move only while they stay within the limit and budget. One
 * without either is only share-locked, as its use's foreign key would anyway, so orders under a
 * store-wide offer do not queue on its row: its use is written uncounted and the worker adds it to
 * the counters (countPendingUses). The customer's uses are counted either way (even without a
 * per-customer limit, so a limit added later counts the past), and the events written. A refusal
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
    let rows = await recordAll(tx, input.orderId, customerId, req, false);
    // A promotion given a limit while this order waited for its row: count every use under lock.
    if (rows.some((r) => r.retry)) rows = await recordAll(tx, input.orderId, customerId, req, true);
    const repeated = rows.find((r) => !r.inserted);
    if (repeated) throw new AppError('already_exists', `order ${input.orderId} already used promotion ${repeated.promotion_id}`, { promotionId: repeated.promotion_id });
    const refused = rows.find((r) => !r.allowed);
    if (refused) refuse(refused, req.find((u) => u.promotion_id === refused.promotion_id)!.discount);
    const overLimit = customerId ? rows.find((r) => !r.customer_counted) : undefined;
    if (overLimit) {
      const { promotion_id: id, name, per_customer_limit: limit } = overLimit;
      throw new AppError('customer_limit_reached', `customer ${customerId} has used promotion ${name} (${id}) ${limit} times`, { promotionId: id, field: 'promotionId' });
    }
  });
}

type UseRequest = { n: number; promotion_id: string; discount: number; id: string; evt: string };

/**
 * The one statement of recordPromotionUse; outcomes come back in the order of `req`. Which
 * promotions are limited is read first without a lock; an unlimited one found limited once its
 * share lock is granted (a limit set meanwhile, which locks the row) makes the statement write
 * nothing and ask for a retry with `lockAll`. Counting locks are FOR NO KEY UPDATE, which queues
 * counting orders one behind another but not behind share locks: two orders that both hold the
 * share lock and retry do not deadlock. A change of the promotion locks FOR UPDATE and so waits
 * for both kinds.
 */
async function recordAll(tx: Executor, orderId: string, customerId: string | null, req: UseRequest[], lockAll: boolean): Promise<UseOutcome[]> {
  const { rows } = await sql<UseOutcome>`${PREPARED}
    WITH req AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(req)}::jsonb) AS r(n int, promotion_id text, discount bigint, id text, evt text)
    ), seen AS MATERIALIZED (
      SELECT id, ${lockAll}::boolean OR usage_limit IS NOT NULL OR budget IS NOT NULL AS limited FROM promotion WHERE id IN (SELECT promotion_id FROM req)
    ), locked AS MATERIALIZED (
      SELECT id, name, used, usage_limit, spent, budget, per_customer_limit FROM promotion
      WHERE id IN (SELECT id FROM seen WHERE limited) ORDER BY id FOR NO KEY UPDATE
    ), shared AS MATERIALIZED (
      SELECT id, name, used, usage_limit, spent, budget, per_customer_limit FROM promotion
      WHERE id IN (SELECT id FROM seen WHERE NOT limited) ORDER BY id FOR KEY SHARE
    ), go AS MATERIALIZED (
      SELECT NOT EXISTS (SELECT 1 FROM shared WHERE usage_limit IS NOT NULL OR budget IS NOT NULL) AS ok
    ), ins AS (
      INSERT INTO promotion_use (id, promotion_id, order_id, customer_id, discount, counted)
      SELECT id, promotion_id, ${orderId}, ${customerId}::text, discount, promotion_id NOT IN (SELECT id FROM shared) FROM req WHERE (SELECT ok FROM go)
      ON CONFLICT (order_id, promotion_id) DO NOTHING
      RETURNING promotion_id
    ), ok AS (
      SELECT l.id, req.discount FROM req JOIN locked l ON l.id = req.promotion_id
      WHERE (l.usage_limit IS NULL OR l.used < l.usage_limit) AND (l.budget IS NULL OR l.spent + req.discount <= l.budget) AND (SELECT ok FROM go)
    ), upd AS (
      UPDATE promotion p SET used = p.used + 1, spent = p.spent + ok.discount FROM ok WHERE p.id = ok.id RETURNING p.id
    ), cust AS (
      INSERT INTO promotion_customer_use AS c (promotion_id, customer_id, used)
      SELECT id, ${customerId}::text, 1 FROM (SELECT id FROM ok UNION ALL SELECT id FROM shared WHERE (SELECT ok FROM go)) AS counted WHERE ${customerId}::text IS NOT NULL
      ON CONFLICT (promotion_id, customer_id) DO UPDATE SET used = c.used + 1
        WHERE c.used < COALESCE((SELECT per_customer_limit FROM promotion WHERE id = EXCLUDED.promotion_id), 2147483647)
      RETURNING promotion_id
    ), ev AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload)
      SELECT evt, 'promotion.used', promotion_id, jsonb_build_object('promotionId', promotion_id, 'orderId', ${orderId}::text, 'customerId', ${customerId}::text, 'discount', discount)
      FROM req WHERE (SELECT ok FROM go)
    )
    SELECT req.promotion_id, l.name, l.per_customer_limit, l.used, l.usage_limit, l.spent, l.budget,
      NOT (SELECT ok FROM go) AS retry,
      EXISTS (SELECT 1 FROM ins WHERE ins.promotion_id = req.promotion_id) AS inserted,
      EXISTS (SELECT 1 FROM upd WHERE upd.id = req.promotion_id) OR EXISTS (SELECT 1 FROM shared s WHERE s.id = req.promotion_id) AS allowed,
      EXISTS (SELECT 1 FROM cust WHERE cust.promotion_id = req.promotion_id) AS customer_counted
    FROM req LEFT JOIN (SELECT * FROM locked UNION ALL SELECT * FROM shared) l ON l.id = req.promotion_id
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

/**
 * Adds uses written uncounted (promotions without a limit or budget) to their promotions' counters:
 * those of the orders and promotions named, or all of one promotion's. Each use is marked as it is
 * added, so it counts once whoever gets to it first; one released before it was counted adds
 * nothing. The promotions are locked in id order.
 */
export async function countPendingUses(db: Executor, which: { uses: Array<{ orderId: string; promotionId: string }> } | { promotionId: string }): Promise<void> {
  const pending = 'promotionId' in which
    ? sql`promotion_id = ${which.promotionId}`
    : sql`(order_id, promotion_id) IN (SELECT * FROM jsonb_to_recordset(${JSON.stringify(which.uses)}::jsonb) AS u("orderId" text, "promotionId" text))`;
  await sql`
    WITH u AS (
      UPDATE promotion_use SET counted = true WHERE NOT counted AND ${pending}
      RETURNING promotion_id, discount, released_at
    ), agg AS (
      SELECT promotion_id, count(*) FILTER (WHERE released_at IS NULL)::int AS n, COALESCE(sum(discount) FILTER (WHERE released_at IS NULL), 0) AS s
      FROM u GROUP BY promotion_id
    ), lk AS MATERIALIZED (
      SELECT p.id FROM promotion p JOIN agg ON agg.promotion_id = p.id WHERE agg.n > 0 ORDER BY p.id FOR NO KEY UPDATE OF p
    )
    UPDATE promotion p SET used = p.used + agg.n, spent = p.spent + agg.s FROM agg, lk WHERE p.id = agg.promotion_id AND lk.id = p.id`.execute(db);
}

/** The worker's side of countPendingUses: the uses its batch of events reports. */
export async function onPromotionEvents(tx: Executor, events: DomainEvent[]): Promise<void> {
  const uses = events.filter((e) => e.type === 'promotion.used').map((e) => ({ orderId: String(e.payload.orderId), promotionId: String(e.payload.promotionId) }));
  if (uses.length) await countPendingUses(tx, { uses });
}

/** Gives an order's promotion uses back (cancel, refund); a second call finds nothing to release. */
export async function releasePromotionUse(ctx: Ctx, input: { orderId: string }): Promise<{ released: number }> {
  return inTx(ctx.db, async (tx) => {
    const uses = await q(tx)
      .updateTable('promotion_use')
      .set({ released_at: new Date() })
      .where('order_id', '=', input.orderId)
      .where('released_at', 'is', null)
      .returning(['promotion_id', 'customer_id', 'discount', 'counted'])
      .execute();
    if (!uses.length) return { released: 0 };
    uses.sort((a, b) => (a.promotion_id < b.promotion_id ? -1 : 1));
    const back = uses.map((u) => ({ promotion_id: u.promotion_id, customer_id: u.customer_id, discount: Number(u.discount), counted: u.counted, evt: newId('evt') }));
    // One statement gives back the counters (only of uses already counted: the worker skips a
    // released one), locking the promotions in id order, and the customers' uses, with the events.
    await sql`
      WITH b AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(back)}::jsonb) AS b(promotion_id text, customer_id text, discount bigint, counted boolean, evt text)
      ), lk AS MATERIALIZED (
        SELECT p.id FROM promotion p JOIN b ON b.promotion_id = p.id WHERE b.counted ORDER BY p.id FOR NO KEY UPDATE OF p
      ), counters AS (
        UPDATE promotion p SET used = p.used - 1, spent = p.spent - b.discount FROM b, lk WHERE p.id = b.promotion_id AND lk.id = p.id
      ), customers AS (
        UPDATE promotion_customer_use c SET used = c.used - 1 FROM b WHERE c.promotion_id = b.promotion_id AND c.customer_id = b.customer_id AND c.used > 0
      )
      INSERT INTO outbox_event (id, type, aggregate_id, payload)
      SELECT evt, 'promotion.released', promotion_id, jsonb_build_object('promotionId', promotion_id, 'orderId', ${input.orderId}::text, 'customerId', customer_id, 'discount', discount)
      FROM b ORDER BY evt`.execute(tx);
    return { released: uses.length };
  });
}
