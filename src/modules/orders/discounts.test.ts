import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { ok, setUpShop, stockOf, type Shop } from './test-shop.js';
import { findOrCreateCustomer } from '../customers/index.js';
import { currentMemberCode } from '../loyalty/index.js';

/**
 * Promotions, coupons and points at checkout and at the till: the cart explains what each took
 * off, the order takes them, and a cancel or full refund gives them back.
 */
describe('discounts in carts, checkout and POS', () => {
  let t: TestApp;
  let shop: Shop;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
    shop = await setUpShop(t, 200);
  });
  afterAll(() => t?.close());

  const customer = async () => (await findOrCreateCustomer(t.ctx, { email: `d${++n}@discounts.test` })).id as string;
  const promotion = async (body: Record<string, unknown>) => ok(t.call('POST', '/v1/promotions', { currency: 'CNY', status: 'active', ...body }));
  const stop = (id: string) => ok(t.call('POST', `/v1/promotions/${id}/deactivate`), 200);
  const cartFor = async (customerId: string | null, lines: Array<{ variantId: string; quantity: number }>, channelId = shop.web) => {
    const cart = await ok(t.call('POST', '/v1/carts', { channelId, ...(customerId ? { customerId } : {}) }));
    let view = cart;
    for (const l of lines) view = await ok(t.call('POST', `/v1/carts/${cart.id}/lines`, l), 200);
    return view;
  };
  const checkout = (cartId: string, body: Record<string, unknown> = {}) =>
    t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'pickup', locationId: shop.storeA }], payment: { provider: 'manual', method: 'card' }, contact: { email: 'guest@discounts.test' }, ...body });
  // Uses of a promotion without a limit or budget reach its counter when the worker has run.
  const promotionUsed = async (id: string) => {
    await t.omni.worker.drain();
    return (await ok(t.call('GET', `/v1/promotions/${id}`), 200)).used as number;
  };

  it('a 满200减30 promotion shows on the cart line by line, is taken by the order and given back on cancel', async () => {
    const p = await promotion({ name: '满200减30', trigger: 'automatic', rule: { type: 'threshold', tiers: [{ minSubtotal: 20000, discount: 3000 }, { minSubtotal: 50000, discount: 10000 }] } });
    const small = await cartFor(null, [{ variantId: shop.tee, quantity: 1 }]);
    expect(small.discountTotal).toBe(0);
    expect(small.promotions.notApplied.find((x: any) => x.promotionId === p.id)?.reason).toBe('condition_not_met');

    const cart = await cartFor(null, [{ variantId: shop.tee, quantity: 2 }, { variantId: shop.mug, quantity: 1 }]); // 198 + 19.99
    expect(cart.subtotal).toBe(21_799);
    expect(cart.discountTotal).toBe(3000);
    expect(cart.grandTotal).toBe(18_799 + cart.shippingTotal);
    const parts = cart.lines.flatMap((l: any) => l.adjustments.map((a: any) => ({ code: a.code, amount: a.amount })));
    expect(parts.every((a: any) => a.code === p.id)).toBe(true);
    expect(parts.reduce((s: number, a: any) => s + a.amount, 0)).toBe(3000);
    expect(cart.promotions.applied).toEqual([expect.objectContaining({ promotionId: p.id, amount: 3000 })]);

    const order = await ok(checkout(cart.id));
    expect(order.discountTotal).toBe(3000);
    expect(order.grandTotal).toBe(18_799);
    expect(order.paidAmount).toBe(18_799);
    expect(order.lines.reduce((s: number, l: any) => s + l.discount, 0)).toBe(3000);
    expect(await promotionUsed(p.id)).toBe(1);

    await ok(t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'changed my mind' }), 200);
    expect(await promotionUsed(p.id)).toBe(0);
    await stop(p.id);
  });

  it('a coupon is checked when entered, computes from the already-discounted amount, works online and at the till, and comes back on cancel', async () => {
    const auto = await promotion({ name: '¥20 off', trigger: 'automatic', rule: { type: 'fixed', amount: 2000 } });
    const unlocked = await promotion({ name: '10% coupon', trigger: 'coupon', stacking: 'stackable', rule: { type: 'percentage', percent: 10 } });
    await ok(t.call('POST', '/v1/coupon-templates', { name: 'Ten percent', kind: 'public_code', code: 'TENOFF', promotionId: unlocked.id, perCustomerLimit: 5 }));
    const shopper = await customer();
    const cart = await cartFor(shopper, [{ variantId: shop.tee, quantity: 1 }]);

    const wrong = await t.call('PUT', `/v1/carts/${cart.id}/coupons`, { codes: ['NOPE99'] });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'coupon_not_found', field: 'couponCodes.0' });
    expect((await ok(t.call('GET', `/v1/carts/${cart.id}`), 200)).couponCodes).toEqual([]);

    const withCoupon = await ok(t.call('PUT', `/v1/carts/${cart.id}/coupons`, { codes: ['tenoff'] }), 200);
    // 99.00 − 20.00 = 79.00; 10% of that is 7.90 (not 9.90): the coupon works on what is left.
    expect(withCoupon.discountTotal).toBe(2000 + 790);
    expect(withCoupon.lines[0].adjustments.map((a: any) => [a.code, a.amount])).toEqual([[auto.id, 2000], [unlocked.id, 790]]);

    const order = await ok(checkout(cart.id));
    expect(order.couponCodes).toEqual(['TENOFF']);
    expect(order.grandTotal).toBe(9900 - 2790);
    expect(await promotionUsed(unlocked.id)).toBe(1);

    // The same code at the till, for the same member; the clerk sees what to charge before taking payment.
    const till = { locationId: shop.storeA, customerId: shopper, couponCodes: ['TENOFF'], lines: [{ variantId: shop.tee, quantity: 2 }] };
    const quote = await ok(t.call('POST', '/v1/pos/quotes', till, { token: shop.clerkA }), 200);
    expect(quote.grandTotal).toBe(19_800 - 2000 - 1780);
    expect(quote.lines[0].adjustments.map((a: any) => a.code)).toEqual([auto.id, unlocked.id]);
    const wrongStore = await t.call('POST', '/v1/pos/quotes', { ...till, locationId: shop.storeB }, { token: shop.clerkA });
    expect(wrongStore.body.code).toBe('store_out_of_scope');
    const sale = await ok(t.call('POST', '/v1/pos/sales', { locationId: shop.storeA, customerId: shopper, couponCodes: ['TENOFF'], lines: [{ variantId: shop.tee, quantity: 2 }], payment: { provider: 'manual', method: 'card' } }, { token: shop.clerkA }));
    expect(sale.couponCodes).toEqual(['TENOFF']);
    expect(sale.grandTotal).toBe(19_800 - 2000 - 1780);
    expect(sale.status).toBe('fulfilled');

    await ok(t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'wrong size' }), 200);
    expect(await promotionUsed(unlocked.id)).toBe(1); // the till sale's use stays
    await stop(auto.id);
    await stop(unlocked.id);
  });

  it('a fixed coupon never makes an order free by accident: it is capped by what is left', async () => {
    const big = await promotion({ name: '¥500 coupon', trigger: 'coupon', rule: { type: 'fixed', amount: 50_000 } });
    await ok(t.call('POST', '/v1/coupon-templates', { name: 'Big', kind: 'public_code', code: 'BIGONE', promotionId: big.id }));
    const cart = await cartFor(await customer(), [{ variantId: shop.mug, quantity: 1 }]);
    const priced = await ok(t.call('PUT', `/v1/carts/${cart.id}/coupons`, { codes: ['BIGONE'] }), 200);
    expect(priced.discountTotal).toBeLessThanOrEqual(priced.subtotal);
    expect(priced.lines.every((l: any) => l.total >= 0)).toBe(true);
    expect(priced.grandTotal).toBe(priced.subtotal + priced.shippingTotal - priced.discountTotal);
    await stop(big.id);
  });

  it("a clerk spends a member's points only at the till, with the pass the member's code gave", async () => {
    const member = async () => {
      const id = await customer();
      await ok(t.call('POST', '/v1/members', { customerId: id }));
      await ok(t.call('POST', `/v1/members/${id}/points/adjust`, { points: 3000, reason: 'welcome' }));
      return id;
    };
    const [mei, lin] = [await member(), await member()];
    const passOf = async (customerId: string) => {
      const { code } = await currentMemberCode(t.ctx, customerId);
      return (await ok(t.call('POST', '/v1/members/resolve-code', { code }, { token: shop.clerkA }), 200)).pass.token as string;
    };
    await ok(t.call('POST', '/v1/stock/adjustments', { variantId: shop.mug, locationId: shop.storeA, delta: 1, reason: 'receipt' }));
    const sale = (extra: object) => t.call('POST', '/v1/pos/sales', { locationId: shop.storeA, customerId: mei, points: 500, lines: [{ variantId: shop.mug, quantity: 1 }], payment: { provider: 'manual', method: 'card' }, ...extra }, { token: shop.clerkA });
    const balance = async () => (await ok(t.call('GET', `/v1/members/${mei}`), 200)).balance;

    // Naming the customer is not enough, nor is another member's pass, nor a tampered one.
    expect((await sale({})).body).toMatchObject({ status: 403, code: 'member_code_required', field: 'memberPass' });
    const linsPass = await passOf(lin);
    expect((await sale({ memberPass: linsPass })).body).toMatchObject({ status: 403, code: 'member_code_required' });
    const [prefix, memberId, until, mac] = (await passOf(mei)).split('.');
    expect((await sale({ memberPass: [prefix, memberId, Number(until) + 3600, mac].join('.') })).body).toMatchObject({ status: 403, code: 'member_code_required' });
    expect(await balance()).toBe(3000);
    expect((await ok(t.call('GET', `/v1/orders?customerId=${mei}`), 200)).data).toEqual([]);
    // A quote with more points than anyone holds would tell the balance: it needs the pass too.
    const quote = await t.call('POST', '/v1/pos/quotes', { locationId: shop.storeA, customerId: mei, points: 1_000_000, lines: [{ variantId: shop.mug, quantity: 1 }] }, { token: shop.clerkA });
    expect(quote.body).toMatchObject({ status: 403, code: 'member_code_required' });
    expect(JSON.stringify(quote.body)).not.toContain('3000');

    const paid = await ok(sale({ memberPass: await passOf(mei) }));
    expect(paid.pointsSpent).toBe(500);
    expect(await balance()).toBe(2500);

    // A cart is not a way around it for a clerk; the member's own cart or the back office may.
    const cart = await cartFor(mei, [{ variantId: shop.mug, quantity: 1 }]);
    expect((await t.call('PUT', `/v1/carts/${cart.id}/points`, { points: 100 }, { token: shop.clerkA })).body).toMatchObject({ status: 403, code: 'member_code_required', field: 'points' });
    const checkout = await t.call('POST', `/v1/carts/${cart.id}/checkout`, { points: 100, fulfillment: [{ type: 'pickup', locationId: shop.storeA }], payment: { provider: 'manual', method: 'card' } }, { token: shop.clerkA });
    expect(checkout.body).toMatchObject({ status: 403, code: 'member_code_required', field: 'points' });
    expect((await ok(t.call('PUT', `/v1/carts/${cart.id}/points`, { points: 100 }), 200)).points.used).toBe(100);
    expect(await balance()).toBe(2500);
  });

  it('points pay part of an order, never more than the member holds, and come back on cancel', async () => {
    const member = await customer();
    await ok(t.call('POST', '/v1/members', { customerId: member }));
    await ok(t.call('POST', `/v1/members/${member}/points/adjust`, { points: 3000, reason: 'welcome' }));
    const cart = await cartFor(member, [{ variantId: shop.tee, quantity: 1 }]);

    const tooMany = await t.call('PUT', `/v1/carts/${cart.id}/points`, { points: 3001 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({ code: 'insufficient_points', field: 'points' });

    const priced = await ok(t.call('PUT', `/v1/carts/${cart.id}/points`, { points: 2000 }), 200);
    expect(priced.points).toEqual({ requested: 2000, used: 2000, amount: 2000 });
    expect(priced.grandTotal).toBe(9900 - 2000 + priced.shippingTotal);
    const order = await ok(checkout(cart.id));
    expect(order.pointsSpent).toBe(2000);
    expect((await ok(t.call('GET', `/v1/members/${member}`), 200)).balance).toBe(1000);

    await ok(t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'not needed' }), 200);
    expect((await ok(t.call('GET', `/v1/members/${member}`), 200)).balance).toBe(3000);

    const guest = await cartFor(null, [{ variantId: shop.mug, quantity: 1 }]);
    const noMember = await t.call('PUT', `/v1/carts/${guest.id}/points`, { points: 10 });
    expect(noMember.body).toMatchObject({ code: 'validation_failed', field: 'points' });
  });

  it('a gift with purchase is a free line of the order and leaves the store with it', async () => {
    const gift = await promotion({ name: 'Mug with every tee', trigger: 'automatic', rule: { type: 'gift', variantId: shop.mug, quantity: 1 }, conditions: { variantIds: [shop.tee] } });
    const before = await stockOf(t, shop.mug, shop.storeB);
    const cart = await cartFor(null, [{ variantId: shop.tee, quantity: 1 }]);
    const line = cart.lines.find((l: any) => l.giftOf === gift.id);
    expect(line).toMatchObject({ variantId: shop.mug, quantity: 1, unitPrice: 0, total: 0, priceSource: 'gift' });
    expect(cart.subtotal).toBe(9900);
    expect(cart.discountTotal).toBe(0);
    const order = await ok(checkout(cart.id, { fulfillment: [{ type: 'pickup', locationId: shop.storeB }] }));
    expect(order.lines.map((l: any) => [l.variantId, l.total]).sort()).toEqual([[shop.mug, 0], [shop.tee, 9900]].sort());
    expect((await stockOf(t, shop.mug, shop.storeB)).reserved).toBe(before.reserved + 1);
    await stop(gift.id);
  });

  it('a refused coupon at checkout is a problem that names it and places no order', async () => {
    const p = await promotion({ name: 'Store only', trigger: 'coupon', rule: { type: 'fixed', amount: 500 } });
    await ok(t.call('POST', '/v1/coupon-templates', { name: 'In store', kind: 'public_code', code: 'STOREONLY', promotionId: p.id, channels: 'store' }));
    const cart = await cartFor(null, [{ variantId: shop.mug, quantity: 1 }]);
    const res = await checkout(cart.id, { couponCodes: ['STOREONLY'] });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'coupon_not_for_channel', field: 'couponCodes.0' });
    expect((await ok(t.call('GET', `/v1/carts/${cart.id}`), 200)).status).toBe('open');
  });

  it.skipIf(!onPostgres)('a single-use code is used by exactly one of many concurrent checkouts', async () => {
    const p = await promotion({ name: 'Once', trigger: 'coupon', rule: { type: 'fixed', amount: 1000 } });
    await ok(t.call('POST', '/v1/coupon-templates', { name: 'Once', kind: 'public_code', code: 'JUSTONCE', promotionId: p.id, totalLimit: 1 }));
    const carts = await Promise.all(Array.from({ length: 12 }, () => cartFor(null, [{ variantId: shop.mug, quantity: 1 }])));
    const results = await Promise.all(carts.map((c) => checkout(c.id, { couponCodes: ['JUSTONCE'] })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).every((r) => r.body.code === 'coupon_used_up')).toBe(true);
    expect(await promotionUsed(p.id)).toBe(1);
  });

  it("a member's tier brings its free shipping and the promotions meant for it", async () => {
    const gold = await ok(t.call('POST', '/v1/loyalty/tiers', { name: 'Gold', minSpend: 0, freeShipping: true }));
    const p = await promotion({ name: 'Gold 5% off', trigger: 'automatic', stacking: 'stackable', rule: { type: 'percentage', percent: 5 }, conditions: { customerTiers: [gold.id] } });
    const member = await customer();
    await ok(t.call('POST', '/v1/members', { customerId: member }));
    const theirs = await cartFor(member, [{ variantId: shop.tee, quantity: 1 }]);
    expect(theirs.shippingAdjustments).toEqual([expect.objectContaining({ code: gold.id })]);
    expect(theirs.shippingTotal).toBe(0);
    expect(theirs.discountTotal).toBe(495);
    const guest = await cartFor(null, [{ variantId: shop.tee, quantity: 1 }]);
    expect(guest.shippingTotal).toBeGreaterThan(0);
    expect(guest.discountTotal).toBe(0);
    await stop(p.id);
  });
});
