import { addDays, localDate, localToInstant, weekday } from '../platform/zoned-time.js';
import { ADDRESSES, SHOPPERS } from './demo-data.js';
import { collectPickup, markPickupReady, placeOnlineOrder, sellAtTill, shipDelivery, vouchersOf, type Call, type Fulfillment, type Line } from './demo-activity.js';
import type { Moment } from './demo-history.js';

/**
 * Four weeks of trade and a busy today for the demo brand: till sales at every store, online orders
 * on every channel for delivery and for pickup at each store, e-vouchers (some redeemed), and
 * appointments. Past orders are placed now and returned as moments to move back in time.
 */

const ZONE = 'Asia/Shanghai';
export const HISTORY_DAYS = 28;
const HOUR = 3600_000;

export interface Shop {
  channels: Record<string, { id: string }>;
  stores: Array<{ id: string; code: string }>;
  /** Physical variants with their price, and the service products sold as vouchers. */
  goods: Array<{ variantId: string; price: number }>;
  services: Array<{ variantId: string }>;
  appointmentServices: Array<{ id: string; locations: Array<{ locationId: string }> }>;
}

type Plan = { at: Date; kind: 'till' | 'delivery' | 'pickup' | 'voucher'; store: { id: string; code: string } };

export async function seedTrade(call: Call, shop: Shop, rand: () => number, tick: () => void): Promise<Moment[]> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  // Store shelves as the seed left them, counted down as the story sells from them.
  const shelves = new Map<string, Map<string, number>>();
  for (const s of shop.stores) {
    const levels = (await call('GET', `/v1/stock?locationId=${s.id}`)).data;
    shelves.set(s.id, new Map(levels.filter((l: any) => l.available > 0).map((l: any) => [l.variantId, l.available])));
  }
  const price = new Map(shop.goods.map((g) => [g.variantId, g.price]));
  /** A variant the store has at least `keep` + 1 of, taken off its shelf. */
  const fromShelf = (storeId: string, keep: number): string => {
    const shelf = shelves.get(storeId)!;
    const id = pick([...shelf].filter(([, n]) => n > keep).map(([v]) => v));
    shelf.set(id, shelf.get(id)! - 1);
    return id;
  };
  const customers = new Map<string, string>();
  const shopper = () => pick(SHOPPERS);
  const online = (chs: string[]) => shop.channels[pick(chs)].id;
  const moments: Moment[] = [];

  const run = async (plan: Plan, past: boolean): Promise<any> => {
    const handedOver = (hours: number) => new Date(Math.min(plan.at.getTime() + hours * HOUR, Date.now() - HOUR));
    const who = shopper();
    let order: any;
    let done = plan.at;
    if (plan.kind === 'till') {
      const lines: Line[] = Array.from({ length: chance(0.3) ? 2 : 1 }, () => ({ variantId: fromShelf(plan.store.id, 0), quantity: 1 }));
      const due = lines.reduce((n, l) => n + price.get(l.variantId)!, 0);
      const method = pick(['cash', 'card', 'qr', 'qr'] as const);
      const member = chance(0.5) ? customers.get(who.email) : undefined;
      order = await sellAtTill(call, { locationId: plan.store.id, lines, customerId: member, method, ...(method === 'cash' ? { tendered: Math.ceil(due / 10000) * 10000 } : {}) });
    } else if (plan.kind === 'voucher') {
      order = await placeOnlineOrder(call, { channelId: online(['web', 'app', 'mini']), lines: [{ variantId: pick(shop.services).variantId, quantity: 1 }], contact: who });
      if (past && chance(0.6)) for (const v of await vouchersOf(call, order.id)) await call('POST', '/v1/vouchers/redeem', { code: v.code, locationId: plan.store.id });
    } else if (plan.kind === 'pickup') {
      const fulfillment: Fulfillment = { type: 'pickup', locationId: plan.store.id };
      order = await placeOnlineOrder(call, { channelId: online(['web', 'app', 'mini']), lines: [{ variantId: fromShelf(plan.store.id, 1), quantity: 1 }], fulfillment, contact: who });
      if (past) {
        await collectPickup(call, order);
        done = handedOver(2 + rand() * 20);
      }
    } else {
      const lines: Line[] = Array.from({ length: chance(0.25) ? 2 : 1 }, () => ({ variantId: pick(shop.goods).variantId, quantity: 1 }));
      const address = { name: who.name, phone: '+8613800000000', ...ADDRESSES[SHOPPERS.indexOf(who) % ADDRESSES.length] };
      order = await placeOnlineOrder(call, { channelId: online(['web', 'app', 'mini', 'tmall', 'tmall']), lines, fulfillment: { type: 'delivery', address }, contact: who });
      if (past) {
        await shipDelivery(call, order, true);
        done = handedOver(24 + rand() * 30);
      }
    }
    if (order.customerId && plan.kind !== 'till') customers.set(who.email, order.customerId);
    if (past) moments.push({ orderId: order.id, at: plan.at, handedOverAt: done });
    return order;
  };

  // The past, oldest day first, each day's sales in time order (ids then sort as the times do).
  const today = localDate(Date.now(), ZONE);
  for (let d = HISTORY_DAYS; d >= 1; d--) {
    const date = addDays(today, -d);
    const busy = [0, 5, 6].includes(weekday(date)) ? 1 : 0;
    const at = () => new Date(localToInstant(date, 630 + Math.floor(rand() * 650), ZONE));
    const plans: Plan[] = [];
    for (const store of shop.stores) for (let i = Math.floor(rand() * 2) + busy; i > 0; i--) plans.push({ at: at(), kind: 'till', store });
    for (let i = 1 + Math.floor(rand() * 2) + busy; i > 0; i--) {
      const r = rand();
      plans.push({ at: at(), kind: r < 0.15 ? 'voucher' : r < 0.6 ? 'delivery' : 'pickup', store: pick(shop.stores) });
    }
    for (const p of plans.sort((a, b) => a.at.getTime() - b.at.getTime())) await run(p, true);
    tick();
  }

  // Today: every store has rung up sales, and has a pickup collected and another ready or to prepare.
  const now = new Date();
  for (const [i, store] of shop.stores.entries()) {
    for (const kind of ['till', 'till'] as const) await run({ at: now, kind, store }, false);
    await collectPickup(call, await run({ at: now, kind: 'pickup', store }, false));
    const waiting = await run({ at: now, kind: 'pickup', store }, false);
    if (i < shop.stores.length - 1) await markPickupReady(call, waiting);
  }
  const sent = await run({ at: now, kind: 'delivery', store: shop.stores[0] }, false);
  await shipDelivery(call, sent, false);
  // Two more wait for the warehouse, on whichever channels they came.
  for (let i = 0; i < 2; i++) await run({ at: now, kind: 'delivery', store: shop.stores[0] }, false);
  const [voucher] = await vouchersOf(call, (await run({ at: now, kind: 'voucher', store: shop.stores[0] }, false)).id);
  await call('POST', '/v1/vouchers/redeem', { code: voucher.code, locationId: shop.stores[0].id });
  await run({ at: now, kind: 'voucher', store: shop.stores[0] }, false);
  await bookAppointments(call, shop, today, rand, [...customers.values()]);
  tick();
  return moments;
}

/** A few appointments today and in the coming days, at the first free slots of each service and store. */
async function bookAppointments(call: Call, shop: Shop, today: string, rand: () => number, members: string[]): Promise<void> {
  for (const service of shop.appointmentServices) {
    for (const { locationId } of service.locations) {
      for (const date of [today, addDays(today, 1), addDays(today, 2)]) {
        const free = (await call('GET', `/v1/stores/${locationId}/appointment-slots?serviceId=${service.id}&date=${date}`)).slots.filter((s: any) => s.remaining > 0);
        const slot = free[Math.floor(rand() * Math.min(free.length, 4))];
        if (!slot) continue;
        const customerId = members[Math.floor(rand() * members.length)];
        await call('POST', '/v1/appointments', { serviceId: service.id, locationId, start: slot.start, customerId, note: 'booked by phone' });
      }
    }
  }
}
