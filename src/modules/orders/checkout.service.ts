import { inTx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { getChannel } from '../catalog/index.js';
import { findOrCreateCustomer } from '../customers/index.js';
import { getLocations, listLocations, nearestLocations } from '../stores/index.js';
import { allocateStock, reserveStock } from '../inventory/index.js';
import { createPayment, type PaymentMethod } from '../payments/index.js';
import type { CartLineRow, CartRow, FulfillmentChoice } from './orders.tables.js';
import type { FulfillmentType } from './pricing.js';
import { lineFulfillment, loadCart, loadCartLines, priceLoadedCart, requireCartAccess } from './carts.service.js';
import { writeOrder, type PlannedFulfillment } from './order-writer.js';
import { q, readOrder, toOrderView, type OrderView } from './order-store.js';
import { markOrderPaid } from './order-payments.js';
import { orderSettings } from './orders.settings.js';

export interface CheckoutInput {
  /** Fulfilment choices applied before placing: for the whole cart, or for the lines named. */
  fulfillment?: Array<FulfillmentChoice & { lineIds?: string[] }>;
  contact?: { email?: string; phone?: string; name?: string };
  payment?: { provider: 'test' | 'manual'; method?: PaymentMethod };
}

/** Lines grouped by where and how they are fulfilled; each group reserves its stock in one call. */
interface Group {
  type: FulfillmentType;
  locationId: string | null;
  address: Record<string, unknown> | null;
  point: { lat: number; lng: number } | null;
  lines: Array<{ lineId: string; variantId: string; quantity: number }>;
}

const SHIPS: ReadonlySet<FulfillmentType> = new Set(['delivery', 'ship_from_store']);

/**
 * Turns an open cart into an order in one transaction: the cart is claimed first (so a second
 * checkout of it waits and then finds it taken), stock is reserved per fulfilment group, the
 * payment is created, and a manual payment marks the order paid at once.
 */
export async function checkout(ctx: Ctx, cartId: string, input: CheckoutInput): Promise<OrderView> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const cart = await loadCart(tx, cartId, true);
    requireCartAccess(ctx.actor, cart, true);
    if (cart.status !== 'open') throw new AppError('cart_checked_out', `cart ${cartId} is already checked out as order ${cart.order_id}`, { orderId: cart.order_id });
    const lines = await loadCartLines(tx, cartId);
    if (!lines.length) throw new AppError('cart_empty', 'the cart has no lines to check out', { field: 'lines' });
    applyChoices(cart, lines, input.fulfillment ?? []);
    const priced = await priceLoadedCart(c, cart, lines);

    const groups = groupLines(cart, lines, priced.variants, input.fulfillment ?? []);
    await checkLocations(c, groups);
    const holdOnly = groups.every((g) => g.type === 'reserve_try');
    if (!holdOnly && groups.some((g) => g.type === 'reserve_try')) {
      throw new AppError('validation_failed', 'reserve-and-try lines are held without payment: check them out on their own', { field: 'fulfillment' });
    }
    if (!holdOnly && !input.payment) throw new AppError('validation_failed', 'choose a payment provider', { field: 'payment' });
    if (input.payment?.provider === 'manual' && !input.payment.method) throw new AppError('validation_failed', 'a manual payment names its method: cash, card or qr', { field: 'payment.method' });

    const channel = await getChannel(c, cart.channel_id, 'channelId');
    const customerId = await customerFor(c, cart.customer_id, input.contact);
    const orderId = newId('ord');
    const reference = { type: 'order', id: orderId };
    const now = Date.now();
    const planned: PlannedFulfillment[] = [];
    for (const g of groups) planned.push(...(await reserveGroup(c, cart.channel_id, reference, g)));

    const written = await writeOrder(c, {
      id: orderId,
      channel_id: channel.id,
      channel_kind: channel.kind,
      cart_id: cart.id,
      customer_id: customerId,
      email: input.contact?.email ?? null,
      phone: input.contact?.phone ?? null,
      status: holdOnly ? 'reserved' : 'pending_payment',
      currency: cart.currency,
      payment_id: null,
      payment_method: input.payment?.method ?? null,
      tendered: null,
      change_due: null,
      payment_due_at: holdOnly ? null : new Date(now + orderSettings.paymentWindowMinutes * 60_000),
      hold_expires_at: holdOnly ? new Date(now + orderSettings.holdHours * 3600_000) : null,
      placed_by: ctx.actor.id,
    }, priced.totals, priced.variants, planned);
    await emit(tx, 'order.placed', orderId, {
      orderId,
      status: written.order.status,
      channelId: channel.id,
      channelKind: channel.kind,
      customerId,
      currency: cart.currency,
      grandTotal: priced.totals.grandTotal,
      locationIds: written.order.location_ids,
      fulfillments: written.fulfillments.map((f) => ({ id: f.id, type: f.type, locationId: f.location_id })),
      lines: written.lines.map((l) => ({ id: l.id, variantId: l.variant_id, quantity: l.quantity, total: Number(l.total) })),
    });
    await q(tx).updateTable('cart').set({ status: 'checked_out', order_id: orderId, updated_at: new Date() }).where('id', '=', cart.id).execute();

    if (!input.payment || holdOnly) return toOrderView(written.order, written.fulfillments, written.lines);
    const { paymentId, paidNow } = await pay(c, orderId, priced.totals.grandTotal, cart.currency, input.payment);
    // Still awaiting payment, the order is exactly what was written: no need to read it back.
    return paidNow ? readOrder(tx, orderId) : toOrderView({ ...written.order, payment_id: paymentId }, written.fulfillments, written.lines);
  });
}

