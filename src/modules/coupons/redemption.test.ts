import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { grantCoupon, redeemCoupons, releaseCoupons, resolveCoupons } from './index.js';
import { listWallet } from './wallet.service.js';
import { couponWorld, eventsOf } from './test-fixtures.js';

let t: TestApp;
let w: Awaited<ReturnType<typeof couponWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await couponWorld(t);
});
afterAll(() => t?.close());

const db = () => t.omni.database.db;
const web = { channelKind: 'web', channelId: 'chn_web' };
const pos = { channelKind: 'pos', channelId: 'chn_pos' };
let orders = 0;
const orderId = () => `ord_test${++orders}`;

/** Codes of a new batch of a new unique_codes template. */
async function uniqueCodes(count: number, terms: Record<string, unknown> = {}): Promise<string[]> {
  const tpl = await w.template({ kind: 'unique_codes', ...terms });
  const batch = await w.ok('POST', `/v1/coupon-templates/${tpl.id}/batches`, { count });
  const rows = await db().selectFrom('coupon').select('code').where('batch_id', '=', batch.id).orderBy('id').execute();
  return rows.map((r: any) => r.code);
}

async function publicCode(code: string, terms: Record<string, unknown> = {}): Promise<string> {
  await w.template({ kind: 'public_code', code, ...terms });
  return code;
}

const usesOf = async (code: string) => (await db().selectFrom('coupon').select('uses').where('code', '=', code).executeTakeFirstOrThrow()).uses;

/** Each call in its own transaction, as concurrent checkouts would. */
const redeemInTx = (input: { orderId: string; customerId: string | null; codes: string[] }) =>
  db().transaction().execute((tx) => redeemCoupons({ ...w.sys, db: tx }, input));

const settle = async (ps: Promise<unknown>[]) => {
  const results = await Promise.allSettled(ps);
  return { ok: results.filter((r) => r.status === 'fulfilled').length, errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason.code] : [])) };
};

