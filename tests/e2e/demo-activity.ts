/**
 * A morning of trade on top of the demo brand, made through the API: till sales at every store,
 * web orders for pickup and delivery, and a bought voucher, so the screens have something to show.
 */
export type Call = (method: string, url: string, body?: unknown, token?: string) => Promise<any>;

export interface Activity {
  publishableKey: string;
  webChannelId: string;
  pickup: { orderId: string; code: string; storeId: string };
  voucherCode: string;
  clerkToken: string;
}

export async function addDemoActivity(call: Call, password = 'omniloop-demo'): Promise<Activity> {
  const channels = (await call('GET', '/v1/channels')).data;
  const web = channels.find((c: any) => c.code === 'web');
  const locations = (await call('GET', '/v1/locations?kind=store')).data;
  const store = (code: string) => locations.find((l: any) => l.code === code);
  const key = await call('POST', '/v1/api-keys', { name: 'storefront', kind: 'publishable', scopes: ['catalog:read', 'inventory:read'] });
  const signIn = async (email: string) => (await call('POST', '/v1/auth/sessions', { email, password })).token as string;

  // Till sales: two per store, of whatever the store has on its shelves.
  for (const code of ['SH-NJR', 'SH-XTD', 'SH-JAS']) {
    const clerk = await signIn(`clerk.${code.toLowerCase()}@demo.omniloop.dev`);
    const shelf = (await call('GET', `/v1/stock?locationId=${store(code).id}`, undefined, clerk)).data.filter((s: any) => s.available >= 2);
    for (let i = 0; i < 2; i++) {
      const lines = shelf.slice(i * 2, i * 2 + 2).map((s: any) => ({ variantId: s.variantId, quantity: 1 }));
      await call('POST', '/v1/pos/sales', { locationId: store(code).id, lines, payment: { provider: 'manual', method: i ? 'card' : 'cash', ...(i ? {} : { tendered: 200000 }) } }, clerk);
    }
  }

  const listing = (await call('GET', `/v1/channels/${web.id}/products?limit=100`, undefined, key.token)).data;
  const physical = listing.filter((p: any) => p.type === 'physical');
  const order = async (variantId: string, fulfillment: unknown, email: string) => {
    const cart = await call('POST', '/v1/carts', { channelId: web.id }, key.token);
    await call('POST', `/v1/carts/${cart.id}/lines`, { variantId, quantity: 1 }, key.token);
    return call('POST', `/v1/carts/${cart.id}/checkout`, { fulfillment: [fulfillment], contact: { email }, payment: { provider: 'manual', method: 'qr' } }, key.token);
  };
  const njr = store('SH-NJR');
  const njrShelf = new Set((await call('GET', `/v1/stock?locationId=${njr.id}`)).data.filter((s: any) => s.available > 0).map((s: any) => s.variantId));
  const pickable = physical.flatMap((p: any) => p.variants).filter((v: any) => njrShelf.has(v.id));
  const pickupOrder = await order(pickable[0].id, { type: 'pickup', locationId: njr.id }, 'li.wei@example.com');
  await order(pickable[1].id, { type: 'pickup', locationId: njr.id }, 'wang.fang@example.com');
  await order(physical[3].variants[0].id, { type: 'delivery', address: { name: 'Zhang Min', line1: '88 Century Avenue', city: 'Shanghai', postalCode: '200120', country: 'CN', phone: '+8613800000000' } }, 'zhang.min@example.com');

  // A service sold as a voucher, good at the brand's own stores.
  const service = listing.find((p: any) => p.type === 'service');
  await call('POST', '/v1/voucher-templates', {
    name: service.title,
    variantId: service.variants[0].id,
    usesPerVoucher: 1,
    validity: { days: 90 },
    validAt: { scope: 'own_stores' },
    faceValue: { amount: service.variants[0].price.amount, currency: 'CNY' },
  });
  // Service lines need no fulfilment choice: checkout issues their vouchers.
  const cart = await call('POST', '/v1/carts', { channelId: web.id }, key.token);
  await call('POST', `/v1/carts/${cart.id}/lines`, { variantId: service.variants[0].id, quantity: 1 }, key.token);
  const bought = await call('POST', `/v1/carts/${cart.id}/checkout`, { contact: { email: 'chen.jing@example.com' }, payment: { provider: 'manual', method: 'qr' } }, key.token);
  const vouchers = (await call('GET', `/v1/vouchers?orderId=${bought.id}`)).data;

  const f = pickupOrder.fulfillments[0];
  return {
    publishableKey: key.token,
    webChannelId: web.id,
    pickup: { orderId: pickupOrder.id, code: f.pickupCode, storeId: njr.id },
    voucherCode: vouchers[0]?.code,
    clerkToken: await signIn('clerk.sh-njr@demo.omniloop.dev'),
  };
}
