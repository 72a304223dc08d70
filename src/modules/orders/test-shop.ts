import { expect } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { TestApp } from '../../../tests/harness.js';

/**
 * A small shop for order tests, set up through the API as a merchant would: a web and a POS
 * channel, a warehouse and two stores, a T-shirt, a mug, an eye-test service sold as an e-voucher,
 * and stock everywhere.
 */
export interface Shop {
  web: string;
  pos: string;
  warehouse: string;
  storeA: string;
  storeB: string;
  tee: string;
  mug: string;
  eyeTest: string;
  clerkA: string;
  clerkB: string;
  storefrontKey: string;
}

export const ADDRESS = { line1: '1 Nanjing Rd', city: 'Shanghai', country: 'CN' };

async function ok(p: Promise<{ status: number; body: any }>, status = 201): Promise<any> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

export async function setUpShop(t: TestApp, stock = 30): Promise<Shop> {
  const web = (await ok(t.call('POST', '/v1/channels', { code: 'web', name: 'Web shop', kind: 'web', currency: 'CNY' }))).id;
  const pos = (await ok(t.call('POST', '/v1/channels', { code: 'pos', name: 'Stores', kind: 'pos', currency: 'CNY' }))).id;
  const location = async (code: string, kind: 'store' | 'warehouse', lat: number, services: string[]) =>
    (await ok(t.call('POST', '/v1/locations', { kind, code, name: code, address: ADDRESS, geo: { lat, lng: 121.47 }, timezone: 'Asia/Shanghai', services }))).id as string;
  const warehouse = await location('WH', 'warehouse', 31.0, []);
  const storeA = await location('SH-A', 'store', 31.23, ['pickup', 'try_on', 'ship_from_store', 'returns']);
  const storeB = await location('SH-B', 'store', 31.3, ['pickup', 'returns']);
  await ok(t.call('PUT', `/v1/channels/${web}/locations`, { locations: [{ locationId: warehouse, priority: 0 }, { locationId: storeA, priority: 1 }, { locationId: storeB, priority: 2 }] }), 200);
  await ok(t.call('PUT', `/v1/channels/${pos}/locations`, { locations: [{ locationId: storeA }, { locationId: storeB }] }), 200);
  const product = async (title: string, sku: string, amount: number, type: 'physical' | 'service', barcode?: string) => {
    const p = await ok(t.call('POST', '/v1/products', { title, status: 'active', type, variants: [{ sku, barcode, prices: [{ currency: 'CNY', amount }] }], channelIds: [web, pos] }));
    return p.variants[0].id as string;
  };
  const tee = await product('T-shirt', 'TEE-M', 9900, 'physical', '6901234567892');
  const mug = await product('Mug', 'MUG', 1999, 'physical');
  const eyeTest = await product('Eye test', 'EYE', 5000, 'service');
  await ok(t.call('POST', '/v1/voucher-templates', { name: 'Eye test', variantId: eyeTest, usesPerVoucher: 1, validity: { days: 90 }, validAt: { scope: 'own_stores' }, faceValue: { amount: 5000, currency: 'CNY' } }));
  for (const variantId of [tee, mug]) {
    for (const locationId of [warehouse, storeA, storeB]) {
      await ok(t.call('POST', '/v1/stock/adjustments', { variantId, locationId, delta: stock, reason: 'receipt' }));
    }
  }
  return {
    web, pos, warehouse, storeA, storeB, tee, mug, eyeTest,
    clerkA: await t.staff('clerk', [storeA]),
    clerkB: await t.staff('clerk', [storeB]),
    storefrontKey: await t.apiKey(['catalog:read'], 'publishable'),
  };
}

/** On hand and reserved of a variant at a location. */
export async function stockOf(t: TestApp, variantId: string, locationId: string): Promise<{ onHand: number; reserved: number }> {
  const res = await ok(t.call('GET', `/v1/stock?variantId=${variantId}&locationId=${locationId}`), 200);
  const level = res.data.find((l: any) => l.variantId === variantId && l.locationId === locationId);
  return { onHand: level?.onHand ?? 0, reserved: level?.reserved ?? 0 };
}

/** A guest cart on the web shop with these lines, through the storefront key. */
export async function guestCart(t: TestApp, shop: Shop, lines: Array<{ variantId: string; quantity: number }>): Promise<string> {
  const token = shop.storefrontKey;
  const cart = await ok(t.call('POST', '/v1/carts', { channelId: shop.web }, { token }));
  for (const l of lines) await ok(t.call('POST', `/v1/carts/${cart.id}/lines`, l, { token }), 200);
  return cart.id;
}

/**
 * Lets the test payment provider call back: it POSTs its webhook to the public URL, so the app
 * listens on a loopback port; then the worker's jobs are run until nothing is left to do.
 */
export async function settlePayments(t: TestApp): Promise<void> {
  if (!t.omni.app.server.listening) {
    await t.omni.app.listen({ port: 0, host: '127.0.0.1' });
    t.config.publicUrl = `http://127.0.0.1:${(t.omni.app.server.address() as AddressInfo).port}`;
  }
  await t.omni.worker.drain();
}

export { ok };
