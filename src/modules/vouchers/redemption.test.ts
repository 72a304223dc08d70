import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { codeIn, mailInbox, startSmtpInbox } from '../../../tests/inboxes.js';
import { eventsOf, voucherWorld } from './test-fixtures.js';

let t: TestApp;
let w: Awaited<ReturnType<typeof voucherWorld>>;
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;

beforeAll(async () => {
  inbox = await mailInbox();
  t = await startTestApp();
  w = await voucherWorld(t);
});
afterAll(async () => {
  await t?.close();
  await inbox?.close();
});

const db = () => t.omni.database.db;
const CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe('voucher templates', () => {
  it('ties a service variant to terms, and refuses terms that cannot work', async () => {
    const made = await w.template({ variantId: w.exam.id });
    expect(made).toMatchObject({ variantId: w.exam.id, status: 'active', usesPerVoucher: 1, validity: { days: 30 }, settlement: { partnerId: w.partnerA.id, amountPerRedemption: 5000 } });
    const dup = await t.call('POST', '/v1/voucher-templates', { ...made, id: undefined, status: undefined, createdAt: undefined, updatedAt: undefined });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'already_exists', field: 'variantId' });

    const physical = await w.ok('POST', '/v1/products', { title: 'Lens cloth', variants: [{ sku: 'CLOTH-1' }] });
    const notService = await t.call('POST', '/v1/voucher-templates', { ...base(), variantId: physical.variants[0].id });
    expect(notService.body).toMatchObject({ code: 'validation_failed', field: 'variantId' });
    const noPlace = await t.call('POST', '/v1/voucher-templates', { ...base(), validAt: { scope: 'locations', locationIds: ['loc_nope'] } });
    expect(noPlace.status).toBe(404);
    expect(noPlace.body.field).toBe('validAt.locationIds');
    const wrongPartner = await t.call('POST', '/v1/voucher-templates', { ...base(), validAt: { scope: 'partners', partnerIds: [w.partnerB.id] }, settlement: { partnerId: w.partnerA.id, amountPerRedemption: 1 } });
    expect(wrongPartner.body).toMatchObject({ code: 'validation_failed', field: 'settlement.partnerId' });
    const usd = await t.call('POST', '/v1/voucher-templates', { ...base(), faceValue: { amount: 100, currency: 'USD' }, settlement: { partnerId: w.partnerA.id, amountPerRedemption: 1 }, validAt: { scope: 'partners' } });
    expect(usd.body).toMatchObject({ code: 'currency_mismatch', field: 'faceValue.currency' });
    const past = await t.call('POST', '/v1/voucher-templates', { ...base(), validity: { until: '2020-01-01T00:00:00Z' } });
    expect(past.body).toMatchObject({ code: 'validation_failed', field: 'validity.until' });
    expect((await t.call('POST', '/v1/voucher-templates', base(), { token: w.clerks.a1 })).status).toBe(403);

    const archived = await t.call('PATCH', `/v1/voucher-templates/${made.id}`, { status: 'archived', usesPerVoucher: 10 });
    expect(archived.body).toMatchObject({ status: 'archived', usesPerVoucher: 10 });
    const listed = await t.call('GET', `/v1/voucher-templates?variantId=${w.exam.id}`);
    expect(listed.body.data.map((x: any) => x.id)).toEqual([made.id]);
    const fromArchived = await t.call('POST', '/v1/vouchers/issue', { templateId: made.id, quantity: 1, reason: 'x' });
    expect(fromArchived.body).toMatchObject({ code: 'invalid_state', field: 'templateId' });
  });
});

const base = () => ({ name: 'Exam', usesPerVoucher: 1, validity: { days: 10 }, validAt: { scope: 'own_stores' }, faceValue: { amount: 100, currency: 'CNY' } });

