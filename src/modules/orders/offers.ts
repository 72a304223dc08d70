import { AppError } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import type { Problem } from './discounts.js';

/**
 * Special offers a cart line can be bought under — a flash sale price, a group-buy seat — are
 * owned by other modules, which register a provider here. Orders asks the provider for the line's
 * unit price when pricing, lets it take what the offer is limited by (an allotment, a per-shopper
 * limit, a seat) inside the checkout transaction, and gives it back when the order is cancelled.
 */

export interface OfferLine {
  lineId: string;
  variantId: string;
  quantity: number;
  /** What the shopper chose to buy under: a flash sale id, a group-buy deal or group id. */
  offerId: string;
}

export interface OfferPrice {
  unitPrice: number;
  /** Shown on the line, e.g. "Flash sale: Summer linen". */
  description: string;
}

export interface OfferContext {
  channelId: string;
  channelKind: string;
  currency: string;
  customerId: string | null;
  at: Date;
}

export interface OfferProvider {
  /** The kind a cart line names, e.g. 'flash_sale'. */
  kind: string;
  /**
   * The unit price of each line bought under this kind of offer. Throws an AppError (use
   * `field: 'offer'`) when an offer does not exist, is not running, is for another variant or
   * channel, or needs a signed-in shopper.
   */
  price(ctx: Ctx, offer: OfferContext, lines: OfferLine[]): Promise<Map<string, OfferPrice>>;
  /**
   * Takes what the offer is limited by for a placed order, inside the checkout transaction (a
   * conditional update, so concurrent checkouts never take more than there is); throws to fail
   * the checkout. `waits` says the order must not be fulfilled until the provider calls
   * releaseOrderWait (a group buy waiting for its group).
   */
  take(ctx: Ctx, offer: OfferContext & { orderId: string }, lines: OfferLine[]): Promise<{ waits: boolean }>;
  /** Gives back what take took, when the order is cancelled. Repeating it gives nothing back twice. */
  release(ctx: Ctx, input: { orderId: string }): Promise<void>;
}

const providers = new Map<string, OfferProvider>();

export function registerOfferProvider(p: OfferProvider): void {
  providers.set(p.kind, p);
}

export function offerProvider(kind: string, field = 'offer.kind'): OfferProvider {
  const p = providers.get(kind);
  if (!p) throw new AppError('validation_failed', `there is no kind of offer called ${kind}`, { field });
  return p;
}

type OfferSource = { id: string; variant_id: string; quantity: number; offer_kind: string | null; offer_id: string | null };

/** Lines grouped by the kind of offer they are bought under; lines without one are left out. */
function linesByOffer(lines: OfferSource[]): Map<string, OfferLine[]> {
  const byKind = new Map<string, OfferLine[]>();
  for (const l of lines) {
    if (!l.offer_kind || !l.offer_id) continue;
    const list = byKind.get(l.offer_kind) ?? [];
    list.push({ lineId: l.id, variantId: l.variant_id, quantity: l.quantity, offerId: l.offer_id });
    byKind.set(l.offer_kind, list);
  }
  return byKind;
}

/** Every provider's release, for a cancelled order. */
export async function releaseOffers(ctx: Ctx, orderId: string): Promise<void> {
  for (const p of providers.values()) await p.release(ctx, { orderId });
}

export interface LineOffer {
  price: OfferPrice | null;
  /** Why the offer does not apply now (a cart being looked at keeps the line at its usual price). */
  problem: Problem | null;
}

/**
 * The offer prices of the lines bought under one: a map by line id. With `strict` (placing an
 * order) a provider's refusal throws; otherwise it is noted on the lines of that kind.
 */
export async function priceOffers(ctx: Ctx, offer: OfferContext, lines: OfferSource[], strict: boolean): Promise<Map<string, LineOffer>> {
  const out = new Map<string, LineOffer>();
  for (const [kind, group] of linesByOffer(lines)) {
    try {
      const prices = await offerProvider(kind).price(ctx, offer, group);
      for (const l of group) out.set(l.lineId, { price: prices.get(l.lineId) ?? null, problem: null });
    } catch (err) {
      if (strict || !(err instanceof AppError)) throw err;
      const problem = { code: err.code, detail: err.message, field: 'offer' };
      for (const l of group) out.set(l.lineId, { price: null, problem });
    }
  }
  return out;
}

/** Takes every offer the order's lines are bought under; returns the kind the order waits for, if any. */
export async function takeOffers(ctx: Ctx, offer: OfferContext & { orderId: string }, lines: OfferSource[]): Promise<string | null> {
  let waitingFor: string | null = null;
  for (const [kind, group] of linesByOffer(lines)) {
    const { waits } = await offerProvider(kind).take(ctx, offer, group);
    if (waits) waitingFor = kind;
  }
  return waitingFor;
}
