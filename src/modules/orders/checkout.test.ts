import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { ADDRESS, guestCart, ok, settlePayments, setUpShop, stockOf, type Shop } from './test-shop.js';

let t: TestApp;
let shop: Shop;
beforeAll(async () => {
  t = await startTestApp();
  shop = await setUpShop(t);
});
afterAll(async () => t?.close());

const pickupAt = (locationId: string) => [{ type: 'pickup', locationId }];
const guest = { email: 'lin@example.com' };

describe('carts', () => {
  it('a storefront builds a guest cart whose every line explains its price', async () => {
    const token = shop.storefrontKey;
    const cartId = await guestCart(t, shop, [{ variantId: shop.tee, quantity: 2 }]);
    const added = await ok(t.call('POST', `/v1/carts/${cartId}/lines`, { code: 'MUG', quantity: 1 }, { token }), 200);
    expect(added.lines).toHaveLength(2);
    const again = await ok(t.call('POST', `/v1/carts/${cartId}/lines`, { variantId: shop.tee, quantity: 1 }, { token }), 200);
    const tee = again.lines.find((l: any) => l.variantId === shop.tee);
    expect(tee).toMatchObject({ sku: 'TEE-M', quantity: 3, unitPrice: 9900, priceSource: 'default', subtotal: 29700, discount: 0, total: 29700, adjustments: [] });
    // Nothing chosen yet: priced as delivery, with its flat shipping.
    expect(again).toMatchObject({ subtotal: 29700 + 1999, shippingTotal: 1000, grandTotal: 29700 + 1999 + 1000, currency: 'CNY' });
    const pickup = await ok(t.call('PUT', `/v1/carts/${cartId}/fulfillment`, { type: 'pickup', locationId: shop.storeA }, { token }), 200);
    expect(pickup.shippingTotal).toBe(0);
    const mugLine = pickup.lines.find((l: any) => l.variantId === shop.mug);
    // A line's own choice, then a choice for the whole cart, which replaces it.
    const own = await ok(t.call('PUT', `/v1/carts/${cartId}/fulfillment`, { type: 'delivery', lineIds: [mugLine.id] }, { token }), 200);
    expect(own.lines.map((l: any) => l.fulfillmentType).sort()).toEqual(['delivery', 'pickup']);
    expect(own.shippingTotal).toBe(1000);
    const unknownLine = await t.call('PUT', `/v1/carts/${cartId}/fulfillment`, { type: 'pickup', locationId: shop.storeA, lineIds: [mugLine.id, 'cli_nope'] }, { token });
    expect(unknownLine.body).toMatchObject({ status: 404, field: 'lineIds' });
    expect((await t.call('GET', `/v1/carts/${cartId}`, undefined, { token })).body.shippingTotal).toBe(1000);
    const whole = await ok(t.call('PUT', `/v1/carts/${cartId}/fulfillment`, { type: 'pickup', locationId: shop.storeA }, { token }), 200);
    expect(whole.lines.map((l: any) => [l.fulfillmentType, l.locationId])).toEqual([['pickup', shop.storeA], ['pickup', shop.storeA]]);
    expect(whole).toMatchObject({ fulfillment: { type: 'pickup', locationId: shop.storeA }, shippingTotal: 0 });
    const changed = await ok(t.call('PATCH', `/v1/carts/${cartId}/lines/${mugLine.id}`, { quantity: 4 }, { token }), 200);
    expect(changed.lines.find((l: any) => l.id === mugLine.id).total).toBe(4 * 1999);
    const shipped = await ok(t.call('PATCH', `/v1/carts/${cartId}/lines/${mugLine.id}`, { fulfillment: { type: 'delivery' } }, { token }), 200);
    expect(shipped.lines.find((l: any) => l.id === mugLine.id)).toMatchObject({ quantity: 4, fulfillmentType: 'delivery' });
    const removed = await ok(t.call('DELETE', `/v1/carts/${cartId}/lines/${mugLine.id}`, undefined, { token }), 200);
    expect(removed.lines).toHaveLength(1);
    for (const [method, body] of [['DELETE', undefined], ['PATCH', { quantity: 2 }]] as const) {
      expect((await t.call(method, `/v1/carts/${cartId}/lines/${mugLine.id}`, body, { token })).body).toMatchObject({ status: 404, field: 'lineId' });
    }
    expect((await t.call('GET', `/v1/carts/${cartId}`, undefined, { token })).body.grandTotal).toBe(29700);
  });

  it('unknown variants and codes are 404s naming the field, and the cart is unchanged', async () => {
    const token = shop.storefrontKey;
    const cartId = await guestCart(t, shop, []);
    const bad = await t.call('POST', `/v1/carts/${cartId}/lines`, { variantId: 'var_nope', quantity: 1 }, { token });
    expect(bad.status).toBe(404);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ code: 'not_found', field: 'variantId' });
    const code = await t.call('POST', `/v1/carts/${cartId}/lines`, { code: 'NO-SUCH-SKU', quantity: 1 }, { token });
    expect(code.body).toMatchObject({ status: 404, field: 'body.code' });
    expect((await t.call('GET', `/v1/carts/${cartId}`, undefined, { token })).body.lines).toEqual([]);
  });

  it('a price changed while a cart is open shows at its next change and is what checkout charges', async () => {
    const token = shop.storefrontKey;
    const scarf = (await ok(t.call('POST', '/v1/products', { title: 'Scarf', status: 'active', variants: [{ sku: 'SCARF', prices: [{ currency: 'CNY', amount: 3000 }] }], channelIds: [shop.web] }))).variants[0].id;
    await ok(t.call('POST', '/v1/stock/adjustments', { variantId: scarf, locationId: shop.storeB, delta: 5, reason: 'receipt' }));
    const reprice = (amount: number) => ok(t.call('PUT', `/v1/variants/${scarf}/prices`, { prices: [{ currency: 'CNY', amount }] }), 200);
    const cartId = await guestCart(t, shop, [{ variantId: scarf, quantity: 1 }]);
    await reprice(3500);
    const added = await ok(t.call('POST', `/v1/carts/${cartId}/lines`, { variantId: scarf, quantity: 1 }, { token }), 200);
    expect(added.lines[0]).toMatchObject({ quantity: 2, unitPrice: 3500 });
    await reprice(4000);
    const chosen = await ok(t.call('PUT', `/v1/carts/${cartId}/fulfillment`, { type: 'pickup', locationId: shop.storeB }, { token }), 200);
    expect(chosen.lines[0].unitPrice).toBe(4000);
    await reprice(4200);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { contact: guest, payment: { provider: 'test' } }, { token }));
    expect(order.grandTotal).toBe(8400);
  });

  it('a channel that is not selling opens no cart', async () => {
    const paused = (await ok(t.call('POST', '/v1/channels', { code: 'paused', name: 'Paused shop', kind: 'web', currency: 'CNY' }))).id;
    await ok(t.call('PATCH', `/v1/channels/${paused}`, { active: false }), 200);
    const res = await t.call('POST', '/v1/carts', { channelId: paused }, { token: shop.storefrontKey });
    expect(res.body).toMatchObject({ status: 409, code: 'channel_inactive', field: 'channelId' });
    const carts = await t.omni.database.db.selectFrom('cart').select('id').where('channel_id', '=', paused).execute();
    expect(carts).toEqual([]);
  });

  it('an empty cart cannot be checked out', async () => {
    const cartId = await guestCart(t, shop, []);
    const res = await t.call('POST', `/v1/carts/${cartId}/checkout`, { contact: guest, payment: { provider: 'manual' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'cart_empty', field: 'lines' });
  });

  it('without a token a cart is closed; a storefront cannot read a customer cart', async () => {
    expect((await t.call('POST', '/v1/carts', { channelId: shop.web }, { token: null })).status).toBe(401);
    expect((await t.call('POST', '/v1/carts', { channelId: shop.web, customerId: 'cus_nobody' })).body).toMatchObject({ status: 404, field: 'customerId' });
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: 1 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: pickupAt(shop.storeA), contact: { email: 'owner-of-cart@example.com' }, payment: { provider: 'test' } }, { token: shop.storefrontKey }));
    const staffCart = await ok(t.call('POST', '/v1/carts', { channelId: shop.web, customerId: order.customerId }));
    expect((await t.call('GET', `/v1/carts/${staffCart.id}`, undefined, { token: shop.storefrontKey })).status).toBe(403);
    // Nor add to it, nor to a cart already checked out: refused, and neither cart changes.
    expect((await t.call('POST', `/v1/carts/${staffCart.id}/lines`, { variantId: shop.mug, quantity: 1 }, { token: shop.storefrontKey })).status).toBe(403);
    expect((await t.call('GET', `/v1/carts/${staffCart.id}`)).body.lines).toEqual([]);
    const late = await t.call('POST', `/v1/carts/${cartId}/lines`, { variantId: shop.tee, quantity: 1 }, { token: shop.storefrontKey });
    expect(late.body).toMatchObject({ status: 409, code: 'cart_checked_out' });
    expect((await t.call('GET', `/v1/carts/${cartId}`, undefined, { token: shop.storefrontKey })).body.lines.map((l: any) => [l.variantId, l.quantity])).toEqual([[shop.mug, 1]]);
  });
});

