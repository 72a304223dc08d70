import { createStaff } from '../modules/access/index.js';
import type { Ctx } from '../platform/context.js';
import { PARTNER } from './demo-data.js';
import { placeOnlineOrder, vouchersOf, type Call } from './demo-activity.js';

export const PARTNER_CLERK_EMAIL = 'clerk.partner@demo.omniloop.dev';

/**
 * A partner merchant beside the brand (联盟商家): an optician with its own store and clerk, and a
 * lens voucher the brand sells online that only the partner's stores redeem, each redemption owed
 * to the partner at the settled amount. A few shoppers bought it today and two have used it, so the
 * partner's statement and the clerk's screen have something to show.
 */
export async function seedPartner(call: Call, sys: Ctx, opts: { channelIds: string[]; categoryId: string; webChannelId: string; password: string }): Promise<void> {
  const partner = await call('POST', '/v1/partners', { name: PARTNER.name, contact: PARTNER.contact, settlement: PARTNER.settlement });
  const store = await call('POST', '/v1/locations', { ...PARTNER.store, partnerId: partner.id, timezone: 'Asia/Shanghai', phone: PARTNER.contact.phone });
  await createStaff(sys, { email: PARTNER_CLERK_EMAIL, name: `Clerk ${PARTNER.store.name}`, role: 'clerk', storeIds: [store.id], password: opts.password });

  const { title, sku, price, owedPerRedemption } = PARTNER.voucher;
  const product = await call('POST', '/v1/products', {
    title,
    status: 'active',
    type: 'service',
    categoryId: opts.categoryId,
    variants: [{ sku, prices: [{ currency: 'CNY', amount: price }] }],
    channelIds: opts.channelIds,
  });
  await call('POST', '/v1/voucher-templates', {
    name: title,
    variantId: product.variants[0].id,
    usesPerVoucher: 1,
    validity: { days: 90 },
    validAt: { scope: 'partners', partnerIds: [partner.id] },
    faceValue: { amount: price, currency: 'CNY' },
    settlement: { partnerId: partner.id, amountPerRedemption: owedPerRedemption },
  });

  const buyers = ['zhou.min@example.com', 'wu.fang@example.com', 'sun.lei@example.com'];
  const orders = [];
  for (const email of buyers) orders.push(await placeOnlineOrder(call, { channelId: opts.webChannelId, lines: [{ variantId: product.variants[0].id, quantity: 1 }], contact: { email } }));
  for (const order of orders.slice(0, 2)) {
    const [voucher] = await vouchersOf(call, order.id);
    await call('POST', '/v1/vouchers/redeem', { code: voucher.code, locationId: store.id });
  }
}
