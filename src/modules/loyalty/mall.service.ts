import { inTx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { grantCoupon } from '../coupons/index.js';
import { q } from './ledger.js';
import { spendPoints } from './points.service.js';
import { toReward, type RewardView } from './config.service.js';

export interface Redemption {
  id: string;
  reward: RewardView;
  points: number;
  balance: number;
  coupon: Awaited<ReturnType<typeof grantCoupon>>;
}

/** Points mall: spends the reward's points and grants its coupon in one transaction, so neither happens alone. */
export async function redeemReward(ctx: Ctx, input: { customerId: string; rewardId: string }): Promise<Redemption> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const row = await q(tx).selectFrom('loyalty_reward').selectAll().where('id', '=', input.rewardId).where('active', '=', true).executeTakeFirst();
    if (!row) throw new AppError('not_found', `reward ${input.rewardId} does not exist or is not offered`, { field: 'rewardId', id: input.rewardId });
    const id = newId('rdm');
    const spent = await spendPoints(c, { customerId: input.customerId, points: row.points, reference: { type: 'reward_redemption', id } });
    const coupon = await grantCoupon(c, { templateId: row.coupon_template_id, customerId: input.customerId, reason: `points mall: ${row.name}` });
    await q(tx).insertInto('loyalty_redemption').values({ id, customer_id: input.customerId, reward_id: row.id, points: row.points }).execute();
    await emit(tx, 'reward.redeemed', id, { redemptionId: id, customerId: input.customerId, rewardId: row.id, points: row.points });
    return { id, reward: toReward(row), points: row.points, balance: spent.balance, coupon };
  });
}
