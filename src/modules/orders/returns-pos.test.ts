import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { codeIn, startSmsInbox } from '../../../tests/inboxes.js';
import { ADDRESS, guestCart, ok, setUpShop, stockOf, type Shop } from './test-shop.js';

let t: TestApp;
let shop: Shop;
let sms: Awaited<ReturnType<typeof startSmsInbox>>;
beforeAll(async () => {
  sms = await startSmsInbox();
  process.env.SMS_PROVIDER_URL = sms.url;
  process.env.SMS_PROVIDER_KEY = 'sms-test-key';
  t = await startTestApp();
  shop = await setUpShop(t);
});
afterAll(async () => {
  await t?.close();
  await sms?.close();
  delete process.env.SMS_PROVIDER_URL;
  delete process.env.SMS_PROVIDER_KEY;
});

/** An online order collected at store A, ready to be returned. */
async function collectedOrder(lines: Array<{ variantId: string; quantity: number }>, contact: object = { email: 'ret@example.com' }) {
  const cartId = await guestCart(t, shop, lines);
  const order = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'pickup', locationId: shop.storeA }], contact, payment: { provider: 'manual', method: 'qr' } }));
  const f = order.fulfillments[0];
  await ok(t.call('POST', `/v1/fulfillments/${f.id}/ready`, undefined, { token: shop.clerkA }), 200);
  return ok(t.call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, { token: shop.clerkA }), 200);
}

describe('POS sales', () => {
  it('a clerk sells at the till by barcode and SKU: stock leaves the store at once, change is given, the sale joins the order history', async () => {
    const before = await stockOf(t, shop.tee, shop.storeA);
    const sale = await ok(t.call('POST', '/v1/pos/sales', {
      locationId: shop.storeA,
      lines: [{ code: '6901234567892', quantity: 1 }, { code: 'MUG', quantity: 2 }],
      payment: { provider: 'manual', method: 'cash', tendered: 20000 },
    }, { token: shop.clerkA }));
    expect(sale).toMatchObject({ status: 'fulfilled', channelId: shop.pos, channelKind: 'pos', grandTotal: 9900 + 2 * 1999, paidAmount: 13898, tendered: 20000, change: 20000 - 13898, paymentMethod: 'cash' });
    expect(sale.fulfillments[0]).toMatchObject({ type: 'pos', status: 'sold', locationId: shop.storeA });
    expect(await stockOf(t, shop.tee, shop.storeA)).toEqual({ onHand: before.onHand - 1, reserved: before.reserved });
    const history = await ok(t.call('GET', `/v1/orders?locationId=${shop.storeA}&channelId=${shop.pos}`, undefined, { token: shop.clerkA }), 200);
    expect(history.data.map((o: any) => o.id)).toContain(sale.id);
  });

  it('refuses a clerk of another store, too little cash and unknown codes, and nothing moves', async () => {
    const before = await stockOf(t, shop.tee, shop.storeA);
    const other = await t.call('POST', '/v1/pos/sales', { locationId: shop.storeA, lines: [{ code: 'TEE-M', quantity: 1 }], payment: { provider: 'manual', method: 'card' } }, { token: shop.clerkB });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'store_out_of_scope', field: 'locationId' });
    const short = await t.call('POST', '/v1/pos/sales', { locationId: shop.storeA, lines: [{ code: 'TEE-M', quantity: 1 }], payment: { provider: 'manual', method: 'cash', tendered: 5000 } }, { token: shop.clerkA });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({ code: 'insufficient_tender', field: 'payment.tendered' });
    const unknown = await t.call('POST', '/v1/pos/sales', { locationId: shop.storeA, lines: [{ code: 'TEE-M', quantity: 1 }, { code: 'NOPE', quantity: 1 }], payment: { provider: 'manual', method: 'card' } }, { token: shop.clerkA });
    expect(unknown.status).toBe(404);
    expect(unknown.body.field).toBe('lines.1.code');
    expect(await stockOf(t, shop.tee, shop.storeA)).toEqual(before);
  });
});

