import { allocate } from '../../platform/money.js';
import { orderSettings } from './orders.settings.js';

/**
 * Cart pricing as a pure function over snapshots: the service loads lines and channel prices, the
 * promotions engine (later) computes adjustments, and priceCart turns them into totals where every
 * line explains itself. All amounts are integer minor units.
 */

export type FulfillmentType = 'delivery' | 'ship_from_store' | 'pickup' | 'reserve_try' | 'voucher' | 'pos';

export interface PricingLine {
  id: string;
  variantId: string;
  quantity: number;
  fulfillmentType: FulfillmentType;
  /** A price for this line alone (a special offer, a gift), instead of its variant's. */
  price?: PricedVariant;
}

export interface PricedVariant {
  amount: number;
  currency: string;
  /** Where the unit price came from, e.g. 'channel' or 'default'. */
  source: string;
}

/** A discount (positive amount) on one line, spread over the whole order, or on shipping. */
export type Adjustment =
  | { target: 'line'; lineId: string; amount: number; code: string; description: string }
  | { target: 'order'; amount: number; code: string; description: string }
  | { target: 'shipping'; amount: number; code: string; description: string };

export interface AppliedAdjustment {
  code: string;
  description: string;
  amount: number;
}

export interface PricedLine {
  id: string;
  variantId: string;
  quantity: number;
  fulfillmentType: FulfillmentType;
  unitPrice: number;
  priceSource: string;
  subtotal: number;
  adjustments: AppliedAdjustment[];
  discount: number;
  total: number;
  taxIncluded: number;
}

export interface CartTotals {
  currency: string;
  lines: PricedLine[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  shippingAdjustments: AppliedAdjustment[];
  taxIncluded: number;
  grandTotal: number;
}

export interface PricingSettings {
  /** Flat shipping per fulfilment type that ships something; absent types cost nothing. */
  shipping: Partial<Record<FulfillmentType, number>>;
  /** Tax rate included in prices, in basis points (1300 = 13%); 0 shows no tax. */
  taxRateBps: number;
}

/** The tax contained in a tax-inclusive amount, rounded half up to a minor unit. */
export function includedTax(amount: number, rateBps: number): number {
  if (rateBps <= 0 || amount <= 0) return 0;
  return amount - Math.floor((amount * 10_000 + Math.floor((10_000 + rateBps) / 2)) / (10_000 + rateBps));
}

/** Shipping before discounts: the flat rate of each fulfilment type the lines use, once per type. */
export function shippingFor(types: FulfillmentType[], settings: PricingSettings = orderSettings): number {
  return [...new Set(types)].reduce((s, t) => s + (settings.shipping[t] ?? 0), 0);
}

export function priceCart(
  cart: { currency: string; lines: PricingLine[] },
  priced: Map<string, PricedVariant>,
  adjustments: Adjustment[] = [],
  settings: PricingSettings = orderSettings,
): CartTotals {
  const lines: PricedLine[] = cart.lines.map((l) => {
    const p = l.price ?? priced.get(l.variantId);
    if (!p) throw new Error(`priceCart: no price for variant ${l.variantId}`);
    if (p.currency !== cart.currency) throw new Error(`priceCart: price of ${l.variantId} is in ${p.currency}, cart is in ${cart.currency}`);
    const subtotal = p.amount * l.quantity;
    return { id: l.id, variantId: l.variantId, quantity: l.quantity, fulfillmentType: l.fulfillmentType, unitPrice: p.amount, priceSource: p.source, subtotal, adjustments: [], discount: 0, total: subtotal, taxIncluded: 0 };
  });
  const byId = new Map(lines.map((l) => [l.id, l]));
  const apply = (line: PricedLine, a: { code: string; description: string }, amount: number) => {
    const capped = Math.min(amount, line.total); // a line never goes below zero
    if (capped <= 0) return;
    line.adjustments.push({ code: a.code, description: a.description, amount: capped });
    line.discount += capped;
    line.total -= capped;
  };
  for (const a of adjustments) {
    if (a.target !== 'line') continue;
    const line = byId.get(a.lineId);
    if (line) apply(line, a, a.amount);
  }
  // Order-level discounts are spread over lines by what is left on each, so they sum exactly.
  for (const a of adjustments) {
    if (a.target !== 'order') continue;
    const room = lines.reduce((s, l) => s + l.total, 0);
    const parts = allocate(Math.min(a.amount, room), lines.map((l) => l.total));
    lines.forEach((l, i) => apply(l, a, parts[i]));
  }
  let shippingTotal = shippingFor(lines.map((l) => l.fulfillmentType), settings);
  const shippingAdjustments: AppliedAdjustment[] = [];
  for (const a of adjustments) {
    if (a.target !== 'shipping') continue;
    const amount = Math.min(a.amount, shippingTotal);
    if (amount <= 0) continue;
    shippingAdjustments.push({ code: a.code, description: a.description, amount });
    shippingTotal -= amount;
  }
  for (const l of lines) l.taxIncluded = includedTax(l.total, settings.taxRateBps);
  const subtotal = lines.reduce((s, l) => s + l.subtotal, 0);
  const discountTotal = lines.reduce((s, l) => s + l.discount, 0);
  const linesTotal = subtotal - discountTotal;
  return {
    currency: cart.currency,
    lines,
    subtotal,
    discountTotal,
    shippingTotal,
    shippingAdjustments,
    taxIncluded: lines.reduce((s, l) => s + l.taxIncluded, 0) + includedTax(shippingTotal, settings.taxRateBps),
    grandTotal: linesTotal + shippingTotal,
  };
}

/**
 * What returning `returnedAfter` of `quantity` units is worth, cumulatively: the paid line total
 * split so that returning every unit, in any number of steps, refunds exactly the line total.
 */
export function paidForUnits(lineTotal: number, quantity: number, units: number): number {
  if (units >= quantity) return lineTotal;
  return Math.floor((lineTotal * units) / quantity);
}
