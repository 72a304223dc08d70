import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';

let t: TestApp;
let web: string;
let app: string;
let tea: string;
let greenTea: string;

beforeAll(async () => {
  t = await startTestApp();
  web = (await t.call('POST', '/v1/channels', { code: 'web', name: 'Web', kind: 'web', currency: 'CNY' })).body.id;
  app = (await t.call('POST', '/v1/channels', { code: 'app', name: 'App', kind: 'app', currency: 'CNY' })).body.id;
  tea = (await t.call('POST', '/v1/categories', { name: 'Tea', slug: 'tea' })).body.id;
  greenTea = (await t.call('POST', '/v1/categories', { name: 'Green tea', slug: 'green-tea', parentId: tea })).body.id;
  // Twelve active teas on the web shop; odd ones are green tea with a cheaper web price on their small tin.
  for (let i = 0; i < 12; i++) {
    const n = String(i).padStart(2, '0');
    const res = await t.call('POST', '/v1/products', {
      title: `Tea ${n}`,
      status: 'active',
      categoryId: i % 2 ? greenTea : tea,
      media: [{ url: `https://img.example.com/${n}-b.jpg`, position: 1 }, { url: `https://img.example.com/${n}-a.jpg`, position: 0 }],
      variants: [
        { sku: `T${n}-S`, options: { size: 'S' }, prices: [{ currency: 'CNY', amount: 1000 + i }, ...(i % 2 ? [{ currency: 'CNY', amount: 900 + i, channelId: web }] : [])] },
        { sku: `T${n}-L`, options: { size: 'L' }, prices: [{ currency: 'CNY', amount: 2000 + i }] },
      ],
      channelIds: [web],
    });
    expect(res.status).toBe(201);
  }
  // Not on the web storefront: a draft, an archived product, and one listed only in the app.
  await t.call('POST', '/v1/products', { title: 'Tea draft', variants: [{ sku: 'DRAFT' }], channelIds: [web] });
  await t.call('POST', '/v1/products', { title: 'Tea archived', status: 'archived', variants: [{ sku: 'OLD' }], channelIds: [web] });
  await t.call('POST', '/v1/products', { title: 'Tea app only', status: 'active', variants: [{ sku: 'APP', prices: [{ currency: 'CNY', amount: 1 }] }], channelIds: [app] });
});
afterAll(async () => t?.close());

async function allPages(url: string, token?: string) {
  const pages: any[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const res: any = await t.call('GET', `${url}${url.includes('?') ? '&' : '?'}limit=5${cursor ? `&cursor=${cursor}` : ''}`, undefined, { token });
    expect(res.status).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  }
  return pages;
}

