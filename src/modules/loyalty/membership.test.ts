import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../tests/harness.js';
import { codeIn, startSmsInbox } from '../../../tests/inboxes.js';
import { localDate } from './brand-time.js';
import { CODE_STEP_SECONDS, memberCode } from './member-code.js';
import { eventsOf, ok } from './test-fixtures.js';

let t: TestApp;
let sms: Awaited<ReturnType<typeof startSmsInbox>>;
let walletTemplate: string;
let memberTier: string;
let phones = 0;

beforeAll(async () => {
  sms = await startSmsInbox();
  process.env.SMS_PROVIDER_URL = sms.url;
  process.env.SMS_PROVIDER_KEY = 'sms-test-key';
  t = await startTestApp();
  const promotion = await ok(t.call('POST', '/v1/promotions', { name: '¥10 off', trigger: 'coupon', currency: 'CNY', rule: { type: 'fixed', amount: 1000 }, status: 'active' }), 201);
  walletTemplate = (await ok(t.call('POST', '/v1/coupon-templates', { name: '¥10 voucher', promotionId: promotion.id, kind: 'wallet', validity: { daysAfterClaim: 30 } }), 201)).id;
  memberTier = (await ok(t.call('POST', '/v1/loyalty/tiers', { name: 'Member', minSpend: 0, birthdayCouponTemplateId: walletTemplate }), 201)).id;
});
afterAll(async () => {
  await t?.close();
  await sms?.close();
  delete process.env.SMS_PROVIDER_URL;
  delete process.env.SMS_PROVIDER_KEY;
});

/** A shopper signed in by text message, already a member. */
async function member(): Promise<{ token: string; customerId: string }> {
  const phone = `+8613800${String(++phones).padStart(6, '0')}`;
  await ok(t.call('POST', '/v1/shopper/auth/codes', { phone }, { token: null }), 202);
  const session = await ok(t.call('POST', '/v1/shopper/auth/sessions', { phone, code: codeIn(sms.messages.at(-1)!.body.text) }, { token: null }), 201);
  await ok(t.call('POST', '/v1/shopper/membership', undefined, { token: session.token }), 201);
  return { token: session.token, customerId: session.customer.id };
}

const wallet = async (token: string) => (await ok(t.call('GET', '/v1/shopper/coupons', undefined, { token }))).data as any[];

describe('a shopper and their membership', () => {
  it('joins once and sees balance, frozen points, tier and history', async () => {
    const phone = '+8613700000000';
    await ok(t.call('POST', '/v1/shopper/auth/codes', { phone }, { token: null }), 202);
    const { token } = await ok(t.call('POST', '/v1/shopper/auth/sessions', { phone, code: codeIn(sms.messages.at(-1)!.body.text) }, { token: null }), 201);
    expect((await t.call('GET', '/v1/shopper/membership', undefined, { token })).body.code).toBe('member_not_found');
    await ok(t.call('POST', '/v1/shopper/membership', undefined, { token }), 201);
    await ok(t.call('POST', '/v1/shopper/membership', undefined, { token }), 200);
    const mine = await ok(t.call('GET', '/v1/shopper/membership', undefined, { token }));
    expect(mine).toMatchObject({ balance: 0, frozen: 0, tier: { id: memberTier, name: 'Member' }, nextTier: null });
    await ok(t.call('POST', `/v1/members/${mine.customerId}/points/adjust`, { points: 40, reason: 'welcome' }), 201);
    const history = await ok(t.call('GET', '/v1/shopper/points', undefined, { token }));
    expect(history.data).toMatchObject([{ kind: 'adjusted', points: 40, reason: 'welcome' }]);
    expect((await t.call('GET', '/v1/shopper/membership')).body.code).toBe('forbidden'); // staff are not shoppers
  });
});

