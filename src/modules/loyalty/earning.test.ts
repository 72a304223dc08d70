import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import { recomputeTier } from './tiers.service.js';
import { channel, eventsOf, fulfilAndConfirm, lotSum, membership, newCustomer, ok, orderEvent, paidOrder, refund } from './test-fixtures.js';

let t: TestApp;
let web: string;
let pos: string;
beforeAll(async () => {
  t = await startTestApp();
  web = await channel(t, 'web');
  pos = await channel(t, 'pos');
});
afterAll(() => t?.close());

describe('earning points on orders', () => {
  it('a paid order enrols the shopper and freezes 1 point per yuan; the same event twice earns once', async () => {
    const customerId = await newCustomer(t);
    const orderId = await paidOrder(t, { customerId, channelId: web, amount: 12_999 });
    expect(await membership(t, customerId)).toMatchObject({ customerId, balance: 0, frozen: 129 });
    // order.paid delivered again (a replayed event with the same order) does not earn twice.
    await orderEvent(t, 'order.paid', orderId, { from: 'pending_payment', status: 'paid', customerId, channelId: web, amount: 12_999, currency: 'CNY', paymentId: 'pay_again' });
    expect((await membership(t, customerId)).frozen).toBe(129);
    expect((await eventsOf(t, 'member.enrolled')).filter((e) => e.customerId === customerId)).toHaveLength(1);
    expect((await eventsOf(t, 'points.frozen')).filter((e) => e.orderId === orderId)).toHaveLength(1);
  });

  it('order events relayed together are taken in order: several paid at once, a replay, a cancellation right after its payment', async () => {
    const [a, b] = [await newCustomer(t), await newCustomer(t)];
    const [o1, o2, o3] = [newId('ord'), newId('ord'), newId('ord')];
    const paid = (orderId: string, customerId: string, amount: number, channelId = web) =>
      ({ type: 'order.paid', orderId, payload: { from: 'pending_payment', status: 'paid', customerId, channelId, amount, currency: 'CNY', paymentId: newId('pay') } });
    const batch = [
      paid(o1, a, 10_000),
      paid(o2, a, 20_000, pos),
      paid(o1, a, 10_000), // the same order paid again: no second lot
      { type: 'order.cancelled', orderId: o2, payload: { from: 'paid', status: 'cancelled', customerId: a, channelId: pos, reason: 'shopper', refunded: 20_000 } },
      paid(o3, b, 5_000),
    ];
    const db = t.omni.database.db;
    for (const e of batch) await emit(db, e.type, e.orderId, { orderId: e.orderId, ...e.payload });
    await t.omni.worker.drain();
    // o2's points were frozen and then released by its cancellation, which came after it.
    expect(await membership(t, a)).toMatchObject({ balance: 0, frozen: 100 });
    expect(await membership(t, b)).toMatchObject({ balance: 0, frozen: 50 });
    expect((await eventsOf(t, 'points.frozen')).filter((e) => [o1, o2, o3].includes(e.orderId)).map((e) => [e.orderId, e.points]).sort()).toEqual([[o1, 100], [o2, 200], [o3, 50]].sort());
    expect((await eventsOf(t, 'points.released')).filter((e) => e.orderId === o2).map((e) => e.points)).toEqual([200]);
    expect((await eventsOf(t, 'member.enrolled')).filter((e) => e.customerId === a || e.customerId === b)).toHaveLength(2);
  });

  it('points are confirmed into the balance only after the return window, with an expiry at the end of next year', async () => {
    const customerId = await newCustomer(t);
    const orderId = await paidOrder(t, { customerId, channelId: web, amount: 50_000 });
    await orderEvent(t, 'order.fulfilled', orderId, { from: 'paid', status: 'fulfilled', customerId, channelId: web });
    await t.omni.worker.drain();
    expect(await membership(t, customerId)).toMatchObject({ balance: 0, frozen: 500 });
    const lot = await t.omni.database.db.selectFrom('loyalty_lot').selectAll().where('source_id', '=', orderId).executeTakeFirstOrThrow();
    const days = (new Date(lot.confirm_due_at).getTime() - Date.now()) / 86400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);

    await fulfilAndConfirm(t, orderId, customerId, web);
    expect(await membership(t, customerId)).toMatchObject({ balance: 500, frozen: 0 });
    const confirmed = (await eventsOf(t, 'points.confirmed')).find((e) => e.orderId === orderId);
    const expires = new Date(confirmed.expiresAt);
    // Midnight of 1 January two years on, in Shanghai (UTC+8).
    expect(expires.toISOString()).toBe(`${new Date().getUTCFullYear() + 1}-12-31T16:00:00.000Z`);
    const history = await ok(t.call('GET', `/v1/members/${customerId}/points`));
    expect(history.data.map((e: any) => [e.kind, e.points])).toEqual([['confirmed', 500], ['frozen', 500]]);
  });

  it('a refund before confirmation releases frozen points in proportion; a cancellation releases the rest', async () => {
    const customerId = await newCustomer(t);
    const orderId = await paidOrder(t, { customerId, channelId: web, amount: 30_000 });
    await refund(t, orderId, customerId, 10_000);
    expect((await membership(t, customerId)).frozen).toBe(200);
    await orderEvent(t, 'order.cancelled', orderId, { from: 'partially_refunded', status: 'cancelled', customerId, channelId: web, reason: 'shopper', refunded: 20_000 });
    expect(await membership(t, customerId)).toMatchObject({ balance: 0, frozen: 0 });
    await fulfilAndConfirm(t, orderId, customerId, web);
    expect(await membership(t, customerId)).toMatchObject({ balance: 0, frozen: 0 });
    expect((await eventsOf(t, 'points.released')).filter((e) => e.orderId === orderId).map((e) => e.points)).toEqual([100, 200]);
  });

  it('refunds after confirmation claw back in proportion, and partial refunds add up exactly to the whole', async () => {
    const customerId = await newCustomer(t);
    const orderId = await paidOrder(t, { customerId, channelId: web, amount: 10_000 }); // 100 points
    await fulfilAndConfirm(t, orderId, customerId, web);
    for (const amount of [3_333, 3_333]) await refund(t, orderId, customerId, amount);
    // 33.33% twice: keeps floor(100 × 3334 / 10000) = 33.
    expect((await membership(t, customerId)).balance).toBe(33);
    await refund(t, orderId, customerId, 3_334);
    expect((await membership(t, customerId)).balance).toBe(0);
    expect((await eventsOf(t, 'points.clawed_back')).filter((e) => e.orderId === orderId).map((e) => e.points)).toEqual([34, 33, 33]);
  });

  it('a clawback never takes the balance below zero: what was already spent is reported unrecovered', async () => {
    const customerId = await newCustomer(t);
    const orderId = await paidOrder(t, { customerId, channelId: web, amount: 20_000 });
    await fulfilAndConfirm(t, orderId, customerId, web);
    await ok(t.call('POST', `/v1/members/${customerId}/points/adjust`, { points: -150, reason: 'spent at the till' }), 201);
    await refund(t, orderId, customerId, 20_000);
    expect((await membership(t, customerId)).balance).toBe(0);
    expect(await lotSum(t, customerId)).toBe(0);
    expect((await eventsOf(t, 'points.clawed_back')).find((e) => e.orderId === orderId)).toMatchObject({ points: 50, unrecovered: 150 });
  });

  it('earn rules are per channel kind and configurable; a guest order earns nothing', async () => {
    await ok(t.call('POST', '/v1/loyalty/earn-rules', { name: 'Double points in store', channelKind: 'pos', pointsPerUnit: 2, unitAmount: 100 }), 201);
    const dup = await t.call('POST', '/v1/loyalty/earn-rules', { name: 'again', channelKind: 'pos', pointsPerUnit: 3 });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'already_exists', field: 'channelKind' });
    const customerId = await newCustomer(t);
    await paidOrder(t, { customerId, channelId: pos, amount: 9_950 });
    await paidOrder(t, { customerId, channelId: web, amount: 9_950 });
    expect((await membership(t, customerId)).frozen).toBe(198 + 99);
    const before = (await eventsOf(t, 'points.frozen')).length;
    await orderEvent(t, 'order.paid', 'ord_guest', { from: 'pending_payment', status: 'paid', customerId: null, channelId: web, amount: 9_900, currency: 'CNY', paymentId: 'pay_g' });
    expect((await eventsOf(t, 'points.frozen')).length).toBe(before);
  });
});

