import { inTx, takeTurns, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { ChannelKind } from '../catalog/index.js';
import { getCouponTemplate } from '../coupons/index.js';
import type { EarnRuleRow, RewardRow } from './loyalty.tables.js';
import { q } from './ledger.js';
import { TIERS, toTier, type TierView } from './tiers.service.js';

/** What operators configure: earn rules, tiers and points-mall rewards. */

export interface EarnRuleView {
  id: string;
  name: string;
  channelKind: ChannelKind | null;
  pointsPerUnit: number;
  unitAmount: number;
}
export type EarnRuleInput = Omit<EarnRuleView, 'id'>;

const toRule = (r: EarnRuleRow): EarnRuleView => ({ id: r.id, name: r.name, channelKind: r.channel_kind as ChannelKind | null, pointsPerUnit: r.points_per_unit, unitAmount: r.unit_amount });

export async function loadEarnRules(db: Executor): Promise<EarnRuleView[]> {
  return (await q(db).selectFrom('loyalty_earn_rule').selectAll().where('active', '=', true).orderBy('id').execute()).map(toRule);
}

export const listEarnRules = (ctx: Ctx) => loadEarnRules(ctx.db);

async function assertKindFree(db: Executor, channelKind: string | null, exceptId?: string): Promise<void> {
  let query = q(db).selectFrom('loyalty_earn_rule').select('id').where('active', '=', true);
  query = channelKind === null ? query.where('channel_kind', 'is', null) : query.where('channel_kind', '=', channelKind);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const other = await query.executeTakeFirst();
  if (other) throw new AppError('already_exists', `rule ${other.id} already covers ${channelKind ?? 'every channel'}`, { field: 'channelKind', id: other.id });
}

export async function createEarnRule(ctx: Ctx, input: EarnRuleInput): Promise<EarnRuleView> {
  return inTx(ctx.db, async (tx) => {
    await takeTurns(tx, ['loyalty_earn_rule']);
    await assertKindFree(tx, input.channelKind);
    const row = await q(tx)
      .insertInto('loyalty_earn_rule')
      .values({ id: newId('ler'), name: input.name, channel_kind: input.channelKind, points_per_unit: input.pointsPerUnit, unit_amount: input.unitAmount })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'earn_rule.created', row.id, toRule(row));
    return toRule(row);
  });
}

export async function updateEarnRule(ctx: Ctx, id: string, patch: Partial<EarnRuleInput>): Promise<EarnRuleView> {
  return inTx(ctx.db, async (tx) => {
    await takeTurns(tx, ['loyalty_earn_rule']);
    if (patch.channelKind !== undefined) await assertKindFree(tx, patch.channelKind, id);
    const row = await q(tx)
      .updateTable('loyalty_earn_rule')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.channelKind !== undefined ? { channel_kind: patch.channelKind } : {}),
        ...(patch.pointsPerUnit !== undefined ? { points_per_unit: patch.pointsPerUnit } : {}),
        ...(patch.unitAmount !== undefined ? { unit_amount: patch.unitAmount } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('active', '=', true)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('earn rule', id, 'id');
    await emit(tx, 'earn_rule.updated', row.id, toRule(row));
    return toRule(row);
  });
}

/** Retires a rule; orders already earned keep their points. */
export async function deleteEarnRule(ctx: Ctx, id: string): Promise<void> {
  await inTx(ctx.db, async (tx) => {
    const row = await q(tx).updateTable('loyalty_earn_rule').set({ active: false, updated_at: new Date() }).where('id', '=', id).where('active', '=', true).returning('id').executeTakeFirst();
    if (!row) throw notFound('earn rule', id, 'id');
    await emit(tx, 'earn_rule.deleted', id, { id });
  });
}

/** Rewards and birthday perks grant wallet coupons: the template must exist and be one. */
async function assertWalletTemplate(ctx: Ctx, templateId: string, field: string): Promise<void> {
  const template = await getCouponTemplate(ctx, templateId).catch((err) => {
    if (err instanceof AppError && err.code === 'not_found') throw new AppError('not_found', `coupon template ${templateId} does not exist`, { field, id: templateId });
    throw err;
  });
  if (template.kind !== 'wallet') throw new AppError('validation_failed', `coupon template ${templateId} is a ${template.kind} coupon; only wallet coupons can be granted`, { field });
}

export type TierInput = Omit<TierView, 'id'>;

async function assertThresholdFree(db: Executor, minSpend: number, exceptId?: string): Promise<void> {
  let query = q(db).selectFrom('loyalty_tier').select('id').where('min_spend', '=', minSpend);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const other = await query.executeTakeFirst();
  if (other) throw new AppError('already_exists', `tier ${other.id} already starts at ${minSpend}`, { field: 'minSpend', id: other.id });
}