describe('member codes', () => {
  it('the code shown in the app resolves at the till, rotates every step, and an old or forged code does not', async () => {
    const { token, customerId } = await member();
    const clerk = await t.staff('clerk', ['loc_till']);
    const shown = await ok(t.call('GET', '/v1/shopper/member-code', undefined, { token }));
    expect(shown.qr).toMatch(/^data:image\/png;base64,/);
    const left = new Date(shown.expiresAt).getTime() - Date.now();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(CODE_STEP_SECONDS * 1000);
    const resolved = await ok(t.call('POST', '/v1/members/resolve-code', { code: shown.code }, { token: clerk }));
    expect(resolved).toMatchObject({ customerId, tier: { id: memberTier } });

    const { secret } = await t.omni.database.db.selectFrom('loyalty_secret').select('secret').executeTakeFirstOrThrow();
    const now = Date.now();
    const previous = memberCode(secret, resolved.id, now - CODE_STEP_SECONDS * 1000).code;
    const stale = memberCode(secret, resolved.id, now - 2 * CODE_STEP_SECONDS * 1000).code;
    expect(new Set([shown.code, previous, stale]).size).toBe(3);
    expect((await t.call('POST', '/v1/members/resolve-code', { code: previous }, { token: clerk })).status).toBe(200);
    for (const code of [stale, memberCode('another secret', resolved.id, now).code, 'OMM1.mem_x.abc', 'hello']) {
      const res = await t.call('POST', '/v1/members/resolve-code', { code }, { token: clerk });
      expect(res.status, code).toBe(422);
      expect(res.body).toMatchObject({ code: 'invalid_member_code', field: 'code' });
    }
    expect((await t.call('POST', '/v1/members/resolve-code', { code: shown.code }, { token })).status).toBe(403);
  });
});

describe('the points mall', () => {
  it('offers only wallet coupon templates that exist', async () => {
    const res = await t.call('POST', '/v1/loyalty/rewards', { name: 'Nothing', points: 10, couponTemplateId: 'cpt_missing' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_found', field: 'couponTemplateId' });
  });

  it('redeeming spends the points and puts the coupon in the wallet; simultaneous redemptions never overspend', async () => {
    const reward = await ok(t.call('POST', '/v1/loyalty/rewards', { name: '¥10 voucher', points: 100, couponTemplateId: walletTemplate }), 201);
    const { token, customerId } = await member();
    await ok(t.call('POST', `/v1/members/${customerId}/points/adjust`, { points: 250, reason: 'seed' }), 201);
    expect((await ok(t.call('GET', '/v1/shopper/points-mall/rewards', undefined, { token }))).data.map((r: any) => r.id)).toContain(reward.id);

    const first = await ok(t.call('POST', '/v1/shopper/points-mall/redeem', { rewardId: reward.id }, { token }), 201);
    expect(first).toMatchObject({ points: 100, balance: 150, coupon: { templateId: walletTemplate } });
    const at = await Promise.all(Array.from({ length: 5 }, () => t.call('POST', '/v1/shopper/points-mall/redeem', { rewardId: reward.id }, { token })));
    expect(at.filter((r) => r.status === 201)).toHaveLength(1);
    expect(at.filter((r) => r.status !== 201).every((r) => r.body.code === 'insufficient_points')).toBe(true);
    expect((await ok(t.call('GET', '/v1/shopper/membership', undefined, { token }))).balance).toBe(50);
    expect(await wallet(token)).toHaveLength(2);

    await ok(t.call('PATCH', `/v1/loyalty/rewards/${reward.id}`, { active: false }));
    const withdrawn = await t.call('POST', '/v1/shopper/points-mall/redeem', { rewardId: reward.id }, { token });
    expect(withdrawn.body).toMatchObject({ code: 'not_found', field: 'rewardId' });
  });
});

describe('birthday perks', () => {
  it("a member whose birthday is today gets their tier's coupon once a year; others get nothing", async () => {
    const today = localDate(new Date(), 'Asia/Shanghai');
    const birthdayToday = await member();
    const otherDay = await member();
    await ok(t.call('PATCH', '/v1/shopper/me', { birthday: `1990-${today.slice(5)}` }, { token: birthdayToday.token }));
    const tomorrow = localDate(new Date(Date.now() + 86400_000), 'Asia/Shanghai');
    await ok(t.call('PATCH', '/v1/shopper/me', { birthday: `1992-${tomorrow.slice(5)}` }, { token: otherDay.token }));

    await t.omni.worker.drain();
    await t.omni.worker.drain();
    const perks = await eventsOf(t, 'birthday_perk.granted');
    expect(perks.map((p) => p.customerId)).toEqual([birthdayToday.customerId]);
    expect(perks[0]).toMatchObject({ year: Number(today.slice(0, 4)), tierId: memberTier, couponTemplateId: walletTemplate });
    expect(await wallet(birthdayToday.token)).toHaveLength(1);
    expect(await wallet(otherDay.token)).toHaveLength(0);
  });
});
