import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { inTx } from '../../platform/db.js';
import { findVariantByCode, getChannel, getVariants, listChannels, priceVariants } from './index.js';
import { setVariantPrices } from './prices.service.js';

let t: TestApp;
const ch: Record<string, string> = {};
const v: Record<string, string> = {};

async function product(title: string, variants: unknown[], channelIds: string[]) {
  const res = await t.call('POST', '/v1/products', { title, status: 'active', variants, channelIds });
  expect(res.status).toBe(201);
  for (const x of res.body.variants) v[x.sku] = x.id;
  return res.body;
}

beforeAll(async () => {
  t = await startTestApp();
  for (const [code, kind] of [['web', 'web'], ['tmall', 'marketplace'], ['pos', 'pos']] as const) {
    ch[code] = (await t.call('POST', '/v1/channels', { code, name: code, kind, currency: 'CNY' })).body.id;
  }
  ch.us = (await t.call('POST', '/v1/channels', { code: 'us-web', name: 'US web', kind: 'web', currency: 'USD' })).body.id;
  await product('Mug', [{ sku: 'MUG', barcode: '4006381333931', prices: [{ currency: 'CNY', amount: 5900 }, { currency: 'CNY', amount: 4900, channelId: ch.tmall }] }], [ch.web, ch.tmall, ch.pos]);
  await product('Cap', [{ sku: 'CAP', prices: [{ currency: 'CNY', amount: 9900 }, { currency: 'CNY', amount: 9900, channelId: ch.pos }] }], [ch.web, ch.pos]);
  await product('Facial', [{ sku: 'FACIAL-60' }], [ch.web]);
});
afterAll(async () => t?.close());

