/**
 * Trade made through the public API, as a shop's apps and tills make it, so stock, payments,
 * vouchers, points and events stay consistent. The demo seed tells its story with these, and the
 * browser tests add their own orders with them.
 */

/** One API call as some caller (the token, or the caller's own credentials when left out). */
export type Call = (method: string, url: string, body?: unknown, token?: string) => Promise<any>;

export interface Line { variantId: string; quantity: number }
export type Fulfillment = { type: 'pickup'; locationId: string } | { type: 'delivery'; address: Record<string, unknown> };
export interface Contact { email?: string; phone?: string; name?: string }

/**
 * An online order: the cart built with `token` (a storefront's key), then checked out with a QR
 * payment that the caller's own staff credentials record (it captures at once; a storefront itself
 * pays through a provider). Service lines need no fulfilment: checkout issues their vouchers.
 */
export async function placeOnlineOrder(call: Call, input: { channelId: string; lines: Line[]; fulfillment?: Fulfillment; contact: Contact }, token?: string): Promise<any> {
  const cart = await call('POST', '/v1/carts', { channelId: input.channelId }, token);
  for (const l of input.lines) await call('POST', `/v1/carts/${cart.id}/lines`, l, token);
  const fulfillment = input.fulfillment ? { fulfillment: [input.fulfillment] } : {};
  return call('POST', `/v1/carts/${cart.id}/checkout`, { ...fulfillment, contact: input.contact, payment: { provider: 'manual', method: 'qr' } });
}

/** A till sale; cash sales hand over `tendered` and get change. */
export function sellAtTill(call: Call, input: { locationId: string; lines: Line[]; customerId?: string; method: 'cash' | 'card' | 'qr'; tendered?: number }, token?: string): Promise<any> {
  const { method, tendered, customerId, ...sale } = input;
  return call('POST', '/v1/pos/sales', { ...sale, ...(customerId ? { customerId } : {}), payment: { provider: 'manual', method, ...(tendered === undefined ? {} : { tendered }) } }, token);
}

const pickupOf = (order: any) => order.fulfillments.find((f: any) => f.type === 'pickup');

/** The store has the pickup order ready for collection. */
export function markPickupReady(call: Call, order: any, token?: string): Promise<any> {
  return call('POST', `/v1/fulfillments/${pickupOf(order).id}/ready`, undefined, token);
}

/** The shopper shows the pickup code at the counter and takes the goods. */
export async function collectPickup(call: Call, order: any, token?: string): Promise<any> {
  const f = pickupOf(order);
  if (f.status !== 'ready') await markPickupReady(call, order, token);
  return call('POST', `/v1/fulfillments/${f.id}/pickup`, { code: f.pickupCode }, token);
}

/** A delivery leaves the warehouse and, when `arrived`, reaches the shopper. */
export async function shipDelivery(call: Call, order: any, arrived: boolean): Promise<void> {
  const f = order.fulfillments.find((x: any) => x.type === 'delivery');
  await call('POST', `/v1/fulfillments/${f.id}/ship`, { carrier: 'SF Express', trackingNumber: `SF${order.id.slice(-10)}` });
  if (arrived) await call('POST', `/v1/fulfillments/${f.id}/deliver`);
}

/** The vouchers an order issued. */
export async function vouchersOf(call: Call, orderId: string): Promise<any[]> {
  return (await call('GET', `/v1/vouchers?orderId=${orderId}`)).data;
}
