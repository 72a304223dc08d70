import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { statementsCompleted, type AnyDb } from '../../platform/db.js';
import { createPromotion, priceWithPromotions, recordPromotionUse, type PricingInput } from './index.js';
import { snapshotFor } from './snapshot.service.js';
import { newPromotionSchema } from './promotions.schemas.js';

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

  it('carts changed in transactions of their own build the promotions once, not at every change', async () => {
    expect((await t.call('POST', '/v1/promotions', { name: '2 off', trigger: 'automatic', currency: 'CNY', rule: { type: 'fixed', amount: 200 }, status: 'active' })).status).toBe(201);
    const inTx = () => t.ctx.db.transaction().execute(async (tx) => {
      const { stamp } = await tx.selectFrom('promotion_version').select('stamp').executeTakeFirstOrThrow();
      return snapshotFor(tx, stamp);
    });
    const first = await inTx();
    expect(first.byId.size).toBeGreaterThan(0);
    expect(await inTx()).toBe(first);
  });

  it('a promotion written by a transaction that rolled back never prices a cart, though that transaction priced with it', async () => {
    const before = discounts(await priceWithPromotions(t.ctx, cart));
    await expect(t.ctx.db.transaction().execute(async (tx) => {
      const c = { ...t.ctx, db: tx };
      await createPromotion(c, newPromotionSchema.parse({ name: 'never committed', trigger: 'automatic', currency: 'CNY', rule: { type: 'fixed', amount: 900 }, status: 'active' }));
      expect(discounts(await priceWithPromotions(c, cart))).toContain(900);
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect(discounts(await priceWithPromotions(t.ctx, cart))).toEqual(before);
  });
});

describe.skipIf(!onPostgres)('prices following promotions by notification (PostgreSQL)', () => {
  const limited = async (name: string, amount: number) => {
    const res = await t.call('POST', '/v1/promotions', { name, trigger: 'automatic', currency: 'CNY', rule: { type: 'fixed', amount }, usageLimit: 1, status: 'active' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const reasonFor = async (id: string) => {
    const r = await priceWithPromotions(t.ctx, cart);
    return r.applied.some((a) => a.promotionId === id) ? 'applied' : r.notApplied.find((n) => n.promotionId === id)?.reason;
  };

  it('a limit used up through this server shows in its very next price; so does a promotion it stopped', async () => {
    const id = await limited('one use, this server', 300);
    expect(await reasonFor(id)).toBe('applied');
    await recordPromotionUse(t.ctx, { orderId: 'ord_live_1', uses: [{ promotionId: id, discount: 300 }] });
    expect(await reasonFor(id)).toBe('usage_limit_reached');
    const other = await limited('stopped by this server', 200);
    expect(await reasonFor(other)).toBe('applied');
    expect((await t.call('POST', `/v1/promotions/${other}/deactivate`)).status).toBe(200);
    expect(await reasonFor(other)).toBeUndefined();
  });

  it('once in step, a price makes no round trip, and a limit used up by another server shows one notification later', async () => {
    const id = await limited('one use, another server', 100);
    expect(await reasonFor(id)).toBe('applied');
    const before = statementsCompleted(t.ctx.db as AnyDb);
    expect(await reasonFor(id)).toBe('applied');
    expect(statementsCompleted(t.ctx.db as AnyDb)).toBe(before);
    // Another server's checkout, on a connection of its own.
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      await other.query('UPDATE promotion SET used = used + 1, spent = spent + 100 WHERE id = $1', [id]);
    } finally {
      await other.end();
    }
    const end = Date.now() + 5000;
    while ((await reasonFor(id)) === 'applied' && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(await reasonFor(id)).toBe('usage_limit_reached');
    expect(statementsCompleted(t.ctx.db as AnyDb)).toBe(before);
  });
});