describe('resolving codes at checkout', () => {
  it('a store coupon and a platform coupon resolve together to their promotions, however they were typed', async () => {
    const [store] = await uniqueCodes(1);
    const platform = await publicCode('PLATFORM8', { group: 'platform' });
    const customerId = await w.customer();
    const resolved = await resolveCoupons(w.sys, { codes: [` ${store.slice(0, 4).toLowerCase()}-${store.slice(4)} `, 'platform8'], customerId, ...web });
    expect(resolved).toEqual([
      expect.objectContaining({ code: store, promotionId: w.promotionId, group: 'store', stackable: false }),
      expect.objectContaining({ code: 'PLATFORM8', promotionId: w.promotionId, group: 'platform' }),
    ]);
    expect(resolved[0].couponId).toMatch(/^cpn_/);
    // An online coupon works in store by default.
    expect(await resolveCoupons(w.sys, { codes: [store], ...pos })).toHaveLength(1);
    expect(await resolveCoupons(w.sys, { codes: [], ...web })).toEqual([]);
  });

  it('refuses with a clear code naming the position of the code', async () => {
    const [a, b] = await uniqueCodes(2);
    const [c] = await uniqueCodes(1, { stackable: true });
    const [d] = await uniqueCodes(1, { stackable: true });
    const onlineOnly = await publicCode('ONLINEONLY', { channels: 'online', group: 'platform' });
    const storeOnly = await publicCode('STOREONLY', { channels: 'store', group: 'platform' });
    const later = await publicCode('LATER', { validity: { from: '2098-01-01T00:00:00Z' }, group: 'later' });
    const goneTpl = await w.template({ kind: 'public_code', code: 'GONE', group: 'gone' });
    await db().updateTable('coupon_template').set({ valid_until: new Date(Date.now() - 1000) }).where('id', '=', goneTpl.id).execute();
    const gone = goneTpl.code;
    const walletTpl = await w.template({ kind: 'wallet', group: 'wallet' });
    const owner = await w.customer();
    const stranger = await w.customer();
    const mine = await grantCoupon(w.sys, { templateId: walletTpl.id, customerId: owner, reason: 'test' });

    const refused = async (codes: string[], opts: { customerId?: string | null; channel?: typeof web } = {}) => {
      const err = await resolveCoupons(w.sys, { codes, customerId: opts.customerId ?? null, ...(opts.channel ?? web) }).then(
        () => null,
        (e) => e,
      );
      return err && { code: err.code, field: err.details.field };
    };
    expect(await refused([a, 'NOSUCHCODE'])).toEqual({ code: 'coupon_not_found', field: 'couponCodes.1' });
    expect(await refused([gone])).toEqual({ code: 'coupon_expired', field: 'couponCodes.0' });
    expect(await refused([later])).toEqual({ code: 'coupon_not_yet_valid', field: 'couponCodes.0' });
    expect(await refused([a, onlineOnly], { channel: pos })).toEqual({ code: 'coupon_not_for_channel', field: 'couponCodes.1' });
    expect(await refused([storeOnly])).toEqual({ code: 'coupon_not_for_channel', field: 'couponCodes.0' });
    expect(await refused([storeOnly], { channel: pos })).toBeNull();
    expect(await refused([mine.code], { customerId: stranger })).toEqual({ code: 'coupon_not_yours', field: 'couponCodes.0' });
    expect(await refused([mine.code])).toEqual({ code: 'coupon_not_yours', field: 'couponCodes.0' });
    expect(await refused([mine.code], { customerId: owner })).toBeNull();
    expect(await refused([a, b])).toEqual({ code: 'coupons_do_not_stack', field: 'couponCodes.1' });
    expect(await refused([c, a])).toEqual({ code: 'coupons_do_not_stack', field: 'couponCodes.1' });
    expect(await refused([c, d, onlineOnly])).toBeNull();
    expect(await refused([a, a.toLowerCase()])).toEqual({ code: 'validation_failed', field: 'couponCodes.1' });

    // A refused checkout uses nothing, not even the good codes before the bad one.
    await expect(redeemInTx({ orderId: orderId(), customerId: owner, codes: [c, mine.code, gone] })).rejects.toMatchObject({ code: 'coupon_expired', details: { field: 'couponCodes.2' } });
    expect([await usesOf(c), await usesOf(mine.code)]).toEqual([0, 0]);
    expect(await db().selectFrom('coupon_redemption').selectAll().execute()).toEqual([]);

    // Also inside a checkout's transaction that catches the refusal and carries on: a failure after
    // some codes were counted (here: the order already used the public code) leaves none counted.
    const repeated = orderId();
    await redeemInTx({ orderId: repeated, customerId: owner, codes: [onlineOnly] });
    const inside = await db().transaction().execute(async (tx) => {
      const refusedInTx = await redeemCoupons({ ...w.sys, db: tx }, { orderId: repeated, customerId: owner, codes: [c, onlineOnly] }).catch((e) => e.code);
      const uses = await tx.selectFrom('coupon').select(['code', 'uses']).where('code', 'in', [c, onlineOnly]).orderBy('code').execute();
      return { refusedInTx, uses: Object.fromEntries(uses.map((u: any) => [u.code, u.uses])) };
    });
    expect(inside).toEqual({ refusedInTx: 'already_exists', uses: { [c]: 0, [onlineOnly]: 1 } });
  });
});

