import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { getPromotion, recordPromotionUse, releasePromotionUse } from './index.js';

let t: TestApp;

const create = async (over: Record<string, unknown>) => {
  const res = await t.call('POST', '/v1/promotions', { name: 'limited', trigger: 'automatic', currency: 'CNY', rule: { type: 'fixed', amount: 700 }, status: 'active', ...over });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

const settle = <T>(ps: Promise<T>[]) => Promise.allSettled(ps);
const codes = (rs: PromiseSettledResult<unknown>[]) => rs.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []));

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('usage limits and budgets under concurrency', () => {
  it('a promotion limited to 10 uses gives exactly 10 of 40 concurrent checkouts', async () => {
    const id = await create({ usageLimit: 10 });
    const results = await settle(Array.from({ length: 40 }, (_, i) => recordPromotionUse(t.ctx, { orderId: `ord_${i}`, customerId: `cus_${i}`, uses: [{ promotionId: id, discount: 700 }] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(new Set(codes(results))).toEqual(new Set(['promotion_exhausted']));
    expect(await getPromotion(t.ctx, id)).toMatchObject({ used: 10, spent: 7000 });
    const used = await t.omni.database.db.selectFrom('outbox_event').select('id').where('type', '=', 'promotion.used').where('aggregate_id', '=', id).execute();
    expect(used).toHaveLength(10);
    // The price a shopper sees already says so, before checkout.
    const preview = await t.call('POST', '/v1/promotions/preview', { cart: { channelId: 'chn_x', channelKind: 'web', currency: 'CNY', lines: [{ lineId: 'l', variantId: 'v', productId: 'p', quantity: 1, unitPrice: 5000 }] } });
    expect(preview.body.notApplied).toContainEqual({ promotionId: id, reason: 'usage_limit_reached', detail: 'used 10 of 10 times' });
  });

  it('a budget is never exceeded: 30 concurrent discounts of 700 against a budget of 10,000', async () => {
    const id = await create({ budget: 10_000 });
    const results = await settle(Array.from({ length: 30 }, (_, i) => recordPromotionUse(t.ctx, { orderId: `ord_b${i}`, uses: [{ promotionId: id, discount: 700 }] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(14);
    expect(new Set(codes(results))).toEqual(new Set(['budget_exhausted']));
    expect((await getPromotion(t.ctx, id)).spent).toBe(9800);
  });

  it('a per-customer limit holds when one customer checks out many times at once', async () => {
    const id = await create({ perCustomerLimit: 2 });
    const results = await settle(Array.from({ length: 10 }, (_, i) => recordPromotionUse(t.ctx, { orderId: `ord_c${i}`, customerId: 'cus_same', uses: [{ promotionId: id, discount: 100 }] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(new Set(codes(results))).toEqual(new Set(['customer_limit_reached']));
    // Without a usage limit or budget, the worker counts the uses.
    expect((await getPromotion(t.ctx, id)).used).toBe(0);
    await t.omni.worker.drain();
    expect((await getPromotion(t.ctx, id)).used).toBe(2);
    // Priced for that customer, the offer says why it no longer applies; for another it still does.
    const cart = (customerId: string) => ({ channelId: 'chn_x', channelKind: 'web', currency: 'CNY', customerId, lines: [{ lineId: 'l', variantId: 'v', productId: 'p', quantity: 1, unitPrice: 5000 }] });
    const [same, other] = await Promise.all([t.call('POST', '/v1/promotions/preview', { cart: cart('cus_same') }), t.call('POST', '/v1/promotions/preview', { cart: cart('cus_other') })]);
    expect(same.body.notApplied).toContainEqual({ promotionId: id, reason: 'customer_limit_reached', detail: 'the customer has used it 2 times' });
    expect(other.body.applied.map((a: { promotionId: string }) => a.promotionId)).toContain(id);
  });

  it('a refused promotion fails the whole checkout: nothing else of it is counted', async () => {
    const open = await create({ usageLimit: 100 });
    const full = await create({ usageLimit: 1 });
    await recordPromotionUse(t.ctx, { orderId: 'ord_first', uses: [{ promotionId: full, discount: 100 }] });
    const res = recordPromotionUse(t.ctx, { orderId: 'ord_second', uses: [{ promotionId: open, discount: 100 }, { promotionId: full, discount: 100 }] });
    await expect(res).rejects.toMatchObject({ code: 'promotion_exhausted', details: { promotionId: full } });
    expect((await getPromotion(t.ctx, open)).used).toBe(0);
    await expect(recordPromotionUse(t.ctx, { orderId: 'ord_first', uses: [{ promotionId: full, discount: 100 }] })).rejects.toMatchObject({ code: 'already_exists' });
  });

  it('releasing an order gives its uses back exactly once, even when asked twice at once', async () => {
    const id = await create({ usageLimit: 3, budget: 5000, perCustomerLimit: 1 });
    await recordPromotionUse(t.ctx, { orderId: 'ord_r1', customerId: 'cus_r', uses: [{ promotionId: id, discount: 1000 }] });
    await recordPromotionUse(t.ctx, { orderId: 'ord_r2', customerId: 'cus_s', uses: [{ promotionId: id, discount: 1500 }] });
    const twice = await Promise.all([releasePromotionUse(t.ctx, { orderId: 'ord_r1' }), releasePromotionUse(t.ctx, { orderId: 'ord_r1' }), releasePromotionUse(t.ctx, { orderId: 'ord_r1' })]);
    expect(twice.map((r) => r.released).sort()).toEqual([0, 0, 1]);
    expect(await getPromotion(t.ctx, id)).toMatchObject({ used: 1, spent: 1500 });
    // The customer may use it again, once.
    await recordPromotionUse(t.ctx, { orderId: 'ord_r3', customerId: 'cus_r', uses: [{ promotionId: id, discount: 1000 }] });
    await expect(recordPromotionUse(t.ctx, { orderId: 'ord_r4', customerId: 'cus_r', uses: [{ promotionId: id, discount: 1000 }] })).rejects.toMatchObject({ code: 'customer_limit_reached' });
    const released = await t.omni.database.db.selectFrom('outbox_event').select('id').where('type', '=', 'promotion.released').where('aggregate_id', '=', id).execute();
    expect(released).toHaveLength(1);
  });

  /** A use recorded in a transaction left open until `close` is called (the order still being placed). */
  const openUse = async (orderId: string, promotionId: string) => {
    let close!: () => void;
    const closed = new Promise<void>((r) => (close = r));
    let recorded!: () => void;
    const inFlight = new Promise<void>((r) => (recorded = r));
    const done = t.omni.database.db.transaction().execute(async (tx) => {
      await recordPromotionUse({ ...t.ctx, db: tx }, { orderId, uses: [{ promotionId, discount: 500 }] });
      recorded();
      await closed;
    });
    await inFlight;
    return { close: () => (close(), done) };
  };
  const within = <T>(p: Promise<T>, ms: number) => Promise.race([p.then(() => 'done'), new Promise((r) => setTimeout(() => r('waiting'), ms))]);

  it.skipIf(!onPostgres)('orders under a promotion without a limit do not wait for one another; a limited one makes them', async () => {
    const open = await create({ name: 'store-wide' });
    const first = await openUse('ord_w1', open);
    expect(await within(recordPromotionUse(t.ctx, { orderId: 'ord_w2', uses: [{ promotionId: open, discount: 700 }] }), 2000)).toBe('done');
    await first.close();
    await t.omni.worker.drain();
    expect(await getPromotion(t.ctx, open)).toMatchObject({ used: 2, spent: 1200 });

    const limited = await create({ name: 'first hundred', usageLimit: 100 });
    const holder = await openUse('ord_w3', limited);
    const second = recordPromotionUse(t.ctx, { orderId: 'ord_w4', uses: [{ promotionId: limited, discount: 700 }] });
    expect(await within(second, 300)).toBe('waiting');
    await holder.close();
    await second;
    expect(await getPromotion(t.ctx, limited)).toMatchObject({ used: 2, spent: 1200 });
  });

  it.skipIf(!onPostgres)('a limit set while orders are using a promotion counts them before it takes effect', async () => {
    const id = await create({ name: 'soon limited' });
    const inFlight = await openUse('ord_l1', id);
    const limiting = t.call('PATCH', `/v1/promotions/${id}`, { usageLimit: 2 });
    expect(await within(limiting, 300)).toBe('waiting');
    await inFlight.close();
    expect((await limiting).status).toBe(200);
    expect(await getPromotion(t.ctx, id)).toMatchObject({ used: 1, spent: 500 });
    const results = await settle([1, 2, 3].map((i) => recordPromotionUse(t.ctx, { orderId: `ord_l${i + 1}`, uses: [{ promotionId: id, discount: 100 }] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(codes(results)).toEqual(['promotion_exhausted', 'promotion_exhausted']);
    await t.omni.worker.drain();
    expect(await getPromotion(t.ctx, id)).toMatchObject({ used: 2, spent: 600 });
  });

  it.skipIf(!onPostgres)('orders that waited on a limit being set are counted against it, one by one', async () => {
    const id = await create({ name: 'limit on its way' });
    let commit!: () => void;
    const committed = new Promise<void>((r) => (commit = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    // A change of the promotion holding its row while orders arrive: they read it as unlimited.
    const change = t.omni.database.db.transaction().execute(async (tx) => {
      await sql`SELECT id FROM promotion WHERE id = ${id} FOR UPDATE`.execute(tx);
      await sql`UPDATE promotion SET usage_limit = 1 WHERE id = ${id}`.execute(tx);
      locked();
      await committed;
    });
    await isLocked;
    const orders = [1, 2, 3].map((i) => recordPromotionUse(t.ctx, { orderId: `ord_x${i}`, uses: [{ promotionId: id, discount: 100 }] }));
    expect(await within(Promise.allSettled(orders), 300)).toBe('waiting');
    commit();
    await change;
    const results = await settle(orders);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(codes(results)).toEqual(['promotion_exhausted', 'promotion_exhausted']);
    expect(await getPromotion(t.ctx, id)).toMatchObject({ used: 1, spent: 100 });
  });

  it('the worker counts each use of an unlimited promotion once, and never one released first', async () => {
    const id = await create({ name: 'everyday' });
    for (const [orderId, discount] of [['ord_u1', 300], ['ord_u2', 400], ['ord_u3', 500]] as const) {
      await recordPromotionUse(t.ctx, { orderId, uses: [{ promotionId: id, discount }] });
    }
    await releasePromotionUse(t.ctx, { orderId: 'ord_u1' });
    await t.omni.worker.drain();
    expect(await getPromotion(t.ctx, id)).toMatchObject({ used: 2, spent: 900 });
    await releasePromotionUse(t.ctx, { orderId: 'ord_u2' });
    await t.omni.worker.drain();
    expect(await getPromotion(t.ctx, id)).toMatchObject({ used: 1, spent: 500 });
    // A budget is held against uses the worker has not counted yet.
    await recordPromotionUse(t.ctx, { orderId: 'ord_u4', uses: [{ promotionId: id, discount: 600 }] });
    const tooSmall = await t.call('PATCH', `/v1/promotions/${id}`, { budget: 1000 });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body).toMatchObject({ code: 'validation_failed', field: 'budget' });
    expect((await t.call('PATCH', `/v1/promotions/${id}`, { budget: 1100 })).status).toBe(200);
    expect(await getPromotion(t.ctx, id)).toMatchObject({ used: 2, spent: 1100 });
    await expect(recordPromotionUse(t.ctx, { orderId: 'ord_u5', uses: [{ promotionId: id, discount: 1 }] })).rejects.toMatchObject({ code: 'budget_exhausted' });
    // An order with a counted use and one the worker has not counted yet gives both back.
    const [open, capped] = [await create({ name: 'open' }), await create({ name: 'capped', usageLimit: 5, perCustomerLimit: 1 })];
    await recordPromotionUse(t.ctx, { orderId: 'ord_u6', customerId: 'cus_u', uses: [{ promotionId: capped, discount: 200 }, { promotionId: open, discount: 300 }] });
    expect(await getPromotion(t.ctx, capped)).toMatchObject({ used: 1, spent: 200 });
    expect(await releasePromotionUse(t.ctx, { orderId: 'ord_u6' })).toEqual({ released: 2 });
    await t.omni.worker.drain();
    expect(await getPromotion(t.ctx, capped)).toMatchObject({ used: 0, spent: 0 });
    expect(await getPromotion(t.ctx, open)).toMatchObject({ used: 0, spent: 0 });
    await recordPromotionUse(t.ctx, { orderId: 'ord_u7', customerId: 'cus_u', uses: [{ promotionId: capped, discount: 200 }] });
    const released = await t.omni.database.db.selectFrom('outbox_event').select(['aggregate_id', 'payload']).where('type', '=', 'promotion.released').where('aggregate_id', 'in', [open, capped]).execute();
    expect(released.map((e) => e.payload).sort((a: any, b: any) => a.discount - b.discount)).toEqual([
      { promotionId: capped, orderId: 'ord_u6', customerId: 'cus_u', discount: 200 },
      { promotionId: open, orderId: 'ord_u6', customerId: 'cus_u', discount: 300 },
    ]);
  });
});
