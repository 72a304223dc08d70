import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { ADDRESS, guestCart, ok, setUpShop, stockOf, type Shop } from './test-shop.js';
import { expireNoShows } from './index.js';

let t: TestApp;
let shop: Shop;
beforeAll(async () => {
  t = await startTestApp();
  shop = await setUpShop(t);
});
afterAll(async () => t?.close());

async function pickupOrder(lines: Array<{ variantId: string; quantity: number }>, storeId = shop.storeA, email = 'mei@example.com') {
  const cartId = await guestCart(t, shop, lines);
  return ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'pickup', locationId: storeId }], contact: { email }, payment: { provider: 'manual', method: 'qr' } }));
}

describe('buy online, pick up in store', () => {
  it('the store marks it ready; a clerk of that store hands it over with the right code; the stock leaves as a sale', async () => {
    const before = await stockOf(t, shop.tee, shop.storeA);
    const order = await pickupOrder([{ variantId: shop.tee, quantity: 2 }]);
    const f = order.fulfillments[0];

    const early = await t.call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, { token: shop.clerkA });
    expect(early.body).toMatchObject({ status: 409, code: 'not_ready' });

    const otherStore = await t.call('POST', `/v1/fulfillments/${f.id}/ready`, undefined, { token: shop.clerkB });
    expect(otherStore.status).toBe(403);
    expect(otherStore.body.code).toBe('store_out_of_scope');

    const ready = await ok(t.call('POST', `/v1/fulfillments/${f.id}/ready`, undefined, { token: shop.clerkA }), 200);
    expect(ready.fulfillments[0]).toMatchObject({ status: 'ready' });
    expect(ready.fulfillments[0].noShowAt).not.toBeNull();

    const wrong = await t.call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode === '000000' ? '111111' : '000000' }, { token: shop.clerkA });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'invalid_pickup_code', field: 'code' });
    const byOtherClerk = await t.call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, { token: shop.clerkB });
    expect(byOtherClerk.body.code).toBe('store_out_of_scope');
    expect((await ok(t.call('GET', `/v1/orders/${order.id}`), 200)).fulfillments[0].status).toBe('ready');
    expect(await stockOf(t, shop.tee, shop.storeA)).toEqual({ onHand: before.onHand, reserved: before.reserved + 2 });

    const done = await ok(t.call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, { token: shop.clerkA }), 200);
    expect(done.status).toBe('fulfilled');
    expect(done.fulfillments[0].status).toBe('picked_up');
    expect(await stockOf(t, shop.tee, shop.storeA)).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
    const events = await t.omni.database.db.selectFrom('outbox_event').select('type').where('aggregate_id', 'in', [order.id, f.id]).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['order.placed', 'order.paid', 'fulfillment.ready_for_pickup', 'order.picked_up', 'order.fulfilled']));
  });

  it("a clerk places pickup orders for their own stores only: another store's stock is not theirs to hold", async () => {
    const cart = await ok(t.call('POST', '/v1/carts', { channelId: shop.web }, { token: shop.clerkA }));
    await ok(t.call('POST', `/v1/carts/${cart.id}/lines`, { variantId: shop.mug, quantity: 1 }, { token: shop.clerkA }), 200);
    const before = await stockOf(t, shop.mug, shop.storeB);
    const place = (locationId: string, type = 'pickup') =>
      t.call('POST', `/v1/carts/${cart.id}/checkout`, { fulfillment: [{ type, locationId }], contact: { email: 'walk-in@example.com' }, payment: { provider: 'manual', method: 'qr' } }, { token: shop.clerkA });
    for (const type of ['pickup', 'reserve_try']) expect((await place(shop.storeB, type)).body).toMatchObject({ status: 403, code: 'store_out_of_scope', field: 'fulfillment.locationId' });
    expect(await stockOf(t, shop.mug, shop.storeB)).toEqual(before);
    expect((await place(shop.storeA)).status).toBe(201);
  });

  it('two clerks scanning the same pickup at once: it is handed over exactly once', async () => {
    const before = await stockOf(t, shop.mug, shop.storeA);
    const order = await pickupOrder([{ variantId: shop.mug, quantity: 1 }]);
    const f = order.fulfillments[0];
    await ok(t.call('POST', `/v1/fulfillments/${f.id}/ready`, undefined, { token: shop.clerkA }), 200);
    const secondClerk = await t.staff('clerk', [shop.storeA]);
    const results = await Promise.all([shop.clerkA, secondClerk, shop.clerkA, secondClerk].map((token) => t.call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, { token })));
    expect(results.filter((r) => r.status === 200), JSON.stringify(results.map((r) => r.body.code))).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).map((r) => r.body.code)).toEqual(["already_picked_up", "already_picked_up", "already_picked_up"]);
    expect(await stockOf(t, shop.mug, shop.storeA)).toEqual({ onHand: before.onHand - 1, reserved: before.reserved });
    const handed = await t.omni.database.db.selectFrom('outbox_event').select('id').where('type', '=', 'order.picked_up').where('aggregate_id', '=', order.id).execute();
    expect(handed).toHaveLength(1);
  });

  it('a pickup nobody collects is released after the no-show deadline and refunded', async () => {
    const before = await stockOf(t, shop.tee, shop.storeB);
    const order = await pickupOrder([{ variantId: shop.tee, quantity: 1 }], shop.storeB);
    const f = order.fulfillments[0];
    await ok(t.call('POST', `/v1/fulfillments/${f.id}/ready`, undefined, { token: shop.clerkB }), 200);
    expect(await expireNoShows(t.omni.database.db, new Date())).toBe(0);
    expect(await expireNoShows(t.omni.database.db, new Date(Date.now() + 4 * 86400_000))).toBe(1);
    const after = await ok(t.call('GET', `/v1/orders/${order.id}`), 200);
    expect(after).toMatchObject({ status: 'refunded', refundedAmount: 9900 });
    expect(after.fulfillments[0].status).toBe('no_show');
    expect(await stockOf(t, shop.tee, shop.storeB)).toEqual(before);
    const payment = await ok(t.call('GET', `/v1/payments/${order.paymentId}`), 200);
    expect(payment).toMatchObject({ status: 'refunded', refundedAmount: 9900 });
    // The payment is the business of the order's store: another store's clerk finds none.
    expect((await t.call('GET', `/v1/payments/${order.paymentId}`, undefined, { token: shop.clerkB })).status).toBe(200);
    expect((await t.call('GET', `/v1/payments/${order.paymentId}`, undefined, { token: shop.clerkA })).body).toMatchObject({ status: 404, code: 'not_found', field: 'id' });
    const listed = async (token: string) => (await ok(t.call('GET', `/v1/payments?referenceId=${order.id}`, undefined, { token }), 200)).data.map((p: any) => p.id);
    expect(await listed(shop.clerkB)).toEqual([order.paymentId]);
    expect(await listed(shop.clerkA)).toEqual([]);
  });
});

