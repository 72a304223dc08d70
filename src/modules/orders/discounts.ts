import { sql } from 'kysely';
import { PREPARED } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import type { Channel, Variant } from '../catalog/index.js';
import { priceWithPromotions, recordPromotionUse, releasePromotionUse, type PricingResult } from '../promotions/index.js';
import { redeemCoupons, releaseCoupons, resolveCoupons } from '../coupons/index.js';
import { quotePointsDeduction, refundSpentPoints, spendPoints, tierOf } from '../loyalty/index.js';
import type { Adjustment } from './pricing.js';

/**
 * Where the promotions engine, coupons and points meet a sale. One function prices what a cart or a
 * till sale gets — the same for every channel, so an online coupon works in a store and points
 * earned anywhere pay anywhere — and two more take it when the order is placed and give it back
 * when it is cancelled or fully refunded.
 */

export interface DiscountRequest {
  couponCodes: string[];
  /** Points the shopper offers to pay with; the deduction is capped by the balance and the order. */
  points: number;
}

export interface DiscountLine {
  id: string;
  variant: Variant;
  quantity: number;
  unitPrice: number;
  /** Lines bought under a special offer already have their price: promotions leave them alone. */
  offer: boolean;
}

export interface GiftLine {
  id: string;
  variantId: string;
  quantity: number;
  promotionId: string;
  name: string;
}

export interface Problem {
  code: string;
  detail: string;
  field: string | null;
}

export interface Discounts {
  adjustments: Adjustment[];
  gifts: GiftLine[];
  applied: PricingResult['applied'];
  notApplied: PricingResult['notApplied'];
  /** The codes that apply; none when one of them was refused (see couponProblem). */
  couponCodes: string[];
  couponProblem: Problem | null;
  points: { requested: number; used: number; amount: number } | null;
}

export const NO_DISCOUNTS: DiscountRequest = { couponCodes: [], points: 0 };

const problemOf = (err: AppError): Problem => ({ code: err.code, detail: err.message, field: typeof err.details?.field === 'string' ? err.details.field : null });

export const pointsShort = (points: number, balance: number) =>
  new AppError('insufficient_points', `${points} points were offered but the member holds ${balance}`, { field: 'points', balance });

/** Whether a customer has an order that was not cancelled: promotions may be for first orders only. */
async function hasOrdered(ctx: Ctx, customerId: string): Promise<boolean> {
  const res = await sql`${PREPARED}SELECT 1 FROM sales_order WHERE customer_id = ${customerId} AND status <> 'cancelled' LIMIT 1`.execute(ctx.db);
  return res.rows.length > 0;
}

/**
 * What a sale gets: promotions (automatic ones and those the coupons unlock) on the lines and
 * shipping, the member tier's free shipping, then points as a deduction from what is left. With
 * `strict` (placing an order) a refused coupon or points above the balance throw; otherwise (a
 * cart being looked at) a refused coupon is reported and left out, and points are capped.
 */