describe('catalog: prices', () => {
  it('a channel price wins on its channel; the default applies everywhere else', async () => {
    const onTmall = await priceVariants(t.ctx, { channelId: ch.tmall, variantIds: [v.MUG] });
    expect(onTmall.get(v.MUG)).toEqual({ amount: 4900, currency: 'CNY', source: 'channel' });
    const onWeb = await priceVariants(t.ctx, { channelId: ch.web, variantIds: [v.MUG, v.CAP] });
    expect(onWeb.get(v.MUG)).toEqual({ amount: 5900, currency: 'CNY', source: 'default' });
    expect(onWeb.get(v.CAP)).toEqual({ amount: 9900, currency: 'CNY', source: 'default' });
  });

  it('refuses to price what is not listed or has no price', async () => {
    await expect(priceVariants(t.ctx, { channelId: ch.tmall, variantIds: [v.CAP] })).rejects.toMatchObject({ code: 'not_listed', details: { field: 'variantId', variantId: v.CAP } });
    await expect(priceVariants(t.ctx, { channelId: ch.web, variantIds: [v['FACIAL-60']] })).rejects.toMatchObject({ code: 'no_price' });
    await expect(priceVariants(t.ctx, { channelId: ch.web, currency: 'USD', variantIds: [v.MUG] })).rejects.toMatchObject({ code: 'no_price' });
    await expect(priceVariants(t.ctx, { channelId: 'chn_nope', variantIds: [v.MUG] })).rejects.toMatchObject({ code: 'not_found', details: { field: 'channelId' } });
    const draft = await t.call('POST', '/v1/products', { title: 'Draft', variants: [{ sku: 'DRAFT', prices: [{ currency: 'CNY', amount: 1 }] }], channelIds: [ch.web] });
    await expect(priceVariants(t.ctx, { channelId: ch.web, variantIds: [draft.body.variants[0].id] })).rejects.toMatchObject({ code: 'not_listed' });
  });

  it('a cart prices at the catalog as it is now: a change shows at once, one rolled back never does', async () => {
    const price = async () => (await priceVariants(t.ctx, { channelId: ch.pos, variantIds: [v.MUG, v.CAP] })).get(v.MUG)!.amount;
    const bowl = await product('Bowl', [{ sku: 'BOWL', prices: [{ currency: 'CNY', amount: 3900 }] }], [ch.pos]);
    expect(await price()).toBe(5900);
    // A change committed by any path is seen by the next pricing.
    expect((await t.call('PUT', `/v1/variants/${v.MUG}/prices`, { prices: [{ currency: 'CNY', amount: 5900 }, { currency: 'CNY', amount: 4900, channelId: ch.tmall }, { currency: 'CNY', amount: 5500, channelId: ch.pos }] })).status).toBe(200);
    expect(await price()).toBe(5500);
    // A change priced inside its own transaction, then rolled back...
    await expect(inTx(t.ctx.db, async (tx) => {
      await setVariantPrices({ ...t.ctx, db: tx }, v.MUG, [{ currency: 'CNY', amount: 100 }]);
      expect((await priceVariants({ ...t.ctx, db: tx }, { channelId: ch.pos, variantIds: [v.MUG, v.CAP] })).get(v.MUG)!.amount).toBe(100);
      throw new Error('changed our mind');
    })).rejects.toThrow('changed our mind');
    // ...prices nothing afterwards, not even once another change has committed in its place.
    expect((await t.call('PUT', `/v1/variants/${v.BOWL}/prices`, { prices: [{ currency: 'CNY', amount: 4200 }] })).status).toBe(200);
    expect(await price()).toBe(5500);
    expect((await priceVariants(t.ctx, { channelId: ch.pos, variantIds: [v.BOWL] })).get(v.BOWL)!.amount).toBe(4200);
    // Unlisting and archiving show at once too.
    expect((await t.call('PATCH', `/v1/products/${bowl.id}`, { status: 'archived' })).status).toBe(200);
    await expect(priceVariants(t.ctx, { channelId: ch.pos, variantIds: [v.BOWL] })).rejects.toMatchObject({ code: 'not_listed' });
    // The mug's prices as the tests below expect them.
    expect((await t.call('PUT', `/v1/variants/${v.MUG}/prices`, { prices: [{ currency: 'CNY', amount: 5900 }, { currency: 'CNY', amount: 4900, channelId: ch.tmall }] })).status).toBe(200);
  });

  it('sets and reads a variant price list over HTTP; bad lists change nothing', async () => {
    const put = await t.call('PUT', `/v1/variants/${v['FACIAL-60']}/prices`, { prices: [{ currency: 'CNY', amount: 39900 }, { currency: 'CNY', amount: 29900, channelId: ch.web }] });
    expect(put.status).toBe(200);
    expect(put.body.prices).toEqual([{ currency: 'CNY', amount: 39900, channelId: null }, { currency: 'CNY', amount: 29900, channelId: ch.web }]);
    for (const [prices, field] of [
      [[{ currency: 'CNY', amount: -5 }], 'prices.0.amount'],
      [[{ currency: 'CNY', amount: 1.5 }], 'prices.0.amount'],
      [[{ currency: 'CN', amount: 1 }], 'prices.0.currency'],
      [[{ currency: 'CNY', amount: 1 }, { currency: 'CNY', amount: 1, channelId: 'chn_nope' }], 'prices.1.channelId'],
      [[{ currency: 'CNY', amount: 1, channelId: ch.web }, { currency: 'CNY', amount: 2, channelId: ch.web }], 'prices.1'],
    ] as const) {
      const bad = await t.call('PUT', `/v1/variants/${v['FACIAL-60']}/prices`, { prices });
      expect([bad.status >= 400 && bad.status < 500, bad.body.field]).toEqual([true, field]);
    }
    const got = await t.call('GET', `/v1/variants/${v['FACIAL-60']}/prices`);
    expect(got.body.prices).toEqual(put.body.prices);
    expect((await t.call('GET', '/v1/variants/var_nope/prices')).status).toBe(404);
    // Back to no price at all, for the report below.
    expect((await t.call('PUT', `/v1/variants/${v['FACIAL-60']}/prices`, { prices: [] })).body.prices).toEqual([]);
  });

  it('reports channel prices that differ from the default and listed variants without a price', async () => {
    const res = await t.call('GET', '/v1/prices/inconsistencies?currency=CNY');
    expect(res.status).toBe(200);
    expect(res.body.differing).toEqual([
      {
        variantId: v.MUG,
        sku: 'MUG',
        productId: expect.any(String),
        productTitle: 'Mug',
        defaultAmount: 5900,
        channels: [
          { channelId: ch.pos, channelCode: 'pos', amount: 5900, source: 'default' },
          { channelId: ch.tmall, channelCode: 'tmall', amount: 4900, source: 'channel' },
          { channelId: ch.web, channelCode: 'web', amount: 5900, source: 'default' },
        ],
      },
    ]);
    // CAP's explicit POS price equals its default: consistent, not reported.
    expect(res.body.unpriced.map((x: any) => [x.sku, x.channels.map((c: any) => c.channelCode)])).toEqual([['FACIAL-60', ['web']]]);
    // Bringing the Tmall price back to the default clears the deviation.
    await t.call('PUT', `/v1/variants/${v.MUG}/prices`, { prices: [{ currency: 'CNY', amount: 5900 }] });
    expect((await t.call('GET', '/v1/prices/inconsistencies?currency=CNY')).body.differing).toEqual([]);
    expect((await t.call('GET', '/v1/prices/inconsistencies?currency=cny')).status).toBe(400);
  });

  it('lets other modules read variants, find one by SKU or barcode, and read channels', async () => {
    const [mug] = await getVariants(t.ctx, [v.MUG, 'var_nope']);
    expect(mug).toEqual({ id: v.MUG, productId: expect.any(String), sku: 'MUG', barcode: '4006381333931', title: 'Default', productTitle: 'Mug', productType: 'physical', categoryId: null, options: {} });
    expect((await findVariantByCode(t.ctx, '4006381333931'))?.id).toBe(v.MUG);
    expect((await findVariantByCode(t.ctx, 'CAP'))?.id).toBe(v.CAP);
    expect(await findVariantByCode(t.ctx, 'nothing')).toBeNull();
    expect((await getChannel(t.ctx, ch.us)).currency).toBe('USD');
    await expect(getChannel(t.ctx, 'chn_nope')).rejects.toMatchObject({ code: 'not_found' });
    expect((await listChannels(t.ctx)).length).toBe(4);
  });

  it('under concurrent creates of one SKU, exactly one wins and the rest get sku_taken', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.call('POST', '/v1/products', { title: `Race ${i}`, variants: [{ sku: 'RACE-1', prices: [{ currency: 'CNY', amount: 100 }] }] })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).map((r) => [r.status, r.body.code])).toEqual(Array(7).fill([409, 'sku_taken']));
    expect((await t.call('GET', '/v1/products?q=race')).body.data).toHaveLength(1);
  });
});
