import { inTx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Ctx } from '../../platform/context.js';
import { requireStore, type Actor } from '../../platform/auth.js';
import { findOrCreateCustomer } from '../customers/index.js';
import { getLocations, listLocations, nearestLocations } from '../stores/index.js';
import { allocateStock, reserveStock } from '../inventory/index.js';
import { createPayment, type PaymentMethod } from '../payments/index.js';
import type { CartLineRow, CartRow, FulfillmentChoice } from './orders.tables.js';
import type { FulfillmentType } from './pricing.js';
import { lineFulfillment, lockCartWithLines, priceLoadedCart, requireCartAccess } from './carts.service.js';
import { insertOrder, planOrder, type PlannedFulfillment } from './order-writer.js';
import { readOrder, toOrderView, type OrderView } from './order-store.js';
import { markOrderPaid } from './order-payments.js';
import { orderSettings } from './orders.settings.js';
import { takeDiscounts } from './discounts.js';
import { takeOffers } from './offers.js';
import { refuseClerkPoints, requireCustomerReader } from './order-access.js';

export interface CheckoutInput {
  /** Fulfilment choices applied before placing: for the whole cart, or for the lines named. */
  fulfillment?: Array<FulfillmentChoice & { lineIds?: string[] }>;
  contact?: { email?: string; phone?: string; name?: string };
  payment?: { provider: 'test' | 'manual'; method?: PaymentMethod };
  /** Instead of the coupon codes saved on the cart. */
  couponCodes?: string[];
  /** Instead of the points saved on the cart. */
  points?: number;
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
 * Turns an open cart into an order in one transaction. The cart is claimed first (so a second
 * checkout of it waits and then finds it taken). Stock levels are the rows every checkout of the
 * same SKUs queues on, so they are locked as late as possible: everything else is read and
 * written first (ids are made up front, so nothing is read back), and pickup and try-on stock is
 * reserved last, just before the commit. Shipped lines are the exception: where they ship from,
 * and so their fulfilments, depends on the stock allocation, which therefore runs first.
 */
export async function checkout(ctx: Ctx, cartId: string, input: CheckoutInput): Promise<OrderView> {
  refuseClerkPoints(ctx, input.points);
  // A contact finds the customer it belongs to, and the order shows who that is.
  if (input.contact) requireCustomerReader(ctx, 'contact');
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const { cart, lines, stamps } = await lockCartWithLines(tx, cartId);
    requireCartAccess(ctx.actor, cart, true);
    if (cart.status !== 'open') throw new AppError('cart_checked_out', `cart ${cartId} is already checked out as order ${cart.order_id}`, { orderId: cart.order_id });
    if (!lines.length) throw new AppError('cart_empty', 'the cart has no lines to check out', { field: 'lines' });
    applyChoices(cart, lines, input.fulfillment ?? []);
    const request = { couponCodes: input.couponCodes ?? cart.coupon_codes, points: input.points ?? cart.points };
    const priced = await priceLoadedCart(c, cart, lines, { strict: true, request, stamps });

    const groups = groupLines(cart, priced.lines, priced.variants, input.fulfillment ?? []);
    await checkLocations(c, groups);
    const holdOnly = groups.every((g) => g.type === 'reserve_try');
    if (!holdOnly && groups.some((g) => g.type === 'reserve_try')) {
      throw new AppError('validation_failed', 'reserve-and-try lines are held without payment: check them out on their own', { field: 'fulfillment' });
    }
    if (!holdOnly && !input.payment) throw new AppError('validation_failed', 'choose a payment provider', { field: 'payment' });
    if (input.payment?.provider === 'manual' && !canRecordPayments(ctx.actor)) {
      throw new AppError('forbidden', 'a manual payment is recorded by the staff who took the money; pay online through a provider', { field: 'payment.provider' });
    }
    if (input.payment?.provider === 'manual' && !input.payment.method) throw new AppError('validation_failed', 'a manual payment names its method: cash, card or qr', { field: 'payment.method' });

    const channel = priced.channel;
    const customerId = await customerFor(c, cart.customer_id, input.contact);
    const orderId = newId('ord');
    const reference = { type: 'order', id: orderId };
    const now = Date.now();
    const payment = input.payment && !holdOnly ? input.payment : null;
    const paymentId = payment ? plannedPaymentId(priced.totals.grandTotal) : null;
    const planned: PlannedGroup[] = [];
    for (const g of groups) planned.push(await planGroup(c, cart.channel_id, reference, g));
    await takeDiscounts(c, { id: orderId, customerId }, priced.discounts);
    const waitingFor = await takeOffers(c, { channelId: channel.id, channelKind: channel.kind, currency: cart.currency, customerId, at: new Date(now), orderId }, lines);

    const rows = planOrder(c, {
      id: orderId,
      channel_id: channel.id,
      channel_kind: channel.kind,
      cart_id: cart.id,
      customer_id: customerId,
      email: input.contact?.email ?? null,
      phone: input.contact?.phone ?? null,
      status: holdOnly ? 'reserved' : 'pending_payment',
      currency: cart.currency,
      payment_id: paymentId,
      payment_method: input.payment?.method ?? null,
      tendered: null,
      change_due: null,
      payment_due_at: holdOnly ? null : new Date(now + orderSettings.paymentWindowMinutes * 60_000),
      hold_expires_at: holdOnly ? new Date(now + orderSettings.holdHours * 3600_000) : null,
      placed_by: ctx.actor.id,
      coupon_codes: priced.discounts.couponCodes,
      points_spent: priced.discounts.points?.used ?? 0,
      waiting_for: waitingFor,
    }, priced.totals, priced.variants, planned.flatMap((p) => p.fulfillments));
    await insertOrder(tx, rows, {
      orderId,
      status: rows.order.status,
      channelId: channel.id,
      channelKind: channel.kind,
      customerId,
      currency: cart.currency,
      grandTotal: priced.totals.grandTotal,
      locationIds: rows.order.location_ids,
      fulfillments: rows.fulfillments.map((f) => ({ id: f.id, type: f.type, locationId: f.location_id })),
      lines: rows.lines.map((l) => ({ id: l.id, variantId: l.variant_id, quantity: l.quantity, total: Number(l.total) })),
    }, cart.id);

    const paidNow = payment ? await pay(c, orderId, paymentId, priced.totals.grandTotal, cart.currency, payment) : false;
    await reserveAtStores(c, cart.channel_id, reference, planned);
    // Unless a payment captured at once, the order is exactly what was planned: no need to read it back.
    return paidNow ? readOrder(tx, orderId) : toOrderView(rows.order, rows.fulfillments, rows.lines);
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

/** The id the order's payment will have, written on the order up front; none when nothing is due. */
export const plannedPaymentId = (amount: number): string | null => (amount > 0 ? newId('pay') : null);

/**
 * Creates the order's payment (with the id already on the order); one that captures at once
 * (manual, or nothing to pay) marks the order paid now. Returns whether it did.
 */
export async function pay(ctx: Ctx, orderId: string, paymentId: string | null, amount: number, currency: string, payment: { provider: 'test' | 'manual'; method?: PaymentMethod }): Promise<boolean> {
  if (amount === 0 || !paymentId) {
    await markOrderPaid(ctx, orderId, { paymentId: null, amount: 0 });
    return true;
  }
  const p = await createPayment(ctx, { id: paymentId, reference: { type: 'order', id: orderId }, amount, currency, provider: payment.provider, method: payment.method });
  if (p.status !== 'captured') return false;
  await markOrderPaid(ctx, orderId, { paymentId: p.id, amount });
  return true;
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

/** Stores named for pickup or a try-on hold: open, offering it, and, for a clerk, their own. */
async function checkLocations(ctx: Ctx, groups: Group[]): Promise<void> {
  const ids = groups.flatMap((g) => (g.locationId ? [g.locationId] : []));
  if (!ids.length) return;
  for (const id of ids) requireStore(ctx.actor, id, 'fulfillment.locationId');
  const found = new Map((await getLocations(ctx, ids)).map((l) => [l.id, l]));
  for (const g of groups) {
    if (!g.locationId) continue;
    const loc = found.get(g.locationId);
    if (!loc || !loc.active) throw new AppError('not_found', `location ${g.locationId} does not exist or is closed`, { field: 'fulfillment.locationId', id: g.locationId });
    const service = g.type === 'pickup' ? 'pickup' : 'try_on';
    if (!loc.services.includes(service)) throw new AppError('service_unavailable', `${loc.name} does not offer ${service.replace('_', ' ')}`, { field: 'fulfillment.locationId', locationId: loc.id });
  }
}

/** Staff and secret keys attest that money was taken; shoppers and storefronts' public keys cannot. */
const canRecordPayments = (a: Actor) => a.kind === 'staff' || a.kind === 'system' || (a.kind === 'api_key' && !a.publishable);

async function customerFor(ctx: Ctx, cartCustomer: string | null, contact: CheckoutInput['contact']): Promise<string> {
  if (ctx.actor.kind === 'shopper') return ctx.actor.customerId;
  if (cartCustomer) return cartCustomer;
  if (!contact?.email && !contact?.phone) throw new AppError('validation_failed', 'a guest checkout needs an email or a phone', { field: 'contact' });
  return (await findOrCreateCustomer(ctx, contact)).id;
}

/** A group's fulfilments, and the group again when its stock is still to be reserved. */
interface PlannedGroup {
  fulfillments: PlannedFulfillment[];
  reserveLater: Group | null;
}

/**
 * Vouchers hold no stock. Pickup and try-on draw on the one store the shopper chose, so their
 * fulfilment is known before any stock is touched and the reservation waits for the end. Shipped
 * groups are allocated now.
 */
async function planGroup(ctx: Ctx, channelId: string, reference: { type: string; id: string }, g: Group): Promise<PlannedGroup> {
  const portions = g.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
  if (g.type === 'voucher') return { fulfillments: [{ type: 'voucher', locationId: null, status: 'pending', reservationId: null, portions }], reserveLater: null };
  if (g.type === 'pickup' || g.type === 'reserve_try') {
    // The reservation's id is made now, so the fulfilment is written with it.
    return { fulfillments: [{ type: g.type, locationId: g.locationId, status: g.type === 'reserve_try' ? 'held' : 'pending', reservationId: newId('res'), portions }], reserveLater: g };
  }
  return { fulfillments: await allocateGroup(ctx, channelId, reference, g), reserveLater: null };
}

/**
 * The last step of a checkout: reserves each pickup and try-on group's stock (pickup holds until
 * handover or no-show, try-on until the hold expires) under the id its fulfilment was written with.
 * A group that cannot be reserved fails the whole checkout.
 */
async function reserveAtStores(ctx: Ctx, channelId: string, reference: { type: string; id: string }, planned: PlannedGroup[]): Promise<void> {
  for (const p of planned) {
    const g = p.reserveLater;
    if (!g) continue;
    const hold = g.type === 'reserve_try';
    await reserveStock(ctx, {
      id: p.fulfillments[0].reservationId!,
      lines: g.lines.map((l) => ({ variantId: l.variantId, locationId: g.locationId!, quantity: l.quantity })),
      expiresInSeconds: hold ? orderSettings.holdHours * 3600 : null,
      channelId,
      reference,
    });
  }
}

/**
 * Reserves a shipped group's stock: inventory chooses locations by stock and distance, and the
 * group becomes one fulfilment per location it draws on.
 */
async function allocateGroup(ctx: Ctx, channelId: string, reference: { type: string; id: string }, g: Group): Promise<PlannedFulfillment[]> {
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