describe('tiers', () => {
  it('move up on confirmed spend and down on refunds, show progress, and multiply later earnings', async () => {
    const silver = await ok(t.call('POST', '/v1/loyalty/tiers', { name: 'Silver', minSpend: 0 }), 201);
    const gold = await ok(t.call('POST', '/v1/loyalty/tiers', { name: 'Gold', minSpend: 100_000, multiplierPct: 150, freeShipping: true }), 201);
    const bad = await t.call('POST', '/v1/loyalty/tiers', { name: 'Also gold', minSpend: 100_000 });
    expect(bad.body).toMatchObject({ code: 'already_exists', field: 'minSpend' });

    const customerId = await newCustomer(t);
    const first = await paidOrder(t, { customerId, channelId: web, amount: 68_000 });
    await fulfilAndConfirm(t, first, customerId, web);
    expect(await membership(t, customerId)).toMatchObject({ tier: { id: silver.id }, spend: 68_000, nextTier: { id: gold.id, amountToGo: 32_000 } });

    const second = await paidOrder(t, { customerId, channelId: web, amount: 40_000 });
    expect((await membership(t, customerId)).tier.id).toBe(silver.id); // frozen spend does not count yet
    await fulfilAndConfirm(t, second, customerId, web);
    expect(await membership(t, customerId)).toMatchObject({ tier: { id: gold.id, freeShipping: true }, nextTier: null, balance: 1_080 });

    const third = await paidOrder(t, { customerId, channelId: web, amount: 10_000 });
    expect((await membership(t, customerId)).frozen).toBe(150); // Gold earns 1.5×

    await refund(t, second, customerId, 40_000);
    expect(await membership(t, customerId)).toMatchObject({ tier: { id: silver.id }, spend: 68_000 });
    expect((await eventsOf(t, 'tier.changed')).filter((e) => e.customerId === customerId).map((e) => e.to)).toEqual([gold.id, silver.id]);
    expect(third).toBeTruthy();
  });
});

