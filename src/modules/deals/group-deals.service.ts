import { inTx, tables, type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CampaignStatus, DealRow, DealsTables } from './deals.tables.js';
import { campaignView, changedCampaignValues, newCampaignValues, onChannel, type CampaignChanges, type CampaignTerms, type CampaignView } from './campaigns.js';

/** Group-buy deals (拼团) as staff set them up, and as the storefront lists them. */

const q = (db: Executor) => tables<DealsTables>(db);

export interface DealTerms extends CampaignTerms {
  groupSize: number;
  timeLimitMinutes: number;
  unitsPerMember?: number;
}

export type DealChanges = CampaignChanges & { timeLimitMinutes?: number; unitsPerMember?: number };

export interface GroupBuyDeal extends CampaignView {
  groupSize: number;
  timeLimitMinutes: number;
  unitsPerMember: number;
}

export const toDeal = (r: DealRow, at = new Date()): GroupBuyDeal => ({
  ...campaignView(r, at),
  groupSize: r.group_size,
  timeLimitMinutes: r.time_limit_minutes,
  unitsPerMember: r.units_per_member,
});

export async function createDeal(ctx: Ctx, t: DealTerms): Promise<GroupBuyDeal> {
  const values = await newCampaignValues(ctx, t);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .insertInto('group_buy_deal')
      .values({ id: newId('gbd'), ...values, group_size: t.groupSize, time_limit_minutes: t.timeLimitMinutes, units_per_member: t.unitsPerMember ?? 1 })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'group_buy_deal.created', row.id, { id: row.id, variantId: row.variant_id, status: row.status, groupSize: row.group_size, startsAt: row.starts_at, endsAt: row.ends_at });
    return toDeal(row);
  });
}

/** Groups already open keep the size and deadline they were opened with. */
export async function updateDeal(ctx: Ctx, id: string, c: DealChanges): Promise<GroupBuyDeal> {
  return inTx(ctx.db, async (tx) => {
    const current = await q(tx).selectFrom('group_buy_deal').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw notFound('group-buy deal', id);
    const values = await changedCampaignValues({ ...ctx, db: tx }, current, c);
    const row = await q(tx)
      .updateTable('group_buy_deal')
      .set({
        ...values,
        ...(c.timeLimitMinutes !== undefined ? { time_limit_minutes: c.timeLimitMinutes } : {}),
        ...(c.unitsPerMember !== undefined ? { units_per_member: c.unitsPerMember } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'group_buy_deal.updated', id, { id, status: row.status, changed: Object.keys(c) });
    return toDeal(row);
  });
}

export async function getDeal(ctx: Ctx, id: string): Promise<GroupBuyDeal> {
  const row = await q(ctx.db).selectFrom('group_buy_deal').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('group-buy deal', id);
  return toDeal(row);
}

export async function listDeals(ctx: Ctx, f: { status?: CampaignStatus; variantId?: string; limit: number; after?: string }): Promise<{ data: GroupBuyDeal[]; next: string | null }> {
  let query = q(ctx.db).selectFrom('group_buy_deal').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.variantId) query = query.where('variant_id', '=', f.variantId);
  if (f.after) query = query.where('id', '<', f.after);
  const rows = await query.execute();
  const page = rows.slice(0, f.limit);
  return { data: page.map((r) => toDeal(r)), next: rows.length > f.limit ? page.at(-1)!.id : null };
}

/** Running and upcoming deals, soonest first. */
export async function listLiveDeals(ctx: Ctx, f: { channelId?: string; variantId?: string; limit: number }): Promise<GroupBuyDeal[]> {
  const now = new Date();
  let query = q(ctx.db).selectFrom('group_buy_deal').selectAll().where('status', '=', 'active').where('ends_at', '>', now).orderBy('starts_at').orderBy('id').limit(f.limit);
  if (f.channelId) query = query.where(onChannel(f.channelId));
  if (f.variantId) query = query.where('variant_id', '=', f.variantId);
  return (await query.execute()).map((r) => toDeal(r, now));
}

/** A deal as the storefront shows it: drafts do not exist yet. */
export async function getPublicDeal(ctx: Ctx, id: string): Promise<GroupBuyDeal> {
  const deal = await getDeal(ctx, id);
  if (deal.status === 'draft') throw notFound('group-buy deal', id);
  return deal;
}
