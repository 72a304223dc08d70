import type { CampaignStatus, GroupStatus } from './deals.tables.js';

/**
 * Whether a shopper may buy under a flash sale or a group-buy deal: pure rules over a snapshot the
 * services read, so pricing (a read) and taking (the conditional updates) refuse alike.
 */

export type Phase = 'upcoming' | 'running' | 'over';

export interface Campaign {
  status: CampaignStatus;
  startsAt: Date;
  endsAt: Date;
  variantId: string;
  currency: string;
  /** null: every channel. */
  channelIds: string[] | null;
}

/** What a cart line asks for: this many units of a variant, on a channel, now. */
export interface Ask {
  variantId: string;
  channelId: string;
  currency: string;
  customerId: string | null;
  quantity: number;
  at: Date;
}

export type Refusal =
  | 'flash_sale_not_running'
  | 'flash_sale_sold_out'
  | 'flash_sale_requires_sign_in'
  | 'flash_sale_limit_reached'
  | 'group_buy_not_running'
  | 'group_buy_closed'
  | 'group_buy_full'
  | 'group_buy_requires_sign_in'
  | 'group_buy_already_joined'
  | 'group_buy_limit_reached'
  | 'offer_not_for_variant'
  | 'offer_not_for_channel';

export const REFUSAL_MESSAGES: Record<Refusal, string> = {
  flash_sale_not_running: 'this flash sale is not running now',
  flash_sale_sold_out: 'this flash sale has too few units left',
  flash_sale_requires_sign_in: 'sign in to buy at the flash sale price',
  flash_sale_limit_reached: 'you have bought as many units at this flash sale as one shopper may',
  group_buy_not_running: 'this group buy is not running now',
  group_buy_closed: 'this group is no longer open to join',
  group_buy_full: 'this group has no seats left',
  group_buy_requires_sign_in: 'sign in to open or join a group',
  group_buy_already_joined: 'you already have a seat in this group',
  group_buy_limit_reached: 'a member of this group buy may buy fewer units',
  offer_not_for_variant: 'this offer is for another product',
  offer_not_for_channel: 'this offer is not available on this channel',
};

/** Only active campaigns have a phase the storefront shows; drafts and stopped ones are over. */
export function phaseOf(c: Pick<Campaign, 'status' | 'startsAt' | 'endsAt'>, at: Date): Phase {
  if (c.status !== 'active' || at >= c.endsAt) return 'over';
  return at < c.startsAt ? 'upcoming' : 'running';
}

function placeRefusal(c: Campaign, a: Ask): Refusal | null {
  if (c.variantId !== a.variantId) return 'offer_not_for_variant';
  if (c.currency !== a.currency || (c.channelIds !== null && !c.channelIds.includes(a.channelId))) return 'offer_not_for_channel';
  return null;
}

export interface FlashSaleState extends Campaign {
  allotment: number;
  sold: number;
  perCustomerLimit: number;
  /** Units this shopper already bought at the sale. */
  usedByCustomer: number;
}

export function flashSaleRefusal(s: FlashSaleState, a: Ask): Refusal | null {
  if (phaseOf(s, a.at) !== 'running') return 'flash_sale_not_running';
  const place = placeRefusal(s, a);
  if (place) return place;
  if (s.sold + a.quantity > s.allotment) return 'flash_sale_sold_out';
  if (!a.customerId) return 'flash_sale_requires_sign_in';
  if (s.usedByCustomer + a.quantity > s.perCustomerLimit) return 'flash_sale_limit_reached';
  return null;
}

export interface DealState extends Campaign {
  unitsPerMember: number;
}

export interface GroupState {
  status: GroupStatus;
  deadline: Date;
  members: number;
  size: number;
  /** The asking shopper already holds a seat. */
  joined: boolean;
}

/**
 * Opening a group (group null) needs the deal running; joining one needs the group open and
 * before its deadline, whatever the deal does meanwhile.
 */
export function groupBuyRefusal(d: DealState, g: GroupState | null, a: Ask): Refusal | null {
  if (!g && phaseOf(d, a.at) !== 'running') return 'group_buy_not_running';
  if (g && (g.status !== 'open' || a.at >= g.deadline)) return 'group_buy_closed';
  const place = placeRefusal(d, a);
  if (place) return place;
  if (!a.customerId) return 'group_buy_requires_sign_in';
  if (g?.joined) return 'group_buy_already_joined';
  if (g && g.members >= g.size) return 'group_buy_full';
  if (a.quantity > d.unitsPerMember) return 'group_buy_limit_reached';
  return null;
}
