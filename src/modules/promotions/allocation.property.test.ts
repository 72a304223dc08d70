import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate } from '../../platform/money.js';
import { allocateExact } from './allocation.js';
import { buildSnapshot } from './snapshot.js';
import { evaluatePromotions } from './evaluate.js';
import { cart, line, promo } from './promotions.fixtures.js';
import type { Rule } from './promotion.types.js';

const amount = fc.integer({ min: 0, max: 5_000_000 });
const percent = fc.integer({ min: 1, max: 10_000 }).map((bps) => bps / 100);
const variant = fc.constantFrom('var_l0', 'var_l1', 'var_l2', 'var_l3');

const rule: fc.Arbitrary<Rule> = fc.oneof(
  fc.record({ type: fc.constant('percentage' as const), percent }),
  fc.record({ type: fc.constant('percentage' as const), percent, maxDiscount: amount }),
  fc.record({ type: fc.constant('fixed' as const), amount: fc.integer({ min: 1, max: 5_000_000 }) }),
  fc.integer({ min: 1, max: 1_000_000 }).map((min): Rule => ({ type: 'threshold', tiers: [{ minSubtotal: min, discount: Math.ceil(min / 3) }, { minSubtotal: min * 2, discount: min }] })),
  fc.record({ type: fc.constant('buy_x_get_y' as const), buy: fc.integer({ min: 1, max: 3 }), get: fc.integer({ min: 1, max: 2 }), percent }),
  fc.record({ type: fc.constant('bundle' as const), items: fc.uniqueArray(fc.record({ variantId: variant, quantity: fc.integer({ min: 1, max: 2 }) }), { minLength: 2, maxLength: 3, selector: (i) => i.variantId }), price: amount }),
  fc.record({ type: fc.constant('member_price' as const), prices: fc.array(fc.record({ variantId: variant, amount }), { minLength: 1, maxLength: 4 }) }),
  fc.record({ type: fc.constant('free_shipping' as const) }),
);

const offer = fc.record({
  rule,
  trigger: fc.constantFrom('automatic' as const, 'coupon' as const),
  stacking: fc.constantFrom('exclusive' as const, 'stackable' as const),
  priority: fc.integer({ min: 0, max: 5 }),
  scoped: fc.boolean(),
});

describe('allocation and caps (property-based)', () => {
  it('allocateExact() splits any total exactly, never beyond a weight, exactly as allocate() does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 30 }), fc.nat(), (weights, seed) => {
        const sum = weights.reduce((a, b) => a + b, 0);
        const total = sum === 0 ? 0 : seed % (sum + 1);
        const parts = allocateExact(total, weights);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        parts.forEach((p) => expect(p).toBeGreaterThanOrEqual(0));
        parts.forEach((p, i) => expect(p).toBeLessThanOrEqual(weights[i]));
        expect(parts).toEqual(allocate(total, weights));
      }),
      { numRuns: 2000 },
    );
  });

  it('whatever the promotions, every line stays ≥ 0, discounts never exceed what is owed, and the parts add up', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ price: fc.integer({ min: 0, max: 1_000_000 }), qty: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 4 }),
        fc.array(offer, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 5000 }),
        (lines, offers, shipping) => {
          const promos = offers.map((o, i) => promo({ rule: o.rule, trigger: o.trigger, stacking: o.stacking, priority: o.priority, conditions: o.scoped ? { variantIds: [`var_l${i % 4}`] } : {} }));
          const input = cart(lines.map((l, i) => line(`l${i}`, l.price, l.qty)), { shipping, customerId: 'cus_1', couponPromotionIds: promos.filter((p) => p.trigger === 'coupon').map((p) => p.id) });
          const r = evaluatePromotions(buildSnapshot(promos), input);
          for (const l of r.lines) {
            expect(l.total).toBeGreaterThanOrEqual(0);
            expect(l.adjustments.reduce((s, a) => s + a.amount, 0)).toBe(l.discount);
            expect(l.total).toBe(l.subtotal - l.discount);
            for (const a of l.adjustments) expect(a.amount).toBeGreaterThan(0);
          }
          const lineDiscount = r.lines.reduce((s, l) => s + l.discount, 0);
          const shippingDiscount = shipping - r.shipping.amount;
          expect(lineDiscount).toBeLessThanOrEqual(r.subtotal);
          expect(r.shipping.amount).toBeGreaterThanOrEqual(0);
          expect(r.discountTotal).toBe(lineDiscount + shippingDiscount);
          expect(r.applied.reduce((s, a) => s + a.amount, 0)).toBe(r.discountTotal);
          expect(r.total).toBe(r.subtotal + shipping - r.discountTotal);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
