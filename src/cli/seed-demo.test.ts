import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../tests/harness.js';
import { addDays, localDate } from '../platform/zoned-time.js';
import { seedDemo } from './seed-demo.js';

/** The demo brand arrives with a month of trade: the operator's dashboard has something to show. */
describe('demo seed', () => {
  let t: TestApp;
  let orders: any[];

  beforeAll(async () => {
    t = await startTestApp();
    await seedDemo(t.omni);
    orders = [];
    for (let after = ''; ;) {
      const page = (await t.call('GET', `/v1/orders?limit=100${after ? `&after=${after}` : ''}`)).body;
      orders.push(...page.data);
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
  }, 120_000);

  afterAll(() => t?.close());

  // The dashboard counts orders by the day they were placed, in the operator's (here: this machine's) zone.
  const day = (iso: string) => {
    const d = new Date(iso);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  const storeOf = (o: any) => o.fulfillments.find((f: any) => f.locationId)?.locationId ?? o.locationIds?.[0];

  it('has orders today and on most of the last 30 days, on several channels and at every store', () => {
    const today = day(new Date().toISOString());
    const since = Date.now() - 30 * 86400_000;
    const todays = orders.filter((o) => day(o.createdAt) === today);
    const past = orders.filter((o) => day(o.createdAt) < today && Date.parse(o.createdAt) >= since);
    expect(todays.length).toBeGreaterThan(10);
    expect(new Set(past.map((o) => day(o.createdAt))).size).toBeGreaterThanOrEqual(25);
    for (const set of [todays, past]) {
      expect(new Set(set.map((o) => o.channelId)).size).toBeGreaterThan(2);
      expect(new Set(set.map(storeOf)).size).toBeGreaterThan(2);
    }
    // Paid before it was handed over, and never in the future.
    for (const o of past) {
      expect(Date.parse(o.paidAt ?? o.createdAt)).toBeGreaterThanOrEqual(Date.parse(o.createdAt));
      expect(Date.parse(o.createdAt)).toBeLessThan(Date.now());
    }
    // Newest first by id is also newest first by time, so the dashboard can stop paging at 30 days.
    const times = orders.map((o) => Date.parse(o.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('has pickups collected, ready and waiting, deliveries on their way, and redeemed vouchers', async () => {
    const pickups = orders.flatMap((o) => o.fulfillments.filter((f: any) => f.type === 'pickup'));
    for (const status of ['picked_up', 'ready', 'pending']) expect(pickups.some((f: any) => f.status === status)).toBe(true);
    const deliveries = orders.flatMap((o) => o.fulfillments.filter((f: any) => f.type === 'delivery'));
    for (const status of ['delivered', 'shipped', 'pending']) expect(deliveries.some((f: any) => f.status === status)).toBe(true);
    const vouchers = (await t.call('GET', '/v1/vouchers?limit=100')).body.data;
    expect(vouchers.some((v: any) => v.usesLeft < v.usesTotal)).toBe(true);
    expect(vouchers.some((v: any) => v.usesLeft === v.usesTotal)).toBe(true);
  });

  it('leaves the stock ledger matching the sales: what stores sold left their shelves', async () => {
    const sold = orders.filter((o) => o.channelKind === 'pos').flatMap((o) => o.lines);
    const { body } = await t.call('GET', `/v1/stock?variantId=${sold[0].variantId}`);
    expect(body.data.every((l: any) => l.onHand >= 0 && l.available <= l.onHand)).toBe(true);
  });

  it('has members whose older orders earned points they can spend, and recent ones still frozen', async () => {
    const old = orders.find((o) => o.customerId && o.channelKind !== 'pos' && Date.parse(o.createdAt) < Date.now() - 14 * 86400_000);
    const member = (await t.call('GET', `/v1/members/${old.customerId}`)).body;
    expect(member.balance).toBeGreaterThan(0);
    const members = await Promise.all([...new Set(orders.filter((o) => o.customerId).map((o) => o.customerId))].map(async (id) => (await t.call('GET', `/v1/members/${id}`)).body));
    expect(members.some((m) => m.frozen > 0)).toBe(true);
  });

  it('has appointments booked at the stores that take them', async () => {
    const stores = (await t.call('GET', '/v1/locations?service=appointments')).body.data;
    const today = localDate(Date.now(), 'Asia/Shanghai');
    let booked = 0;
    for (const s of stores) for (const d of [0, 1, 2]) booked += (await t.call('GET', `/v1/appointments?locationId=${s.id}&date=${addDays(today, d)}`)).body.data.length;
    expect(booked).toBeGreaterThanOrEqual(stores.length * 2);
  });

  it("has a partner optician whose store redeemed the brand's lens voucher, owed on its statement", async () => {
    const [partner] = (await t.call('GET', '/v1/partners')).body.data;
    expect(partner.name).toContain('Bright Optics');
    const from = new Date(Date.now() - 86400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const statement = (await t.call('GET', `/v1/partners/${partner.id}/statement?from=${from}&to=${to}`)).body;
    expect(statement.totals).toMatchObject({ redemptions: 2, net: 2 * 12000 });
    // Its clerk signs in, sees their partner's statement and none of the brand's customers.
    const { token } = (await t.call('POST', '/v1/auth/sessions', { email: 'clerk.partner@demo.omniloop.dev', password: 'omniloop-demo' }, { token: null })).body;
    expect((await t.call('GET', `/v1/partners/${partner.id}/statement?from=${from}&to=${to}`, undefined, { token })).status).toBe(200);
    expect((await t.call('GET', '/v1/customers?q=a', undefined, { token })).status).toBe(403);
    const unused = (await t.call('GET', '/v1/vouchers?status=active&limit=100', undefined, { token })).body.data;
    expect(unused.length).toBeGreaterThan(0);
  });

  it('does nothing the second time', async () => {
    await seedDemo(t.omni);
    const { body } = await t.call('GET', '/v1/orders?limit=1');
    expect(body.data[0].id).toBe(orders[0].id);
  });
});
