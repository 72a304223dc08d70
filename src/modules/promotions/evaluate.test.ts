import { describe, expect, it } from 'vitest';
import { buildSnapshot } from './snapshot.js';
import { evaluatePromotions } from './evaluate.js';
import { cart, line, promo } from './promotions.fixtures.js';
import type { Conditions, Promotion, PricingInput, UsageCounters } from './promotion.types.js';

const price = (promos: Promotion[], input: PricingInput, usage?: UsageCounters) => evaluatePromotions(buildSnapshot(promos), input, usage);
const lineDiscounts = (r: ReturnType<typeof price>) => Object.fromEntries(r.lines.map((l) => [l.lineId, l.discount]));

describe('rule types', () => {
  const cases: Array<{ name: string; promo: Promotion; input: PricingInput; lines?: Record<string, number>; shipping?: number; total: number }> = [
    { name: '15% off every line', promo: promo({ rule: { type: 'percentage', percent: 15 } }), input: cart([line('a', 10_000, 2), line('b', 999)]), lines: { a: 3000, b: 149 }, total: 3149 },
    { name: 'percentage capped by maxDiscount, spread by amount', promo: promo({ rule: { type: 'percentage', percent: 50, maxDiscount: 1000 } }), input: cart([line('a', 3000), line('b', 1000)]), lines: { a: 750, b: 250 }, total: 1000 },
    { name: 'fixed off spread over lines', promo: promo({ rule: { type: 'fixed', amount: 2000 } }), input: cart([line('a', 6000), line('b', 4000)]), lines: { a: 1200, b: 800 }, total: 2000 },
    { name: 'fixed off capped at the cart (never negative)', promo: promo({ rule: { type: 'fixed', amount: 50_000 } }), input: cart([line('a', 6000), line('b', 4000)]), lines: { a: 6000, b: 4000 }, total: 10_000 },
    { name: '满200减30 at 250', promo: promo({ rule: { type: 'threshold', tiers: [{ minSubtotal: 20_000, discount: 3000 }, { minSubtotal: 50_000, discount: 10_000 }] } }), input: cart([line('a', 25_000)]), lines: { a: 3000 }, total: 3000 },
    { name: '满500减100 at 600: highest tier reached', promo: promo({ rule: { type: 'threshold', tiers: [{ minSubtotal: 20_000, discount: 3000 }, { minSubtotal: 50_000, discount: 10_000 }] } }), input: cart([line('a', 30_000), line('b', 30_000)]), lines: { a: 5000, b: 5000 }, total: 10_000 },
    { name: 'buy 2 get the cheapest 1 free', promo: promo({ rule: { type: 'buy_x_get_y', buy: 2, get: 1, percent: 100 } }), input: cart([line('a', 3000, 2), line('b', 1000)]), lines: { a: 0, b: 1000 }, total: 1000 },
    { name: 'buy 1 get 1 at 50% over 5 units: 2 cheapest units', promo: promo({ rule: { type: 'buy_x_get_y', buy: 1, get: 1, percent: 50 } }), input: cart([line('a', 3000, 3), line('b', 1000, 2)]), lines: { a: 0, b: 1000 }, total: 1000 },
    {
      name: 'bundle: these two for 50',
      promo: promo({ rule: { type: 'bundle', items: [{ variantId: 'var_a', quantity: 1 }, { variantId: 'var_b', quantity: 1 }], price: 5000 } }),
      input: cart([line('a', 4000), line('b', 3000, 2)]),
      lines: { a: 1143, b: 857 },
      total: 2000,
    },
    {
      name: 'member price for members',
      promo: promo({ rule: { type: 'member_price', prices: [{ variantId: 'var_a', amount: 8000 }] } }),
      input: cart([line('a', 10_000, 2), line('b', 5000)], { customerId: 'cus_1' }),
      lines: { a: 4000, b: 0 },
      total: 4000,
    },
    { name: 'free shipping', promo: promo({ rule: { type: 'free_shipping' } }), input: cart([line('a', 5000)], { shipping: 1200 }), shipping: 1200, total: 1200 },
    { name: 'free shipping up to 6', promo: promo({ rule: { type: 'free_shipping', maxDiscount: 600 } }), input: cart([line('a', 5000)], { shipping: 1200 }), shipping: 600, total: 600 },
  ];
  it.each(cases)('$name', (c) => {
    const r = price([c.promo], c.input);
    if (c.lines) expect(lineDiscounts(r)).toEqual(c.lines);
    expect(r.shipping.adjustments.reduce((s, a) => s + a.amount, 0)).toBe(c.shipping ?? 0);
    expect(r.discountTotal).toBe(c.total);
    expect(r.total).toBe(r.subtotal + c.input.shipping - c.total);
    expect(r.applied).toEqual([{ promotionId: c.promo.id, name: c.promo.name, trigger: 'automatic', amount: c.total }]);
  });

  it('gift with purchase adds a gift line at 0 once the cart qualifies', () => {
    const gift = promo({ rule: { type: 'gift', variantId: 'var_gift', quantity: 1 }, conditions: { minSubtotal: 10_000 } });
    const r = price([gift], cart([line('a', 12_000)]));
    expect(r.giftLines).toEqual([{ promotionId: gift.id, name: gift.name, variantId: 'var_gift', quantity: 1, unitPrice: 0 }]);
    expect(r.total).toBe(12_000);
    expect(price([gift], cart([line('a', 8000)])).giftLines).toEqual([]);
  });

  it('a gift with the purchase of a category needs a line of that category', () => {
    const gift = promo({ rule: { type: 'gift', variantId: 'var_gift', quantity: 1 }, conditions: { categoryIds: ['cat_lens'] } });
    expect(price([gift], cart([line('a', 12_000)])).giftLines).toEqual([]);
    expect(price([gift], cart([line('a', 12_000), line('b', 1, 1, { categoryIds: ['cat_lens'] })])).giftLines).toHaveLength(1);
  });

  it('a threshold not reached says how much more to spend', () => {
    const p = promo({ rule: { type: 'threshold', tiers: [{ minSubtotal: 20_000, discount: 3000 }] } });
    const r = price([p], cart([line('a', 15_000)]));
    expect(r.discountTotal).toBe(0);
    expect(r.notApplied).toEqual([{ promotionId: p.id, reason: 'condition_not_met', detail: 'spend 5000 more to reach 20000' }]);
  });
});

