import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { includedTax, paidForUnits, priceCart, type PricingLine } from './pricing.js';

const settings = { shipping: { delivery: 1000, ship_from_store: 800 }, taxRateBps: 0 };
const prices = new Map([
  ['v1', { amount: 1999, currency: 'CNY', source: 'channel' }],
  ['v2', { amount: 500, currency: 'CNY', source: 'default' }],
]);
const line = (id: string, variantId: string, quantity: number, fulfillmentType: PricingLine['fulfillmentType'] = 'pickup'): PricingLine => ({ id, variantId, quantity, fulfillmentType });

describe('priceCart', () => {
  it('explains every line: unit price, its source, quantity and line total', () => {
    const t = priceCart({ currency: 'CNY', lines: [line('a', 'v1', 2), line('b', 'v2', 3)] }, prices, [], settings);
    expect(t.lines[0]).toMatchObject({ unitPrice: 1999, priceSource: 'channel', quantity: 2, subtotal: 3998, discount: 0, total: 3998 });
    expect(t.lines[1]).toMatchObject({ unitPrice: 500, priceSource: 'default', total: 1500 });
    expect(t).toMatchObject({ subtotal: 5498, discountTotal: 0, shippingTotal: 0, grandTotal: 5498 });
  });

  it('charges flat shipping once per shipping fulfilment type and nothing for pickup', () => {
    const t = priceCart({ currency: 'CNY', lines: [line('a', 'v1', 1, 'delivery'), line('b', 'v2', 1, 'delivery'), line('c', 'v2', 1, 'pickup')] }, prices, [], settings);
    expect(t.shippingTotal).toBe(1000);
    expect(t.grandTotal).toBe(1999 + 500 + 500 + 1000);
  });

  it('applies line, order and shipping adjustments; order discounts split exactly over lines', () => {
    const t = priceCart({ currency: 'CNY', lines: [line('a', 'v1', 1, 'delivery'), line('b', 'v2', 2, 'delivery')] }, prices, [
      { target: 'line', lineId: 'b', amount: 100, code: 'B100', description: '1 yuan off b' },
      { target: 'order', amount: 1001, code: 'ORDER', description: 'order discount' },
      { target: 'shipping', amount: 5000, code: 'FREESHIP', description: 'free shipping' },
    ], settings);
    expect(t.discountTotal).toBe(1101);
    expect(t.lines.reduce((s, l) => s + l.adjustments.filter((a) => a.code === 'ORDER').reduce((x, a) => x + a.amount, 0), 0)).toBe(1001);
    expect(t.shippingTotal).toBe(0);
    expect(t.shippingAdjustments).toEqual([{ code: 'FREESHIP', description: 'free shipping', amount: 1000 }]);
    expect(t.grandTotal).toBe(1999 + 1000 - 1101);
  });

  it('never takes a line below zero', () => {
    const t = priceCart({ currency: 'CNY', lines: [line('a', 'v2', 1)] }, prices, [{ target: 'line', lineId: 'a', amount: 9999, code: 'X', description: 'x' }]);
    expect(t.lines[0].total).toBe(0);
    expect(t.grandTotal).toBe(0);
  });

  it('shows the included tax when a rate is set', () => {
    const t = priceCart({ currency: 'CNY', lines: [line('a', 'v1', 1)] }, prices, [], { shipping: {}, taxRateBps: 1300 });
    expect(t.taxIncluded).toBe(230); // 1999 - round(1999 / 1.13) = 1999 - 1769
    expect(t.grandTotal).toBe(1999);
  });

  it('order discounts always sum exactly to the discount (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 20_000 }), (qs, discount) => {
        const lines = qs.map((q, i) => line(`l${i}`, i % 2 ? 'v1' : 'v2', q));
        const t = priceCart({ currency: 'CNY', lines }, prices, [{ target: 'order', amount: discount, code: 'D', description: 'd' }]);
        expect(t.discountTotal).toBe(Math.min(discount, t.subtotal));
        expect(t.grandTotal).toBe(t.lines.reduce((s, l) => s + l.total, 0));
      }),
    );
  });
});

describe('includedTax', () => {
  it('is zero without a rate and rounds half up', () => {
    expect(includedTax(1000, 0)).toBe(0);
    expect(includedTax(113, 1300)).toBe(13);
    expect(includedTax(1, 1300)).toBe(0);
  });
});

describe('paidForUnits', () => {
  it('returns in any steps refund exactly the line total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 8 }), (total, steps) => {
        const quantity = steps.reduce((a, b) => a + b, 0);
        let returned = 0;
        let refunded = 0;
        for (const s of steps) {
          refunded += paidForUnits(total, quantity, returned + s) - paidForUnits(total, quantity, returned);
          returned += s;
        }
        expect(refunded).toBe(total);
      }),
    );
  });
});
