import type { ExpressionBuilder } from 'kysely';
import { sql } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import { getChannel, getVariants } from '../catalog/index.js';
import type { CampaignStatus } from './deals.tables.js';
import { phaseOf, REFUSAL_MESSAGES, type Campaign, type Phase, type Refusal } from './offer-rules.js';

/**
 * What flash sales and group-buy deals share: one variant at a special price, on some channels,
 * for a window of time, moved through draft → active → ended (or cancelled).
 */

export interface CampaignTerms {
  name: string;
  variantId: string;
  price: { amount: number; currency: string };
  channelIds?: string[] | null;
  startsAt: string;
  endsAt: string;
  status?: 'draft' | 'active';
}

export type CampaignChanges = Partial<Pick<CampaignTerms, 'name' | 'price' | 'channelIds' | 'startsAt' | 'endsAt'>> & { status?: CampaignStatus };

interface CampaignRow {
  id: string;
  name: string;
  variant_id: string;
  currency: string;
  price: number;
  channel_ids: string[] | null;
  starts_at: Date;
  ends_at: Date;
  status: CampaignStatus;
  created_at: Date;
  updated_at: Date;
}

type CampaignValues = Omit<CampaignRow, 'id' | 'created_at' | 'updated_at'>;

const NEXT: Record<CampaignStatus, CampaignStatus[]> = {
  draft: ['draft', 'active', 'cancelled'],
  active: ['active', 'ended', 'cancelled'],
  ended: ['ended'],
  cancelled: ['cancelled'],
};

async function checkChannels(ctx: Ctx, ids: string[] | null | undefined): Promise<string[] | null> {
  if (!ids) return null;
  for (const [i, id] of ids.entries()) await getChannel(ctx, id, `channelIds.${i}`);
  return [...new Set(ids)];
}

function checkWindow(startsAt: Date, endsAt: Date, endChanged: boolean): void {
  if (endsAt <= startsAt) throw invalid('endsAt', 'the end must come after the start');
  if (endChanged && endsAt.getTime() <= Date.now()) throw invalid('endsAt', 'the end has passed');
}

export async function newCampaignValues(ctx: Ctx, t: CampaignTerms): Promise<CampaignValues> {
  const [variant] = await getVariants(ctx, [t.variantId]);
  if (!variant) throw notFound('variant', t.variantId, 'variantId');
  const startsAt = new Date(t.startsAt);
  const endsAt = new Date(t.endsAt);
  checkWindow(startsAt, endsAt, true);
  return {
    name: t.name,
    variant_id: variant.id,
    currency: t.price.currency,
    price: t.price.amount,
    channel_ids: await checkChannels(ctx, t.channelIds),
    starts_at: startsAt,
    ends_at: endsAt,
    status: t.status ?? 'draft',
  };
}

/** The columns a change sets; an ended or cancelled campaign no longer changes. */
export async function changedCampaignValues(ctx: Ctx, current: CampaignRow, c: CampaignChanges): Promise<Partial<CampaignValues>> {
  if (current.status === 'ended' || current.status === 'cancelled') {
    throw new AppError('invalid_state', `this campaign is ${current.status} and can no longer change`, { field: 'status', current: current.status });
  }
  if (c.status && !NEXT[current.status].includes(c.status)) {
    throw new AppError('invalid_state', `a ${current.status} campaign cannot become ${c.status}`, { field: 'status', current: current.status });
  }
  if (c.price && c.price.currency !== current.currency) throw invalid('price.currency', `this campaign sells in ${current.currency}`);
  const startsAt = c.startsAt ? new Date(c.startsAt) : current.starts_at;
  const endsAt = c.endsAt ? new Date(c.endsAt) : current.ends_at;
  checkWindow(startsAt, endsAt, Boolean(c.endsAt));
  return {
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.price ? { price: c.price.amount } : {}),
    ...(c.channelIds !== undefined ? { channel_ids: await checkChannels(ctx, c.channelIds) } : {}),
    starts_at: startsAt,
    ends_at: endsAt,
    ...(c.status ? { status: c.status } : {}),
  };
}

export const asCampaign = (r: CampaignRow): Campaign => ({
  status: r.status,
  startsAt: new Date(r.starts_at),
  endsAt: new Date(r.ends_at),
  variantId: r.variant_id,
  currency: r.currency,
  channelIds: r.channel_ids,
});

export interface CampaignView {
  id: string;
  name: string;
  variantId: string;
  price: { amount: number; currency: string };
  channelIds: string[] | null;
  startsAt: string;
  endsAt: string;
  status: CampaignStatus;
  phase: Phase;
  createdAt: string;
  updatedAt: string;
}

export const campaignView = (r: CampaignRow, at = new Date()): CampaignView => ({
  id: r.id,
  name: r.name,
  variantId: r.variant_id,
  price: { amount: Number(r.price), currency: r.currency },
  channelIds: r.channel_ids,
  startsAt: new Date(r.starts_at).toISOString(),
  endsAt: new Date(r.ends_at).toISOString(),
  status: r.status,
  phase: phaseOf(asCampaign(r), at),
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** A refusal as the problem a cart line shows. */
export const refuse = (code: Refusal, extra: Record<string, unknown> = {}) => new AppError(code, REFUSAL_MESSAGES[code], { field: 'offer', ...extra });

/** Units asked for under each offer id (lines may share one), in id order: the order rows are locked in. */
export function unitsPerOffer(lines: Array<{ offerId: string; quantity: number }>): Array<[string, number]> {
  const units = new Map<string, number>();
  for (const l of lines) units.set(l.offerId, (units.get(l.offerId) ?? 0) + l.quantity);
  return [...units].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** Campaigns sold on a channel: those for every channel and those naming it. */
export const onChannel = (channelId: string) => (e: ExpressionBuilder<any, any>) =>
  e.or([e('channel_ids', 'is', null), e(sql<string>`${channelId}`, '=', sql<string>`any(channel_ids)`)]);
