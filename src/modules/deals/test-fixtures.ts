import { expect } from 'vitest';
import type { TestApp } from '../../../tests/harness.js';
import { codeIn, type ReceivedMail } from '../../../tests/inboxes.js';
import { findOrCreateCustomer } from '../customers/index.js';

/**
 * A shop for deals tests, set up through the API as a merchant would: a web channel and an app
 * channel, one store that offers pickup, a teapot in stock there and a tea tasting sold as an
 * e-voucher. Shoppers sign in by email code or are customers a staff member opens carts for.
 */

export async function ok(p: Promise<{ status: number; body: any }>, status = 200): Promise<any> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

export interface DealShop {
  web: string;
  app: string;
  store: string;
  teapot: string;
  cup: string;
  tasting: string;
  clerk: string;
  storefrontKey: string;
}

export const TEAPOT_PRICE = 20000;

export async function setUpDealShop(t: TestApp, stock = 200): Promise<DealShop> {
  const channel = async (code: string, kind: string) => (await ok(t.call('POST', '/v1/channels', { code, name: code, kind, currency: 'CNY' }), 201)).id as string;
  const web = await channel('web', 'web');
  const app = await channel('app', 'app');
  const store = (await ok(t.call('POST', '/v1/locations', {
    kind: 'store', code: 'TEA-1', name: 'Tea house', address: { line1: '8 Fuxing Rd', city: 'Shanghai', country: 'CN' },
    geo: { lat: 31.2, lng: 121.45 }, timezone: 'Asia/Shanghai', services: ['pickup', 'vouchers'],
  }), 201)).id as string;
  for (const c of [web, app]) await ok(t.call('PUT', `/v1/channels/${c}/locations`, { locations: [{ locationId: store }] }));
  const product = async (title: string, sku: string, amount: number, type: 'physical' | 'service') =>
    (await ok(t.call('POST', '/v1/products', { title, status: 'active', type, variants: [{ sku, prices: [{ currency: 'CNY', amount }] }], channelIds: [web, app] }), 201)).variants[0].id as string;
  const teapot = await product('Teapot', 'POT', TEAPOT_PRICE, 'physical');
  const cup = await product('Cup', 'CUP', 3000, 'physical');
  const tasting = await product('Tea tasting', 'TASTE', 8800, 'service');
  await ok(t.call('POST', '/v1/voucher-templates', { name: 'Tea tasting', variantId: tasting, usesPerVoucher: 1, validity: { days: 30 }, validAt: { scope: 'own_stores' }, faceValue: { amount: 8800, currency: 'CNY' } }), 201);
  for (const variantId of [teapot, cup]) await ok(t.call('POST', '/v1/stock/adjustments', { variantId, locationId: store, delta: stock, reason: 'receipt' }), 201);
  return { web, app, store, teapot, cup, tasting, clerk: await t.staff('clerk', [store]), storefrontKey: await t.apiKey(['catalog:read'], 'publishable') };
}

/** Signs a shopper in by email code, as the storefront does. */
export async function signIn(t: TestApp, mails: ReceivedMail[], email: string): Promise<{ token: string; customerId: string }> {
  await ok(t.call('POST', '/v1/shopper/auth/codes', { email }, { token: null }), 202);
  const code = codeIn(mails.filter((m) => m.to.includes(email)).at(-1)!.text);
  const session = await ok(t.call('POST', '/v1/shopper/auth/sessions', { email, code }, { token: null }), 201);
  return { token: session.token, customerId: session.customer.id };
}

let n = 0;
/** A customer staff open carts for (many shoppers at once, without signing each in). */
export async function newCustomer(t: TestApp): Promise<string> {
  return (await findOrCreateCustomer(t.ctx, { email: `buyer${++n}@deals.test` })).id;
}

export type Offer = { kind: 'flash_sale' | 'group_buy'; id: string };

/**
 * A cart with one line bought under an offer: the signed-in shopper's own (token), a customer's
 * opened by staff (customerId), or a guest's through the storefront key.
 */
export async function offerCart(
  t: TestApp,
  shop: DealShop,
  who: { token: string } | { customerId: string } | 'guest',
  line: { variantId: string; quantity?: number; offer: Offer },
  channelId = shop.web,
): Promise<{ id: string; token: string; view: any }> {
  const token = who === 'guest' ? shop.storefrontKey : 'token' in who ? who.token : t.ownerToken;
  const body = who !== 'guest' && 'customerId' in who ? { channelId, customerId: who.customerId } : { channelId };
  const cart = await ok(t.call('POST', '/v1/carts', body, { token }), 201);
  const view = await ok(t.call('POST', `/v1/carts/${cart.id}/lines`, { variantId: line.variantId, quantity: line.quantity ?? 1, offer: line.offer }, { token }));
  return { id: cart.id, token, view };
}

/**
 * Checks a cart out, goods for pickup at the store (e-vouchers need no fulfilment); `test` payments
 * stay pending (nothing settles them here). A `manual` payment is recorded by staff (the owner),
 * the cart's own caller checks out with `test`.
 */
export function checkOut(t: TestApp, shop: DealShop, cart: { id: string; token: string }, opts: { provider?: 'manual' | 'test'; pickup?: boolean } = {}) {
  const provider = opts.provider ?? 'manual';
  return t.call('POST', `/v1/carts/${cart.id}/checkout`, {
    ...(opts.pickup === false ? {} : { fulfillment: [{ type: 'pickup', locationId: shop.store }] }),
    contact: { email: 'guest@deals.test' },
    payment: provider === 'manual' ? { provider, method: 'card' } : { provider },
  }, { token: provider === 'manual' ? undefined : cart.token });
}

export const inAMinute = (minutes = 1) => new Date(Date.now() + minutes * 60_000).toISOString();

export async function eventsOf(t: TestApp, type: string): Promise<any[]> {
  const rows = await t.omni.database.db.selectFrom('outbox_event').select('payload').where('type', '=', type).orderBy('id').execute();
  return rows.map((r: any) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
}
