import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';

let t: TestApp;
let channelId: string;
let variants: Array<{ id: string; productId: string }>;

const mj = (over: Record<string, unknown> = {}) => ({
  name: '满200减30',
  trigger: 'automatic',
  currency: 'CNY',
  rule: { type: 'threshold', tiers: [{ minSubtotal: 20_000, discount: 3000 }, { minSubtotal: 50_000, discount: 10_000 }] },
  status: 'active',
  ...over,
});

const sampleCart = (over: Record<string, unknown> = {}) => ({
  channelId,
  channelKind: 'web',
  currency: 'CNY',
  lines: [
    { lineId: 'l1', variantId: variants[0].id, productId: variants[0].productId, categoryIds: [], quantity: 2, unitPrice: 9900 },
    { lineId: 'l2', variantId: variants[1].id, productId: variants[1].productId, categoryIds: [], quantity: 1, unitPrice: 5000 },
  ],
  shipping: 1000,
  ...over,
});

beforeAll(async () => {
  t = await startTestApp();
  channelId = (await t.call('POST', '/v1/channels', { code: 'web', name: 'Web', kind: 'web', currency: 'CNY' })).body.id;
  const product = await t.call('POST', '/v1/products', {
    title: 'Tee',
    status: 'active',
    variants: [{ sku: 'TEE-S', prices: [{ currency: 'CNY', amount: 9900 }] }, { sku: 'TEE-M', prices: [{ currency: 'CNY', amount: 5000 }] }],
  });
  variants = product.body.variants.map((v: { id: string }) => ({ id: v.id, productId: product.body.id }));
});
afterAll(() => t.close());