describe('returns across channels', () => {
  it('bought online, collected at store A, returned at store B: restocked at B and refunded to the original payment', async () => {
    const order = await collectedOrder([{ variantId: shop.mug, quantity: 3 }, { variantId: shop.tee, quantity: 1 }]);
    const mugLine = order.lines.find((l: any) => l.variantId === shop.mug);
    const atB = await stockOf(t, shop.mug, shop.storeB);
    const ret = await ok(t.call('POST', `/v1/orders/${order.id}/returns`, { locationId: shop.storeB, lines: [{ orderLineId: mugLine.id, quantity: 2 }], reason: 'too many' }, { token: shop.clerkB }));
    expect(ret).toMatchObject({ status: 'partially_refunded', refunded: 2 * 1999, refundedAmount: 2 * 1999 });
    expect(ret.lines.find((l: any) => l.id === mugLine.id)).toMatchObject({ returnedQuantity: 2, refundedAmount: 3998 });
    expect(await stockOf(t, shop.mug, shop.storeB)).toEqual({ onHand: atB.onHand + 2, reserved: atB.reserved });
    const payment = await ok(t.call('GET', `/v1/payments/${order.paymentId}`), 200);
    expect(payment).toMatchObject({ status: 'partially_refunded', refundedAmount: 3998 });

    const tooMany = await t.call('POST', `/v1/orders/${order.id}/returns`, { locationId: shop.storeB, lines: [{ orderLineId: mugLine.id, quantity: 2 }], reason: 'again' }, { token: shop.clerkB });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({ code: 'return_exceeds_sold', field: 'lines.0.quantity', returnable: 1 });
    const elsewhere = await t.call('POST', `/v1/orders/${order.id}/returns`, { locationId: shop.storeA, lines: [{ orderLineId: mugLine.id, quantity: 1 }], reason: 'x' }, { token: shop.clerkB });
    expect(elsewhere.body.code).toBe('store_out_of_scope');
    expect(await stockOf(t, shop.mug, shop.storeB)).toEqual({ onHand: atB.onHand + 2, reserved: atB.reserved });

    const rest = await ok(t.call('POST', `/v1/orders/${order.id}/returns`, { locationId: shop.storeB, lines: [{ orderLineId: mugLine.id, quantity: 1 }, { orderLineId: order.lines.find((l: any) => l.variantId === shop.tee).id, quantity: 1 }], reason: 'all back' }, { token: shop.clerkB }));
    expect(rest).toMatchObject({ status: 'refunded', refundedAmount: order.paidAmount });
  });

  it("a clerk opens another store's order by its id once its goods are the shopper's, if their store takes returns", async () => {
    const cartId = await guestCart(t, shop, [{ variantId: shop.mug, quantity: 1 }]);
    const placed = await ok(t.call('POST', `/v1/carts/${cartId}/checkout`, { fulfillment: [{ type: 'pickup', locationId: shop.storeA }], contact: { email: 'open@example.com' }, payment: { provider: 'manual', method: 'qr' } }));
    const open = (token: string) => t.call('GET', `/v1/orders/${placed.id}`, undefined, { token });
    // Still waiting at store A: store B has nothing to do with it.
    expect((await open(shop.clerkB)).status).toBe(404);
    const f = placed.fulfillments[0];
    await ok(t.call('POST', `/v1/fulfillments/${f.id}/ready`, undefined, { token: shop.clerkA }), 200);
    await ok(t.call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, { token: shop.clerkA }), 200);
    expect((await open(shop.clerkB)).body).toMatchObject({ id: placed.id, status: 'fulfilled' });
    // A store that takes no returns neither opens it nor takes the goods back.
    const kiosk = (await ok(t.call('POST', '/v1/locations', { kind: 'store', code: 'KIOSK', name: 'Kiosk', address: ADDRESS, geo: { lat: 31.2, lng: 121.4 }, timezone: 'Asia/Shanghai', services: ['pickup'] }))).id;
    const kioskClerk = await t.staff('clerk', [kiosk]);
    expect((await open(kioskClerk)).status).toBe(404);
    const refused = await t.call('POST', `/v1/orders/${placed.id}/returns`, { locationId: kiosk, lines: [{ orderLineId: placed.lines[0].id, quantity: 1 }], reason: 'x' }, { token: kioskClerk });
    expect(refused.body).toMatchObject({ status: 422, code: 'service_unavailable', field: 'locationId' });
    expect((await ok(t.call('GET', `/v1/orders/${placed.id}`), 200)).refundedAmount).toBe(0);
  });

  it('concurrent returns of one line never exceed what was sold', async () => {
    const order = await collectedOrder([{ variantId: shop.mug, quantity: 3 }]);
    const line = order.lines[0];
    const atB = await stockOf(t, shop.mug, shop.storeB);
    const results = await Promise.all(Array.from({ length: 8 }, () => t.call('POST', `/v1/orders/${order.id}/returns`, { locationId: shop.storeB, lines: [{ orderLineId: line.id, quantity: 1 }], reason: 'race' }, { token: shop.clerkB })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status !== 201).every((r) => ['return_exceeds_sold', 'not_returnable'].includes(r.body.code))).toBe(true);
    const after = await ok(t.call('GET', `/v1/orders/${order.id}`), 200);
    expect(after).toMatchObject({ status: 'refunded', refundedAmount: 3 * 1999 });
    expect(after.lines[0].returnedQuantity).toBe(3);
    expect(await stockOf(t, shop.mug, shop.storeB)).toEqual({ onHand: atB.onHand + 3, reserved: atB.reserved });
  });

  it('returns close when the return window after fulfilment has passed', async () => {
    const order = await collectedOrder([{ variantId: shop.mug, quantity: 1 }]);
    // Thirty-one days later (the window is thirty):
    await t.omni.database.db.updateTable('fulfillment').set({ fulfilled_at: new Date(Date.now() - 31 * 86400_000) }).where('order_id', '=', order.id).execute();
    const late = await t.call('POST', `/v1/orders/${order.id}/returns`, { locationId: shop.storeB, lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], reason: 'late' }, { token: shop.clerkB });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'return_window_closed', field: 'lines.0.orderLineId' });
    expect((await ok(t.call('GET', `/v1/orders/${order.id}`), 200)).refundedAmount).toBe(0);
  });

  it('a refund above what was paid is a clear error and changes nothing', async () => {
    const order = await collectedOrder([{ variantId: shop.tee, quantity: 1 }]);
    const goodwill = await ok(t.call('POST', `/v1/orders/${order.id}/refunds`, { amount: 900, reason: 'late pickup' }));
    expect(goodwill).toMatchObject({ status: 'partially_refunded', refundedAmount: 900 });
    // Integrators hear of it once as the order's refund, and once as money back on its payment.
    const heard = async (type: string) => (await ok(t.call('GET', `/v1/events?type=${type}&limit=500`), 200)).data.filter((e: any) => [e.data.orderId, e.data.payment?.reference.id].includes(order.id));
    expect((await heard('refund.created')).map((e: any) => e.data.amount)).toEqual([900]);
    expect((await heard('payment.refunded')).map((e: any) => [e.data.amount, e.data.payment.refundedAmount])).toEqual([[900, 900]]);
    const above = await t.call('POST', `/v1/orders/${order.id}/refunds`, { amount: 9001, reason: 'too much' });
    expect(above.status).toBe(422);
    expect(above.body).toMatchObject({ code: 'refund_exceeds_paid', field: 'amount', refundable: 9000 });
    // Returning the line would refund 9,900 but only 9,000 is left: refused whole, nothing restocked.
    const atB = await stockOf(t, shop.tee, shop.storeB);
    const ret = await t.call('POST', `/v1/orders/${order.id}/returns`, { locationId: shop.storeB, lines: [{ orderLineId: order.lines[0].id, quantity: 1 }], reason: 'x' }, { token: shop.clerkB });
    expect(ret.body.code).toBe('refund_exceeds_paid');
    expect(await stockOf(t, shop.tee, shop.storeB)).toEqual(atB);
    const after = await ok(t.call('GET', `/v1/orders/${order.id}`), 200);
    expect(after).toMatchObject({ refundedAmount: 900 });
    expect(after.lines[0].returnedQuantity).toBe(0);
    expect((await ok(t.call('GET', `/v1/payments/${order.paymentId}`), 200)).refundedAmount).toBe(900);
  });
});

