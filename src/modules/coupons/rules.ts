import type { CouponChannels, CouponKind } from './coupons.tables.js';

/** Why a coupon cannot be used; each is an error code of the public API. */
export type RefusalCode =
  | 'coupon_inactive'
  | 'coupon_not_yet_valid'
  | 'coupon_expired'
  | 'coupon_used_up'
  | 'coupon_not_for_channel'
  | 'coupon_not_yours'
  | 'coupon_requires_customer'
  | 'coupon_limit_reached';

export const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
  coupon_inactive: 'this coupon campaign has ended',
  coupon_not_yet_valid: 'this coupon is not valid yet',
  coupon_expired: 'this coupon has expired',
  coupon_used_up: 'this coupon has been used up',
  coupon_not_for_channel: 'this coupon is not valid on this channel',
  coupon_not_yours: 'this coupon belongs to another shopper',
  coupon_requires_customer: 'sign in (or give a phone or email) to use this coupon',
  coupon_limit_reached: 'you have used this coupon as many times as allowed',
};

/** What the rules need to know about one coupon, read in one query. */
export interface CouponState {
  kind: CouponKind;
  templateActive: boolean;
  channels: CouponChannels;
  validFrom: Date | null;
  validUntil: Date | null;
  maxUses: number | null;
  uses: number;
  ownerId: string | null;
  perCustomerLimit: number | null;
  /** Uses of this template by the customer so far (0 when unknown). */
  usedByCustomer: number;
}

export interface UseRequest {
  customerId: string | null;
  /** The sale's channel kind; null when it was already checked (at pricing). */
  channelKind: string | null;
  at: Date;
  /** Codes of the same template earlier in the same request: they count toward the per-customer limit. */
  earlierOfTemplate: number;
}

/** In-store sales come through POS channels; every other channel kind is online. */
export function channelAllows(channels: CouponChannels, channelKind: string): boolean {
  if (channels === 'all') return true;
  return (channelKind === 'pos') === (channels === 'store');
}

/** The first reason the coupon cannot be used for this request, or null when it can. */
export function refusal(c: CouponState, r: UseRequest): RefusalCode | null {
  if (!c.templateActive) return 'coupon_inactive';
  if (c.validFrom && r.at < c.validFrom) return 'coupon_not_yet_valid';
  if (c.validUntil && r.at >= c.validUntil) return 'coupon_expired';
  if (c.maxUses !== null && c.uses >= c.maxUses) return 'coupon_used_up';
  if (r.channelKind !== null && !channelAllows(c.channels, r.channelKind)) return 'coupon_not_for_channel';
  if (c.kind === 'wallet') return c.ownerId !== null && c.ownerId === r.customerId ? null : 'coupon_not_yours';
  if (c.perCustomerLimit !== null) {
    if (!r.customerId) return 'coupon_requires_customer';
    if (c.usedByCustomer + r.earlierOfTemplate >= c.perCustomerLimit) return 'coupon_limit_reached';
  }
  return null;
}

/**
 * Coupons of different groups (a store coupon and a platform coupon) always combine; within a group
 * they combine only when both stack. Returns the index of the first coupon that cannot join the
 * ones before it, or null.
 */
export function stackingConflict(coupons: Array<{ group: string; stackable: boolean }>): number | null {
  for (let i = 1; i < coupons.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = coupons[j];
      const b = coupons[i];
      if (a.group === b.group && !(a.stackable && b.stackable)) return i;
    }
  }
  return null;
}
