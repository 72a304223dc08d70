import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { priceWithPromotions, type PricingInput } from './index.js';

let t: TestApp;

const cart: PricingInput = {
  channelId: 'chn_x', channelKind: 'web', currency: 'CNY', shipping: 0,
  lines: [{ lineId: 'l', variantId: 'v', productId: 'p', categoryIds: [], quantity: 1, unitPrice: 5000 }],
};
const discounts = (r: Awaited<ReturnType<typeof priceWithPromotions>>) => r.applied.map((a) => a.amount);

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('pricing with promotions', () => {
  it('a cart priced inside a checkout transaction, while another is priced outside it, both finish with the new rules', async () => {
    const res = await t.call('POST', '/v1/promotions', { name: '7 off', trigger: 'automatic', currency: 'CNY', rule: { type: 'fixed', amount: 700 }, status: 'active' });
    expect(res.status).toBe(201);
    // Both see a stamp no snapshot was built for yet: one builds it outside the transaction, which
    // (on the one-connection embedded database) waits until the transaction ends.
    const outside = priceWithPromotions(t.ctx, cart);
    const inside = t.ctx.db.transaction().execute((tx) => priceWithPromotions({ ...t.ctx, db: tx }, cart));
    const stuck = new Promise((_, reject) => setTimeout(() => reject(new Error('pricing never finished')), 10_000).unref());
    const [a, b] = (await Promise.race([Promise.all([outside, inside]), stuck])) as Array<Awaited<typeof outside>>;
    expect(discounts(a)).toEqual([700]);
    expect(discounts(b)).toEqual([700]);
  });
});