describe('with real orders', () => {
  it('a till sale to a member freezes points at the store rate; a refund through orders releases its share', async () => {
    const address = { line1: '1 Nanjing Rd', city: 'Shanghai', country: 'CN' };
    const store = (await ok(t.call('POST', '/v1/locations', { kind: 'store', code: 'SH-1', name: 'Shanghai 1', address, geo: { lat: 31.2, lng: 121.4 }, timezone: 'Asia/Shanghai', services: [] }), 201)).id;
    await ok(t.call('PUT', `/v1/channels/${pos}/locations`, { locations: [{ locationId: store }] }));
    const product = await ok(t.call('POST', '/v1/products', { title: 'Tea', status: 'active', type: 'physical', variants: [{ sku: 'TEA', prices: [{ currency: 'CNY', amount: 8_800 }] }], channelIds: [pos] }), 201);
    await ok(t.call('POST', '/v1/stock/adjustments', { variantId: product.variants[0].id, locationId: store, delta: 5, reason: 'receipt' }), 201);

    const customerId = await newCustomer(t);
    const sale = await ok(t.call('POST', '/v1/pos/sales', { locationId: store, channelId: pos, customerId, lines: [{ code: 'TEA', quantity: 2 }], payment: { provider: 'manual', method: 'card' } }), 201);
    await t.omni.worker.drain();
    // The store channel earns 2 points per yuan (rule made above): ¥176 → 352, frozen until the return window passes.
    expect(await membership(t, customerId)).toMatchObject({ balance: 0, frozen: 352 });
    const lot = await t.omni.database.db.selectFrom('loyalty_lot').selectAll().where('source_id', '=', sale.id).executeTakeFirstOrThrow();
    expect(lot.confirm_due_at).not.toBeNull(); // a till sale is fulfilled at once

    await ok(t.call('POST', `/v1/orders/${sale.id}/refunds`, { amount: 4_400, reason: 'one was broken' }), 201);
    await t.omni.worker.drain();
    expect((await membership(t, customerId)).frozen).toBe(264);
  });
});

describe.runIf(onPostgres)('configured at once', () => {
  it('five earn rules for one channel kind, and five tiers at one threshold, sent at once: one each is made, the rest told why', async () => {
    const five = <T,>(f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 5 }, (_, i) => f(i)));
    const rules = await five((i) => t.call('POST', '/v1/loyalty/earn-rules', { name: `App ${i}`, channelKind: 'app', pointsPerUnit: i + 1 }));
    const tiers = await five((i) => t.call('POST', '/v1/loyalty/tiers', { name: `Platinum ${i}`, minSpend: 777_700 }));
    for (const [made, field] of [[rules, 'channelKind'], [tiers, 'minSpend']] as const) {
      expect(made.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const r of made.filter((r) => r.status === 409)) expect(r.body).toMatchObject({ code: 'already_exists', field });
    }
  });
  it('a tier being deleted while a member moves into it is refused, and the member keeps a tier that exists', async () => {
    const customerId = await newCustomer(t);
    await fulfilAndConfirm(t, await paidOrder(t, { customerId, channelId: web, amount: 55_000 }), customerId, web);
    // Tiers apply at the next recompute: the member is not in this one yet.
    const tier = await ok(t.call('POST', '/v1/loyalty/tiers', { name: 'Jade', minSpend: 50_000 }), 201);
    let moved!: () => void;
    let release!: () => void;
    const inTier = new Promise<void>((ok) => (moved = ok));
    const held = new Promise<void>((ok) => (release = ok));
    const recompute = t.omni.database.db.transaction().execute(async (tx) => {
      await recomputeTier(tx, customerId);
      moved();
      await held;
    });
    await inTier;
    const deleting = t.call('DELETE', `/v1/loyalty/tiers/${tier.id}`);
    setTimeout(release, 200);
    await recompute;
    expect((await deleting).body).toMatchObject({ status: 409, code: 'tier_in_use' });
    expect((await membership(t, customerId)).tier).toMatchObject({ id: tier.id, name: 'Jade' });
  });
});
