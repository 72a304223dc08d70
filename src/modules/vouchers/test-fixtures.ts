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
  return {
    ok,
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