/**
 * Applies checkout-time fulfilment choices, in order, to the loaded cart (not stored: a failed
 * checkout leaves the cart as it was). A choice without lineIds is the cart's and clears the lines' own.
 */
function applyChoices(cart: CartRow, lines: CartLineRow[], choices: NonNullable<CheckoutInput['fulfillment']>): void {
  for (const [i, { lineIds, ...choice }] of choices.entries()) {
    const unknown = lineIds?.find((id) => !lines.some((l) => l.id === id));
    if (unknown) throw new AppError('not_found', `cart line ${unknown} does not exist`, { field: `fulfillment.${i}.lineIds` });
    if (!lineIds?.length) cart.fulfillment = choice;
    for (const l of lines) {
      if (!lineIds?.length) Object.assign(l, { fulfillment_type: null, location_id: null });
      else if (lineIds.includes(l.id)) Object.assign(l, { fulfillment_type: choice.type, location_id: choice.locationId ?? null });
    }
  }
}

/**
 * Creates the order's payment; one that captures at once (manual, or nothing to pay) marks the
 * order paid now. Returns the payment id and whether the order changed beyond it.
 */
export async function pay(ctx: Ctx, orderId: string, amount: number, currency: string, payment: { provider: 'test' | 'manual'; method?: PaymentMethod }): Promise<{ paymentId: string | null; paidNow: boolean }> {
  if (amount === 0) {
    await markOrderPaid(ctx, orderId, { paymentId: null, amount: 0 });
    return { paymentId: null, paidNow: true };
  }
  const p = await createPayment(ctx, { reference: { type: 'order', id: orderId }, amount, currency, provider: payment.provider, method: payment.method });
  await q(ctx.db).updateTable('sales_order').set({ payment_id: p.id }).where('id', '=', orderId).execute();
  if (p.status !== 'captured') return { paymentId: p.id, paidNow: false };
  await markOrderPaid(ctx, orderId, { paymentId: p.id, amount });
  return { paymentId: p.id, paidNow: true };
}