describe('shoppers and clerks see their own orders', () => {
  it("a signed-in shopper sees their orders, guest orders placed with their phone included, and nobody else's", async () => {
    const phone = '+8613700137000';
    const guestOrder = await collectedOrder([{ variantId: shop.mug, quantity: 1 }], { phone });
    const stranger = await collectedOrder([{ variantId: shop.mug, quantity: 1 }], { email: 'someone@example.com' });
    expect((await t.call('POST', '/v1/shopper/auth/codes', { phone }, { token: null })).status).toBe(202);
    const session = await ok(t.call('POST', '/v1/shopper/auth/sessions', { phone, code: codeIn(sms.messages.at(-1)!.body.text) }, { token: null }));
    const token = session.token;

    const cart = await ok(t.call('POST', '/v1/carts', { channelId: shop.web }, { token }));
    expect(cart.customerId).toBe(guestOrder.customerId);
    await ok(t.call('POST', `/v1/carts/${cart.id}/lines`, { variantId: shop.tee, quantity: 1 }, { token }), 200);
    const mine = await ok(t.call('POST', `/v1/carts/${cart.id}/checkout`, { fulfillment: [{ type: 'pickup', locationId: shop.storeB }], payment: { provider: 'test' } }, { token }));
    expect(mine.customerId).toBe(guestOrder.customerId);

    const list = await ok(t.call('GET', '/v1/shopper/orders', undefined, { token }), 200);
    expect(list.data.map((o: any) => o.id).sort()).toEqual([guestOrder.id, mine.id].sort());
    expect((await t.call('GET', `/v1/orders/${stranger.id}`, undefined, { token })).status).toBe(404);
    expect((await t.call('GET', '/v1/orders', undefined, { token })).status).toBe(403);
  });

  it('a clerk lists only orders of their stores', async () => {
    const atB = await ok(t.call('GET', '/v1/orders?limit=100', undefined, { token: shop.clerkB }), 200);
    expect(atB.data.length).toBeGreaterThan(0);
    expect(atB.data.every((o: any) => o.locationIds.includes(shop.storeB))).toBe(true);
  });
});
