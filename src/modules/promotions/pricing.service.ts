import { PREPARED, sql, type Executor } from '../../platform/db.js';
import type { Ctx } from '../../platform/context.js';
import type { PricingInput, PricingResult, UsageCounters } from './promotion.types.js';
import { evaluatePromotions, limitedCandidates } from './evaluate.js';
import { latestSnapshot, snapshotFor } from './snapshot.service.js';

interface Fresh {
  stamp: string;
  usage: UsageCounters;
}

/**
 * One round trip: the version stamp, and the live counters of the limited promotions `ids` (the
 * snapshot's copy of a counter is only as fresh as the last promotion change).
 */
async function readFresh(db: Executor, ids: string[], customerId?: string): Promise<Fresh> {
  const { rows } = await sql<{ stamp: string; id: string | null; used: number | null; spent: number | null; customer_used: number | null }>`${PREPARED}
    SELECT v.stamp, p.id, p.used, p.spent, u.used AS customer_used
    FROM promotion_version v
    LEFT JOIN promotion p ON p.id = ANY(${ids}::text[])
    LEFT JOIN promotion_customer_use u ON u.promotion_id = p.id AND u.customer_id = ${customerId ?? ''}
    WHERE v.id = 1`.execute(db);
  const usage: UsageCounters = new Map();
  for (const r of rows) if (r.id) usage.set(r.id, { used: r.used!, spent: Number(r.spent), customerUsed: r.customer_used ?? 0 });
  return { stamp: rows[0].stamp, usage };
}

/**
 * Prices a cart (online or at the till) with the active promotions and the presented coupons: pure
 * evaluation over the in-memory snapshot, checked against the version stamp in the same read that
 * fetches live counters, so a replica never prices with rules older than the last commit.
 */
export async function priceWithPromotions(ctx: Ctx, input: PricingInput): Promise<PricingResult> {
  const guess = latestSnapshot();
  const guessed = guess ? limitedCandidates(guess, input) : [];
  const fresh = await readFresh(ctx.db, guessed, input.customerId);
  if (guess?.stamp === fresh.stamp) return evaluatePromotions(guess, input, guessed.length ? fresh.usage : undefined);
  // Promotions changed since the last snapshot (or this is the first pricing): build the current one.
  const snapshot = await snapshotFor(ctx.db, fresh.stamp);
  const limited = limitedCandidates(snapshot, input);
  const usage = limited.length ? (await readFresh(ctx.db, limited, input.customerId)).usage : undefined;
  return evaluatePromotions(snapshot, input, usage);
}
