import { expect } from 'vitest';
import type { TestApp } from '../../../tests/harness.js';

/**
 * A brand with one own store, two partner merchants (two stores of A, one of B), an eye-exam
 * service product and a clerk for each store, all made through the HTTP API.
 */
export async function voucherWorld(t: TestApp) {
  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await t.call(method, url, body);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  let seq = 0;
  const store = (name: string, partnerId: string | null) =>
    ok('POST', '/v1/locations', {
      kind: 'store',
      code: `VS-${++seq}`,
      name,
      address: { line1: `${seq} Huaihai Rd`, city: 'Shanghai', country: 'CN' },
      geo: { lat: 31.2 + seq / 100, lng: 121.4 },
      timezone: 'Asia/Shanghai',
      services: ['vouchers'],
      partnerId,
    });
  const partnerA = await ok('POST', '/v1/partners', {
    name: 'Bright Optics',
    contact: { name: 'Ms Lin', email: 'lin@bright.example' },
    settlement: { currency: 'CNY', cycle: 'monthly', paymentDays: 30 },
  });
  const partnerB = await ok('POST', '/v1/partners', { name: 'Clear View', settlement: { currency: 'CNY', cycle: 'weekly', paymentDays: 7 } });
  const own = await store('Omniloop Jing An', null);
  const a1 = await store('Bright Optics Xuhui, "2F"', partnerA.id);
  const a2 = await store('Bright Optics Pudong', partnerA.id);
  const b1 = await store('Clear View Hongkou', partnerB.id);
  const product = await ok('POST', '/v1/products', {
    title: 'Eye exam',
    type: 'service',
    status: 'active',
    variants: [
      { sku: 'EXAM-1', prices: [{ currency: 'CNY', amount: 19900 }] },
      { sku: 'EXAM-10', prices: [{ currency: 'CNY', amount: 99900 }] },
    ],
  });
  const [exam, examCard] = product.variants;
  /** A template valid at partner A's stores (settled 50.00 per use) unless `over` says otherwise. */
  const template = (over: Record<string, unknown> = {}) =>
    ok('POST', '/v1/voucher-templates', {
      name: 'Free lens fitting',
      usesPerVoucher: 1,
      validity: { days: 30 },
      validAt: { scope: 'partners', partnerIds: [partnerA.id] },
      faceValue: { amount: 20000, currency: 'CNY' },
      settlement: { partnerId: partnerA.id, amountPerRedemption: 5000 },
      ...over,
    });
  const issue = async (templateId: string, quantity = 1, customerId?: string) => {
    const res = await t.call('POST', '/v1/vouchers/issue', { templateId, quantity, reason: 'spend 200 online, get a lens voucher', customerId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as any[];
  };
  const redeem = (code: string, locationId: string, token: string) => t.call('POST', '/v1/vouchers/redeem', { code, locationId }, { token });
  const db = t.omni.database.db;
  /** What a refused redemption must leave untouched: the voucher row, its redemptions, ledger and events. */
  const snapshot = async (voucherId: string) => ({
    voucher: await db.selectFrom('voucher').selectAll().where('id', '=', voucherId).executeTakeFirst(),
    redemptions: await db.selectFrom('voucher_redemption').selectAll().where('voucher_id', '=', voucherId).orderBy('use_no').execute(),
    ledger: await db.selectFrom('partner_settlement_entry').selectAll().where('voucher_id', '=', voucherId).orderBy('id').execute(),
    events: await eventsOf(t, 'voucher.redeemed', voucherId),
  });
  return {
    ok,
    template,
    issue,
    redeem,
    snapshot,
    partnerA,
    partnerB,
    own,
    a1,
    a2,
    b1,
    exam,
    examCard,
    clerks: {
      own: await t.staff('clerk', [own.id]),
      a1: await t.staff('clerk', [a1.id]),
      a2: await t.staff('clerk', [a2.id]),
      b1: await t.staff('clerk', [b1.id]),
    },
  };
}

/** Outbox events of a type for one aggregate, payloads parsed. */
export async function eventsOf(t: TestApp, type: string, id: string): Promise<any[]> {
  const rows = await t.omni.database.db.selectFrom('outbox_event').selectAll().where('type', '=', type).where('aggregate_id', '=', id).execute();
  return rows.map((r: any) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
}
