import { boundStores } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { visiblePartners } from './partners.service.js';
import type { PlaceOwner } from './validity.js';
import type { Voucher } from './vouchers.types.js';

type Settled = { settlement: { partnerId: string; amountPerRedemption: number } | null };

/** What a redemption pays a partner is shown only to whoever may see that partner (null: everyone). */
export const withSettlementFor = <T extends Settled>(partners: readonly string[] | null, x: T): T =>
  partners && x.settlement && !partners.includes(x.settlement.partnerId) ? { ...x, settlement: null } : x;

/**
 * Vouchers as a clerk sees them: not whose they are (the customer is the brand's, not the
 * counter's), and the partner's payout only when it is their own partner's. Others see them whole.
 */
export const voucherViewFor = (partners: readonly string[] | null) => (v: Voucher): Voucher =>
  partners ? withSettlementFor(partners, { ...v, customerId: null }) : v;

/** The view for this actor, from the partners of their stores (one read for a clerk). */
export async function voucherView(ctx: Ctx): Promise<(v: Voucher) => Voucher> {
  return voucherViewFor(await visiblePartners(ctx));
}

/** The view at the store a clerk is acting at, with no read. */
export const voucherViewAt = (ctx: Ctx, place: PlaceOwner): ((v: Voucher) => Voucher) =>
  voucherViewFor(boundStores(ctx.actor) ? (place.partnerId ? [place.partnerId] : []) : null);