describe('one checkout, one order', () => {
  it('the same checkout replayed with one Idempotency-Key, even 10 at once, makes one order', async () => {
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: 1 }]);
    const body = { fulfillment: [{ type: 'pickup', locationId: shop.storeB }], contact: { email: 'dup@example.com' }, payment: { provider: 'test' } };
    const headers = { 'idempotency-key': `checkout-${cartId}` };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.call('POST', `/v1/carts/${cartId}/checkout`, body, { token: shop.storefrontKey, headers })));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of results) expect([201, 409]).toContain(r.status);
    const replay = await t.call('POST', `/v1/carts/${cartId}/checkout`, body, { token: shop.storefrontKey, headers });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(created[0].body.id);
    const orders = await ok(t.call('GET', `/v1/orders?customerId=${created[0].body.customerId}`), 200);
    expect(orders.data).toHaveLength(1);
    const payments = await ok(t.call('GET', `/v1/payments?referenceId=${created[0].body.id}`), 200);
    expect(payments.data).toHaveLength(1);
  });

  it('10 parallel checkouts of one cart without a key still make one order', async () => {
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: 1 }]);
    const body = { fulfillment: [{ type: 'pickup', locationId: shop.storeB }], contact: { email: 'race@example.com' }, payment: { provider: 'test' } };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.call('POST', `/v1/carts/${cartId}/checkout`, body, { token: shop.storefrontKey })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'cart_checked_out')).toBe(true);
  });

  it('carts racing for the last units at a store: exactly as many orders as units, the rest refused with nothing left behind', async () => {
    // Stock is reserved last in a checkout, after the order and payment rows are written: a refusal must undo them all.
    const level = await stockOf(t, shop.tee, shop.storeB);
    const left = level.onHand - level.reserved;
    const carts = [];
    for (let i = 0; i < left + 4; i++) carts.push(await guestCart(t, shop, [{ variantId: shop.eyeTest, quantity: 1 }, { variantId: shop.tee, quantity: 1 }]));
    const body = { fulfillment: [{ type: 'pickup', locationId: shop.storeB }], contact: { email: 'last-units@example.com' }, payment: { provider: 'test' } };
    const results = await Promise.all(carts.map((id) => t.call('POST', `/v1/carts/${id}/checkout`, body, { token: shop.storefrontKey })));
    const placed = results.filter((r) => r.status === 201);
    expect(placed).toHaveLength(left);
    expect(results.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(Array(4).fill('insufficient_stock'));
    expect(await stockOf(t, shop.tee, shop.storeB)).toEqual({ onHand: level.onHand, reserved: level.onHand });
    for (const r of placed) expect(r.body.fulfillments.find((f: any) => f.type === 'pickup').reservationId).toMatch(/^res_/);
    const orders = await ok(t.call('GET', `/v1/orders?customerId=${placed[0].body.customerId}&limit=100`), 200);
    expect(orders.data).toHaveLength(left);
    const refused = carts.filter((_, i) => results[i].status !== 201);
    for (const id of refused) expect((await ok(t.call('GET', `/v1/carts/${id}`, undefined, { token: shop.storefrontKey }), 200)).status).toBe('open');
  });
});