const tierColumns = (t: Partial<TierInput>) => ({
  ...(t.name !== undefined ? { name: t.name } : {}),
  ...(t.minSpend !== undefined ? { min_spend: t.minSpend } : {}),
  ...(t.multiplierPct !== undefined ? { multiplier_pct: t.multiplierPct } : {}),
  ...(t.freeShipping !== undefined ? { free_shipping: t.freeShipping } : {}),
  ...(t.memberPrice !== undefined ? { member_price: t.memberPrice } : {}),
  ...(t.birthdayCouponTemplateId !== undefined ? { birthday_coupon_template_id: t.birthdayCouponTemplateId } : {}),
});

/** Tiers apply to members as their spend is next recomputed (on the next confirmed earn or refund). */
export async function createTier(ctx: Ctx, input: TierInput): Promise<TierView> {
  return inTx(ctx.db, async (tx) => {
    await takeTurns(tx, [TIERS]);
    await assertThresholdFree(tx, input.minSpend);
    if (input.birthdayCouponTemplateId) await assertWalletTemplate({ ...ctx, db: tx }, input.birthdayCouponTemplateId, 'birthdayCouponTemplateId');
    const row = await q(tx).insertInto('loyalty_tier').values({ id: newId('tier'), ...tierColumns(input), name: input.name, min_spend: input.minSpend, birthday_coupon_template_id: input.birthdayCouponTemplateId }).returningAll().executeTakeFirstOrThrow();
    await emit(tx, 'tier.created', row.id, toTier(row));
    return toTier(row);
  });
}

export async function updateTier(ctx: Ctx, id: string, patch: Partial<TierInput>): Promise<TierView> {
  return inTx(ctx.db, async (tx) => {
    await takeTurns(tx, [TIERS]);
    if (patch.minSpend !== undefined) await assertThresholdFree(tx, patch.minSpend, id);
    if (patch.birthdayCouponTemplateId) await assertWalletTemplate({ ...ctx, db: tx }, patch.birthdayCouponTemplateId, 'birthdayCouponTemplateId');
    const row = await q(tx).updateTable('loyalty_tier').set({ ...tierColumns(patch), updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound('tier', id, 'id');
    await emit(tx, 'tier.updated', row.id, toTier(row));
    return toTier(row);
  });
}

export async function deleteTier(ctx: Ctx, id: string): Promise<void> {
  await inTx(ctx.db, async (tx) => {
    await takeTurns(tx, [TIERS]);
    const inUse = await q(tx).selectFrom('loyalty_member').select('id').where('tier_id', '=', id).limit(1).executeTakeFirst();
    if (inUse) throw new AppError('tier_in_use', `members are in tier ${id}; move its threshold instead`, { field: 'id' });
    const row = await q(tx).deleteFrom('loyalty_tier').where('id', '=', id).returning('id').executeTakeFirst();
    if (!row) throw notFound('tier', id, 'id');
    await emit(tx, 'tier.deleted', id, { id });
  });
}

export interface RewardView {
  id: string;
  name: string;
  points: number;
  couponTemplateId: string;
  active: boolean;
}
export type RewardInput = Omit<RewardView, 'id' | 'active'> & { active?: boolean };

export const toReward = (r: RewardRow): RewardView => ({ id: r.id, name: r.name, points: r.points, couponTemplateId: r.coupon_template_id, active: r.active });

export async function listRewards(ctx: Ctx, opts: { activeOnly: boolean }): Promise<RewardView[]> {
  let query = q(ctx.db).selectFrom('loyalty_reward').selectAll();
  if (opts.activeOnly) query = query.where('active', '=', true);
  return (await query.orderBy('points').orderBy('id').execute()).map(toReward);
}

export async function createReward(ctx: Ctx, input: RewardInput): Promise<RewardView> {
  return inTx(ctx.db, async (tx) => {
    await assertWalletTemplate({ ...ctx, db: tx }, input.couponTemplateId, 'couponTemplateId');
    const row = await q(tx)
      .insertInto('loyalty_reward')
      .values({ id: newId('rwd'), name: input.name, points: input.points, coupon_template_id: input.couponTemplateId, active: input.active ?? true })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'reward.created', row.id, toReward(row));
    return toReward(row);
  });
}

export async function updateReward(ctx: Ctx, id: string, patch: Partial<RewardInput>): Promise<RewardView> {
  return inTx(ctx.db, async (tx) => {
    if (patch.couponTemplateId !== undefined) await assertWalletTemplate({ ...ctx, db: tx }, patch.couponTemplateId, 'couponTemplateId');
    const row = await q(tx)
      .updateTable('loyalty_reward')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.points !== undefined ? { points: patch.points } : {}),
        ...(patch.couponTemplateId !== undefined ? { coupon_template_id: patch.couponTemplateId } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('reward', id, 'id');
    await emit(tx, 'reward.updated', row.id, toReward(row));
    return toReward(row);
  });
}
