import { inTx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { requireStore } from '../../platform/auth.js';
import { requireMemberPresent } from '../loyalty/index.js';
import type { Ctx } from '../../platform/context.js';
import { findVariantByCode, getChannel, getVariants, listChannels, priceVariants, type Channel, type Variant } from '../catalog/index.js';
import { getCustomer } from '../customers/index.js';
import { confirmReservation, reserveStock } from '../inventory/index.js';
import { priceCart, type CartTotals, type PricedLine, type PricingLine } from './pricing.js';
import { discountsFor, takeDiscounts, type Discounts } from './discounts.js';
import { writeOrder, type PlannedFulfillment } from './order-writer.js';
import { requireCustomerReader } from './order-access.js';
import { readOrder, type OrderView } from './order-store.js';
import { pay, plannedPaymentId } from './checkout.service.js';
import { orderSettings } from './orders.settings.js';

export type PosQuoteInput = Omit<PosSaleInput, 'payment'>;

export interface PosQuote extends Omit<CartTotals, 'lines'> {
  lines: Array<PricedLine & { sku: string; title: string; giftOf: string | null }>;
  couponCodes: string[];
  points: Discounts['points'];
}

export interface PosSaleInput {
  locationId: string;
  channelId?: string;
  lines: Array<{ code?: string; variantId?: string; quantity: number }>;
  customerId?: string;
  couponCodes?: string[];
  points?: number;
  memberPass?: string;
  payment: { provider: 'manual'; method: 'cash' | 'card' | 'qr'; tendered?: number };
}

/** The POS channel a sale books to: the one named, else the first active channel of kind pos. */
async function posChannel(ctx: Ctx, channelId?: string) {
  if (channelId) {
    const ch = await getChannel(ctx, channelId, 'channelId');
    if (ch.kind !== 'pos') throw new AppError('validation_failed', `channel ${ch.code} is not a POS channel`, { field: 'channelId' });
    return ch;
  }
  const ch = (await listChannels(ctx)).find((c) => c.kind === 'pos' && c.active);
  if (!ch) throw new AppError('validation_failed', 'no active POS channel exists: create a channel of kind pos', { field: 'channelId' });
  return ch;
}

/** A till sale priced: its lines (gifts included), what promotions, coupons and points took off, the totals. */
interface PricedSale {
  channel: Channel;
  variants: Map<string, Variant>;
  lines: Array<PricingLine & { fulfillmentType: 'pos' | 'voucher' }>;
  discounts: Discounts;
  totals: CartTotals;
}

async function pricePosSale(c: Ctx, input: PosQuoteInput): Promise<PricedSale> {
  const channel = await posChannel(c, input.channelId);
  if (input.customerId) {
    requireCustomerReader(c);
    // Pricing with points quotes the member's balance: only for a member who is at the till.
    if (input.points) await requireMemberPresent(c, input.customerId, input.memberPass, 'memberPass');
    await getCustomer(c, input.customerId).catch(() => {
      throw new AppError('not_found', `customer ${input.customerId} does not exist`, { field: 'customerId' });
    });
  }
  const quantities = new Map<string, number>();
  for (const [i, l] of input.lines.entries()) {
    let id = l.variantId;
    if (!id) {
      if (!l.code) throw new AppError('validation_failed', 'give a code (SKU or barcode) or a variantId', { field: `lines.${i}.code` });
      const v = await findVariantByCode(c, l.code);
      if (!v) throw new AppError('not_found', `no variant has the SKU or barcode ${l.code}`, { field: `lines.${i}.code` });
      id = v.id;
    }
    quantities.set(id, (quantities.get(id) ?? 0) + l.quantity);
  }
  const ids = [...quantities.keys()];
  const variants = new Map((await getVariants(c, ids)).map((v) => [v.id, v]));
  const unknown = ids.find((id) => !variants.has(id));
  if (unknown) throw new AppError('not_found', `variant ${unknown} does not exist`, { field: 'lines.variantId', id: unknown });
  const prices = await priceVariants(c, { channelId: channel.id, variantIds: ids });
  const discounts = await discountsFor(c, {
    channel,
    locationId: input.locationId,
    customerId: input.customerId ?? null,
    currency: channel.currency,
    lines: ids.map((id) => ({ id, variant: variants.get(id)!, quantity: quantities.get(id)!, unitPrice: prices.get(id)!.amount, offer: false })),
    shipping: 0,
  }, { couponCodes: input.couponCodes ?? [], points: input.points ?? 0 }, true);
  // Gifts are handed over at the till with the goods.
  for (const v of await getVariants(c, discounts.gifts.map((g) => g.variantId).filter((id) => !variants.has(id)))) variants.set(v.id, v);
  const kind = (id: string) => (variants.get(id)!.productType === 'service' ? ('voucher' as const) : ('pos' as const));
  const lines = [
    ...ids.map((id) => ({ id, variantId: id, quantity: quantities.get(id)!, fulfillmentType: kind(id) })),
    ...discounts.gifts.filter((g) => variants.has(g.variantId)).map((g) => ({ id: g.id, variantId: g.variantId, quantity: g.quantity, fulfillmentType: kind(g.variantId), price: { amount: 0, currency: channel.currency, source: 'gift' } })),
  ];
  const totals = priceCart({ currency: channel.currency, lines }, prices, discounts.adjustments, { shipping: {}, taxRateBps: orderSettings.taxRateBps });
  return { channel, variants, lines, discounts, totals };
}

/**
 * What a till sale will cost before it is placed: the same pricing as the sale (promotions, the
 * member's coupons and points), so the clerk charges the card terminal the right amount. Refused
 * coupons or points are the same problems the sale would give. Nothing is written.
 */
export async function quotePosSale(ctx: Ctx, input: PosQuoteInput): Promise<PosQuote> {
  requireStore(ctx.actor, input.locationId);
  const { variants, totals, discounts } = await pricePosSale(ctx, input);
  return {
    ...totals,
    lines: totals.lines.map((l) => ({ ...l, sku: variants.get(l.variantId)!.sku, title: variants.get(l.variantId)!.productTitle, giftOf: discounts.gifts.find((g) => g.id === l.id)?.promotionId ?? null })),
    couponCodes: discounts.couponCodes,
    points: discounts.points,
  };
}

/**
 * A sale at the till by a clerk of that store. The goods leave the store's stock at once (reserved
 * and confirmed in the same transaction), the payment is taken, and the sale joins the same order
 * history as online orders. Cash sales return the change.
 */
export async function createPosSale(ctx: Ctx, input: PosSaleInput): Promise<OrderView> {
  requireStore(ctx.actor, input.locationId);
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const { channel, variants, lines, discounts, totals } = await pricePosSale(c, input);

    const { method, tendered } = input.payment;
    if (method === 'cash' && tendered === undefined) throw new AppError('validation_failed', 'a cash sale needs the amount tendered', { field: 'payment.tendered' });
    if (tendered !== undefined && tendered < totals.grandTotal) {
      throw new AppError('insufficient_tender', `${tendered} tendered is less than the ${totals.grandTotal} due`, { field: 'payment.tendered', due: totals.grandTotal });
    }

    const orderId = newId('ord');
    const now = new Date();
    const goods = lines.filter((l) => l.fulfillmentType === 'pos');
    const services = lines.filter((l) => l.fulfillmentType === 'voucher');
    const planned: PlannedFulfillment[] = [];
    if (goods.length) {
      const reservation = await reserveStock(c, {
        lines: goods.map((l) => ({ variantId: l.variantId, locationId: input.locationId, quantity: l.quantity })),
        expiresInSeconds: null,
        channelId: channel.id,
        reference: { type: 'order', id: orderId },
      });
      await confirmReservation(c, reservation.id);
      planned.push({ type: 'pos', locationId: input.locationId, status: 'sold', reservationId: reservation.id, fulfilledAt: now, portions: goods.map((l) => ({ lineId: l.id, quantity: l.quantity })) });
    }
    if (services.length) planned.push({ type: 'voucher', locationId: input.locationId, status: 'pending', reservationId: null, portions: services.map((l) => ({ lineId: l.id, quantity: l.quantity })) });

    await takeDiscounts(c, { id: orderId, customerId: input.customerId ?? null }, discounts);
    const paymentId = plannedPaymentId(totals.grandTotal);
    await writeOrder(c, {
      id: orderId,
      channel_id: channel.id,
      channel_kind: channel.kind,
      cart_id: null,
      customer_id: input.customerId ?? null,
      email: null,
      phone: null,
      status: 'pending_payment',
      currency: channel.currency,
      payment_id: paymentId,
      payment_method: method,
      tendered: tendered ?? null,
      change_due: tendered === undefined ? null : tendered - totals.grandTotal,
      payment_due_at: null,
      hold_expires_at: null,
      placed_by: ctx.actor.id,
      coupon_codes: discounts.couponCodes,
      points_spent: discounts.points?.used ?? 0,
      waiting_for: null,
    }, totals, variants, planned, (written) => ({
      orderId,
      status: written.order.status,
      channelId: channel.id,
      channelKind: channel.kind,
      customerId: input.customerId ?? null,
      currency: channel.currency,
      grandTotal: totals.grandTotal,
      locationIds: [input.locationId],
      soldBy: ctx.actor.id,
      lines: written.lines.map((l) => ({ id: l.id, variantId: l.variant_id, quantity: l.quantity, total: Number(l.total) })),
    }));
    await pay(c, orderId, paymentId, totals.grandTotal, channel.currency, { provider: 'manual', method });
    return readOrder(tx, orderId);
  });
}
