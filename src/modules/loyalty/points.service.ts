import { inTx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { balancesOf, creditLot, debitLots, lockMember, q, restoreDebit, writeEntry, type Reference } from './ledger.js';
import { loyaltySettings } from './loyalty.settings.js';
import { quoteDeduction, type DeductionQuote } from './points-math.js';
import { endOfYear } from './brand-time.js';

const positive = (points: number, field = 'points') => {
  if (!Number.isInteger(points) || points <= 0) throw new AppError('validation_failed', 'points must be a positive whole number', { field });
};

/**
 * How many of the points a member offers can pay for an order, and what they are worth: capped
 * by the balance and by the share of the order points may pay. Reads only; spendPoints takes them.
 */
export async function quotePointsDeduction(ctx: Ctx, input: { customerId: string; points: number; orderSubtotal: number }): Promise<DeductionQuote & { balance: number }> {
  const { balance } = await balancesOf(ctx.db, input.customerId);
  return { balance, ...quoteDeduction({ requested: input.points, balance, orderSubtotal: input.orderSubtotal, pointsPerHundredMinor: loyaltySettings.pointsPerHundredMinor, maxBps: loyaltySettings.maxDeductionBps }) };
}

export interface Spend {
  entryId: string;
  points: number;
  balance: number;
}

/**
 * Spends points for a reference (an order, a reward), soonest-expiring lots first. Call it inside
 * the order's transaction. Spending twice for one reference spends once. Throws
 * insufficient_points when the balance is short; never leaves the balance below zero.
 */
export async function spendPoints(ctx: Ctx, input: { customerId: string; points: number; reference: Reference }): Promise<Spend> {
  positive(input.points);
  return inTx(ctx.db, async (tx) => {
    await lockMember(tx, input.customerId);
    const prior = await q(tx).selectFrom('loyalty_entry').select(['id', 'points']).where('kind', '=', 'spent').where('reference_type', '=', input.reference.type).where('reference_id', '=', input.reference.id).executeTakeFirst();
    if (prior) return { entryId: prior.id, points: -prior.points, balance: (await balancesOf(tx, input.customerId)).balance };
    const entryId = await debitLots(tx, { customerId: input.customerId, kind: 'spent', points: input.points, reference: input.reference });
    const { balance } = await balancesOf(tx, input.customerId);
    await emit(tx, 'points.spent', entryId, { entryId, customerId: input.customerId, points: input.points, reference: input.reference, balance });
    return { entryId, points: input.points, balance };
  });
}

/** Gives back the points spent for a reference (a cancelled or refunded order), once; 0 when none were spent. */
export async function refundSpentPoints(ctx: Ctx, input: { reference: Reference }): Promise<{ points: number }> {
  return inTx(ctx.db, async (tx) => {
    const spent = await q(tx).selectFrom('loyalty_entry').select(['id', 'customer_id']).where('kind', '=', 'spent').where('reference_type', '=', input.reference.type).where('reference_id', '=', input.reference.id).executeTakeFirst();
    if (!spent) return { points: 0 };
    await lockMember(tx, spent.customer_id);
    const done = await q(tx).selectFrom('loyalty_entry').select('points').where('kind', '=', 'spend_refunded').where('reference_type', '=', input.reference.type).where('reference_id', '=', input.reference.id).executeTakeFirst();
    if (done) return { points: done.points };
    const points = await restoreDebit(tx, spent.id);
    const entryId = await writeEntry(tx, { customerId: spent.customer_id, kind: 'spend_refunded', points, reference: input.reference });
    await emit(tx, 'points.spend_refunded', entryId, { entryId, customerId: spent.customer_id, points, reference: input.reference });
    return { points };
  });
}

/** A manual correction by staff: a credit makes a new lot, a debit takes from the soonest-expiring lots. */
export async function adjustPoints(ctx: Ctx, input: { customerId: string; points: number; reason: string }): Promise<Spend> {
  if (!Number.isInteger(input.points) || input.points === 0) throw new AppError('validation_failed', 'points must be a non-zero whole number', { field: 'points' });
  return inTx(ctx.db, async (tx) => {
    await lockMember(tx, input.customerId);
    const reference = { type: 'adjustment', id: newId('adj') };
    let entryId: string;
    if (input.points > 0) {
      await creditLot(tx, { customerId: input.customerId, points: input.points, sourceId: reference.id, expiresAt: endOfYear(new Date(), loyaltySettings.expiryYears, loyaltySettings.timeZone) });
      entryId = await writeEntry(tx, { customerId: input.customerId, kind: 'adjusted', points: input.points, reference, reason: input.reason });
    } else {
      entryId = await debitLots(tx, { customerId: input.customerId, kind: 'adjusted', points: -input.points, reference, reason: input.reason });
    }
    const { balance } = await balancesOf(tx, input.customerId);
    await emit(tx, 'points.adjusted', entryId, { entryId, customerId: input.customerId, points: input.points, reason: input.reason, by: ctx.actor.id, balance });
    return { entryId, points: input.points, balance };
  });
}
