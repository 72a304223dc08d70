import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { onPostgres, startTestApp, type TestApp } from '../../../tests/harness.js';
import { createOmniloop } from '../../app.js';
import { redeemVoucher } from './index.js';
import { voucherWorld } from './test-fixtures.js';

let t: TestApp;
let w: Awaited<ReturnType<typeof voucherWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await voucherWorld(t);
});
afterAll(async () => t?.close());

type Reply = { status: number; body: any };

/** Distinct redemption times among these: redemptions written by one statement share its now(). */
async function statementsFor(redemptionIds: string[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(DISTINCT redeemed_at)::int AS n FROM voucher_redemption WHERE id = ANY(${redemptionIds}::text[])`.execute(t.omni.database.db);
  return rows[0].n;
}

/** The refusals among `results`, as [status, code, field]. */
const refusals = (results: Reply[]) => results.filter((r) => r.status !== 201).map((r) => [r.status, r.body.code, r.body.field]);

describe('redemptions arriving together', () => {
  it('forty clerks redeeming forty vouchers at once: each is redeemed, settled and announced exactly once', async () => {
    const settled = await w.template({ usesPerVoucher: 3 });
    const ownOnly = await w.template({ validAt: { scope: 'own_stores' }, settlement: null });
    const asks = [
      ...(await w.issue(settled.id, 30)).map((v, i) => ({ v, at: i % 2 ? w.a1 : w.a2, token: i % 2 ? w.clerks.a1 : w.clerks.a2 })),
      ...(await w.issue(ownOnly.id, 10)).map((v) => ({ v, at: w.own, token: w.clerks.own })),
    ];
    const results = await Promise.all(asks.map((a) => w.redeem(a.v.code, a.at.id, a.token)));

    expect(refusals(results)).toEqual([]);
    for (const [i, { v, at }] of asks.entries()) {
      const r = results[i].body;
      const left = v.usesTotal - 1;
      expect(r).toMatchObject({ voucherId: v.id, useNo: 1, locationId: at.id, usesLeft: left, reversedAt: null, voucher: { id: v.id, code: v.code, status: left ? 'active' : 'used_up', usesLeft: left } });
      const s = await w.snapshot(v.id);
      expect(s.voucher).toMatchObject({ uses_left: left, redemption_count: 1 });
      expect(s.redemptions).toMatchObject([{ id: r.id, use_no: 1, location_id: at.id }]);
      const partner = at.partnerId ?? null;
      expect(s.ledger.map((e: any) => [e.redemption_id, e.partner_id, e.kind, Number(e.amount)])).toEqual(partner ? [[r.id, partner, 'redemption', 5000]] : []);
      expect(s.events).toEqual([{
        id: v.id, redemptionId: r.id, useNo: 1, usesLeft: left, locationId: at.id, partnerId: partner, customerId: null, orderId: null,
        templateId: v.templateId, settlementAmount: partner ? 5000 : 0, currency: 'CNY', redeemedBy: r.redeemedBy,
      }]);
    }
    // They went to the database together, not one statement each. (The embedded database works
    // through HTTP requests one at a time, so there each batch holds one.)
    if (onPostgres) expect(await statementsFor(results.map((r) => r.body.id))).toBeLessThan(asks.length / 2);
  });

  it('a single-use voucher scanned by twenty clerks at once, among other redemptions: redeemed exactly once', async () => {
    const tpl = await w.template();
    const [hot] = await w.issue(tpl.id);
    const others = await w.issue(tpl.id, 10);
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => (i % 2 ? w.redeem(hot.code, w.a1.id, w.clerks.a1) : w.redeem(hot.code, w.a2.id, w.clerks.a2))),
      ...others.map((v) => w.redeem(v.code, w.a1.id, w.clerks.a1)),
    ]);
    const scans = results.slice(0, 20);
    expect(scans.filter((r) => r.status === 201)).toHaveLength(1);
    expect(refusals(scans)).toEqual(Array(19).fill([409, 'voucher_used_up', 'code']));
    const s = await w.snapshot(hot.id);
    expect(s.voucher).toMatchObject({ uses_left: 0, redemption_count: 1, status: 'used_up' });
    expect(s.redemptions).toHaveLength(1);
    expect(s.ledger).toHaveLength(1);
    expect(s.events).toHaveLength(1);
    expect(results.slice(20).map((r) => r.status)).toEqual(Array(10).fill(201));
  });

  it('a 3-use voucher scanned by ten clerks at once: exactly three uses, numbered 1 to 3, each with its own state', async () => {
    const [v] = await w.issue((await w.template({ usesPerVoucher: 3 })).id);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? w.redeem(v.code, w.a1.id, w.clerks.a1) : w.redeem(v.code, w.a2.id, w.clerks.a2))));
    const won = results.filter((r) => r.status === 201).map((r) => r.body).sort((a, b) => a.useNo - b.useNo);
    expect(won.map((r) => [r.useNo, r.usesLeft, r.voucher.usesLeft, r.voucher.status])).toEqual([
      [1, 2, 2, 'active'],
      [2, 1, 1, 'active'],
      [3, 0, 0, 'used_up'],
    ]);
    expect(refusals(results)).toEqual(Array(7).fill([409, 'voucher_used_up', 'code']));
    const s = await w.snapshot(v.id);
    expect(s.voucher).toMatchObject({ uses_left: 0, redemption_count: 3, status: 'used_up' });
    expect(s.redemptions.map((r: any) => [r.id, r.use_no])).toEqual(won.map((r) => [r.id, r.useNo]));
    expect(s.ledger.map((e: any) => e.redemption_id).sort()).toEqual(won.map((r) => r.id).sort());
    expect(s.events.map((e) => [e.redemptionId, e.useNo, e.usesLeft]).sort()).toEqual(won.map((r) => [r.id, r.useNo, r.usesLeft]).sort());
  });

  it('refusals inside a batch change nothing and leave the others in it unaffected', async () => {
    const tpl = await w.template({ usesPerVoucher: 2 });
    const [expired, voided, foreign, twoUses, ...good] = await w.issue(tpl.id, 14);
    await t.omni.database.db.updateTable('voucher').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired.id).execute();
    expect((await t.call('POST', `/v1/vouchers/${voided.id}/void`, { reason: 'sent to the wrong shopper' })).status).toBe(200);
    const untouched = [expired, voided, foreign];
    const before = await Promise.all(untouched.map((v) => w.snapshot(v.id)));

    const results = await Promise.all([
      w.redeem(expired.code, w.a1.id, w.clerks.a1),
      w.redeem(voided.code, w.a1.id, w.clerks.a1),
      w.redeem(foreign.code, w.b1.id, w.clerks.b1),
      w.redeem('ZZZZ-ZZZZ-ZZZZ', w.a1.id, w.clerks.a1),
      w.redeem(good[0].code, 'loc_missing', t.ownerToken),
      w.redeem(good[0].code, w.a1.id, w.clerks.b1),
      // Two uses, six scans: the three at partner B's store are not valid there and take none.
      ...[w.b1, w.a1, w.b1, w.a2, w.b1, w.a1].map((at) => w.redeem(twoUses.code, at.id, at === w.b1 ? w.clerks.b1 : at === w.a1 ? w.clerks.a1 : w.clerks.a2)),
      ...good.map((v) => w.redeem(v.code, w.a2.id, w.clerks.a2)),
    ]);
    expect(results.slice(0, 6).map((r) => [r.status, r.body.code, r.body.field])).toEqual([
      [409, 'voucher_expired', 'code'],
      [409, 'voucher_voided', 'code'],
      [422, 'voucher_not_valid_here', 'code'],
      [404, 'not_found', 'code'],
      [404, 'not_found', 'locationId'],
      [403, 'store_out_of_scope', 'locationId'],
    ]);
    const scans = results.slice(6, 12);
    expect(scans.filter((r, i) => i % 2 === 0).map((r) => r.body.code)).toEqual(Array(3).fill('voucher_not_valid_here'));
    expect(scans.filter((r, i) => i % 2 === 1).map((r) => r.status).sort()).toEqual([201, 201, 409]);
    expect((await w.snapshot(twoUses.id)).voucher).toMatchObject({ uses_left: 0, status: 'used_up' });
    expect(results.slice(12).map((r) => [r.status, r.body.useNo])).toEqual(Array(good.length).fill([201, 1]));
    expect(await Promise.all(untouched.map((v) => w.snapshot(v.id)))).toEqual(before);
  });
});

describe('redemptions queued together in one server', () => {
  it('the first runs at once and the rest go as one statement, on either database', async () => {
    const [multi, ...single] = await w.issue((await w.template({ usesPerVoucher: 3 })).id, 5);
    const ctx = t.ctx;
    const codes = [multi.code, multi.code, ...single.map((v) => v.code), multi.code, multi.code];
    const settled = await Promise.allSettled(codes.map((code) => redeemVoucher(ctx, { code, locationId: w.a1.id })));
    const made = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(made.map((r) => [r.voucherId, r.useNo, r.usesLeft])).toEqual([
      [multi.id, 1, 2],
      [multi.id, 2, 1],
      ...single.map((v) => [v.id, 1, 2]),
      [multi.id, 3, 0],
    ]);
    expect(settled.at(-1)).toMatchObject({ status: 'rejected', reason: { code: 'voucher_used_up', details: { field: 'code' } } });
    expect(await statementsFor(made.map((r) => r.id))).toBe(2);
  });
});

describe.skipIf(!onPostgres)('two servers redeeming the same vouchers at once', () => {
  it('their batches overlap in opposite orders without deadlock, and every use is taken exactly once', async () => {
    const second = await createOmniloop(t.config);
    try {
      const viaSecond = async (code: string) => {
        const res = await second.app.inject({ method: 'POST', url: '/v1/vouchers/redeem', payload: { code, locationId: w.a2.id }, headers: { authorization: `Bearer ${w.clerks.a2}` } });
        return { status: res.statusCode, body: res.json() };
      };
      // Five uses, three scans on each server: both servers' batches take uses of the same vouchers.
      const tpl = await w.template({ usesPerVoucher: 5 });
      for (let round = 0; round < 5; round++) {
        const vouchers = await w.issue(tpl.id, 10);
        const scans = vouchers.flatMap((v) => [v.code, v.code, v.code]);
        const results = await Promise.all([...scans.map((c) => w.redeem(c, w.a1.id, w.clerks.a1)), ...[...scans].reverse().map(viaSecond)]);
        expect(refusals(results)).toEqual(Array(10).fill([409, 'voucher_used_up', 'code']));
        for (const v of vouchers) {
          const s = await w.snapshot(v.id);
          expect(s.voucher).toMatchObject({ uses_left: 0, redemption_count: 5, status: 'used_up' });
          expect(s.redemptions.map((r: any) => r.use_no)).toEqual([1, 2, 3, 4, 5]);
          expect(s.ledger).toHaveLength(5);
          expect(s.events.map((e) => e.useNo).sort()).toEqual([1, 2, 3, 4, 5]);
        }
      }
    } finally {
      await second.close();
    }
  });
});