export async function discountsFor(
  ctx: Ctx,
  sale: { channel: Channel; locationId?: string; customerId: string | null; currency: string; lines: DiscountLine[]; shipping: number; promotionsStamp?: string },
  request: DiscountRequest,
  strict: boolean,
): Promise<Discounts> {
  const { channel, customerId } = sale;
  let couponCodes = request.couponCodes;
  let couponProblem: Problem | null = null;
  let promotionIds: string[] = [];
  if (couponCodes.length) {
    try {
      const coupons = await resolveCoupons(ctx, { codes: couponCodes, customerId, channelKind: channel.kind, channelId: channel.id });
      promotionIds = coupons.map((c) => c.promotionId);
      couponCodes = coupons.map((c) => c.code);
    } catch (err) {
      if (strict || !(err instanceof AppError)) throw err;
      couponProblem = problemOf(err);
      couponCodes = [];
    }
  }
  const [tier, ordered] = customerId ? await Promise.all([tierOf(ctx.db, customerId), hasOrdered(ctx, customerId)]) : [null, true];
  const priced = sale.lines.filter((l) => !l.offer);
  const result = priced.length
    ? await priceWithPromotions(ctx, {
        channelId: channel.id,
        channelKind: channel.kind,
        ...(sale.locationId ? { locationId: sale.locationId } : {}),
        ...(customerId ? { customerId, isFirstOrder: !ordered } : {}),
        ...(tier ? { customerTier: tier.id } : {}),
        currency: sale.currency,
        lines: priced.map((l) => ({ lineId: l.id, variantId: l.variant.id, productId: l.variant.productId, categoryIds: l.variant.categoryId ? [l.variant.categoryId] : [], quantity: l.quantity, unitPrice: l.unitPrice })),
        shipping: sale.shipping,
        couponPromotionIds: promotionIds,
      }, sale.promotionsStamp)
    : null;

  const adjustments: Adjustment[] = [];
  for (const line of result?.lines ?? []) {
    for (const a of line.adjustments) adjustments.push({ target: 'line', lineId: line.lineId, amount: a.amount, code: a.promotionId, description: a.name });
  }
  let shippingLeft = sale.shipping;
  for (const a of result?.shipping.adjustments ?? []) {
    adjustments.push({ target: 'shipping', amount: a.amount, code: a.promotionId, description: a.name });
    shippingLeft -= a.amount;
  }
  if (tier?.freeShipping && shippingLeft > 0) adjustments.push({ target: 'shipping', amount: shippingLeft, code: tier.id, description: `${tier.name}: free shipping` });

  let points: Discounts['points'] = null;
  if (request.points > 0) {
    if (!customerId) throw new AppError('validation_failed', 'sign in as a member to pay with points', { field: 'points' });
    const lineDiscounts = adjustments.reduce((s, a) => s + (a.target === 'line' ? a.amount : 0), 0);
    const left = sale.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0) - lineDiscounts;
    const quote = await quotePointsDeduction(ctx, { customerId, points: request.points, orderSubtotal: left });
    if (strict && quote.balance < request.points) throw pointsShort(request.points, quote.balance);
    points = { requested: request.points, used: quote.points, amount: quote.amount };
    if (quote.amount > 0) adjustments.push({ target: 'order', amount: quote.amount, code: 'points', description: `${quote.points} points` });
  }

  return {
    adjustments,
    gifts: (result?.giftLines ?? []).map((g) => ({ id: `gift_${g.promotionId}`, variantId: g.variantId, quantity: g.quantity, promotionId: g.promotionId, name: g.name })),
    applied: result?.applied ?? [],
    notApplied: result?.notApplied ?? [],
    couponCodes,
    couponProblem,
    points,
  };
}

/**
 * Takes what an order's discounts used, inside its transaction: promotion limits and budgets,
 * the coupons, the points. Each is a conditional update, so of concurrent orders only as many
 * succeed as the limits allow; a refusal throws and the order is not placed.
 */
export async function takeDiscounts(ctx: Ctx, order: { id: string; customerId: string | null }, d: Discounts): Promise<void> {
  if (d.applied.length) await recordPromotionUse(ctx, { orderId: order.id, customerId: order.customerId, uses: d.applied.map((a) => ({ promotionId: a.promotionId, discount: a.amount })) });
  await redeemCoupons(ctx, { orderId: order.id, customerId: order.customerId, codes: d.couponCodes });
  if (d.points && d.points.used > 0) await spendPoints(ctx, { customerId: order.customerId!, points: d.points.used, reference: { type: 'order', id: order.id } });
}

/** Gives back what an order's discounts used: promotion uses, coupons, spent points. Repeating it gives nothing twice. */
export async function releaseDiscounts(ctx: Ctx, orderId: string): Promise<void> {
  await releasePromotionUse(ctx, { orderId });
  await releaseCoupons(ctx, { orderId });
  await refundSpentPoints(ctx, { reference: { type: 'order', id: orderId } });
}
