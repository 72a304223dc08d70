import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { mailInbox } from '../../../tests/inboxes.js';
import { failExpiredGroups } from './index.js';
import { checkOut, eventsOf, inAMinute, newCustomer, offerCart, ok, setUpDealShop, signIn, type DealShop } from './test-fixtures.js';

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

const deal = (body: Record<string, unknown> = {}) =>
  ok(t.call('POST', '/v1/group-buy-deals', {
    name: 'Teapot for three', variantId: shop.teapot, price: { amount: 12000, currency: 'CNY' }, groupSize: 3, timeLimitMinutes: 60,
    startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: inAMinute(24 * 60), status: 'active', ...body,
  }), 201);

const groupBuy = (id: string) => ({ kind: 'group_buy' as const, id });
const customer = async () => ({ customerId: await newCustomer(t) });
const drain = () => t.omni.worker.drain();
const order = (id: string) => ok(t.call('GET', `/v1/orders/${id}`));
const group = (id: string) => ok(t.call('GET', `/v1/shop/group-buys/${id}`, undefined, { token: null }));

/** Opens a group for a new customer, paid at once; returns the group id and the order. */
async function openGroup(dealId: string, variantId = shop.teapot, pickup = true): Promise<{ groupId: string; order: any }> {
  const opened = await ok(checkOut(t, shop, await offerCart(t, shop, await customer(), { variantId, offer: groupBuy(dealId) }), { pickup }), 201);
  const [e] = (await eventsOf(t, 'group_buy.opened')).filter((x) => x.orderId === opened.id);
  return { groupId: e.id, order: opened };
}

async function join(groupId: string, who: { customerId: string } | { token: string }, opts: { variantId?: string; provider?: 'manual' | 'test'; pickup?: boolean } = {}) {
  return checkOut(t, shop, await offerCart(t, shop, who, { variantId: opts.variantId ?? shop.teapot, offer: groupBuy(groupId) }), opts);
}

describe('group buys: staff set deals up', () => {
  it('refuses bad terms with the field at fault', async () => {
    const base = { name: 'Bad', variantId: shop.teapot, price: { amount: 100, currency: 'CNY' }, groupSize: 2, timeLimitMinutes: 30, startsAt: inAMinute(), endsAt: inAMinute(60) };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ groupSize: 1 }, 400, 'groupSize'],
      [{ groupSize: 101 }, 400, 'groupSize'],
      [{ timeLimitMinutes: 0 }, 400, 'timeLimitMinutes'],
      [{ price: { amount: 0, currency: 'CNY' } }, 400, 'price.amount'],
      [{ endsAt: inAMinute(-1) }, 400, 'endsAt'],
      [{ variantId: 'var_nope' }, 404, 'variantId'],
    ];
    for (const [change, status, field] of cases) {
      const res = await t.call('POST', '/v1/group-buy-deals', { ...base, ...change });
      expect([res.status, res.body.field], JSON.stringify(change)).toEqual([status, field]);
    }
    expect((await ok(t.call('GET', '/v1/group-buy-deals?limit=100'))).data.filter((d: any) => d.name === 'Bad')).toEqual([]);
    const d = await deal({ status: 'draft' });
    expect((await t.call('GET', `/v1/shop/group-buy-deals/${d.id}`, undefined, { token: null })).status).toBe(404);
    expect(await ok(t.call('PATCH', `/v1/group-buy-deals/${d.id}`, { status: 'active', unitsPerMember: 2 }))).toMatchObject({ status: 'active', phase: 'running', unitsPerMember: 2 });
    expect((await ok(t.call('GET', `/v1/shop/group-buy-deals?channelId=${shop.web}`, undefined, { token: null }))).data.map((x: any) => x.id)).toContain(d.id);
    expect((await ok(t.call('GET', `/v1/shop/group-buy-deals/${d.id}`, undefined, { token: shop.storefrontKey }))).groupSize).toBe(3);
  });
});

