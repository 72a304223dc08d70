import { expect } from 'vitest';
import type { TestApp } from '../../../tests/harness.js';
import type { Ctx } from '../../platform/context.js';
import { findOrCreateCustomer } from '../customers/index.js';

/** A coupon-triggered promotion (10% off) and helpers to make coupon templates and customers. */
export async function couponWorld(t: TestApp) {
  const ok = async (method: string, url: string, body?: unknown, token?: string) => {
    const res = await t.call(method, url, body, token === undefined ? {} : { token });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body;
  };
  const promotion = (trigger: 'coupon' | 'automatic') =>
    ok('POST', '/v1/promotions', { name: `10% off (${trigger})`, trigger, currency: 'CNY', rule: { type: 'percentage', percent: 10 }, status: 'active' });
  const promo = await promotion('coupon');
  const automatic = await promotion('automatic');
  const sys: Ctx = t.ctx;
  let n = 0;
  return {
    ok,
    sys,
    promotionId: promo.id as string,
    automaticPromotionId: automatic.id as string,
    template: (body: Record<string, unknown>) => ok('POST', '/v1/coupon-templates', { name: 'Coupon', promotionId: promo.id, ...body }),
    customer: async () => (await findOrCreateCustomer(sys, { email: `c${++n}@coupons.test` })).id,
  };
}

/** Outbox events of a type, payloads parsed. */
export async function eventsOf(t: TestApp, type: string): Promise<any[]> {
  const rows = await t.omni.database.db.selectFrom('outbox_event').selectAll().where('type', '=', type).orderBy('id').execute();
  return rows.map((r: any) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
}
