import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { channel, expectLevelsMatchLedger, level, location, receive, variants } from './test-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const atp = async (channelId: string, ids: string[]) => {
  const res = await t.call('GET', `/v1/channels/${channelId}/availability?variantIds=${ids.join(',')}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return Object.fromEntries(res.body.data.map((d: any) => [d.variantId, d.available]));
};

describe('channel availability', () => {
  it('ATP sums what serving locations may promise, minus safety stock, never below 0; a store cap limits online channels only', async () => {
    const [v, w] = await variants(t, 2);
    const store = await location(t);
    const warehouse = await location(t, { kind: 'warehouse' });
    const unserved = await location(t);
    const web = await channel(t, 'web');
    const pos = await channel(t, 'pos');
    expect((await t.call('PUT', `/v1/channels/${web}/locations`, { locations: [{ locationId: warehouse, priority: 1 }, { locationId: store, priority: 2 }] })).status).toBe(200);
    expect((await t.call('PUT', `/v1/channels/${pos}/locations`, { locations: [{ locationId: store }] })).body.kind).toBe('pos');
    await receive(t, v, store, 10);
    await receive(t, v, warehouse, 20);
    await receive(t, v, unserved, 100);
    await receive(t, w, warehouse, 3);
    expect(await atp(web, [v, w])).toEqual({ [v]: 30, [w]: 3 });

    expect((await t.call('PUT', `/v1/channels/${web}/safety-stock`, { quantity: 5, variants: [{ variantId: w, quantity: 0 }] })).status).toBe(200);
    expect(await atp(web, [v, w])).toEqual({ [v]: 25, [w]: 3 });
    await t.call('PUT', `/v1/channels/${web}/safety-stock`, { quantity: 50 });
    expect(await atp(web, [v])).toEqual({ [v]: 0 });
    await t.call('PUT', `/v1/channels/${web}/safety-stock`, { quantity: 0 });

    expect((await t.call('PUT', `/v1/locations/${store}/online-cap`, { cap: 4 })).status).toBe(200);
    expect(await atp(web, [v])).toEqual({ [v]: 24 });
    expect(await atp(pos, [v])).toEqual({ [v]: 10 });
    await t.call('PUT', `/v1/locations/${store}/online-cap`, { cap: 4, variants: [{ variantId: v, cap: 2 }] });
    expect(await atp(web, [v])).toEqual({ [v]: 22 });

    // Reservations by the online channel respect the cap at the store; the POS and channel-less ones do not.
    const capped = await t.call('POST', '/v1/reservations', { channelId: web, lines: [{ variantId: v, locationId: store, quantity: 3 }] });
    expect([capped.status, capped.body.code, capped.body.available]).toEqual([409, 'insufficient_stock', 2]);
    expect((await t.call('POST', '/v1/reservations', { channelId: web, lines: [{ variantId: v, locationId: store, quantity: 2 }] })).status).toBe(201);
    expect((await t.call('POST', '/v1/reservations', { channelId: pos, lines: [{ variantId: v, locationId: store, quantity: 5 }] })).status).toBe(201);
    expect(await level(t, v, store)).toMatchObject({ onHand: 10, reserved: 7, available: 3 });
    expect(await atp(web, [v])).toEqual({ [v]: 22 });
    expect(await atp(pos, [v])).toEqual({ [v]: 3 });
  });

  it('the stock feed returns variants whose ATP changed since the cursor, and a next cursor', async () => {
    const [a, b, c] = await variants(t, 3);
    const store = await location(t);
    const elsewhere = await location(t);
    const feedChannel = await channel(t, 'marketplace');
    await t.call('PUT', `/v1/channels/${feedChannel}/locations`, { locations: [{ locationId: store }] });
    await receive(t, a, store, 5);
    await receive(t, b, store, 7);
    await receive(t, c, elsewhere, 9);
    const first = await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([{ variantId: a, available: 5, changeSeq: expect.any(Number) }]);
    const second = await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?cursor=${first.body.nextCursor}&limit=10`);
    expect(second.body.data.map((d: any) => [d.variantId, d.available])).toEqual([[b, 7]]);
    const idle = await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?cursor=${second.body.nextCursor}`);
    expect(idle.body.data).toEqual([]);
    // The cursor's change_seq stays; its snapshot part moves with the database.
    expect(idle.body.nextCursor.split('.')[0]).toBe(second.body.nextCursor.split('.')[0]);

    await t.call('POST', '/v1/reservations', { lines: [{ variantId: a, locationId: store, quantity: 2 }] });
    await receive(t, c, elsewhere, 1);
    const after = await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?cursor=${second.body.nextCursor}`);
    expect(after.body.data.map((d: any) => [d.variantId, d.available])).toEqual([[a, 3]]);

    await t.call('PUT', `/v1/channels/${feedChannel}/safety-stock`, { quantity: 1 });
    const safety = await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?cursor=${after.body.nextCursor}`);
    expect(safety.body.data.map((d: any) => [d.variantId, d.available]).sort()).toEqual([[a, 2], [b, 6]].sort());
    expect((await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?cursor=abc`)).body.field).toBe('cursor');
  });

  it.skipIf(!onPostgres)('a change that commits after a later one was read is still sent', async () => {
    const [slow, fast] = await variants(t, 2);
    const store = await location(t);
    const feedChannel = await channel(t, 'marketplace');
    await t.call('PUT', `/v1/channels/${feedChannel}/locations`, { locations: [{ locationId: store }] });
    await receive(t, slow, store, 5);
    await receive(t, fast, store, 5);
    const start = (await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?limit=100`)).body.nextCursor;

    // A writer draws its change_seq first but commits last, after a reader has passed that number.
    const writer = new pg.Client({ connectionString: t.databaseUrl });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(`UPDATE stock_level SET reserved = reserved + 1 WHERE variant_id = $1 AND location_id = $2`, [slow, store]);
      await t.call('POST', '/v1/reservations', { lines: [{ variantId: fast, locationId: store, quantity: 1 }] });
      const seen = await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?cursor=${start}`);
      expect(seen.body.data.map((d: any) => d.variantId)).toEqual([fast]);
      await writer.query('COMMIT');
      const late = await t.call('GET', `/v1/channels/${feedChannel}/stock-feed?cursor=${seen.body.nextCursor}`);
      expect(late.body.data).toEqual([{ variantId: slow, available: 4, changeSeq: expect.any(Number) }]);
    } finally {
      // The hand-made change had no reservation behind it: take it back so levels match the ledger.
      await writer.query(`UPDATE stock_level SET reserved = reserved - 1 WHERE variant_id = $1 AND location_id = $2`, [slow, store]);
      await writer.end();
    }
  });
});