describe('issuing and redeeming', () => {
  it('issues readable unique codes, looks one up, redeems it once at a partner store and records it', async () => {
    const tpl = await w.template();
    const vouchers = await w.issue(tpl.id, 3);
    expect(vouchers).toHaveLength(3);
    for (const v of vouchers) expect(v.code).toMatch(CODE);
    expect(new Set(vouchers.map((v) => v.code)).size).toBe(3);
    expect(vouchers[0]).toMatchObject({ status: 'active', usesTotal: 1, usesLeft: 1, paidAmount: 0, issueReason: 'spend 200 online, get a lens voucher' });
    expect(await eventsOf(t, 'voucher.issued', vouchers[0].id)).toHaveLength(1);

    // Typed by hand: lower case, no dashes, and an O where a 0 is meant still finds it.
    const typed = vouchers[0].code.replaceAll('-', '').toLowerCase().replaceAll('0', 'o');
    const look = await t.call('GET', `/v1/vouchers/by-code/${typed}?locationId=${w.a1.id}`, undefined, { token: w.clerks.a1 });
    expect(look.status).toBe(200);
    expect(look.body).toMatchObject({ templateName: 'Free lens fitting', voucher: { id: vouchers[0].id, usesLeft: 1 }, here: { locationId: w.a1.id, redeemable: true, reason: null } });
    const lookB = await t.call('GET', `/v1/vouchers/by-code/${typed}?locationId=${w.b1.id}`, undefined, { token: w.clerks.b1 });
    expect(lookB.body.here).toEqual({ locationId: w.b1.id, redeemable: false, reason: 'voucher_not_valid_here' });

    const done = await w.redeem(typed, w.a1.id, w.clerks.a1);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ voucherId: vouchers[0].id, useNo: 1, locationId: w.a1.id, usesLeft: 0, voucher: { status: 'used_up' } });
    expect(await eventsOf(t, 'voucher.redeemed', vouchers[0].id)).toEqual([expect.objectContaining({ locationId: w.a1.id, partnerId: w.partnerA.id, settlementAmount: 5000 })]);

    const again = await w.redeem(vouchers[0].code, w.a1.id, w.clerks.a1);
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.body.code).toBe('voucher_used_up');
  });

  it('two clerks redeeming one voucher at the same instant: exactly one succeeds', async () => {
    const tpl = await w.template();
    for (let round = 0; round < 5; round++) {
      const [v] = await w.issue(tpl.id);
      const results = await Promise.all([w.redeem(v.code, w.a1.id, w.clerks.a1), w.redeem(v.code, w.a2.id, w.clerks.a2)]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('voucher_used_up');
      const s = await w.snapshot(v.id);
      expect(s.redemptions).toHaveLength(1);
      expect(s.ledger).toHaveLength(1);
      expect(s.voucher).toMatchObject({ uses_left: 0, status: 'used_up' });
    }
  });

  it('a 3-use voucher under 10 simultaneous redemptions is redeemed exactly 3 times', async () => {
    const tpl = await w.template({ usesPerVoucher: 3 });
    for (let round = 0; round < 3; round++) {
      const [v] = await w.issue(tpl.id);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? w.redeem(v.code, w.a1.id, w.clerks.a1) : w.redeem(v.code, w.a2.id, w.clerks.a2))));
      const won = results.filter((r) => r.status === 201);
      expect(won).toHaveLength(3);
      expect(results.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(Array(7).fill('voucher_used_up'));
      expect(won.map((r) => r.body.useNo).sort()).toEqual([1, 2, 3]);
      const s = await w.snapshot(v.id);
      expect(s.voucher).toMatchObject({ uses_left: 0, status: 'used_up' });
      expect(s.redemptions).toHaveLength(3);
      expect(s.ledger.map((e: any) => Number(e.amount))).toEqual([5000, 5000, 5000]);
    }
  });

  it('refuses expired, voided, foreign-store, other-partner and unknown codes and changes nothing', async () => {
    const tpl = await w.template({ usesPerVoucher: 2 });
    const [v, toVoid, toExpire] = await w.issue(tpl.id, 3);
    const before = await w.snapshot(v.id);

    // A store of another partner: its own clerk at its own store.
    const foreign = await w.redeem(v.code, w.b1.id, w.clerks.b1);
    expect(foreign.status).toBe(422);
    expect(foreign.body).toMatchObject({ code: 'voucher_not_valid_here', field: 'code' });
    // The brand's own store is not one of partner A's.
    expect((await w.redeem(v.code, w.own.id, w.clerks.own)).body.code).toBe('voucher_not_valid_here');
    // Another partner's clerk naming a store of partner A: not their store.
    const otherClerk = await w.redeem(v.code, w.a1.id, w.clerks.b1);
    expect(otherClerk.status).toBe(403);
    expect(otherClerk.body.code).toBe('store_out_of_scope');
    expect((await t.call('GET', `/v1/vouchers/by-code/${v.code}?locationId=${w.a1.id}`, undefined, { token: w.clerks.b1 })).status).toBe(403);

    const unknown = await w.redeem('ZZZZ-ZZZZ-ZZZZ', w.a1.id, w.clerks.a1);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not_found', field: 'code' });
    expect((await w.redeem('not a code', w.a1.id, w.clerks.a1)).body.code).toBe('not_found');
    expect((await w.redeem(v.code, 'loc_missing', w.clerks.a1)).status).toBe(403); // not the clerk's store either
    expect((await w.redeem(v.code, 'loc_missing', t.ownerToken)).body).toMatchObject({ code: 'not_found', field: 'locationId' });
    expect(await w.snapshot(v.id)).toEqual(before);

    const voided = await t.call('POST', `/v1/vouchers/${toVoid.id}/void`, { reason: 'sent to the wrong shopper' });
    expect(voided.body).toMatchObject({ status: 'voided' });
    const afterVoid = await w.snapshot(toVoid.id);
    expect((await w.redeem(toVoid.code, w.a1.id, w.clerks.a1)).body.code).toBe('voucher_voided');
    expect(await w.snapshot(toVoid.id)).toEqual(afterVoid);

    // Time passes: the voucher's end moves into the past.
    await db().updateTable('voucher').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', toExpire.id).execute();
    const expiredBefore = await w.snapshot(toExpire.id);
    const expired = await w.redeem(toExpire.code, w.a1.id, w.clerks.a1);
    expect(expired.status).toBe(409);
    expect(expired.body.code).toBe('voucher_expired');
    expect(await w.snapshot(toExpire.id)).toEqual(expiredBefore);
  });

  it('a redemption made by mistake is reversed once, by staff of that store, and the use comes back', async () => {
    const tpl = await w.template();
    const [v] = await w.issue(tpl.id);
    const r = (await w.redeem(v.code, w.a1.id, w.clerks.a1)).body;
    expect((await t.call('POST', `/v1/voucher-redemptions/${r.id}/reverse`, undefined, { token: w.clerks.b1 })).status).toBe(404);
    const back = await t.call('POST', `/v1/voucher-redemptions/${r.id}/reverse`, undefined, { token: w.clerks.a1 });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ usesLeft: 1, voucher: { status: 'active' } });
    expect(back.body.reversedAt).not.toBeNull();
    expect((await t.call('POST', `/v1/voucher-redemptions/${r.id}/reverse`, undefined, { token: w.clerks.a1 })).body.code).toBe('invalid_state');
    const second = await w.redeem(v.code, w.a2.id, w.clerks.a2);
    expect(second.body).toMatchObject({ useNo: 2, usesLeft: 0 });
  });
});