describe('managing promotions', () => {
  it('creates, reads, lists, changes, deactivates and archives a promotion, with events', async () => {
    const created = await t.call('POST', '/v1/promotions', mj({ status: 'draft', usageLimit: 100, budget: 500_000 }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', stacking: 'stackable', priority: 0, timeZone: 'Asia/Shanghai', used: 0, spent: 0, usageLimit: 100 });
    const id = created.body.id;
    expect((await t.call('GET', `/v1/promotions/${id}`)).body.name).toBe('满200减30');
    expect((await t.call('POST', `/v1/promotions/${id}/activate`)).body.status).toBe('active');
    const changed = await t.call('PATCH', `/v1/promotions/${id}`, { name: '满200减35', priority: 5 });
    expect(changed.body).toMatchObject({ name: '满200减35', priority: 5, status: 'active', usageLimit: 100 });
    expect((await t.call('GET', '/v1/promotions?status=active')).body.data.map((p: any) => p.id)).toContain(id);
    expect((await t.call('POST', `/v1/promotions/${id}/deactivate`)).body.status).toBe('inactive');
    expect((await t.call('DELETE', `/v1/promotions/${id}`)).body.status).toBe('archived');
    expect((await t.call('GET', '/v1/promotions')).body.data.map((p: any) => p.id)).not.toContain(id);
    const archivedChange = await t.call('PATCH', `/v1/promotions/${id}`, { name: 'x' });
    expect(archivedChange.status).toBe(409);
    const events = await t.omni.database.db.selectFrom('outbox_event').select('type').where('aggregate_id', '=', id).orderBy('id').execute();
    expect(events.map((e: any) => e.type)).toEqual(['promotion.created', 'promotion.activated', 'promotion.updated', 'promotion.deactivated', 'promotion.archived']);
  });

  it.each([
    ['a percentage over 100', { rule: { type: 'percentage', percent: 150 } }, 'rule.percent'],
    ['a percentage with three decimals', { rule: { type: 'percentage', percent: 12.345 } }, 'rule.percent'],
    ['tiers not ascending', { rule: { type: 'threshold', tiers: [{ minSubtotal: 50_000, discount: 10_000 }, { minSubtotal: 20_000, discount: 3000 }] } }, 'rule.tiers.1.minSubtotal'],
    ['a higher tier giving less', { rule: { type: 'threshold', tiers: [{ minSubtotal: 20_000, discount: 3000 }, { minSubtotal: 50_000, discount: 2000 }] } }, 'rule.tiers.1.discount'],
    ['an unknown variant', { conditions: { variantIds: ['var_nope'] } }, 'conditions.variantIds.0'],
    ['an unknown gift', { rule: { type: 'gift', variantId: 'var_nope' } }, 'rule.variantId'],
    ['an unknown channel', { conditions: { channelIds: ['chn_nope'] } }, 'conditions.channelIds.0'],
    ['an unknown store', { conditions: { storeIds: ['loc_nope'] } }, 'conditions.storeIds.0'],
    ['a window ending before it starts', { startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' }, 'endsAt'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['a bad hour', { conditions: { hours: { start: '25:00', end: '26:00' } } }, 'conditions.hours.start'],
    ['a bundle of one item', { rule: { type: 'bundle', items: [{ variantId: 'v', quantity: 1 }], price: 100 } }, 'rule.items'],
  ])('rejects %s, naming the field, and writes nothing', async (_name, change, field) => {
    const before = (await t.call('GET', '/v1/promotions?limit=500')).body.data.length;
    const res = await t.call('POST', '/v1/promotions', mj(change));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', field });
    expect((await t.call('GET', '/v1/promotions?limit=500')).body.data.length).toBe(before);
  });

  it('accepts a bundle of real variants and a member price', async () => {
    const bundle = await t.call('POST', '/v1/promotions', mj({ name: 'Tee pair', rule: { type: 'bundle', items: variants.map((v) => ({ variantId: v.id, quantity: 1 })), price: 12_000 }, status: 'draft' }));
    expect(bundle.status).toBe(201);
    const member = await t.call('POST', '/v1/promotions', mj({ name: 'Member tee', rule: { type: 'member_price', prices: [{ variantId: variants[0].id, amount: 8800 }] }, conditions: { customerTiers: ['gold'] }, status: 'draft' }));
    expect(member.status).toBe(201);
  });
});

describe('preview', () => {
  it('prices a sample cart, explains it, and sees changes at once', async () => {
    const p = (await t.call('POST', '/v1/promotions', mj({ name: '满200减30 preview', conditions: { channelIds: [channelId] } }))).body;
    const ship = (await t.call('POST', '/v1/promotions', mj({ name: 'Free shipping over 100', rule: { type: 'free_shipping' }, conditions: { minSubtotal: 10_000 } }))).body;
    const coupon = (await t.call('POST', '/v1/promotions', mj({ name: '9折券', trigger: 'coupon', rule: { type: 'percentage', percent: 10 } }))).body;

    const res = await t.call('POST', '/v1/promotions/preview', { cart: sampleCart({ couponPromotionIds: [coupon.id] }) });
    expect(res.body).toMatchObject({ subtotal: 24_800 });
    const r = res.body;
    expect(r.subtotal).toBe(24_800);
    expect(r.applied.map((a: any) => [a.promotionId, a.amount])).toEqual([[p.id, 3000], [ship.id, 1000], [coupon.id, 2179]]);
    expect(r.shipping).toEqual({ amount: 0, adjustments: [{ promotionId: ship.id, name: ship.name, amount: 1000 }] });
    expect(r.discountTotal).toBe(6179);
    expect(r.total).toBe(24_800 + 1000 - 6179);
    for (const l of r.lines) expect(l.adjustments.reduce((s: number, a: any) => s + a.amount, 0)).toBe(l.discount);

    await t.call('POST', `/v1/promotions/${p.id}/deactivate`);
    const after = (await t.call('POST', '/v1/promotions/preview', { cart: sampleCart() })).body;
    expect(after.applied.map((a: any) => a.promotionId)).toEqual([ship.id]);
    await t.call('PATCH', `/v1/promotions/${ship.id}`, { conditions: { minSubtotal: 100_000 } });
    const later = (await t.call('POST', '/v1/promotions/preview', { cart: sampleCart() })).body;
    expect(later.applied).toEqual([]);
    expect(later.notApplied).toContainEqual({ promotionId: ship.id, reason: 'condition_not_met', detail: 'needs 100000 of qualifying items, the cart has 24800' });
    const lean = (await t.call('POST', '/v1/promotions/preview', { cart: sampleCart(), explain: false })).body;
    expect(lean).toEqual({ ...later, notApplied: [] });
    await t.call('POST', `/v1/promotions/${ship.id}/deactivate`);
    await t.call('POST', `/v1/promotions/${coupon.id}/deactivate`);
  });

  it("prices the shopper's cart without explanation to the same amounts", async () => {
    const p = (await t.call('POST', '/v1/promotions', mj({ name: '满200减30 lean', conditions: { channelIds: [channelId] } }))).body;
    const excl = (await t.call('POST', '/v1/promotions', mj({ name: '满200减10 exclusive', stacking: 'exclusive', rule: { type: 'threshold', tiers: [{ minSubtotal: 20_000, discount: 1000 }] } }))).body;
    const cart = sampleCart({ couponPromotionIds: ['not_a_coupon'] });
    const full = (await t.call('POST', '/v1/promotions/preview', { cart })).body;
    expect(full.notApplied.map((n: any) => n.promotionId)).toEqual(expect.arrayContaining([excl.id, 'not_a_coupon']));
    const lean = await t.call('POST', '/v1/promotions/preview', { cart, explain: false });
    expect(lean.status).toBe(200);
    expect(lean.body).toEqual({ ...full, notApplied: [] });
    for (const id of [p.id, excl.id]) await t.call('POST', `/v1/promotions/${id}/deactivate`);
  });

  it('rejects a malformed cart naming the field', async () => {
    const res = await t.call('POST', '/v1/promotions/preview', { cart: sampleCart({ lines: [{ lineId: 'x', variantId: 'v', productId: 'p', quantity: 0, unitPrice: 100 }] }) });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('cart.lines.0.quantity');
  });
});

describe('permissions', () => {
  it('marketers manage promotions; analysts only read; clerks neither; keys need the scope', async () => {
    const marketer = await t.staff('marketer');
    const analyst = await t.staff('analyst');
    const clerk = await t.staff('clerk', ['loc_any']);
    const readKey = await t.apiKey(['promotions:read']);
    expect((await t.call('POST', '/v1/promotions', mj({ status: 'draft' }), { token: marketer })).status).toBe(201);
    expect((await t.call('POST', '/v1/promotions', mj(), { token: analyst })).status).toBe(403);
    expect((await t.call('GET', '/v1/promotions', undefined, { token: analyst })).status).toBe(200);
    expect((await t.call('POST', '/v1/promotions/preview', { cart: sampleCart() }, { token: readKey })).status).toBe(200);
    expect((await t.call('POST', '/v1/promotions', mj(), { token: readKey })).status).toBe(403);
    expect((await t.call('GET', '/v1/promotions', undefined, { token: clerk })).status).toBe(403);
    expect((await t.call('POST', '/v1/promotions/preview', { cart: sampleCart() }, { token: clerk })).status).toBe(403);
    expect((await t.call('GET', '/v1/promotions', undefined, { token: null })).status).toBe(401);
  });
});