describe('using codes exactly once', () => {
  it('a single-use code redeemed by 10 concurrent checkouts succeeds exactly once', async () => {
    const [code] = await uniqueCodes(1);
    const r = await settle(Array.from({ length: 10 }, () => redeemInTx({ orderId: orderId(), customerId: null, codes: [code] })));
    expect(r.ok).toBe(1);
    expect(new Set(r.errors)).toEqual(new Set(['coupon_used_up']));
    expect(await usesOf(code)).toBe(1);
    expect((await eventsOf(t, 'coupon.redeemed')).filter((e) => e.code === code)).toHaveLength(1);
    await expect(resolveCoupons(w.sys, { codes: [code], ...web })).rejects.toMatchObject({ code: 'coupon_used_up' });
  });

  it('a public code with a total limit of 3 is used 3 times by 12 concurrent shoppers', async () => {
    const code = await publicCode('THREE', { totalLimit: 3, group: 'three' });
    const customers = await Promise.all(Array.from({ length: 12 }, () => w.customer()));
    const r = await settle(customers.map((customerId) => redeemInTx({ orderId: orderId(), customerId, codes: [code] })));
    expect(r.ok).toBe(3);
    expect(new Set(r.errors)).toEqual(new Set(['coupon_used_up']));
    expect(await usesOf(code)).toBe(3);
    const tpl = (await t.call('GET', '/v1/coupon-templates?kind=public_code&limit=100')).body.data.find((x: any) => x.code === 'THREE');
    expect(tpl.issued).toBe(3);
    // The limit cannot be lowered below what was used.
    expect((await t.call('PATCH', `/v1/coupon-templates/${tpl.id}`, { totalLimit: 2 })).body).toMatchObject({ code: 'validation_failed', field: 'totalLimit' });
  });

  it('the per-customer limit holds, also when one shopper checks out 5 times at once', async () => {
    const code = await publicCode('ONCEEACH', { perCustomerLimit: 1, group: 'once' });
    const customerId = await w.customer();
    const r = await settle(Array.from({ length: 5 }, () => redeemInTx({ orderId: orderId(), customerId, codes: [code] })));
    expect(r.ok).toBe(1);
    expect(new Set(r.errors)).toEqual(new Set(['coupon_limit_reached']));
    await expect(resolveCoupons(w.sys, { codes: [code], customerId, ...web })).rejects.toMatchObject({ code: 'coupon_limit_reached', details: { field: 'couponCodes.0' } });
    await expect(resolveCoupons(w.sys, { codes: [code], customerId: null, ...web })).rejects.toMatchObject({ code: 'coupon_requires_customer' });
    // Someone else still may.
    await redeemInTx({ orderId: orderId(), customerId: await w.customer(), codes: [code] });
    expect(await usesOf(code)).toBe(2);
  });

  it('releasing an order gives its uses back exactly once, and the codes can be used again', async () => {
    const [single] = await uniqueCodes(1);
    const limited = await publicCode('ONEPERSON', { perCustomerLimit: 1, group: 'platform' });
    const customerId = await w.customer();
    const first = orderId();
    await redeemInTx({ orderId: first, customerId, codes: [single, limited] });
    expect([await usesOf(single), await usesOf(limited)]).toEqual([1, 1]);

    const released = await Promise.all([releaseCoupons(w.sys, { orderId: first }), releaseCoupons(w.sys, { orderId: first })]);
    expect(released.sort()).toEqual([0, 2]);
    expect(await releaseCoupons(w.sys, { orderId: first })).toBe(0);
    expect([await usesOf(single), await usesOf(limited)]).toEqual([0, 0]);
    expect((await eventsOf(t, 'coupon.released')).filter((e) => e.orderId === first)).toHaveLength(2);

    await redeemInTx({ orderId: orderId(), customerId, codes: [single, limited] });
    expect([await usesOf(single), await usesOf(limited)]).toEqual([1, 1]);
  });

  it('a wallet coupon is used by its owner once and then shows as used in the wallet', async () => {
    const tpl = await w.template({ kind: 'wallet', group: 'wallet2' });
    const owner = await w.customer();
    const coupon = await grantCoupon(w.sys, { templateId: tpl.id, customerId: owner, reason: 'points mall' });
    await expect(redeemInTx({ orderId: orderId(), customerId: await w.customer(), codes: [coupon.code] })).rejects.toMatchObject({ code: 'coupon_not_yours' });
    await redeemInTx({ orderId: orderId(), customerId: owner, codes: [coupon.code] });
    await expect(redeemInTx({ orderId: orderId(), customerId: owner, codes: [coupon.code] })).rejects.toMatchObject({ code: 'coupon_used_up' });
    expect((await listWallet(w.sys, { customerId: owner, limit: 10 })).data).toEqual([expect.objectContaining({ id: coupon.id, status: 'used' })]);
    expect((await listWallet(w.sys, { customerId: owner, status: 'unused', limit: 10 })).data).toEqual([]);
  });
});
