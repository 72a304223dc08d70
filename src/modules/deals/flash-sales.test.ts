import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { mailInbox } from '../../../tests/inboxes.js';
import { checkOut, eventsOf, inAMinute, newCustomer, offerCart, ok, setUpDealShop, signIn, TEAPOT_PRICE, type DealShop } from './test-fixtures.js';

let t: TestApp;
let shop: DealShop;
let inbox: Awaited<ReturnType<typeof mailInbox>>;
beforeAll(async () => {
  inbox = await mailInbox();
  t = await startTestApp();
  shop = await setUpDealShop(t);
});
afterAll(async () => {
  await t?.close();
  await inbox?.close();
});

const running = (body: Record<string, unknown> = {}) =>
  ok(t.call('POST', '/v1/flash-sales', {
    name: 'Teapot flash sale', variantId: shop.teapot, price: { amount: 9900, currency: 'CNY' },
    startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: inAMinute(60), allotment: 5, perCustomerLimit: 2, status: 'active', ...body,
  }), 201);

const flash = (id: string) => ({ kind: 'flash_sale' as const, id });
const sale = (id: string) => ok(t.call('GET', `/v1/flash-sales/${id}`));
const purchases = (saleId: string) =>
  t.omni.database.db.selectFrom('flash_sale_purchase').selectAll().where('flash_sale_id', '=', saleId).execute() as Promise<any[]>;

describe('flash sales: staff set them up', () => {
  it('refuses bad terms with the field at fault, and creates nothing', async () => {
    const base = { name: 'Bad', variantId: shop.teapot, price: { amount: 100, currency: 'CNY' }, startsAt: inAMinute(), endsAt: inAMinute(60), allotment: 1, perCustomerLimit: 1 };
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ endsAt: inAMinute(-5), startsAt: inAMinute(-10) }, 400, 'validation_failed', 'endsAt'],
      [{ endsAt: inAMinute() , startsAt: inAMinute(5) }, 400, 'validation_failed', 'endsAt'],
      [{ price: { amount: 0, currency: 'CNY' } }, 400, 'validation_failed', 'price.amount'],
      [{ allotment: 0 }, 400, 'validation_failed', 'allotment'],
      [{ perCustomerLimit: 0 }, 400, 'validation_failed', 'perCustomerLimit'],
      [{ variantId: 'var_nope' }, 404, 'not_found', 'variantId'],
      [{ channelIds: [shop.web, 'chn_nope'] }, 404, 'not_found', 'channelIds.1'],
    ];
    for (const [change, status, code, field] of cases) {
      const res = await t.call('POST', '/v1/flash-sales', { ...base, ...change });
      expect([res.status, res.body.code, res.body.field], JSON.stringify(change)).toEqual([status, code, field]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await ok(t.call('GET', '/v1/flash-sales?limit=100'))).data.filter((s: any) => s.name === 'Bad')).toEqual([]);
    // Storefront keys and clerks do not run promotions.
    expect((await t.call('POST', '/v1/flash-sales', base, { token: shop.storefrontKey })).status).toBe(403);
    expect((await t.call('POST', '/v1/flash-sales', base, { token: shop.clerk })).status).toBe(403);
  });

  it('moves draft → active → ended, never back; the allotment cannot go below what is sold', async () => {
    const draft = await ok(t.call('POST', '/v1/flash-sales', { name: 'Later', variantId: shop.cup, price: { amount: 1000, currency: 'CNY' }, startsAt: inAMinute(), endsAt: inAMinute(30), allotment: 3, perCustomerLimit: 1 }), 201);
    expect(draft).toMatchObject({ status: 'draft', phase: 'over', sold: 0, remaining: 3, channelIds: null });
    const active = await ok(t.call('PATCH', `/v1/flash-sales/${draft.id}`, { status: 'active', allotment: 4 }));
    expect(active).toMatchObject({ status: 'active', phase: 'upcoming', remaining: 4 });
    const ended = await ok(t.call('PATCH', `/v1/flash-sales/${draft.id}`, { status: 'ended' }));
    expect(ended.phase).toBe('over');
    const back = await t.call('PATCH', `/v1/flash-sales/${draft.id}`, { status: 'active' });
    expect([back.status, back.body.code, back.body.field]).toEqual([409, 'invalid_state', 'status']);

    const s = await running({ allotment: 3 });
    const buyer = await newCustomer(t);
    await ok(checkOut(t, shop, await offerCart(t, shop, { customerId: buyer }, { variantId: shop.teapot, quantity: 2, offer: flash(s.id) })), 201);
    const lower = await t.call('PATCH', `/v1/flash-sales/${s.id}`, { allotment: 1 });
    expect([lower.status, lower.body.field]).toEqual([400, 'allotment']);
    expect((await sale(s.id)).allotment).toBe(3);
    expect((await eventsOf(t, 'flash_sale.updated')).filter((e) => e.id === draft.id).length).toBe(2);
  });

  it('the storefront lists running and upcoming sales with units left, anonymously; drafts stay hidden', async () => {
    const live = await running({ name: 'Listed now', channelIds: [shop.app] });
    const soon = await ok(t.call('POST', '/v1/flash-sales', { name: 'Listed soon', variantId: shop.cup, price: { amount: 1500, currency: 'CNY' }, startsAt: inAMinute(10), endsAt: inAMinute(20), allotment: 9, perCustomerLimit: 1, status: 'active' }), 201);
    const draft = await ok(t.call('POST', '/v1/flash-sales', { name: 'Listed never', variantId: shop.cup, price: { amount: 1500, currency: 'CNY' }, startsAt: inAMinute(), endsAt: inAMinute(20), allotment: 9, perCustomerLimit: 1 }), 201);
    const all = (await ok(t.call('GET', '/v1/shop/flash-sales', undefined, { token: null }))).data;
    const ids = all.map((s: any) => s.id);
    expect(ids).toEqual(expect.arrayContaining([live.id, soon.id]));
    expect(ids).not.toContain(draft.id);
    expect(all.find((s: any) => s.id === soon.id)).toMatchObject({ phase: 'upcoming', remaining: 9, price: { amount: 1500, currency: 'CNY' } });
    const onWeb = (await ok(t.call('GET', `/v1/shop/flash-sales?channelId=${shop.web}`, undefined, { token: shop.storefrontKey }))).data.map((s: any) => s.id);
    expect(onWeb).toContain(soon.id);
    expect(onWeb).not.toContain(live.id);
    expect((await ok(t.call('GET', `/v1/shop/flash-sales/${live.id}`, undefined, { token: null })))).toMatchObject({ phase: 'running', remaining: 5 });
    expect((await t.call('GET', `/v1/shop/flash-sales/${draft.id}`, undefined, { token: null })).status).toBe(404);
    expect((await t.call('GET', '/v1/flash-sales', undefined, { token: shop.storefrontKey })).status).toBe(403);
  });
});

