import { sql } from 'kysely';
import { takeTurns, type Executor } from '../../platform/db.js';
import { emit } from '../../platform/outbox.js';
import type { TierRow } from './loyalty.tables.js';
import { q } from './ledger.js';
import { loyaltySettings } from './loyalty.settings.js';
import { tierForSpend } from './points-math.js';

/** The name tier changes and members' moves between tiers take turns on. */
export const TIERS = 'loyalty_tier';

export interface TierView {
  id: string;
  name: string;
  minSpend: number;
  multiplierPct: number;
  freeShipping: boolean;
  memberPrice: boolean;
  birthdayCouponTemplateId: string | null;
}

export const toTier = (r: TierRow): TierView => ({
  id: r.id,
  name: r.name,
  minSpend: Number(r.min_spend),
  multiplierPct: r.multiplier_pct,
  freeShipping: r.free_shipping,
  memberPrice: r.member_price,
  birthdayCouponTemplateId: r.birthday_coupon_template_id,
});

export async function loadTiers(db: Executor): Promise<TierView[]> {
  return (await q(db).selectFrom('loyalty_tier').selectAll().orderBy('min_spend').execute()).map(toTier);
}

/** Confirmed spend (paid less refunded) on orders whose points were confirmed within the tier window. */
export async function rollingSpend(db: Executor, customerId: string, now = new Date()): Promise<number> {
  const since = new Date(now);
  since.setUTCMonth(since.getUTCMonth() - loyaltySettings.tierWindowMonths);
  const r = await q(db)
    .selectFrom('loyalty_lot')
    .select(sql<number>`coalesce(sum(paid_amount - refunded_amount), 0)::bigint`.as('spend'))
    .where('customer_id', '=', customerId)
    .where('source_type', '=', 'order')
    .where('status', 'in', ['active', 'expired'])
    .where('confirmed_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.spend);
}

/**
 * Puts the member in the tier their spend earns now; announces a change. Takes turns with tier
 * changes, so a tier is not deleted while a member moves into it.
 */
export async function recomputeTier(tx: Executor, customerId: string): Promise<void> {
  await takeTurns(tx, [TIERS], 'shared');
  const member = await q(tx).selectFrom('loyalty_member').select(['id', 'tier_id']).where('customer_id', '=', customerId).executeTakeFirstOrThrow();
  const spend = await rollingSpend(tx, customerId);
  const tier = tierForSpend(await loadTiers(tx), spend);
  const to = tier?.id ?? null;
  if (to === member.tier_id) return;
  await q(tx).updateTable('loyalty_member').set({ tier_id: to, updated_at: new Date() }).where('id', '=', member.id).execute();
  await emit(tx, 'tier.changed', member.id, { memberId: member.id, customerId, from: member.tier_id, to, spend });
}

/** The tier a customer is in, in one query: null for someone who is not a member or is in no tier. */
export async function tierOf(db: Executor, customerId: string): Promise<TierView | null> {
  const row = await q(db).selectFrom('loyalty_member as m').innerJoin('loyalty_tier as t', 't.id', 'm.tier_id').selectAll('t').where('m.customer_id', '=', customerId).executeTakeFirst();
  return row ? toTier(row) : null;
}