describe('allocation', () => {
  let v: string;
  let web: string;
  let near: string;
  let mid: string;
  let far: string;
  beforeAll(async () => {
    [v] = await variants(t);
    // Priorities: far first, then mid, then near. Stock: near 3, mid 6, far 2.
    near = await location(t, { geo: { lat: 31.2304, lng: 121.4737 } });
    mid = await location(t, { geo: { lat: 31.3, lng: 121.5 } });
    far = await location(t, { geo: { lat: 39.9, lng: 116.4 } });
    web = await channel(t, 'web');
    await t.call('PUT', `/v1/channels/${web}/locations`, { locations: [{ locationId: far, priority: 1 }, { locationId: mid, priority: 2 }, { locationId: near, priority: 3 }] });
    await receive(t, v, near, 3);
    await receive(t, v, mid, 6);
    await receive(t, v, far, 2);
  });

  const allocate = (body: Record<string, unknown>) => t.call('POST', '/v1/allocations', { channelId: web, lines: [{ variantId: v, quantity: 4 }], ...body });
  const release = (res: any) => t.call('POST', `/v1/reservations/${res.body.reservation.id}/release`);

  it('splits each line by the strategy and reserves the plan', async () => {
    const byPriority = await allocate({ strategy: 'priority' });
    expect(byPriority.status, JSON.stringify(byPriority.body)).toBe(201);
    expect(byPriority.body.plan).toEqual([{ variantId: v, locationId: far, quantity: 2 }, { variantId: v, locationId: mid, quantity: 2 }]);
    expect(byPriority.body.reservation).toMatchObject({ status: 'active', channelId: web });
    expect(await level(t, v, far)).toMatchObject({ reserved: 2 });
    await release(byPriority);

    const nearest = await allocate({ strategy: 'nearest', point: { lat: 31.23, lng: 121.47 } });
    expect(nearest.body.plan).toEqual([{ variantId: v, locationId: near, quantity: 3 }, { variantId: v, locationId: mid, quantity: 1 }]);
    await release(nearest);

    const most = await allocate({ strategy: 'most_stock' });
    expect(most.body.plan).toEqual([{ variantId: v, locationId: mid, quantity: 4 }]);
    await release(most);
    await expectLevelsMatchLedger(t);
  });

  it('fails whole when the channel cannot cover a line, leaving nothing reserved', async () => {
    const [other] = await variants(t);
    await receive(t, other, near, 1);
    const res = await t.call('POST', '/v1/allocations', { channelId: web, strategy: 'priority', lines: [{ variantId: v, quantity: 2 }, { variantId: other, quantity: 2 }] });
    expect([res.status, res.body.code, res.body.field]).toEqual([409, 'insufficient_stock', 'lines.1.quantity']);
    const tooMuch = await allocate({ strategy: 'priority', lines: [{ variantId: v, quantity: 12 }] });
    expect([tooMuch.status, tooMuch.body.field]).toEqual([409, 'lines.0.quantity']);
    for (const loc of [near, mid, far]) expect((await level(t, v, loc)).reserved).toBe(0);
    expect((await allocate({ strategy: 'nearest' })).body.field).toBe('point');
    expect((await allocate({ strategy: 'priority', channelId: 'chn_nope' })).status).toBe(404);
  });

  it('concurrent allocations never take more than there is', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => allocate({ strategy: 'most_stock', lines: [{ variantId: v, quantity: 2 }] })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    await expectLevelsMatchLedger(t);
    for (const r of results.filter((x) => x.status === 201)) await release(r);
  });
});