describe('catalog: storefront listing', () => {
  it("pages through a channel's active products with listed variants priced in the channel currency", async () => {
    const pages = await allPages(`/v1/channels/${web}/products`);
    expect(pages.map((p) => p.data.length)).toEqual([5, 5, 2]);
    const products = pages.flatMap((p) => p.data);
    expect(products.map((p) => p.title)).toEqual(Array.from({ length: 12 }, (_, i) => `Tea ${String(i).padStart(2, '0')}`));
    expect(pages[0].currency).toBe('CNY');
    const t01 = products[1];
    expect(t01.media.map((m: any) => m.position)).toEqual([0, 1]);
    expect(t01.variants).toEqual([
      { id: expect.stringMatching(/^var_/), sku: 'T01-S', barcode: null, title: 'S', options: { size: 'S' }, price: { amount: 901, currency: 'CNY', source: 'channel' } },
      { id: expect.stringMatching(/^var_/), sku: 'T01-L', barcode: null, title: 'L', options: { size: 'L' }, price: { amount: 2001, currency: 'CNY', source: 'default' } },
    ]);
    expect(products[0].variants[0].price).toEqual({ amount: 1000, currency: 'CNY', source: 'default' });
  });

  it('shows only the variants listed on the channel, and drops a product with none', async () => {
    const [first] = (await t.call('GET', `/v1/channels/${web}/products?limit=1`)).body.data;
    const large = first.variants.find((v: any) => v.sku === 'T00-L');
    expect((await t.call('POST', `/v1/channels/${web}/listings/remove`, { variantIds: [large.id] })).body.unlisted).toEqual([large.id]);
    const after = (await t.call('GET', `/v1/channels/${web}/products?limit=1`)).body.data[0];
    expect(after.variants.map((v: any) => v.sku)).toEqual(['T00-S']);
    await t.call('POST', `/v1/channels/${web}/listings/remove`, { productIds: [first.id] });
    expect((await t.call('GET', `/v1/channels/${web}/products?limit=1`)).body.data[0].title).toBe('Tea 01');
    // Listing again (by product, in bulk) brings both variants back; listing twice changes nothing.
    expect((await t.call('POST', `/v1/channels/${web}/listings`, { productIds: [first.id] })).body.listed).toHaveLength(2);
    expect((await t.call('POST', `/v1/channels/${web}/listings`, { productIds: [first.id] })).body.listed).toEqual([]);
    const unknown = await t.call('POST', `/v1/channels/${web}/listings`, { variantIds: [large.id, 'var_nope'] });
    expect([unknown.status, unknown.body.field]).toEqual([404, 'variantIds.1']);
    expect((await t.call('GET', `/v1/channels/${web}/products?limit=1`)).body.data[0].variants).toHaveLength(2);
  });

  it('filters by search text and by category including subcategories', async () => {
    const bySku = (await t.call('GET', `/v1/channels/${web}/products?q=t03-`)).body.data;
    expect(bySku.map((p: any) => p.title)).toEqual(['Tea 03']);
    expect((await t.call('GET', `/v1/channels/${web}/products?q=tea%2003`)).body.data.map((p: any) => p.title)).toEqual(['Tea 03']);
    expect((await t.call('GET', `/v1/channels/${web}/products?q=%25`)).body.data).toEqual([]);
    const green = (await allPages(`/v1/channels/${web}/products?category=${greenTea}`)).flatMap((p) => p.data);
    expect(green.map((p: any) => p.title)).toEqual(['Tea 01', 'Tea 03', 'Tea 05', 'Tea 07', 'Tea 09', 'Tea 11']);
    const all = (await allPages(`/v1/channels/${web}/products?category=${tea}`)).flatMap((p) => p.data);
    expect(all).toHaveLength(12);
    expect((await t.call('GET', `/v1/channels/${app}/products`)).body.data.map((p: any) => p.title)).toEqual(['Tea app only']);
  });

  it('is readable with a publishable key, which cannot write or read back-office data', async () => {
    const pk = await t.apiKey(['catalog:read'], 'publishable');
    const res = await t.call('GET', `/v1/channels/${web}/products?limit=2`, undefined, { token: pk });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
    expect((await t.call('GET', `/v1/channels/${web}`, undefined, { token: pk })).status).toBe(200);
    expect((await t.call('POST', `/v1/channels/${web}/listings`, { productIds: [res.body.data[0].id] }, { token: pk })).status).toBe(403);
    expect((await t.call('GET', `/v1/channels/${web}/listings`, undefined, { token: pk })).status).toBe(403);
    expect((await t.call('GET', '/v1/prices/inconsistencies?currency=CNY', undefined, { token: pk })).status).toBe(403);
    expect((await t.call('GET', `/v1/channels/${web}/products`, undefined, { token: null })).status).toBe(401);
  });

  it('answers 404 for an unknown channel and 409 for one that is not selling', async () => {
    expect((await t.call('GET', '/v1/channels/chn_nope/products')).status).toBe(404);
    await t.call('PATCH', `/v1/channels/${app}`, { active: false });
    const closed = await t.call('GET', `/v1/channels/${app}/products`);
    expect([closed.status, closed.body.code]).toEqual([409, 'channel_inactive']);
  });

  it('shows a change the moment it commits, whichever server or statement made it', async () => {
    const first = async () => (await t.call('GET', `/v1/channels/${web}/products?limit=1`)).body.data[0];
    const before = await first();
    expect(before.title).toBe('Tea 00');
    await t.call('PATCH', `/v1/products/${before.id}`, { title: 'Tea 00 (new harvest)' });
    expect((await first()).title).toBe('Tea 00 (new harvest)');
    // A write that bypasses this server (another replica, a bulk import) is seen as well.
    await t.omni.database.db.updateTable('variant_price' as never).set({ amount: 1234 } as never).where('variant_id' as never, '=', before.variants[0].id as never).execute();
    expect((await first()).variants[0].price.amount).toBe(1234);
  });
});