describe('who sees which vouchers', () => {
  it('a partner clerk lists only vouchers valid at their stores, with codes masked', async () => {
    const forA = (await w.issue((await w.template()).id))[0];
    const forB = (await w.issue((await w.template({ validAt: { scope: 'partners', partnerIds: [w.partnerB.id] }, settlement: null })).id))[0];
    const ownOnly = (await w.issue((await w.template({ validAt: { scope: 'own_stores' }, settlement: null })).id))[0];

    const seenBy = async (token: string) => (await t.call('GET', '/v1/vouchers?limit=100', undefined, { token })).body.data.map((v: any) => v.id);
    const a = await seenBy(w.clerks.a1);
    expect(a).toContain(forA.id);
    expect(a).not.toContain(forB.id);
    expect(a).not.toContain(ownOnly.id);
    const b = await seenBy(w.clerks.b1);
    expect(b).toContain(forB.id);
    expect(b).not.toContain(forA.id);
    expect(await seenBy(w.clerks.own)).toEqual(expect.arrayContaining([ownOnly.id]));
    expect(await seenBy(w.clerks.own)).not.toContain(forA.id);
    expect(await seenBy(t.ownerToken)).toEqual(expect.arrayContaining([forA.id, forB.id, ownOnly.id]));

    const masked = await t.call('GET', `/v1/vouchers/${forA.id}`, undefined, { token: w.clerks.a1 });
    expect(masked.body.code).toBe(`••••-••••-${forA.code.slice(-4)}`);
    expect((await t.call('GET', `/v1/vouchers/${forA.id}`, undefined, { token: w.clerks.b1 })).status).toBe(404);
    expect((await t.call('GET', `/v1/vouchers/${forA.id}`)).body.code).toBe(forA.code);
    const atB = (await t.call('GET', `/v1/vouchers?locationId=${w.b1.id}&limit=100`)).body.data.map((v: any) => v.id);
    expect(atB).toContain(forB.id);
    expect(atB).not.toContain(forA.id);
  });

  it("a signed-in shopper sees their own vouchers with a QR to show; nobody else's", async () => {
    await t.call('POST', '/v1/shopper/auth/codes', { email: 'mei@example.com' }, { token: null });
    const code = codeIn(inbox.mails.filter((m) => m.to.includes('mei@example.com')).at(-1)!.text);
    const session = await t.call('POST', '/v1/shopper/auth/sessions', { email: 'mei@example.com', code }, { token: null });
    expect(session.status).toBe(201);
    const customerId = session.body.customer.id;
    const tpl = await w.template();
    const mine = await w.issue(tpl.id, 2, customerId);
    await w.issue(tpl.id, 1); // someone else's

    const res = await t.call('GET', '/v1/shopper/vouchers', undefined, { token: session.body.token });
    expect(res.status).toBe(200);
    expect(res.body.data.map((v: any) => v.id).sort()).toEqual(mine.map((v) => v.id).sort());
    const shown = res.body.data[0];
    expect(shown.templateName).toBe('Free lens fitting');
    expect(shown.qr.payload).toBe(shown.code.replaceAll('-', ''));
    expect(shown.qr.svgDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(shown.qr.svgDataUrl.split(',')[1], 'base64').toString()).toContain('<svg');
    expect((await t.call('GET', '/v1/shopper/vouchers')).status).toBe(403);
    const nobody = await t.call('POST', '/v1/vouchers/issue', { templateId: tpl.id, quantity: 1, reason: 'x', customerId: 'cus_nobody' });
    expect(nobody.body).toMatchObject({ code: 'not_found', field: 'customerId' });
  });
});
