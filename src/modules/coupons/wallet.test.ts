import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { codeIn, mailInbox, startSmtpInbox } from '../../../tests/inboxes.js';
import { grantCoupon } from './index.js';
import { claimCoupon } from './wallet.service.js';
import { couponWorld, eventsOf } from './test-fixtures.js';

let t: TestApp;
let w: Awaited<ReturnType<typeof couponWorld>>;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
beforeAll(async () => {
  inbox = await mailInbox();
  t = await startTestApp();
  w = await couponWorld(t);
});
afterAll(async () => {
  await t?.close();
  await inbox?.close();
});

/** Signs a shopper in by email code, as the storefront does. */
async function shopper(email: string): Promise<{ token: string; customerId: string }> {
  expect((await t.call('POST', '/v1/shopper/auth/codes', { email }, { token: null })).status).toBe(202);
  const code = codeIn(inbox.mails.filter((m) => m.to.includes(email)).at(-1)!.text);
  const res = await t.call('POST', '/v1/shopper/auth/sessions', { email, code }, { token: null });
  return { token: res.body.token, customerId: res.body.customer.id };
}

describe('wallet coupons (领券)', () => {
  it('a shopper claims coupons up to the per-customer limit, even all at once, and sees them in the wallet', async () => {
    const tpl = await w.template({ kind: 'wallet', perCustomerLimit: 2, validity: { daysAfterClaim: 7 } });
    const mei = await shopper('mei@coupons.test');
    const claims = await Promise.all(Array.from({ length: 6 }, () => t.call('POST', '/v1/shopper/coupons/claim', { templateId: tpl.id }, { token: mei.token })));
    expect(claims.map((c) => c.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    expect(claims.find((c) => c.status === 409)!.body).toMatchObject({ code: 'coupon_limit_reached', field: 'templateId' });
    const mine = claims.filter((c) => c.status === 201).map((c) => c.body);
    expect(mine[0]).toMatchObject({ templateId: tpl.id, customerId: mei.customerId, status: 'unused', source: 'claim', promotionId: w.promotionId });
    const days = (Date.parse(mine[0].validUntil) - Date.parse(mine[0].validFrom)) / 86400_000;
    expect(days).toBe(7);

    const wallet = await t.call('GET', '/v1/shopper/coupons', undefined, { token: mei.token });
    expect(wallet.status).toBe(200);
    expect(wallet.body.data.map((c: any) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
    expect((await t.call('GET', `/v1/coupon-templates/${tpl.id}`)).body.issued).toBe(2);

    // Another shopper's wallet is theirs alone; staff tokens have no wallet.
    const lin = await shopper('lin@coupons.test');
    expect((await t.call('GET', '/v1/shopper/coupons', undefined, { token: lin.token })).body.data).toEqual([]);
    expect((await t.call('POST', '/v1/shopper/coupons/claim', { templateId: tpl.id })).status).toBe(403);
    expect((await eventsOf(t, 'coupon.claimed')).filter((e) => e.templateId === tpl.id).length).toBe(2);
  });

  it('a stock of 5 is claimed exactly 5 times by 30 shoppers at once', async () => {
    const tpl = await w.template({ kind: 'wallet', totalLimit: 5, perCustomerLimit: 1 });
    const customers = await Promise.all(Array.from({ length: 30 }, () => w.customer()));
    const results = await Promise.allSettled(customers.map((customerId) => claimCoupon(w.sys, { templateId: tpl.id, customerId })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won.length).toBe(5);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(new Set(lost.map((r) => r.reason.code))).toEqual(new Set(['coupon_out_of_stock']));
    expect((await t.call('GET', `/v1/coupon-templates/${tpl.id}`)).body.issued).toBe(5);
    const rows = await t.omni.database.db.selectFrom('coupon').select('customer_id').where('template_id', '=', tpl.id).execute();
    expect(rows.length).toBe(5);
    expect(new Set(rows.map((r: any) => r.customer_id)).size).toBe(5);
  });

  it('grants go to the customer’s wallet with a reason; ended or expired templates hand out nothing', async () => {
    const tpl = await w.template({ kind: 'wallet', validity: { from: '2020-01-01T00:00:00Z', until: '2099-01-01T00:00:00Z' } });
    const customerId = await w.customer();
    const granted = await grantCoupon(w.sys, { templateId: tpl.id, customerId, reason: 'birthday' });
    expect(granted).toMatchObject({ customerId, source: 'grant', status: 'unused', validUntil: '2099-01-01T00:00:00.000Z' });
    expect(await eventsOf(t, 'coupon.granted')).toEqual([expect.objectContaining({ id: granted.id, customerId, reason: 'birthday' })]);
    await expect(grantCoupon(w.sys, { templateId: tpl.id, customerId: 'cus_nobody', reason: 'x' })).rejects.toMatchObject({ code: 'not_found', details: { field: 'customerId' } });

    await w.ok('PATCH', `/v1/coupon-templates/${tpl.id}`, { status: 'archived' });
    await expect(claimCoupon(w.sys, { templateId: tpl.id, customerId })).rejects.toMatchObject({ code: 'coupon_inactive' });
    const old = await w.template({ kind: 'wallet', validity: { until: new Date(Date.now() + 60_000).toISOString() } });
    await t.omni.database.db.updateTable('coupon_template').set({ valid_until: new Date(Date.now() - 1000) }).where('id', '=', old.id).execute();
    await expect(claimCoupon(w.sys, { templateId: old.id, customerId })).rejects.toMatchObject({ code: 'coupon_expired' });
    const code = await w.template({ kind: 'unique_codes' });
    await expect(claimCoupon(w.sys, { templateId: code.id, customerId })).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'templateId' } });
    expect((await t.call('GET', `/v1/coupon-templates/${old.id}`)).body.issued).toBe(0);
  });
});
