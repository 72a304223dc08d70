import { PREPARED, sql, type Executor } from '../../platform/db.js';
import type { Ctx } from '../../platform/context.js';
import type { PricingInput, PricingResult, UsageCounters } from './promotion.types.js';
import { automaticCandidates, evaluatePromotions, limitedCandidates } from './evaluate.js';
import { latestSnapshot, snapshotFor } from './snapshot.service.js';
import type { PromotionSnapshot } from './snapshot.js';
import { sharedRead } from '../../platform/shared-read.js';
import { livePromotions } from './live.js';

interface Fresh {
  stamp: string;
  usage: UsageCounters;
}

interface Want {
  ids: string[];
  /** Those of `ids` limited per customer, whose uses by this customer are wanted too. */
  perCustomer: string[];
  customerId: string;
}

interface Counters {
  stamp: string;
  promotions: Map<string, { used: number; spent: number }>;
  /** A customer's uses by `promotionId customerId`. */
  customerUses: Map<string, number>;
}

/** The stamp as a column of another module's statement (`${PROMOTIONS_STAMP} AS promotions_stamp`). */
export const PROMOTIONS_STAMP = sql<string>`(SELECT stamp FROM promotion_version WHERE id = 1)`;

/**
 * One round trip for every pricing waiting on it: the version stamp, and the live counters of the
 * limited promotions each of them considers (the snapshot's copy of a counter is only as fresh as
 * the last promotion change), with each customer's own uses.
 */
const readCounters = sharedRead<Want, Counters>(async (db, wants) => {
  const ids = [...new Set(wants.flatMap((w) => w.ids))];
  const pairs = wants.flatMap((w) => w.perCustomer.map((id) => [id, w.customerId]));
  // Without counters to read, a statement with no parameters: PostgreSQL plans it once per
  // connection, where the one below, given empty arrays, is planned again at every call.
  if (!ids.length) {
    const { rows: [row] } = await sql<{ stamp: string }>`${PREPARED}SELECT ${PROMOTIONS_STAMP} AS stamp`.execute(db);
    return { stamp: row.stamp, promotions: new Map(), customerUses: new Map() };
  }
  const { rows } = await sql<{ stamp: string; promotions: Array<[string, number, string]> | null; uses: Array<[string, string, number]> | null }>`${PREPARED}
    SELECT v.stamp,
      (SELECT json_agg(json_build_array(p.id, p.used, p.spent)) FROM promotion p WHERE p.id = ANY(${ids}::text[])) AS promotions,
      (SELECT json_agg(json_build_array(u.promotion_id, u.customer_id, u.used))
         FROM unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS k(promotion_id, customer_id)
         JOIN promotion_customer_use u USING (promotion_id, customer_id)) AS uses
    FROM promotion_version v WHERE v.id = 1`.execute(db);
  const row = rows[0];
  return {
    stamp: row.stamp,
    promotions: new Map((row.promotions ?? []).map(([id, used, spent]) => [id, { used, spent: Number(spent) }])),
    customerUses: new Map((row.uses ?? []).map(([id, customer, used]) => [`${id} ${customer}`, used])),
  };
});

async function readFresh(db: Executor, s: PromotionSnapshot | null, ids: string[], customerId?: string): Promise<Fresh> {
  const customer = customerId ?? '';
  const perCustomer = customerId ? ids.filter((id) => s?.byId.get(id)?.promotion.perCustomerLimit != null) : [];
  const counters = await readCounters(db, { ids, perCustomer, customerId: customer });
  const usage: UsageCounters = new Map();
  for (const id of ids) {
    const p = counters.promotions.get(id);
    if (p) usage.set(id, { ...p, customerUsed: counters.customerUses.get(`${id} ${customer}`) ?? 0 });
  }
  return { stamp: counters.stamp, usage };
}

/**
 * Prices a cart (online or at the till) with the active promotions and the presented coupons: pure
 * evaluation over the in-memory snapshot. On PostgreSQL outside a transaction the version stamp and
 * the limited promotions' counters are followed by notification (live.ts), so most prices need no
 * round trip; otherwise (and for a customer's own uses of promotions limited per customer) they are
 * read, the stamp in the same read as the counters, so a price never uses rules older than the
 * last commit it could see. `seenStamp` is one read in the caller's statement of this request.
 */
export async function priceWithPromotions(ctx: Ctx, input: PricingInput, seenStamp?: string): Promise<PricingResult> {
  // The followed stamp names the snapshot to use; without it, the latest built is a guess to check.
  const live = await livePromotions(ctx.db);
  const guess = live ? await snapshotFor(ctx.db, live.stamp) : latestSnapshot();
  const guessedAuto = guess ? automaticCandidates(guess, input) : [];
  const guessed = guess ? limitedCandidates(guess, input, guessedAuto) : [];
  if (live && guess && !(input.customerId && guessed.some((id) => guess.byId.get(id)?.promotion.perCustomerLimit != null))) {
    return evaluatePromotions(guess, input, guessed.length ? live.counters : undefined, guessedAuto);
  }
  // A stamp the caller read in its own statement (PROMOTIONS_STAMP) spares the read when no counter is wanted.
  const fresh = seenStamp && !guessed.length ? { stamp: seenStamp, usage: new Map() } : await readFresh(ctx.db, guess, guessed, input.customerId);
  if (guess?.stamp === fresh.stamp) return evaluatePromotions(guess, input, guessed.length ? fresh.usage : undefined, guessedAuto);
  // Promotions changed since the last snapshot (or this is the first pricing): build the current one.
  const snapshot = await snapshotFor(ctx.db, fresh.stamp);
  const auto = automaticCandidates(snapshot, input);
  const limited = limitedCandidates(snapshot, input, auto);
  const usage = limited.length ? (await readFresh(ctx.db, snapshot, limited, input.customerId)).usage : undefined;
  return evaluatePromotions(snapshot, input, usage, auto);
}