describe('group buys: shoppers open, share and join', () => {
  it('a group fills up: every member order waits until the last one has paid, then is fulfilled', async () => {
    const d = await deal();
    const mei = await signIn(t, inbox.mails, 'mei@groups.test');
    const cart = await offerCart(t, shop, mei, { variantId: shop.teapot, offer: groupBuy(d.id) });
    expect(cart.view.lines[0]).toMatchObject({ unitPrice: 12000, priceSource: 'group_buy', offerProblem: null });
    const first = await ok(checkOut(t, shop, cart), 201);
    expect(first).toMatchObject({ status: 'paid', waitingFor: 'group_buy', grandTotal: 12000 });
    await drain();

    // Mei finds her group and shares its page: anyone sees seats left, nobody's personal data.
    const [mine] = (await ok(t.call('GET', '/v1/shopper/group-buys', undefined, { token: mei.token }))).data;
    expect(mine).toMatchObject({ dealId: d.id, size: 3, members: 1, seatsLeft: 2, status: 'open', seat: { orderId: first.id, status: 'paid' } });
    expect(mine.sharePath).toBe(`/shop/groups/${mine.id}`);
    const shared = await group(mine.id);
    expect(shared).toMatchObject({ id: mine.id, name: 'Teapot for three', price: { amount: 12000, currency: 'CNY' }, members: 1, seatsLeft: 2 });
    expect(JSON.stringify(shared)).not.toContain(mei.customerId);
    expect(Date.parse(shared.deadline) - Date.parse(shared.openedAt)).toBeCloseTo(3600_000, -4);

    // The store cannot get a waiting order ready.
    const pickup = first.fulfillments[0];
    const early = await t.call('POST', `/v1/fulfillments/${pickup.id}/ready`, {}, { token: shop.clerk });
    expect([early.status, early.body.code]).toEqual([409, 'order_waiting']);

    const lin = await signIn(t, inbox.mails, 'lin@groups.test');
    const second = await ok(join(mine.id, lin), 201);
    expect(second).toMatchObject({ waitingFor: 'group_buy', lines: [expect.objectContaining({ unitPrice: 12000 })] });
    await drain();
    expect(await group(mine.id)).toMatchObject({ members: 2, seatsLeft: 1, status: 'open' });
    expect((await order(first.id)).waitingFor).toBe('group_buy');

    const third = await ok(join(mine.id, await customer()), 201);
    await drain();
    expect(await group(mine.id)).toMatchObject({ members: 3, seatsLeft: 0, status: 'complete', completedAt: expect.any(String) });
    for (const o of [first, second, third]) expect(await order(o.id)).toMatchObject({ status: 'paid', waitingFor: null });
    expect(await ok(t.call('POST', `/v1/fulfillments/${pickup.id}/ready`, {}, { token: shop.clerk }))).toMatchObject({ status: 'paid' });
    expect((await eventsOf(t, 'group_buy.completed')).map((e) => e.id)).toContain(mine.id);

    // Staff see the members and their orders.
    const [staffView] = (await ok(t.call('GET', `/v1/group-buy-deals/${d.id}/groups`))).data;
    expect(staffView.memberList.map((m: any) => m.orderId).sort()).toEqual([first.id, second.id, third.id].sort());
    expect(staffView.memberList[0]).toMatchObject({ customerId: mei.customerId, status: 'paid' });
    expect((await t.call('GET', `/v1/group-buy-deals/${d.id}/groups`, undefined, { token: mei.token })).status).toBe(403);
  });

  it('members whose payments are relayed together all count: the group completes once', async () => {
    const { groupId, order: first } = await openGroup((await deal({ name: 'Teapot, paid together' })).id);
    const others = [await ok(join(groupId, await customer()), 201), await ok(join(groupId, await customer()), 201)];
    await drain();
    expect(await group(groupId)).toMatchObject({ members: 3, seatsLeft: 0, status: 'complete' });
    expect((await eventsOf(t, 'group_buy.completed')).filter((e) => e.id === groupId)).toHaveLength(1);
    for (const o of [first, ...others]) expect(await order(o.id)).toMatchObject({ status: 'paid', waitingFor: null });
  });

  it('e-vouchers of a group buy are issued only when the group is complete', async () => {
    const d = await deal({ name: 'Tasting for two', variantId: shop.tasting, price: { amount: 5000, currency: 'CNY' }, groupSize: 2 });
    const { groupId, order: first } = await openGroup(d.id, shop.tasting, false);
    await drain();
    expect((await ok(t.call('GET', `/v1/vouchers?orderId=${first.id}`))).data).toEqual([]);
    const second = await ok(join(groupId, await customer(), { variantId: shop.tasting, pickup: false }), 201);
    await drain();
    for (const o of [first, second]) expect((await ok(t.call('GET', `/v1/vouchers?orderId=${o.id}`))).data).toHaveLength(1);
  });

  it('refuses a second seat, a full or closed group, a guest, too many units, and another variant', async () => {
    const d = await deal({ groupSize: 2 });
    const opener = await customer();
    const opened = await ok(checkOut(t, shop, await offerCart(t, shop, opener, { variantId: shop.teapot, offer: groupBuy(d.id) })), 201);
    const groupId = (await eventsOf(t, 'group_buy.opened')).find((e) => e.orderId === opened.id).id;
    const refusals: Array<[any, any, string, number]> = [
      [opener, { variantId: shop.teapot, offer: groupBuy(groupId) }, 'group_buy_already_joined', 409],
      ['guest', { variantId: shop.teapot, offer: groupBuy(groupId) }, 'group_buy_requires_sign_in', 422],
      [await customer(), { variantId: shop.teapot, quantity: 2, offer: groupBuy(groupId) }, 'group_buy_limit_reached', 422],
      [await customer(), { variantId: shop.cup, offer: groupBuy(groupId) }, 'offer_not_for_variant', 422],
    ];
    for (const [who, line, code, status] of refusals) {
      const cart = await offerCart(t, shop, who, line);
      expect(cart.view.lines[0].offerProblem?.code).toBe(code);
      const res = await checkOut(t, shop, cart);
      expect([res.status, res.body.code, res.body.field]).toEqual([status, code, 'offer']);
    }
    expect(await group(groupId)).toMatchObject({ members: 1 });

    // Two carts wait for the last seat: the second to check out finds the group full.
    const late = await offerCart(t, shop, await customer(), { variantId: shop.teapot, offer: groupBuy(groupId) });
    await ok(join(groupId, await customer()), 201);
    const full = await checkOut(t, shop, late);
    expect([full.status, full.body.code]).toEqual([409, 'group_buy_full']);
    expect(await group(groupId)).toMatchObject({ members: 2, seatsLeft: 0 });
    // Once both have paid the group is complete, and closed to anyone else.
    await drain();
    expect((await join(groupId, await customer())).body.code).toBe('group_buy_closed');
    const unknown = await offerCart(t, shop, await customer(), { variantId: shop.teapot, offer: groupBuy('grp_nope') });
    expect(unknown.view.lines[0].offerProblem).toMatchObject({ code: 'not_found', field: 'offer' });
  });

  it('an order left unpaid gives its seat back, so someone else can take it', async () => {
    const d = await deal({ groupSize: 2 });
    const { groupId } = await openGroup(d.id);
    const unpaid = await ok(join(groupId, await customer(), { provider: 'test' }), 201);
    expect(unpaid.status).toBe('pending_payment');
    const blocked = await join(groupId, await customer());
    expect(blocked.body.code).toBe('group_buy_full');
    const { expireUnpaidOrders } = await import('../orders/index.js');
    await expireUnpaidOrders(t.omni.database.db, new Date(Date.now() + 3600_000));
    expect(await group(groupId)).toMatchObject({ members: 1, seatsLeft: 1, status: 'open' });
    await ok(join(groupId, await customer()), 201);
    await drain();
    expect((await group(groupId)).status).toBe('complete');
  });

  it('a group still short at its deadline fails: every member order is cancelled and refunded', async () => {
    const d = await deal({ groupSize: 3, timeLimitMinutes: 30 });
    const { groupId, order: first } = await openGroup(d.id);
    const second = await ok(join(groupId, await customer()), 201);
    const unpaid = await ok(join(groupId, await customer(), { provider: 'test' }), 201);
    await drain();
    const db = t.omni.database.db;
    expect(await failExpiredGroups(db, new Date(Date.now() + 10 * 60_000))).toBe(0);
    const later = new Date(Date.now() + 31 * 60_000);
    expect(await failExpiredGroups(db, later)).toBe(1 + 3);
    expect(await failExpiredGroups(db, later)).toBe(0);
    expect(await group(groupId)).toMatchObject({ status: 'failed', seatsLeft: 0, failedAt: expect.any(String) });
    for (const o of [first, second]) expect(await order(o.id)).toMatchObject({ status: 'cancelled', cancelReason: 'group_buy_failed', refundedAmount: 12000 });
    expect(await order(unpaid.id)).toMatchObject({ status: 'cancelled', cancelReason: 'group_buy_failed', refundedAmount: 0 });
    expect((await eventsOf(t, 'group_buy.failed')).filter((e) => e.id === groupId)).toHaveLength(1);
    const refused = await join(groupId, await customer());
    expect(refused.body.code).toBe('group_buy_closed');
  });

  it.skipIf(!onPostgres)('ten shoppers joining a group of three at once: exactly two get a seat', async () => {
    const d = await deal({ groupSize: 3 });
    const { groupId } = await openGroup(d.id);
    const carts = [];
    for (let i = 0; i < 10; i++) carts.push(await offerCart(t, shop, await customer(), { variantId: shop.teapot, offer: groupBuy(groupId) }));
    const results = await Promise.all(carts.map((c) => checkOut(t, shop, c)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(new Set(results.filter((r) => r.status !== 201).map((r) => r.body.code))).toEqual(new Set(['group_buy_full']));
    await drain();
    expect(await group(groupId)).toMatchObject({ members: 3, status: 'complete' });
  });
});