describe('conditions', () => {
  const base = cart([line('a', 10_000, 1, { categoryIds: ['cat_shoes'] }), line('b', 10_000)], { locationId: 'loc_1', customerId: 'cus_1', customerTier: 'gold' });
  const cases: Array<{ name: string; conditions: Conditions; input?: Partial<PricingInput>; window?: Partial<Promotion>; discount: number; indexedAway?: true }> = [
    { name: 'channel id matches', conditions: { channelIds: ['chn_web'] }, discount: 2000 },
    { name: 'channel id differs', conditions: { channelIds: ['chn_app'] }, discount: 0, indexedAway: true },
    { name: 'channel differs on a product promotion: explained', conditions: { channelIds: ['chn_app'], variantIds: ['var_a'] }, discount: 0 },
    { name: 'channel kind matches', conditions: { channelKinds: ['web', 'app'] }, discount: 2000 },
    { name: 'channel kind differs (POS only)', conditions: { channelKinds: ['pos'] }, discount: 0, indexedAway: true },
    { name: 'store matches', conditions: { storeIds: ['loc_1'] }, discount: 2000 },
    { name: 'store differs', conditions: { storeIds: ['loc_2'] }, discount: 0 },
    { name: 'store required but the sale has none', conditions: { storeIds: ['loc_1'] }, input: { locationId: undefined }, discount: 0 },
    { name: 'product scope: only that line', conditions: { productIds: ['prod_b'] }, discount: 1000 },
    { name: 'variant scope: only that line', conditions: { variantIds: ['var_a'] }, discount: 1000 },
    { name: 'category scope: only that line', conditions: { categoryIds: ['cat_shoes'] }, discount: 1000 },
    { name: 'scope matching nothing', conditions: { categoryIds: ['cat_hats'] }, discount: 0, indexedAway: true },
    { name: 'minimum subtotal reached', conditions: { minSubtotal: 20_000 }, discount: 2000 },
    { name: 'minimum subtotal missed', conditions: { minSubtotal: 20_001 }, discount: 0 },
    { name: 'minimum subtotal counts only scoped lines', conditions: { minSubtotal: 15_000, variantIds: ['var_a'] }, discount: 0 },
    { name: 'minimum quantity reached', conditions: { minQuantity: 2 }, discount: 2000 },
    { name: 'minimum quantity missed', conditions: { minQuantity: 3 }, discount: 0 },
    { name: 'member tier matches', conditions: { customerTiers: ['gold', 'platinum'] }, discount: 2000 },
    { name: 'member tier differs', conditions: { customerTiers: ['platinum'] }, discount: 0 },
    { name: 'member tier required, guest', conditions: { customerTiers: ['gold'] }, input: { customerTier: undefined }, discount: 0 },
    { name: 'segment contains the customer', conditions: { customerIds: ['cus_1', 'cus_2'] }, discount: 2000 },
    { name: 'segment lacks the customer', conditions: { customerIds: ['cus_2'] }, discount: 0 },
    { name: 'first order only, first order', conditions: { firstOrderOnly: true }, input: { isFirstOrder: true }, discount: 2000 },
    { name: 'first order only, repeat order', conditions: { firstOrderOnly: true }, input: { isFirstOrder: false }, discount: 0 },
    { name: 'inside the window', conditions: {}, window: { startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-01T00:00:00Z' }, discount: 2000 },
    { name: 'before the window', conditions: {}, window: { startsAt: '2026-11-24T00:00:00Z' }, discount: 0 },
    { name: 'after the window (end exclusive)', conditions: {}, window: { endsAt: '2026-11-23T03:00:00Z' }, discount: 0 },
    { name: 'Monday in Shanghai', conditions: { daysOfWeek: [1] }, discount: 2000 },
    { name: 'weekends only', conditions: { daysOfWeek: [6, 7] }, discount: 0 },
    { name: 'weekday in the promotion’s zone: still Sunday in New York', conditions: { daysOfWeek: [7] }, window: { timeZone: 'America/New_York' }, discount: 2000 },
    { name: 'happy hour 10:00–12:00 Shanghai', conditions: { hours: { start: '10:00', end: '12:00' } }, discount: 2000 },
    { name: 'hours end exclusive', conditions: { hours: { start: '09:00', end: '11:00' } }, discount: 0 },
    { name: 'late night spanning midnight', conditions: { hours: { start: '22:00', end: '02:00' } }, input: { at: new Date('2026-11-22T17:30:00Z') }, discount: 2000 },
  ];
  it.each(cases)('$name', (c) => {
    const p = promo({ rule: { type: 'percentage', percent: 10 }, conditions: c.conditions, ...c.window });
    const r = price([p], { ...base, ...c.input });
    expect(r.discountTotal).toBe(c.discount);
    // Promotions for other channels or other products are not even looked at (the snapshot's index).
    if (c.indexedAway) expect(r.notApplied).toEqual([]);
    else if (c.discount === 0) expect(r.notApplied).toEqual([expect.objectContaining({ promotionId: p.id, reason: 'condition_not_met' })]);
  });

  it('member price needs a member', () => {
    const p = promo({ rule: { type: 'member_price', prices: [{ variantId: 'var_a', amount: 1 }] } });
    expect(price([p], cart([line('a', 100)])).notApplied).toEqual([{ promotionId: p.id, reason: 'condition_not_met', detail: 'only for members' }]);
  });

  it('a promotion in another currency does not apply', () => {
    const p = promo({ rule: { type: 'fixed', amount: 100 }, currency: 'USD' });
    expect(price([p], cart([line('a', 1000)])).discountTotal).toBe(0);
  });
});

describe('stacking', () => {
  const items = () => cart([line('a', 6000), line('b', 4000)]);

  it('stackable offers apply in priority order, each on what the previous left', () => {
    const tenPct = promo({ rule: { type: 'percentage', percent: 10 }, priority: 10 });
    const fixed = promo({ rule: { type: 'fixed', amount: 1000 }, priority: 5 });
    const r = price([fixed, tenPct], items());
    expect(r.applied.map((a) => [a.promotionId, a.amount])).toEqual([[tenPct.id, 1000], [fixed.id, 1000]]);
    // Fixed first, then 10% of 9000.
    const r2 = price([{ ...fixed, priority: 20 }, tenPct], items());
    expect(r2.applied.map((a) => a.amount)).toEqual([1000, 900]);
  });

  it('the best exclusive offer wins over the stackable ones when it gives more', () => {
    const a = promo({ rule: { type: 'percentage', percent: 10 } });
    const b = promo({ rule: { type: 'percentage', percent: 5 } });
    const big = promo({ rule: { type: 'percentage', percent: 20 }, stacking: 'exclusive' });
    const small = promo({ rule: { type: 'fixed', amount: 500 }, stacking: 'exclusive' });
    const r = price([a, b, big, small], items());
    expect(r.applied.map((x) => x.promotionId)).toEqual([big.id]);
    expect(r.discountTotal).toBe(2000);
    expect(r.notApplied.map((n) => [n.promotionId, n.reason]).sort()).toEqual([[a.id, 'lost_to_better_offer'], [b.id, 'lost_to_better_offer'], [small.id, 'lost_to_better_offer']].sort());
  });

  it('stackable offers together beat an exclusive one that gives less', () => {
    const a = promo({ rule: { type: 'percentage', percent: 10 } });
    const b = promo({ rule: { type: 'fixed', amount: 1000 } });
    const ex = promo({ rule: { type: 'percentage', percent: 15 }, stacking: 'exclusive' });
    const r = price([a, b, ex], items());
    expect(r.discountTotal).toBe(2000);
    expect(r.notApplied).toEqual([expect.objectContaining({ promotionId: ex.id, reason: 'lost_to_better_offer' })]);
  });

  it('coupons apply after automatic promotions, on the discounted amount', () => {
    const auto = promo({ rule: { type: 'percentage', percent: 10 } });
    const coupon = promo({ rule: { type: 'percentage', percent: 10 }, trigger: 'coupon' });
    expect(price([auto, coupon], cart([line('a', 10_000)])).discountTotal).toBe(1000);
    const r = price([auto, coupon], cart([line('a', 10_000)], { couponPromotionIds: [coupon.id] }));
    expect(r.applied.map((x) => [x.trigger, x.amount])).toEqual([['automatic', 1000], ['coupon', 900]]);
    expect(r.lines[0].adjustments.map((x) => x.promotionId)).toEqual([auto.id, coupon.id]);
  });

  it('a store coupon and a platform coupon stack; exclusive coupons do not, the best one wins', () => {
    const store = promo({ rule: { type: 'fixed', amount: 1000 }, trigger: 'coupon' });
    const platform = promo({ rule: { type: 'threshold', tiers: [{ minSubtotal: 5000, discount: 500 }] }, trigger: 'coupon' });
    const solo = promo({ rule: { type: 'fixed', amount: 1200 }, trigger: 'coupon', stacking: 'exclusive' });
    const both = price([store, platform, solo], cart([line('a', 10_000)], { couponPromotionIds: [store.id, platform.id] }));
    expect(both.discountTotal).toBe(1500);
    const three = price([store, platform, solo], cart([line('a', 10_000)], { couponPromotionIds: [store.id, platform.id, solo.id] }));
    expect(three.applied.map((x) => x.promotionId)).toEqual([store.id, platform.id]);
    expect(three.notApplied).toEqual([expect.objectContaining({ promotionId: solo.id, reason: 'lost_to_better_offer' })]);
  });

  it('unknown ids and automatic promotions cannot be presented as coupons', () => {
    const auto = promo({ rule: { type: 'fixed', amount: 100 } });
    const r = price([auto], cart([line('a', 1000)], { couponPromotionIds: ['prm_nope', auto.id] }));
    expect(r.applied).toHaveLength(1);
    expect(r.notApplied.map((n) => [n.promotionId, n.reason])).toEqual([['prm_nope', 'not_available'], [auto.id, 'not_available']]);
  });

  it('discounts stop at zero: a coupon on an already free line gives nothing', () => {
    const all = promo({ rule: { type: 'percentage', percent: 100 } });
    const coupon = promo({ rule: { type: 'fixed', amount: 500 }, trigger: 'coupon' });
    const r = price([all, coupon], cart([line('a', 1000)], { couponPromotionIds: [coupon.id] }));
    expect(r.lines[0].total).toBe(0);
    expect(r.notApplied).toEqual([{ promotionId: coupon.id, reason: 'no_discount', detail: 'nothing left to discount' }]);
  });
});

describe('limits in a price', () => {
  it('an exhausted usage limit, customer limit or budget is explained', () => {
    const limited = promo({ rule: { type: 'fixed', amount: 100 }, usageLimit: 5 });
    const perCustomer = promo({ rule: { type: 'fixed', amount: 100 }, perCustomerLimit: 1 });
    const budget = promo({ rule: { type: 'fixed', amount: 800 }, budget: 10_000 });
    const usage: UsageCounters = new Map([
      [limited.id, { used: 5, spent: 500, customerUsed: 0 }],
      [perCustomer.id, { used: 3, spent: 300, customerUsed: 1 }],
      [budget.id, { used: 12, spent: 9500, customerUsed: 0 }],
    ]);
    const r = price([limited, perCustomer, budget], cart([line('a', 1000)], { customerId: 'cus_1' }), usage);
    expect(r.discountTotal).toBe(0);
    expect(Object.fromEntries(r.notApplied.map((n) => [n.promotionId, n.reason]))).toEqual({
      [limited.id]: 'usage_limit_reached',
      [perCustomer.id]: 'customer_limit_reached',
      [budget.id]: 'budget_exhausted',
    });
  });
});

describe('explanation', () => {
  it('each line lists which promotion gave what; the cart lists applied and not applied', () => {
    const pct = promo({ name: '秋季9折', rule: { type: 'percentage', percent: 10 }, conditions: { categoryIds: ['cat_shoes'] } });
    const mj = promo({ name: '满200减30', rule: { type: 'threshold', tiers: [{ minSubtotal: 20_000, discount: 3000 }] } });
    const app = promo({ name: 'App only', rule: { type: 'fixed', amount: 500 }, conditions: { channelKinds: ['app'], productIds: ['prod_a'] } });
    const r = price([pct, mj, app], cart([line('a', 15_000, 1, { categoryIds: ['cat_shoes'] }), line('b', 10_000)], { shipping: 800 }));
    expect(r.lines).toEqual([
      { lineId: 'a', subtotal: 15_000, adjustments: [{ promotionId: pct.id, name: '秋季9折', amount: 1500 }, { promotionId: mj.id, name: '满200减30', amount: 1723 }], discount: 3223, total: 11_777 },
      { lineId: 'b', subtotal: 10_000, adjustments: [{ promotionId: mj.id, name: '满200减30', amount: 1277 }], discount: 1277, total: 8723 },
    ]);
    expect(r.applied.map((a) => [a.name, a.amount])).toEqual([['秋季9折', 1500], ['满200减30', 3000]]);
    expect(r.notApplied).toEqual([{ promotionId: app.id, reason: 'condition_not_met', detail: 'only on channels of kind app' }]);
    expect(r).toMatchObject({ subtotal: 25_000, discountTotal: 4500, shipping: { amount: 800, adjustments: [] }, total: 21_300 });
  });
});

describe('snapshot index', () => {
  it('a cart only considers promotions about its lines, channel or everything', () => {
    const promos = Array.from({ length: 300 }, (_, i) => promo({ rule: { type: 'percentage', percent: 5 }, conditions: { variantIds: [`var_other${i}`] } }));
    const mine = promo({ rule: { type: 'percentage', percent: 5 }, conditions: { variantIds: ['var_a'] } });
    const otherChannel = promo({ rule: { type: 'fixed', amount: 100 }, conditions: { channelIds: ['chn_app'] } });
    const r = price([...promos, mine, otherChannel], cart([line('a', 1000)]));
    expect(r.applied.map((a) => a.promotionId)).toEqual([mine.id]);
    expect(r.notApplied).toEqual([]);
  });
});