function groupLines(
  cart: CartRow,
  lines: CartLineRow[],
  variants: Map<string, { productType: 'physical' | 'service' }>,
  choices: Array<FulfillmentChoice & { lineIds?: string[] }>,
): Group[] {
  const groups = new Map<string, Group>();
  for (const l of lines) {
    const f = lineFulfillment(cart, l, variants.get(l.variant_id)!);
    const choice = choices.find((c) => c.lineIds?.includes(l.id)) ?? choices.find((c) => !c.lineIds?.length) ?? cart.fulfillment;
    const sameChoice = choice && choice.type === f.type ? choice : null;
    if ((f.type === 'pickup' || f.type === 'reserve_try') && !f.locationId) {
      throw new AppError('validation_failed', `line ${l.id} is for ${f.type.replace('_', ' ')} but names no store`, { field: 'fulfillment.locationId' });
    }
    const key = `${f.type}/${f.locationId ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { type: f.type, locationId: f.locationId, address: sameChoice?.address ?? null, point: sameChoice?.point ?? null, lines: [] };
      if (SHIPS.has(g.type) && !g.address) throw new AppError('validation_failed', `${g.type.replaceAll('_', ' ')} needs a shipping address`, { field: 'fulfillment.address' });
      groups.set(key, g);
    }
    g.lines.push({ lineId: l.id, variantId: l.variant_id, quantity: l.quantity });
  }
  return [...groups.values()];
}

/** Pickup and try-on stores must exist and offer that service. */
async function checkLocations(ctx: Ctx, groups: Group[]): Promise<void> {
  const ids = groups.flatMap((g) => (g.locationId ? [g.locationId] : []));
  if (!ids.length) return;
  const found = new Map((await getLocations(ctx, ids)).map((l) => [l.id, l]));
  for (const g of groups) {
    if (!g.locationId) continue;
    const loc = found.get(g.locationId);
    if (!loc || !loc.active) throw new AppError('not_found', `location ${g.locationId} does not exist or is closed`, { field: 'fulfillment.locationId', id: g.locationId });
    const service = g.type === 'pickup' ? 'pickup' : 'try_on';
    if (!loc.services.includes(service)) throw new AppError('service_unavailable', `${loc.name} does not offer ${service.replace('_', ' ')}`, { field: 'fulfillment.locationId', locationId: loc.id });
  }
}

async function customerFor(ctx: Ctx, cartCustomer: string | null, contact: CheckoutInput['contact']): Promise<string> {
  if (ctx.actor.kind === 'shopper') return ctx.actor.customerId;
  if (cartCustomer) return cartCustomer;
  if (!contact?.email && !contact?.phone) throw new AppError('validation_failed', 'a guest checkout needs an email or a phone', { field: 'contact' });
  return (await findOrCreateCustomer(ctx, contact)).id;
}

/**
 * Reserves a group's stock. Pickup holds at the chosen store until handover or no-show (no expiry);
 * try-on holds until the hold expires; shipping lets inventory choose locations by stock and
 * distance, and becomes one fulfilment per location it draws on.
 */
async function reserveGroup(ctx: Ctx, channelId: string, reference: { type: string; id: string }, g: Group): Promise<PlannedFulfillment[]> {
  const portions = g.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
  if (g.type === 'voucher') return [{ type: 'voucher', locationId: null, status: 'pending', reservationId: null, portions }];
  if (g.type === 'pickup' || g.type === 'reserve_try') {
    const hold = g.type === 'reserve_try';
    const reservation = await reserveStock(ctx, {
      lines: g.lines.map((l) => ({ variantId: l.variantId, locationId: g.locationId!, quantity: l.quantity })),
      expiresInSeconds: hold ? orderSettings.holdHours * 3600 : null,
      channelId,
      reference,
    });
    return [{ type: g.type, locationId: g.locationId, status: hold ? 'held' : 'pending', reservationId: reservation.id, portions }];
  }
  const { reservation, plan } = await allocateStock(ctx, {
    channelId,
    locationIds: await shippingLocations(ctx, g),
    lines: g.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    strategy: g.point ? 'nearest' : 'priority',
    ...(g.point ? { point: g.point } : {}),
    expiresInSeconds: null,
    reference,
  });
  const byLocation = new Map<string, PlannedFulfillment>();
  const remaining = new Map(g.lines.map((l) => [l.lineId, l.quantity]));
  for (const step of plan) {
    let f = byLocation.get(step.locationId);
    if (!f) {
      f = { type: g.type, locationId: step.locationId, status: 'pending', reservationId: reservation.id, shippingAddress: g.address, portions: [] };
      byLocation.set(step.locationId, f);
    }
    // One line per variant in a cart, so a step maps back by variant. Bundle components do not:
    // their bundle line goes with the first parcel below.
    const line = g.lines.find((l) => l.variantId === step.variantId && remaining.get(l.lineId)! > 0);
    if (!line) continue;
    remaining.set(line.lineId, remaining.get(line.lineId)! - step.quantity);
    f.portions.push({ lineId: line.lineId, quantity: step.quantity });
  }
  const parcels = [...byLocation.values()];
  for (const l of g.lines) if (remaining.get(l.lineId)! > 0) parcels[0].portions.push({ lineId: l.lineId, quantity: remaining.get(l.lineId)! });
  return parcels.filter((p) => p.portions.length);
}

/** Delivery ships from warehouses; ship-from-store from stores offering it, the nearest first when the address has a point. */
async function shippingLocations(ctx: Ctx, g: Group): Promise<string[]> {
  if (g.type === 'delivery') return (await listLocations(ctx, { kind: 'warehouse', active: true })).map((l) => l.id);
  if (g.point) return (await nearestLocations(ctx, { ...g.point, limit: 50, kind: 'store', service: 'ship_from_store' })).map((l) => l.id);
  return (await listLocations(ctx, { kind: 'store', service: 'ship_from_store', active: true })).map((l) => l.id);
}
