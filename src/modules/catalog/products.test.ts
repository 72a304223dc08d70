import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const count = async (table: string) => Number((await t.omni.database.db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('catalog: channels, categories, products', () => {
  it('creates, reads and changes channels; codes are unique', async () => {
    const made = await t.call('POST', '/v1/channels', { code: 'wechat-mini', name: 'WeChat mini-program', kind: 'mini_program', currency: 'CNY' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: expect.stringMatching(/^chn_/), code: 'wechat-mini', kind: 'mini_program', currency: 'CNY', active: true });
    const again = await t.call('POST', '/v1/channels', { code: 'wechat-mini', name: 'Other', kind: 'web', currency: 'CNY' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'code_taken', field: 'code' });
    const badKind = await t.call('POST', '/v1/channels', { code: 'tv', name: 'TV', kind: 'television', currency: 'CNY' });
    expect(badKind.status).toBe(400);
    expect(badKind.body.field).toBe('kind');
    const badCurrency = await t.call('POST', '/v1/channels', { code: 'tv', name: 'TV', kind: 'web', currency: 'yuan' });
    expect(badCurrency.body.field).toBe('currency');

    const patched = await t.call('PATCH', `/v1/channels/${made.body.id}`, { name: 'Mini-program', active: false });
    expect(patched.body).toMatchObject({ name: 'Mini-program', active: false, code: 'wechat-mini' });
    expect((await t.call('GET', `/v1/channels/${made.body.id}`)).body.active).toBe(false);
    expect((await t.call('GET', '/v1/channels')).body.data.map((c: any) => c.code)).toContain('wechat-mini');
    expect((await t.call('GET', '/v1/channels/chn_nope')).status).toBe(404);
  });

  it('creates a product with variants, media and prices in one request and reads it back', async () => {
    const web = (await t.call('POST', '/v1/channels', { code: 'web', name: 'Web shop', kind: 'web', currency: 'CNY' })).body;
    const cat = (await t.call('POST', '/v1/categories', { name: 'Tea', slug: 'tea' })).body;
    const res = await t.call('POST', '/v1/products', {
      title: 'Longjing green tea',
      description: 'Spring harvest',
      categoryId: cat.id,
      status: 'active',
      attributes: { origin: 'Hangzhou' },
      media: [{ url: 'https://img.example.com/lj.jpg', alt: 'tin' }],
      variants: [
        { sku: 'LJ-100', barcode: '6901234567892', options: { size: '100g' }, prices: [{ currency: 'CNY', amount: 12800 }, { currency: 'CNY', amount: 11800, channelId: web.id }] },
        { sku: 'LJ-250', options: { size: '250g' }, prices: [{ currency: 'CNY', amount: 29800 }, { currency: 'USD', amount: 4500 }] },
      ],
      channelIds: [web.id],
    });
    expect(res.status).toBe(201);
    const p = res.body;
    expect(p).toMatchObject({ id: expect.stringMatching(/^prd_/), title: 'Longjing green tea', categoryId: cat.id, status: 'active', type: 'physical', attributes: { origin: 'Hangzhou' } });
    expect(p.media).toEqual([{ url: 'https://img.example.com/lj.jpg', alt: 'tin', position: 0 }]);
    expect(p.variants.map((v: any) => [v.sku, v.title, v.barcode])).toEqual([['LJ-100', '100g', '6901234567892'], ['LJ-250', '250g', null]]);
    expect(p.variants[0].prices).toEqual(expect.arrayContaining([{ currency: 'CNY', amount: 12800, channelId: null }, { currency: 'CNY', amount: 11800, channelId: web.id }]));
    expect(p.variants[1].prices).toHaveLength(2);
    expect((await t.call('GET', `/v1/products/${p.id}`)).body).toEqual(p);
    const listed = await t.call('GET', `/v1/channels/${web.id}/listings`);
    expect(listed.body.data.map((l: any) => l.sku).sort()).toEqual(['LJ-100', 'LJ-250']);

    // Search by title and by SKU; change the product
    expect((await t.call('GET', '/v1/products?q=longjing')).body.data.map((x: any) => x.id)).toEqual([p.id]);
    expect((await t.call('GET', '/v1/products?q=LJ-25')).body.data.map((x: any) => x.id)).toEqual([p.id]);
    expect((await t.call('GET', '/v1/products?q=oolong')).body.data).toEqual([]);
    const patched = await t.call('PATCH', `/v1/products/${p.id}`, { status: 'archived', media: [] });
    expect(patched.body).toMatchObject({ status: 'archived', media: [], title: 'Longjing green tea' });

    // Add a variant later; change its barcode; a taken SKU is refused
    const added = await t.call('POST', `/v1/products/${p.id}/variants`, { sku: 'LJ-500', options: { size: '500g' } });
    expect(added.status).toBe(201);
    const v500 = added.body.variants.find((v: any) => v.sku === 'LJ-500');
    expect(v500.position).toBe(2);
    const clash = await t.call('PATCH', `/v1/variants/${v500.id}`, { barcode: '6901234567892' });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'barcode_taken', field: 'barcode' });
    expect((await t.call('PATCH', `/v1/variants/${v500.id}`, { sku: 'LJ-500', title: 'Half kilo' })).body.variants[2].title).toBe('Half kilo');
  });

  it('pages through products with a cursor', async () => {
    for (let i = 0; i < 5; i++) await t.call('POST', '/v1/products', { title: `Page item ${i}`, variants: [{ sku: `PAGE-${i}` }] });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res: any = await t.call('GET', `/v1/products?q=page%20item&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((p: any) => p.title));
      cursor = res.body.nextCursor;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `Page item ${i}`));
  });

  it('keeps categories a tree: no unknown parent, no loop', async () => {
    const a = (await t.call('POST', '/v1/categories', { name: 'Apparel', slug: 'apparel' })).body;
    const b = (await t.call('POST', '/v1/categories', { name: 'Shirts', slug: 'shirts', parentId: a.id })).body;
    expect(b.parentId).toBe(a.id);
    const orphan = await t.call('POST', '/v1/categories', { name: 'X', slug: 'x', parentId: 'cat_nope' });
    expect(orphan.status).toBe(404);
    expect(orphan.body.field).toBe('parentId');
    const loop = await t.call('PATCH', `/v1/categories/${a.id}`, { parentId: b.id });
    expect(loop.status).toBe(400);
    expect(loop.body.field).toBe('parentId');
    expect((await t.call('POST', '/v1/categories', { name: 'Dup', slug: 'shirts' })).body.code).toBe('slug_taken');
    const shirt = (await t.call('POST', '/v1/products', { title: 'Oxford shirt', categoryId: b.id })).body;
    expect((await t.call('GET', `/v1/products?category=${a.id}`)).body.data.map((p: any) => p.id)).toEqual([shirt.id]);
  });

  it('bad input names the field and leaves nothing behind', async () => {
    const web = (await t.call('GET', '/v1/channels')).body.data[0];
    const before = { product: await count('product'), variant: await count('variant'), prices: await count('variant_price'), listings: await count('channel_listing'), media: await count('product_media') };
    const good = { sku: 'BAD-1', prices: [{ currency: 'CNY', amount: 100 }] };
    const cases: Array<[unknown, number, string, string]> = [
      [{ title: 'Dup SKU in request', variants: [good, { sku: 'BAD-1' }] }, 409, 'sku_taken', 'variants.1.sku'],
      [{ title: 'SKU taken', variants: [good, { sku: 'LJ-100' }] }, 409, 'sku_taken', 'variants.1.sku'],
      [{ title: 'Barcode taken', variants: [good, { sku: 'BAD-2', barcode: '6901234567892' }] }, 409, 'barcode_taken', 'variants.1.barcode'],
      [{ title: 'Negative', variants: [{ sku: 'BAD-2', prices: [{ currency: 'CNY', amount: -1 }] }] }, 400, 'validation_failed', 'variants.0.prices.0.amount'],
      [{ title: 'Fraction', variants: [{ sku: 'BAD-2', prices: [{ currency: 'CNY', amount: 9.99 }] }] }, 400, 'validation_failed', 'variants.0.prices.0.amount'],
      [{ title: 'Currency', variants: [{ sku: 'BAD-2', prices: [{ currency: 'rmb', amount: 1 }] }] }, 400, 'validation_failed', 'variants.0.prices.0.currency'],
      [{ title: 'Two defaults', variants: [{ sku: 'BAD-2', prices: [{ currency: 'CNY', amount: 1 }, { currency: 'CNY', amount: 2 }] }] }, 400, 'validation_failed', 'variants.0.prices.1'],
      [{ title: 'Channel', variants: [good, { sku: 'BAD-2', prices: [{ currency: 'CNY', amount: 1, channelId: 'chn_nope' }] }] }, 404, 'not_found', 'variants.1.prices.0.channelId'],
      [{ title: 'Category', categoryId: 'cat_nope', variants: [good] }, 404, 'not_found', 'categoryId'],
      [{ title: 'List on', variants: [good], channelIds: [web.id, 'chn_nope'] }, 404, 'not_found', 'channelIds.1'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await t.call('POST', '/v1/products', { ...(body as object), media: [{ url: 'https://img.example.com/x.jpg' }] });
      expect([res.status, res.body.code, res.body.field], JSON.stringify(body)).toEqual([status, code, field]);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const after = { product: await count('product'), variant: await count('variant'), prices: await count('variant_price'), listings: await count('channel_listing'), media: await count('product_media') };
    expect(after).toEqual(before);
  });

  it('lets an analyst read but not write; a publishable key reads neither products nor writes', async () => {
    const analyst = await t.staff('analyst');
    expect((await t.call('GET', '/v1/products', undefined, { token: analyst })).status).toBe(200);
    const denied = await t.call('POST', '/v1/products', { title: 'Nope' }, { token: analyst });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');
    expect((await t.call('POST', '/v1/channels', { code: 'nope', name: 'Nope', kind: 'web', currency: 'CNY' }, { token: analyst })).status).toBe(403);
    const pk = await t.apiKey(['catalog:read'], 'publishable');
    expect((await t.call('POST', '/v1/categories', { name: 'Nope', slug: 'nope' }, { token: pk })).status).toBe(403);
    expect((await t.call('GET', '/v1/products', undefined, { token: pk })).status).toBe(403);
    expect((await t.call('GET', '/v1/categories', undefined, { token: pk })).status).toBe(200);
    expect((await t.call('GET', '/v1/products', undefined, { token: null })).status).toBe(401);
    const spec = (await t.call('GET', '/openapi.json', undefined, { token: null })).body;
    expect(spec.paths['/v1/channels/{id}/products'].get.tags).toEqual(['Catalog']);
  });
});