describe('e-vouchers and cancellation', () => {
  it('a service product issues vouchers on payment; cancelling voids them, releases stock and refunds', async () => {
    const before = await stockOf(t, shop.mug, shop.storeA);
    const cartId = await guestCart(t, shop, [{ variantId: shop.eyeTest, quantity: 2 }, { variantId: shop.mug, quantity: 1 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'pickup', locationId: shop.storeA }], contact: { email: 'eyes@example.com' }, payment: { provider: 'manual', method: 'card' } }));
    const voucherF = order.fulfillments.find((f: any) => f.type === 'voucher');
    expect(voucherF).toMatchObject({ status: 'issued', locationId: null, reservationId: null });
    expect(order.status).toBe('partially_fulfilled');
    const vouchers = await ok(t.call('GET', `/v1/vouchers?orderId=${order.id}`), 200);
    expect(vouchers.data).toHaveLength(2);

    const clerkElsewhere = await t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'changed mind' }, { token: shop.clerkB });
    expect(clerkElsewhere.body.code).toBe('store_out_of_scope');
    const cancelled = await ok(t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'changed mind' }), 200);
    expect(cancelled).toMatchObject({ status: 'cancelled', refundedAmount: 2 * 5000 + 1999 });
    expect(cancelled.fulfillments.every((f: any) => f.status === 'cancelled')).toBe(true);
    const after = await ok(t.call('GET', `/v1/vouchers?orderId=${order.id}`), 200);
    expect(after.data.every((v: any) => v.status === 'voided')).toBe(true);
    expect(await stockOf(t, shop.mug, shop.storeA)).toEqual(before);
    const again = await t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'again' });
    expect(again.body.code).toBe('invalid_state');
  });

  it('a clerk cancels or refunds only an order that runs at their stores alone', async () => {
    for (const locationId of [shop.warehouse, shop.storeB]) await ok(t.call('POST', '/v1/stock/adjustments', { variantId: shop.tee, locationId, delta: 2, reason: 'receipt' }));
    const cartId = await guestCart(t, shop, [{ variantId: shop.tee, quantity: 1 }, { variantId: shop.mug, quantity: 1 }]);
    const lines = (await ok(t.call('GET', `/v1/carts/${cartId}`, undefined, { token: shop.storefrontKey }), 200)).lines;
    const line = (variantId: string) => lines.find((l: any) => l.variantId === variantId).id;
    const fulfillment = [{ type: 'pickup', locationId: shop.storeB, lineIds: [line(shop.tee)] }, { type: 'delivery', address: ADDRESS, lineIds: [line(shop.mug)] }];
    const split = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment, contact: { email: 'split@example.com' }, payment: { provider: 'manual', method: 'qr' } }));
    expect(split.locationIds).toContain(shop.storeB);
    expect(split.locationIds.length).toBe(2);
    // Store B's clerk hands over the pickup, but the shipped part is not theirs to call off or refund.
    const cancel = await t.call('POST', `/v1/orders/${split.id}/cancel`, { reason: 'changed mind' }, { token: shop.clerkB });
    expect(cancel.body).toMatchObject({ status: 403, code: 'store_out_of_scope', field: 'id' });
    expect(cancel.body.locationIds).not.toContain(shop.storeB);
    const refund = await t.call('POST', `/v1/orders/${split.id}/refunds`, { amount: 100, reason: 'goodwill' }, { token: shop.clerkB });
    expect(refund.body).toMatchObject({ status: 403, code: 'store_out_of_scope' });
    expect(await ok(t.call('GET', `/v1/orders/${split.id}`), 200)).toMatchObject({ status: split.status, refundedAmount: 0 });
    // The back office can; and the clerk can for an order at their store alone.
    expect((await ok(t.call('POST', `/v1/orders/${split.id}/cancel`, { reason: 'changed mind' }), 200)).status).toBe('cancelled');
    const own = await pickupOrder([{ variantId: shop.tee, quantity: 1 }], shop.storeB, 'own-store@example.com');
    expect((await ok(t.call('POST', `/v1/orders/${own.id}/refunds`, { amount: 100, reason: 'goodwill' }, { token: shop.clerkB }))).refundedAmount).toBe(100);
    expect((await ok(t.call('POST', `/v1/orders/${own.id}/cancel`, { reason: 'changed mind' }, { token: shop.clerkB }), 200)).status).toBe('cancelled');
  });

  it('an order of e-vouchers only runs at no store: operators open it, clerks do not', async () => {
    const cartId = await guestCart(t, shop, [{ variantId: shop.eyeTest, quantity: 1 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { contact: { email: 'voucher-only@example.com' }, payment: { provider: 'manual', method: 'card' } }));
    expect(order.locationIds).toEqual([]);
    const operator = await t.staff('operator');
    expect((await ok(t.call('GET', `/v1/orders/${order.id}`, undefined, { token: operator }), 200)).id).toBe(order.id);
    expect((await t.call('GET', `/v1/orders/${order.id}`, undefined, { token: shop.clerkA })).status).toBe(404);
  });

  it('goods handed over cannot be cancelled: they are returned instead', async () => {
    const order = await pickupOrder([{ variantId: shop.mug, quantity: 1 }]);
    const f = order.fulfillments[0];
    await ok(t.call('POST', `/v1/fulfillments/${f.id}/ready`, undefined, { token: shop.clerkA }), 200);
    await ok(t.call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, { token: shop.clerkA }), 200);
    const res = await t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'late' });
    expect(res.status).toBe(409);
    expect((await ok(t.call('GET', `/v1/orders/${order.id}`), 200)).status).toBe('fulfilled');
  });
});