describe('flash sales: shoppers buy', () => {
  it('the cart line takes the flash price for a signed-in shopper; the order keeps it and the units are counted', async () => {
    const s = await running();
    const mei = await signIn(t, inbox.mails, 'mei@deals.test');
    const cart = await offerCart(t, shop, mei, { variantId: shop.teapot, quantity: 2, offer: flash(s.id) });
    const line = cart.view.lines[0];
    expect(line).toMatchObject({ unitPrice: 9900, priceSource: 'flash_sale', total: 19800, offer: flash(s.id), offerProblem: null });
    const order = await ok(checkOut(t, shop, cart), 201);
    expect(order.lines[0]).toMatchObject({ unitPrice: 9900, priceSource: 'flash_sale', quantity: 2 });
    expect(order).toMatchObject({ status: 'paid', waitingFor: null });
    expect(await sale(s.id)).toMatchObject({ sold: 2, remaining: 3 });
    expect((await ok(t.call('GET', `/v1/shop/flash-sales/${s.id}`, undefined, { token: null }))).remaining).toBe(3);
  });

  it('a guest sees the usual price and why, and cannot check out at the flash price', async () => {
    const s = await running();
    const cart = await offerCart(t, shop, 'guest', { variantId: shop.teapot, offer: flash(s.id) });
    expect(cart.view.lines[0]).toMatchObject({ unitPrice: TEAPOT_PRICE, offerProblem: { code: 'flash_sale_requires_sign_in', field: 'offer' } });
    const res = await checkOut(t, shop, cart);
    expect([res.status, res.body.code, res.body.field]).toEqual([422, 'flash_sale_requires_sign_in', 'offer']);
    expect((await sale(s.id)).sold).toBe(0);
  });

  it('refuses a sale not running, for another variant or another channel', async () => {
    const buyer = { customerId: await newCustomer(t) };
    const later = await running({ startsAt: inAMinute(30), endsAt: inAMinute(60) });
    const appOnly = await running({ channelIds: [shop.app] });
    const cases: Array<[any, string, number]> = [
      [{ variantId: shop.teapot, offer: flash(later.id) }, 'flash_sale_not_running', 409],
      [{ variantId: shop.cup, offer: flash(appOnly.id) }, 'offer_not_for_variant', 422],
      [{ variantId: shop.teapot, offer: flash(appOnly.id) }, 'offer_not_for_channel', 422],
    ];
    for (const [line, code, status] of cases) {
      const cart = await offerCart(t, shop, buyer, line);
      expect(cart.view.lines[0].offerProblem?.code).toBe(code);
      const res = await checkOut(t, shop, cart);
      expect([res.status, res.body.code, res.body.field]).toEqual([status, code, 'offer']);
    }
    const unknown = await offerCart(t, shop, buyer, { variantId: shop.teapot, offer: flash('fls_nope') });
    expect(unknown.view.lines[0].offerProblem).toMatchObject({ code: 'not_found', field: 'offer' });
    // On the app it sells.
    await ok(checkOut(t, shop, await offerCart(t, shop, buyer, { variantId: shop.teapot, offer: flash(appOnly.id) }, shop.app)), 201);
  });

  it('the per-shopper limit and the allotment are refused with their codes, taking nothing', async () => {
    const s = await running({ allotment: 3, perCustomerLimit: 2 });
    const lin = { customerId: await newCustomer(t) };
    await ok(checkOut(t, shop, await offerCart(t, shop, lin, { variantId: shop.teapot, quantity: 2, offer: flash(s.id) })), 201);
    const more = await offerCart(t, shop, lin, { variantId: shop.teapot, offer: flash(s.id) });
    expect(more.view.lines[0].offerProblem?.code).toBe('flash_sale_limit_reached');
    const refused = await checkOut(t, shop, more);
    expect([refused.status, refused.body.code, refused.body.field]).toEqual([409, 'flash_sale_limit_reached', 'offer']);

    // Two shoppers each put the last unit in their cart; the second to check out finds it gone.
    const [a, b] = [{ customerId: await newCustomer(t) }, { customerId: await newCustomer(t) }];
    const cartA = await offerCart(t, shop, a, { variantId: shop.teapot, offer: flash(s.id) });
    const cartB = await offerCart(t, shop, b, { variantId: shop.teapot, offer: flash(s.id) });
    await ok(checkOut(t, shop, cartA), 201);
    const gone = await checkOut(t, shop, cartB);
    expect([gone.status, gone.body.code]).toEqual([409, 'flash_sale_sold_out']);
    expect((await ok(t.call('GET', `/v1/carts/${cartB.id}`, undefined, { token: cartB.token }))).status).toBe('open');
    expect(await sale(s.id)).toMatchObject({ sold: 3, remaining: 0 });
    expect((await purchases(s.id)).length).toBe(2);
    expect((await eventsOf(t, 'flash_sale.sold_out')).map((e) => e.id)).toContain(s.id);
    expect((await ok(t.call('GET', `/v1/shop/flash-sales?variantId=${shop.teapot}`, undefined, { token: null }))).data.find((x: any) => x.id === s.id).remaining).toBe(0);
  });

  it('cancelling an order gives its units back to the sale and to the shopper, once', async () => {
    const s = await running({ allotment: 2, perCustomerLimit: 2 });
    const mei = await signIn(t, inbox.mails, 'mei.cancel@deals.test');
    const order = await ok(checkOut(t, shop, await offerCart(t, shop, mei, { variantId: shop.teapot, quantity: 2, offer: flash(s.id) })), 201);
    expect((await sale(s.id)).remaining).toBe(0);
    const cancelled = await ok(t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'changed my mind' }, { token: mei.token }));
    expect(cancelled).toMatchObject({ status: 'cancelled', refundedAmount: 19800 });
    expect(await sale(s.id)).toMatchObject({ sold: 0, remaining: 2 });
    expect((await t.call('POST', `/v1/orders/${order.id}/cancel`, { reason: 'again' }, { token: mei.token })).status).toBe(409);
    expect((await sale(s.id)).sold).toBe(0);
    // The limit counts only what was kept: the shopper may buy both units again.
    await ok(checkOut(t, shop, await offerCart(t, shop, mei, { variantId: shop.teapot, quantity: 2, offer: flash(s.id) })), 201);
    const rows = await purchases(s.id);
    expect(rows.map((r) => r.released_at === null).sort()).toEqual([false, true]);
  });

  it('an unpaid order expiring gives its units back', async () => {
    const s = await running({ allotment: 1 });
    const buyer = { customerId: await newCustomer(t) };
    const order = await ok(checkOut(t, shop, await offerCart(t, shop, buyer, { variantId: shop.teapot, offer: flash(s.id) }), { provider: 'test' }), 201);
    expect(order.status).toBe('pending_payment');
    expect((await sale(s.id)).remaining).toBe(0);
    const { expireUnpaidOrders } = await import('../orders/index.js');
    expect(await expireUnpaidOrders(t.omni.database.db, new Date(Date.now() + 3600_000))).toBeGreaterThanOrEqual(1);
    expect((await sale(s.id)).remaining).toBe(1);
  });

  it.skipIf(!onPostgres)('forty shoppers checking out at once for ten units: exactly ten are sold', async () => {
    const s = await running({ allotment: 10, perCustomerLimit: 1 });
    const carts = [];
    for (let i = 0; i < 40; i++) carts.push(await offerCart(t, shop, { customerId: await newCustomer(t) }, { variantId: shop.teapot, offer: flash(s.id) }));
    const results = await Promise.all(carts.map((c) => checkOut(t, shop, c)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 201).length).toBe(10);
    expect(results.filter((r) => r.status !== 201).every((r) => r.body.code === 'flash_sale_sold_out')).toBe(true);
    const kept = (await purchases(s.id)).filter((p) => p.released_at === null);
    expect(await sale(s.id)).toMatchObject({ sold: 10, remaining: 0 });
    expect(kept.reduce((sum, p) => sum + p.quantity, 0)).toBe(10);
  });
});