describe('checkout', () => {
  it('pickup in store: stock held at the store without expiry, a pickup code, paid at once with a manual payment', async () => {
    const before = await stockOf(t, shop.tee, shop.storeA);
    const cartId = await guestCart(t, shop, [{ variantId: shop.tee, quantity: 2 }, { variantId: shop.mug, quantity: 1 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: pickupAt(shop.storeA), contact: guest, payment: { provider: 'manual', method: 'card' } }));
    expect(order).toMatchObject({ status: 'paid', grandTotal: 2 * 9900 + 1999, paidAmount: 2 * 9900 + 1999, shippingTotal: 0, locationIds: [shop.storeA] });
    expect(order.fulfillments).toHaveLength(1);
    const f = order.fulfillments[0];
    expect(f).toMatchObject({ type: 'pickup', status: 'pending', locationId: shop.storeA });
    expect(f.pickupCode).toMatch(/^\d{6,8}$/);
    expect(f.qrPayload).toContain(f.pickupCode);
    expect(f.lineIds).toHaveLength(2);
    const res = await ok(t.call('GET', `/v1/reservations/${f.reservationId}`), 200);
    expect(res).toMatchObject({ status: 'active', expiresAt: null });
    expect(await stockOf(t, shop.tee, shop.storeA)).toEqual({ onHand: before.onHand, reserved: before.reserved + 2 });
    const cart = await ok(t.call('GET', `/v1/carts/${cartId}`, undefined, { token: shop.storefrontKey }), 200);
    expect(cart).toMatchObject({ status: 'checked_out', orderId: order.id });
    const twice = await t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: pickupAt(shop.storeA), contact: guest, payment: { provider: 'manual' } });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('cart_checked_out');
  });

  it('a storefront cannot record a manual payment: only staff who took the money can', async () => {
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: 1 }]);
    const body = { fulfillment: pickupAt(shop.storeA), contact: guest, payment: { provider: 'manual', method: 'cash' } };
    const refused = await t.call('POST', `/v1/carts/${cartId}/checkout`, body, { token: shop.storefrontKey });
    expect(refused.body).toMatchObject({ status: 403, code: 'forbidden', field: 'payment.provider' });
    expect((await t.call('GET', `/v1/carts/${cartId}`, undefined, { token: shop.storefrontKey })).body.status).toBe('open');
    const recorded = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, body));
    expect(recorded.status).toBe('paid');
  });

  it('the test provider pays asynchronously: pending until payment.captured arrives through the outbox', async () => {
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: 1 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: pickupAt(shop.storeB), contact: guest, payment: { provider: 'test' } }, { token: shop.storefrontKey }));
    expect(order).toMatchObject({ status: 'pending_payment', paidAmount: 0 });
    expect(order.paymentDueAt).not.toBeNull();
    await settlePayments(t);
    const paid = await ok(t.call('GET', `/v1/orders/${order.id}`), 200);
    expect(paid).toMatchObject({ status: 'paid', paidAmount: 1999 });
  });

  it('payments captured together pay each order once: plain ones, one with vouchers to issue, one cancelled meanwhile', async () => {
    const place = async (variantId: string) => {
      const cartId = await guestCart(t, shop, [{ variantId, quantity: 1 }]);
      return ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: pickupAt(shop.storeA), contact: guest, payment: { provider: 'test' } }, { token: shop.storefrontKey }));
    };
    const plain = [await place(shop.mug), await place(shop.tee), await place(shop.mug)];
    const withVoucher = await place(shop.eyeTest);
    const cancelled = await place(shop.mug);
    await ok(t.call('POST', `/v1/orders/${cancelled.id}/cancel`, { reason: 'changed my mind' }), 200);
    await settlePayments(t);

    const paidEvents = (await t.call('GET', '/v1/events?type=order.paid&limit=500')).body.data;
    for (const o of [...plain, withVoucher]) {
      const now = await ok(t.call('GET', `/v1/orders/${o.id}`), 200);
      // Issuing its vouchers fulfils the voucher order in the same step.
      expect(now).toMatchObject({ status: o === withVoucher ? 'fulfilled' : 'paid', paidAmount: o.grandTotal, paymentId: o.paymentId });
      expect(now.paidAt).not.toBeNull();
      expect(now.paymentDueAt).toBeNull();
      const events = paidEvents.filter((e: any) => e.aggregateId === o.id);
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({ orderId: o.id, from: 'pending_payment', status: 'paid', amount: o.grandTotal, currency: 'CNY', paymentId: o.paymentId });
    }
    const vouchers = await ok(t.call('GET', `/v1/orders/${withVoucher.id}`), 200);
    expect(vouchers.fulfillments[0]).toMatchObject({ type: 'voucher', status: 'issued' });
    const refunded = await ok(t.call('GET', `/v1/orders/${cancelled.id}`), 200);
    expect(refunded).toMatchObject({ status: 'cancelled', paidAmount: cancelled.grandTotal, refundedAmount: cancelled.grandTotal });
    expect(paidEvents.some((e: any) => e.aggregateId === cancelled.id)).toBe(false);
  });

  it('delivery ships from the warehouse; shipped and delivered by an operator', async () => {
    const before = await stockOf(t, shop.tee, shop.warehouse);
    const cartId = await guestCart(t, shop, [{ variantId: shop.tee, quantity: 1 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'delivery', address: ADDRESS }], contact: guest, payment: { provider: 'manual', method: 'qr' } }));
    expect(order).toMatchObject({ status: 'paid', shippingTotal: 1000, grandTotal: 9900 + 1000 });
    const f = order.fulfillments[0];
    expect(f).toMatchObject({ type: 'delivery', locationId: shop.warehouse, shippingAddress: ADDRESS });
    const shipped = await ok(t.call('POST', `/v1/fulfillments/${f.id}/ship`, { carrier: 'SF', trackingNumber: 'SF123' }), 200);
    expect(shipped).toMatchObject({ status: 'fulfilled' });
    expect(shipped.fulfillments[0]).toMatchObject({ status: 'shipped', carrier: 'SF', trackingNumber: 'SF123' });
    expect(await stockOf(t, shop.tee, shop.warehouse)).toEqual({ onHand: before.onHand - 1, reserved: before.reserved });
    const delivered = await ok(t.call('POST', `/v1/fulfillments/${f.id}/deliver`), 200);
    expect(delivered.fulfillments[0].status).toBe('delivered');
  });

  it('a delivery too big for one warehouse is split over warehouses by priority: one parcel each, amounts exact', async () => {
    const wh2 = (await ok(t.call('POST', '/v1/locations', { kind: 'warehouse', code: 'WH2', name: 'WH2', address: ADDRESS, geo: { lat: 30, lng: 120 }, timezone: 'Asia/Shanghai' }))).id;
    const served = [shop.warehouse, wh2, shop.storeA, shop.storeB].map((locationId, priority) => ({ locationId, priority }));
    await ok(t.call('PUT', `/v1/channels/${shop.web}/locations`, { locations: served }), 200);
    await ok(t.call('POST', '/v1/stock/adjustments', { variantId: shop.mug, locationId: wh2, delta: 5, reason: 'receipt' }));
    const wh = await stockOf(t, shop.mug, shop.warehouse);
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: wh.onHand - wh.reserved + 2 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'delivery', address: ADDRESS }], contact: guest, payment: { provider: 'manual', method: 'card' } }));
    const units = Object.fromEntries(order.fulfillments.map((f: any) => [f.locationId, order.lines.find((l: any) => l.fulfillmentId === f.id).quantity]));
    expect(units).toEqual({ [shop.warehouse]: wh.onHand - wh.reserved, [wh2]: 2 });
    expect(order.lines.reduce((s: number, l: any) => s + l.total, 0)).toBe(order.grandTotal - order.shippingTotal);
    for (const f of order.fulfillments) await ok(t.call('POST', `/v1/fulfillments/${f.id}/ship`, {}), 200);
    expect((await ok(t.call('GET', `/v1/orders/${order.id}`), 200)).status).toBe('fulfilled');
  });

  it('ship-from-store draws on the nearest store offering it; pickup and delivery lines of one cart become two fulfilments', async () => {
    const cartId = await guestCart(t, shop, [{ variantId: shop.tee, quantity: 1 }, { variantId: shop.mug, quantity: 1 }]);
    const cart = await ok(t.call('GET', `/v1/carts/${cartId}`, undefined, { token: shop.storefrontKey }), 200);
    const [teeLine, mugLine] = [shop.tee, shop.mug].map((v) => cart.lines.find((l: any) => l.variantId === v).id);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, {
      fulfillment: [
        { type: 'ship_from_store', address: ADDRESS, point: { lat: 31.24, lng: 121.47 }, lineIds: [teeLine] },
        { type: 'pickup', locationId: shop.storeB, lineIds: [mugLine] },
      ],
      contact: guest,
      payment: { provider: 'manual', method: 'card' },
    }));
    const byType = Object.fromEntries(order.fulfillments.map((f: any) => [f.type, f]));
    expect(byType.ship_from_store).toMatchObject({ locationId: shop.storeA, lineIds: [expect.any(String)] });
    expect(byType.pickup).toMatchObject({ locationId: shop.storeB });
    expect(order.shippingTotal).toBe(1000);
    expect(order.grandTotal).toBe(9900 + 1999 + 1000);
  });

  it('delivery needs an address, pickup a store that offers it', async () => {
    const cartId = await guestCart(t, shop, [{ variantId: shop.tee, quantity: 1 }]);
    const noAddress = await t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'delivery' }], contact: guest, payment: { provider: 'manual' } });
    expect(noAddress.body).toMatchObject({ status: 400, field: 'fulfillment.address' });
    const noTry = await t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'reserve_try', locationId: shop.storeB }], contact: guest }, { token: shop.storefrontKey });
    expect(noTry.body).toMatchObject({ code: 'service_unavailable', field: 'fulfillment.locationId' });
    expect((await t.call('GET', `/v1/carts/${cartId}`, undefined, { token: shop.storefrontKey })).body.status).toBe('open');
  });

  it('too little stock at the pickup store fails the checkout and reserves nothing', async () => {
    const before = await stockOf(t, shop.mug, shop.storeB);
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: 500 }]);
    const res = await t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: pickupAt(shop.storeB), contact: guest, payment: { provider: 'manual', method: 'qr' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('insufficient_stock');
    expect(await stockOf(t, shop.mug, shop.storeB)).toEqual(before);
    expect((await t.call('GET', `/v1/carts/${cartId}`, undefined, { token: shop.storefrontKey })).body.status).toBe('open');
  });

  it('reserve and try: a hold at the store with no payment, which expires', async () => {
    const before = await stockOf(t, shop.tee, shop.storeA);
    const cartId = await guestCart(t, shop, [{ variantId: shop.tee, quantity: 1 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'reserve_try', locationId: shop.storeA }], contact: guest }, { token: shop.storefrontKey }));
    expect(order).toMatchObject({ status: 'reserved', paymentId: null, paidAmount: 0 });
    expect(order.holdExpiresAt).not.toBeNull();
    expect(order.fulfillments[0]).toMatchObject({ type: 'reserve_try', status: 'held' });
    expect((await ok(t.call('GET', `/v1/reservations/${order.fulfillments[0].reservationId}`), 200)).expiresAt).not.toBeNull();
    expect((await stockOf(t, shop.tee, shop.storeA)).reserved).toBe(before.reserved + 1);
    const { expireHolds } = await import('./index.js');
    expect(await expireHolds(t.omni.database.db, new Date(Date.now() + 48 * 3600_000))).toBe(1);
    const expired = await ok(t.call('GET', `/v1/orders/${order.id}`), 200);
    expect(expired).toMatchObject({ status: 'cancelled', cancelReason: 'hold_expired' });
    expect(await stockOf(t, shop.tee, shop.storeA)).toEqual(before);
  });

  it('an unpaid order is cancelled after the payment window and its stock released', async () => {
    const before = await stockOf(t, shop.mug, shop.storeA);
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: 2 }]);
    const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: pickupAt(shop.storeA), contact: guest, payment: { provider: 'test' } }, { token: shop.storefrontKey }));
    expect((await stockOf(t, shop.mug, shop.storeA)).reserved).toBe(before.reserved + 2);
    const { expireUnpaidOrders } = await import('./index.js');
    expect(await expireUnpaidOrders(t.omni.database.db, new Date(Date.now() + 3600_000))).toBe(1);
    expect((await ok(t.call('GET', `/v1/orders/${order.id}`), 200))).toMatchObject({ status: 'cancelled', cancelReason: 'payment_timeout' });
    expect(await stockOf(t, shop.mug, shop.storeA)).toEqual(before);
    // The payment lands late anyway: it is refunded, and the order stays cancelled.
    await settlePayments(t);
    const late = await ok(t.call('GET', `/v1/orders/${order.id}`), 200);
    expect(late).toMatchObject({ status: 'cancelled', paidAmount: 3998, refundedAmount: 3998 });
  });
});