describe('bundles', () => {
  it('a bundle is available as its scarcest component allows, and reserving it reserves the components', async () => {
    const [kit, lens, frame, other, cloth] = await variants(t, 5);
    const store = await location(t);
    const web = await channel(t, 'web');
    await t.call('PUT', `/v1/channels/${web}/locations`, { locations: [{ locationId: store }] });
    const made = await t.call('PUT', `/v1/bundles/${kit}`, { components: [{ variantId: lens, quantity: 2 }, { variantId: frame, quantity: 1 }] });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    await receive(t, lens, store, 7);
    await receive(t, frame, store, 5);
    expect(await atp(web, [kit])).toEqual({ [kit]: 3 });
    expect((await t.call('GET', `/v1/stock?variantId=${kit}&locationId=${store}`)).body.data).toEqual([{ variantId: kit, locationId: store, onHand: 3, reserved: 0, available: 3 }]);

    const r = await t.call('POST', '/v1/reservations', { lines: [{ variantId: kit, locationId: store, quantity: 2 }] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.lines).toEqual(expect.arrayContaining([
      { variantId: lens, locationId: store, quantity: 4, bundleVariantId: kit },
      { variantId: frame, locationId: store, quantity: 2, bundleVariantId: kit },
    ]));
    expect(await atp(web, [kit, lens])).toEqual({ [kit]: 1, [lens]: 3 });
    const tooMany = await t.call('POST', '/v1/reservations', { lines: [{ variantId: kit, locationId: store, quantity: 2 }] });
    expect([tooMany.status, tooMany.body.field]).toEqual([409, 'lines.0.quantity']);
    // Beside a plain line the bundle is expanded all the same, and a short one is named by its line.
    await receive(t, cloth, store, 1);
    const short = await t.call('POST', '/v1/reservations', { lines: [{ variantId: kit, locationId: store, quantity: 1 }, { variantId: cloth, locationId: store, quantity: 2 }] });
    expect([short.status, short.body.field]).toEqual([409, 'lines.1.quantity']);
    const mixed = await t.call('POST', '/v1/reservations', { lines: [{ variantId: cloth, locationId: store, quantity: 1 }, { variantId: kit, locationId: store, quantity: 1 }] });
    expect(mixed.status, JSON.stringify(mixed.body)).toBe(201);
    expect(mixed.body.lines).toEqual(expect.arrayContaining([
      { variantId: cloth, locationId: store, quantity: 1, bundleVariantId: null },
      { variantId: lens, locationId: store, quantity: 2, bundleVariantId: kit },
      { variantId: frame, locationId: store, quantity: 1, bundleVariantId: kit },
    ]));
    expect((await t.call('POST', `/v1/reservations/${mixed.body.id}/release`)).status).toBe(200);
    const allocated = await t.call('POST', '/v1/allocations', { channelId: web, strategy: 'priority', lines: [{ variantId: kit, quantity: 1 }] });
    expect(allocated.body.plan).toEqual(expect.arrayContaining([{ variantId: lens, locationId: store, quantity: 2 }, { variantId: frame, locationId: store, quantity: 1 }]));
    expect(await atp(web, [kit])).toEqual({ [kit]: 0 });

    expect((await t.call('PUT', `/v1/bundles/${other}`, { components: [{ variantId: kit, quantity: 1 }] })).body.field).toBe('components.0.variantId');
    expect((await t.call('PUT', `/v1/bundles/${other}`, { components: [{ variantId: 'var_nope', quantity: 1 }] })).body).toMatchObject({ code: 'unknown_variant', field: 'components.0.variantId' });
    expect((await t.call('POST', '/v1/stock/adjustments', { variantId: kit, locationId: store, delta: 1, reason: 'receipt' })).body.code).toBe('bundle_has_no_stock');
    await expectLevelsMatchLedger(t);
  });
});

describe.runIf(onPostgres)('settings changed at once', () => {
  it('safety stock and online caps set by many at once: each answered, one of them stands whole', async () => {
    const vs = await variants(t, 4);
    const web = await channel(t, 'web');
    const store = await location(t);
    const inputs = vs.map((v, i) => ({ quantity: i + 1, variants: [{ variantId: v, quantity: 10 + i }] }));
    const safety = await Promise.all(inputs.map((body) => t.call('PUT', `/v1/channels/${web}/safety-stock`, body)));
    expect(safety.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const caps = await Promise.all(vs.map((v, i) => t.call('PUT', `/v1/locations/${store}/online-cap`, { cap: i + 1, variants: [{ variantId: v, cap: 5 }] })));
    expect(caps.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const db = t.omni.database.db;
    const rows = await db.selectFrom('channel_safety_stock').select(['variant_id', 'quantity']).where('channel_id', '=', web).orderBy('variant_id').execute();
    const i = rows[0].quantity - 1;
    expect(rows).toEqual([{ variant_id: '', quantity: i + 1 }, { variant_id: vs[i], quantity: 10 + i }]);
    const capRows = await db.selectFrom('online_cap').select(['variant_id', 'cap']).where('location_id', '=', store).orderBy('variant_id').execute();
    expect(capRows).toEqual([{ variant_id: '', cap: capRows[0].cap }, { variant_id: vs[capRows[0].cap - 1], cap: 5 }]);
  });

  it('bundles defined at once never nest, and a variant given stock at once never becomes one', async () => {
    for (let round = 0; round < 5; round++) {
      const [x, y, z, w] = await variants(t, 4);
      // X made of Y, and Y made of Z: at most one of them can stand.
      const nesting = await Promise.all([
        t.call('PUT', `/v1/bundles/${x}`, { components: [{ variantId: y, quantity: 1 }] }),
        t.call('PUT', `/v1/bundles/${y}`, { components: [{ variantId: z, quantity: 1 }] }),
      ]);
      expect(nesting.map((r) => r.status).sort()).toEqual([200, 400]);
      // W made a bundle while stock of it is received and counted: the bundle or the stock, not both.
      const store = await location(t);
      const [bundle, received, counted] = await Promise.all([
        t.call('PUT', `/v1/bundles/${w}`, { components: [{ variantId: z, quantity: 2 }] }),
        t.call('POST', '/v1/stock/adjustments', { variantId: w, locationId: store, delta: 3, reason: 'receipt' }),
        t.call('POST', '/v1/stock/counts', { locationId: store, lines: [{ variantId: w, counted: 2 }] }),
      ]);
      const stocked = [received, counted].filter((r) => r.status < 300).length;
      if (bundle.status === 200) {
        expect(stocked).toBe(0);
        expect([received.body.code, counted.body.code]).toEqual(['bundle_has_no_stock', 'bundle_has_no_stock']);
        expect(counted.body.field).toBe('lines.0.variantId');
      } else {
        expect(bundle.body.code).toBe('bundle_has_stock');
        expect(stocked).toBeGreaterThan(0);
      }
    }
  });
});
