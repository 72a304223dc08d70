import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { adjustStock } from '../inventory/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const daily = (open: string, close: string) =>
  Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [{ open, close }]]));

let seq = 0;
async function addLocation(over: Record<string, unknown> & { geo: { lat: number; lng: number } }) {
  const res = await t.call('POST', '/v1/locations', {
    kind: 'store',
    code: `N-${++seq}`,
    name: `Store ${seq}`,
    address: { line1: `${seq} Test Rd`, city: 'Shanghai', country: 'CN' },
    timezone: 'Asia/Shanghai',
    openingHours: daily('10:00', '22:00'),
    services: ['pickup'],
    ...over,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; code: string };
}

/** Great-circle distance on the same sphere the API uses, to check its answers independently. */
function haversine(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const r = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * r) / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lng - a.lng) * r) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const square = { lat: 31.2304, lng: 121.4737 }; // People's Square, Shanghai
const monNoonShanghai = '2026-11-23T04:00:00Z';
let s: Record<string, { id: string; code: string }> = {};

describe('store locator', () => {
  beforeAll(async () => {
    s = {
      square: await addLocation({ geo: square }),
      jingan: await addLocation({ geo: { lat: 31.229, lng: 121.448 }, services: ['pickup', 'returns'] }),
      bund: await addLocation({ geo: { lat: 31.2397, lng: 121.4998 }, openingHours: daily('18:00', '02:00') }),
      warehouse: await addLocation({ kind: 'warehouse', geo: { lat: 31.2305, lng: 121.4738 } }),
      closedDown: await addLocation({ geo: { lat: 31.2306, lng: 121.4739 }, active: false }),
      beijing: await addLocation({ geo: { lat: 39.9087, lng: 116.3975 }, address: { line1: '1 Wangfujing', city: 'Beijing', country: 'CN' } }),
      berlin: await addLocation({ geo: { lat: 52.52, lng: 13.405 }, timezone: 'Europe/Berlin', partnerId: 'ptn_berlin', openingHours: daily('10:00', '20:00'), address: { line1: 'Alexanderplatz 1', city: 'Berlin', country: 'DE' } }),
    };
  });

  it('returns the nearest active stores first with great-circle distances in metres', async () => {
    const res = await t.call('GET', `/v1/stores/nearby?lat=${square.lat}&lng=${square.lng}&limit=4`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((l: any) => l.id)).toEqual([s.square.id, s.jingan.id, s.bund.id, s.beijing.id]);
    for (const l of res.body.data) expect(Math.abs(l.distanceM - haversine(square, l.geo))).toBeLessThanOrEqual(1);
    expect(res.body.data[0].distanceM).toBe(0);
    // Jing'an is about 2.4 km west, Beijing about 1,070 km north.
    expect(res.body.data[1].distanceM).toBeGreaterThan(2_300);
    expect(res.body.data[1].distanceM).toBeLessThan(2_500);
    expect(res.body.data[3].distanceM).toBeGreaterThan(1_000_000);
    expect(res.body.data[3].distanceM).toBeLessThan(1_100_000);
  });

  it('says whether each store is open in its own time zone and when that changes', async () => {
    const res = await t.call('GET', `/v1/stores/nearby?lat=${square.lat}&lng=${square.lng}&limit=10&at=${monNoonShanghai}`);
    const by = Object.fromEntries(res.body.data.map((l: any) => [l.id, l]));
    expect(by[s.square.id]).toMatchObject({ openNow: true, closesAt: '2026-11-23T14:00:00.000Z', opensAt: null });
    expect(by[s.bund.id]).toMatchObject({ openNow: false, opensAt: '2026-11-23T10:00:00.000Z', closesAt: null });
    // 05:00 in Berlin: opens at 10:00 CET.
    expect(by[s.berlin.id]).toMatchObject({ openNow: false, opensAt: '2026-11-23T09:00:00.000Z' });
  });

  it('openNow keeps only open stores and keeps looking further out for them', async () => {
    const res = await t.call('GET', `/v1/stores/nearby?lat=${square.lat}&lng=${square.lng}&limit=3&openNow=true&at=${monNoonShanghai}`);
    expect(res.body.data.map((l: any) => l.id)).toEqual([s.square.id, s.jingan.id, s.beijing.id]);
    const late = await t.call('GET', `/v1/stores/nearby?lat=${square.lat}&lng=${square.lng}&limit=3&openNow=true&at=2026-11-23T17:00:00Z`);
    // 01:00 in Shanghai: only the night store; 18:00 in Berlin: the Berlin store, 8,000 km away.
    expect(late.body.data.map((l: any) => l.id)).toEqual([s.bund.id, s.berlin.id]);
  });

  it('leaves out stores beyond maxDistanceM', async () => {
    const res = await t.call('GET', `/v1/stores/nearby?lat=${square.lat}&lng=${square.lng}&maxDistanceM=2500`);
    expect(res.body.data.map((l: any) => l.id)).toEqual([s.square.id, s.jingan.id]);
  });

  it('filters by service', async () => {
    const res = await t.call('GET', `/v1/stores/nearby?lat=${square.lat}&lng=${square.lng}&service=returns`);
    expect(res.body.data.map((l: any) => l.id)).toEqual([s.jingan.id]);
  });

  it.each([
    ['lat', 'lat=91&lng=121'],
    ['lat', 'lat=abc&lng=121'],
    ['lng', 'lat=31&lng=-181'],
    ['lng', 'lat=31'],
    ['limit', 'lat=31&lng=121&limit=0'],
    ['quantity', 'lat=31&lng=121&variantIds=var_a&quantity=0'],
  ])('a bad %s is a 400 naming it', async (field, qs) => {
    const res = await t.call('GET', `/v1/stores/nearby?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', field });
  });

  it('with variants, keeps only stores holding the quantity of every one and shows it', async () => {
    const product = await t.call('POST', '/v1/products', {
      title: 'Sunglasses',
      status: 'active',
      variants: [{ sku: 'SUN-BLK' }, { sku: 'SUN-TRT' }],
    });
    expect(product.status).toBe(201);
    const [v1, v2] = product.body.variants.map((v: any) => v.id);
    const sys = t.ctx;
    const stock: Array<[string, string, number]> = [
      [s.square.id, v1, 5],
      [s.jingan.id, v1, 2], [s.jingan.id, v2, 3],
      [s.bund.id, v1, 10], [s.bund.id, v2, 10],
      [s.beijing.id, v1, 1], [s.beijing.id, v2, 1],
    ];
    for (const [locationId, variantId, delta] of stock) await adjustStock(sys, { locationId, variantId, delta, reason: 'receipt' });

    const url = (extra: string) => `/v1/stores/nearby?lat=${square.lat}&lng=${square.lng}&variantIds=${v1},${v2}${extra}`;
    const one = await t.call('GET', url(''));
    expect(one.status).toBe(200);
    expect(one.body.data.map((l: any) => l.id)).toEqual([s.jingan.id, s.bund.id, s.beijing.id]);
    expect(one.body.data[0].stock).toEqual([{ variantId: v1, available: 2 }, { variantId: v2, available: 3 }]);
    const two = await t.call('GET', url('&quantity=2&limit=1'));
    expect(two.body.data.map((l: any) => l.id)).toEqual([s.jingan.id]);
    const three = await t.call('GET', url('&quantity=3'));
    expect(three.body.data.map((l: any) => l.id)).toEqual([s.bund.id]);
    const openWithStock = await t.call('GET', url(`&openNow=true&at=${monNoonShanghai}`));
    expect(openWithStock.body.data.map((l: any) => l.id)).toEqual([s.jingan.id, s.beijing.id]);

    // A storefront key sees stores, and stock only when it may read inventory.
    const catalogOnly = await t.apiKey(['catalog:read'], 'publishable');
    expect((await t.call('GET', `/v1/stores/nearby?lat=31&lng=121`, undefined, { token: catalogOnly })).status).toBe(200);
    expect((await t.call('GET', url(''), undefined, { token: catalogOnly })).status).toBe(403);
    const withStock = await t.apiKey(['catalog:read', 'inventory:read'], 'publishable');
    expect((await t.call('GET', url(''), undefined, { token: withStock })).body.data).toHaveLength(3);
  });

  it('finds the same nearest stores as a brute-force scan among 1,500 spread over the globe', async () => {
    // Cities, the antimeridian and the poles: where bounding boxes go wrong.
    const anchors = [square, { lat: 39.9, lng: 116.4 }, { lat: -17.8, lng: 179.9 }, { lat: -13.8, lng: -179.9 }, { lat: 89.6, lng: 10 }, { lat: -89.5, lng: -120 }, { lat: 0, lng: 0 }];
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const points = Array.from({ length: 1500 }, (_, i) => {
      if (i % 3 === 0) return { lat: rand() * 180 - 90, lng: rand() * 360 - 180 };
      const a = anchors[i % anchors.length];
      const lat = Math.max(-90, Math.min(90, a.lat + (rand() - 0.5) * 2));
      let lng = a.lng + (rand() - 0.5) * 4;
      if (lng > 180) lng -= 360;
      if (lng < -180) lng += 360;
      return { lat, lng };
    });
    // Bulk-loaded straight into the table: 1,500 API calls would only slow the test down.
    await sql`INSERT INTO location (id, kind, code, name, address, lat, lng, timezone, services)
      SELECT 'loc_bulk' || n, 'store', 'BULK-' || n, 'Bulk ' || n, '{"line1":"x","line2":null,"city":"y","region":null,"postalCode":null,"country":"CN"}', lat, lng, 'UTC', '{pickup}'
      FROM unnest(${points.map((p) => p.lat)}::float8[], ${points.map((p) => p.lng)}::float8[]) WITH ORDINALITY AS p(lat, lng, n)`.execute(t.omni.database.db);

    const all: any[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page: any = await t.call('GET', `/v1/locations?kind=store&active=true&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      all.push(...page.body.data);
      cursor = page.body.nextCursor;
    }
    expect(all.length).toBeGreaterThan(1500);
    const queries = [...anchors, { lat: 60, lng: 179.99 }, { lat: -45, lng: -179.99 }, { lat: 90, lng: 0 }, { lat: -90, lng: 0 }, { lat: 12.3, lng: 45.6 }];
    for (const at of queries) {
      const res = await t.call('GET', `/v1/stores/nearby?lat=${at.lat}&lng=${at.lng}&limit=10`);
      const expected = all.map((l) => ({ id: l.id, d: haversine(at, l.geo) })).sort((a, b) => a.d - b.d).slice(0, 10);
      const got = res.body.data.map((l: any) => l.distanceM);
      expect(got, `near ${at.lat},${at.lng}`).toEqual(expected.map((e) => Math.round(e.d)));
    }
  });
});
