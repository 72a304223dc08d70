import { placeOnlineOrder, vouchersOf, type Call } from '../../src/cli/demo-activity.js';
import { PARTNER } from '../../src/cli/demo-data.js';

/**
 * On top of the demo brand's own trade, what the browser tests act on and must know by heart: a web
 * order waiting for pickup at the flagship, a voucher bought this morning, and the keys to reach them.
 */
export type { Call };

export interface Activity {
  publishableKey: string;
  webChannelId: string;
  pickup: { orderId: string; code: string; storeId: string };
  voucherCode: string;
  clerkToken: string;
}

export async function addDemoActivity(call: Call, password = 'omniloop-demo'): Promise<Activity> {
  const web = (await call('GET', '/v1/channels')).data.find((c: any) => c.code === 'web');
  const njr = (await call('GET', '/v1/locations?kind=store')).data.find((l: any) => l.code === 'SH-NJR');
  const key = await call('POST', '/v1/api-keys', { name: 'storefront', kind: 'publishable', scopes: ['catalog:read', 'inventory:read'] });
  const signIn = async (email: string) => (await call('POST', '/v1/auth/sessions', { email, password })).token as string;

  const listing = (await call('GET', `/v1/channels/${web.id}/products?limit=100`, undefined, key.token)).data;
  const shelf = new Set((await call('GET', `/v1/stock?locationId=${njr.id}`)).data.filter((s: any) => s.available >= 2).map((s: any) => s.variantId));
  const pickable = listing.filter((p: any) => p.type === 'physical').flatMap((p: any) => p.variants).find((v: any) => shelf.has(v.id));
  const pickupOrder = await placeOnlineOrder(call, {
    channelId: web.id,
    lines: [{ variantId: pickable.id, quantity: 1 }],
    fulfillment: { type: 'pickup', locationId: njr.id },
    contact: { email: 'li.wei@example.com' },
  }, key.token);

  // A service bought online: checkout issues its voucher, good at the brand's own stores.
  const service = listing.find((p: any) => p.type === 'service' && p.variants[0].sku !== PARTNER.voucher.sku);
  const bought = await placeOnlineOrder(call, { channelId: web.id, lines: [{ variantId: service.variants[0].id, quantity: 1 }], contact: { email: 'chen.jing@example.com' } }, key.token);
  const [voucher] = await vouchersOf(call, bought.id);

  return {
    publishableKey: key.token,
    webChannelId: web.id,
    pickup: { orderId: pickupOrder.id, code: pickupOrder.fulfillments[0].pickupCode, storeId: njr.id },
    voucherCode: voucher.code,
    clerkToken: await signIn('clerk.sh-njr@demo.omniloop.dev'),
  };
}
