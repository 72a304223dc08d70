import { sql, type RawBuilder } from 'kysely';
import { inTx, PREPARED, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { hasScope, type Actor } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { CATALOG_STAMP, getChannel, getVariants, requireSelling, variantsForSale, findVariantByCode, type Channel, type Variant } from '../catalog/index.js';
import { PROMOTIONS_STAMP } from '../promotions/index.js';
import { getCustomer } from '../customers/index.js';
import { resolveCoupons } from '../coupons/index.js';
import { quotePointsDeduction } from '../loyalty/index.js';
import { refuseClerkPoints, requireCustomerReader } from './order-access.js';
import type { CartLineRow, CartRow, FulfillmentChoice, OrdersTables } from './orders.tables.js';
import { priceCart, shippingFor, type CartTotals, type FulfillmentType, type PricedLine } from './pricing.js';
import { discountsFor, pointsShort, type DiscountRequest, type Discounts, type Problem } from './discounts.js';
import { offerProvider, priceOffers } from './offers.js';

const q = (db: Executor) => tables<OrdersTables>(db);

/** Fulfilment types a shopper may choose for goods; vouchers and POS are decided by the product and the till. */
export const SHOPPER_FULFILLMENT_TYPES = ['delivery', 'ship_from_store', 'pickup', 'reserve_try'] as const;
const NEEDS_LOCATION: ReadonlySet<FulfillmentType> = new Set(['pickup', 'reserve_try']);

export interface CartLineView extends PricedLine {
  sku: string;
  title: string;
  productTitle: string;
  locationId: string | null;
  offer: { kind: string; id: string } | null;
  /** Why the line's offer does not apply now; the line is at its usual price meanwhile. */
  offerProblem: Problem | null;
  /** A gift line: the promotion that adds it. */
  giftOf: string | null;
}

export interface CartView extends Omit<CartTotals, 'lines'> {
  id: string;
  channelId: string;
  customerId: string | null;
  status: 'open' | 'checked_out';
  orderId: string | null;
  fulfillment: FulfillmentChoice | null;
  lines: CartLineView[];
  couponCodes: string[];
  /** Why the coupons asked for do not apply; none of them is applied meanwhile. */
  couponProblem: Problem | null;
  points: Discounts['points'];
  promotions: { applied: Discounts['applied']; notApplied: Discounts['notApplied'] };
  createdAt: string;
  updatedAt: string;
}

/**
 * Who may touch a cart: the shopper who owns it, a storefront (publishable key) for guest carts,
 * and staff or secret keys with the orders scope. A guest cart is found only by its id.
 */
export function requireCartAccess(actor: Actor, cart: Pick<CartRow, 'customer_id'>, write: boolean): void {
  const needed = write ? 'orders:write' : 'orders:read';
  if (actor.kind === 'shopper') {
    if (cart.customer_id === null || cart.customer_id === actor.customerId) return;
  } else if (actor.kind === 'api_key' && actor.publishable) {
    if (cart.customer_id === null) return;
  } else if (hasScope(actor.scopes, needed)) {
    return;
  }
  throw new AppError('forbidden', 'this cart belongs to someone else', { scope: needed });
}

export async function loadCart(db: Executor, id: string, forUpdate = false): Promise<CartRow> {
  let query = q(db).selectFrom('cart').selectAll().where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  const cart = await query.executeTakeFirst();
  if (!cart) throw notFound('cart', id, 'id');
  return cart;
}

async function openCartForWrite(ctx: Ctx, tx: Executor, id: string): Promise<CartRow> {
  const cart = await loadCart(tx, id, true);
  requireWritable(ctx, cart);
  return cart;
}

/** The actor may change this cart, and it is still open. */
function requireWritable(ctx: Ctx, cart: CartRow): void {
  requireCartAccess(ctx.actor, cart, true);
  if (cart.status !== 'open') throw new AppError('cart_checked_out', `cart ${cart.id} is already checked out as order ${cart.order_id}`, { orderId: cart.order_id });
}

/** A line's fulfilment: services become vouchers; otherwise its own choice, the cart's, or delivery. */
export function lineFulfillment(cart: Pick<CartRow, 'fulfillment'>, line: Pick<CartLineRow, 'fulfillment_type' | 'location_id'>, variant: Pick<Variant, 'productType'>): { type: FulfillmentType; locationId: string | null } {
  if (variant.productType === 'service') return { type: 'voucher', locationId: null };
  if (line.fulfillment_type) return { type: line.fulfillment_type, locationId: line.location_id };
  return { type: cart.fulfillment?.type ?? 'delivery', locationId: cart.fulfillment?.locationId ?? null };
}

export interface PricedCart {
  cart: CartRow;
  channel: Channel;
  /** The cart's lines and the gift lines promotions add (ids `gift_…`, not stored in the cart). */
  lines: CartLineRow[];
  variants: Map<string, Variant>;
  totals: CartTotals;
  discounts: Discounts;
  view: CartView;
}

/**
 * The catalog's and the promotions' stamps, read in the statement that loaded or changed the cart:
 * pricing then finds what it keeps by them without a round trip of its own for each.
 */
export interface CartStamps {
  catalog: string;
  promotions: string;
}

/**
 * Prices a loaded cart: channel prices (two queries), offer prices, then what promotions, coupons
 * and points take off, which may add gift lines. With `strict` (checkout) anything that does not
 * apply throws; otherwise it is explained in the view. `request` replaces the cart's own coupons and points.
 */
export async function priceLoadedCart(ctx: Ctx, cart: CartRow, lines: CartLineRow[], opts: { strict?: boolean; request?: DiscountRequest; stamps?: CartStamps } = {}): Promise<PricedCart> {
  const strict = opts.strict ?? false;
  const { channel, prices, variants } = await variantsForSale(ctx, { channelId: cart.channel_id, currency: cart.currency, variantIds: lines.map((l) => l.variant_id), stamp: opts.stamps?.catalog });
  const context = { channelId: channel.id, channelKind: channel.kind, currency: cart.currency, customerId: cart.customer_id, at: new Date() };
  const offers = await priceOffers(ctx, context, lines, strict);
  const placed = lines.map((line) => {
    const v = variants.get(line.variant_id);
    if (!v) throw notFound('variant', line.variant_id, 'variantId');
    const offer = offers.get(line.id)?.price;
    return { line, v, f: lineFulfillment(cart, line, v), unitPrice: offer?.unitPrice ?? prices.get(v.id)!.amount, offer };
  });
  const discounts = await discountsFor(ctx, {
    channel,
    customerId: cart.customer_id,
    currency: cart.currency,
    lines: placed.map((p) => ({ id: p.line.id, variant: p.v, quantity: p.line.quantity, unitPrice: p.unitPrice, offer: Boolean(p.offer) })),
    shipping: shippingFor(placed.map((p) => p.f.type)),
    promotionsStamp: opts.stamps?.promotions,
  }, opts.request ?? { couponCodes: cart.coupon_codes, points: cart.points }, strict);
  const gifts = await giftLines(ctx, cart, discounts, variants);
  const giftPlaced = gifts.map((line) => { const v = variants.get(line.variant_id)!; return { line, v, f: lineFulfillment(cart, line, v) }; });
  const totals = priceCart(
    {
      currency: cart.currency,
      lines: [
        ...placed.map(({ line, f, offer }) => ({ id: line.id, variantId: line.variant_id, quantity: line.quantity, fulfillmentType: f.type, ...(offer ? { price: { amount: offer.unitPrice, currency: cart.currency, source: line.offer_kind! } } : {}) })),
        ...giftPlaced.map(({ line, f }) => ({ id: line.id, variantId: line.variant_id, quantity: line.quantity, fulfillmentType: f.type, price: { amount: 0, currency: cart.currency, source: 'gift' } })),
      ],
    },
    prices,
    discounts.adjustments,
  );
  const all = [...placed, ...giftPlaced];
  const view: CartView = {
    id: cart.id,
    channelId: cart.channel_id,
    customerId: cart.customer_id,
    status: cart.status,
    orderId: cart.order_id,
    fulfillment: cart.fulfillment,
    ...totals,
    lines: totals.lines.map((pl, i) => {
      const { line, v, f } = all[i];
      return {
        ...pl,
        sku: v.sku,
        title: v.title,
        productTitle: v.productTitle,
        locationId: f.locationId,
        offer: line.offer_kind && line.offer_id ? { kind: line.offer_kind, id: line.offer_id } : null,
        offerProblem: offers.get(line.id)?.problem ?? null,
        giftOf: discounts.gifts.find((g) => g.id === line.id)?.promotionId ?? null,
      };
    }),
    couponCodes: opts.request?.couponCodes ?? cart.coupon_codes,
    couponProblem: discounts.couponProblem,
    points: discounts.points,
    promotions: { applied: discounts.applied, notApplied: discounts.notApplied },
    createdAt: new Date(cart.created_at).toISOString(),
    updatedAt: new Date(cart.updated_at).toISOString(),
  };
  return { cart, channel, lines: [...lines, ...gifts], variants, totals, discounts, view };
}

/** Gift lines as cart lines (fulfilled like the cart); their variants join `variants`. */
async function giftLines(ctx: Ctx, cart: CartRow, discounts: Discounts, variants: Map<string, Variant>): Promise<CartLineRow[]> {
  if (!discounts.gifts.length) return [];
  for (const v of await getVariants(ctx, discounts.gifts.map((g) => g.variantId).filter((id) => !variants.has(id)))) variants.set(v.id, v);
  return discounts.gifts
    .filter((g) => variants.has(g.variantId))
    .map((g) => ({ id: g.id, cart_id: cart.id, variant_id: g.variantId, quantity: g.quantity, fulfillment_type: null, location_id: null, offer_kind: null, offer_id: null, created_at: cart.created_at }));
}

/** The cart locked for checkout, with its lines (in id order) and the stamps, in one query. */
export async function lockCartWithLines(db: Executor, id: string): Promise<CartWithStamps> {
  return withLines(id, await sql<CartWithLines>`${PREPARED}
    SELECT c.*, ${LINES} AS lines, ${STAMPS} FROM cart c WHERE c.id = ${id} FOR UPDATE OF c`.execute(db));
}

type CartWithLines = CartRow & { lines: Array<Omit<CartLineRow, 'created_at'> & { created_at: string }>; catalog_stamp: string; promotions_stamp: string };
type CartWithStamps = { cart: CartRow; lines: CartLineRow[]; stamps: CartStamps };
const LINES = sql`COALESCE((SELECT json_agg(l ORDER BY l.id) FROM cart_line l WHERE l.cart_id = c.id), '[]'::json)`;
const STAMPS = sql`${CATALOG_STAMP} AS catalog_stamp, ${PROMOTIONS_STAMP} AS promotions_stamp`;

function withLines(id: string, res: { rows: CartWithLines[] }): CartWithStamps {
  const row = res.rows[0];
  if (!row) throw notFound('cart', id, 'id');
  const { lines, catalog_stamp, promotions_stamp, ...cart } = row;
  return { cart, lines: lines.map((l) => ({ ...l, created_at: new Date(l.created_at) })), stamps: { catalog: catalog_stamp, promotions: promotions_stamp } };
}

export async function loadCartLines(db: Executor, cartId: string): Promise<CartLineRow[]> {
  return q(db).selectFrom('cart_line').selectAll().where('cart_id', '=', cartId).orderBy('id').execute();
}

export async function getCart(ctx: Ctx, id: string): Promise<CartView> {
  const cart = await loadCart(ctx.db, id);
  requireCartAccess(ctx.actor, cart, false);
  return (await priceLoadedCart(ctx, cart, await loadCartLines(ctx.db, id))).view;
}

export async function createCart(ctx: Ctx, input: { channelId: string; currency?: string; customerId?: string }): Promise<CartView> {
  // Checked before the insert: the pricing after it would refuse the channel too, but too late.
  const channel = requireSelling(await getChannel(ctx, input.channelId, 'channelId'), 'channelId');
  const a = ctx.actor;
  // Shoppers own their carts; storefront keys make guest carts; staff may open one for a customer.
  const customerId = a.kind === 'shopper' ? a.customerId : a.kind === 'api_key' && a.publishable ? null : input.customerId ?? null;
  if (a.kind !== 'shopper' && !(a.kind === 'api_key' && a.publishable)) {
    requireCartAccess(a, { customer_id: customerId }, true);
    if (customerId) {
      requireCustomerReader(ctx);
      await getCustomer(ctx, customerId).catch(() => {
        throw new AppError('not_found', `customer ${customerId} does not exist`, { field: 'customerId' });
      });
    }
  }
  const row = await q(ctx.db)
    .insertInto('cart')
    .values({ id: newId('cart'), channel_id: channel.id, currency: input.currency ?? channel.currency, customer_id: customerId, fulfillment: null, order_id: null, created_by: a.id })
    .returningAll()
    .executeTakeFirstOrThrow();
  return (await priceLoadedCart(ctx, row, [])).view;
}

export interface LineInput {
  variantId?: string;
  code?: string;
  quantity: number;
  fulfillment?: FulfillmentChoice;
  /** Buy under a special offer (a flash sale, a group buy) instead of at the channel price. */
  offer?: { kind: string; id: string };
}

async function resolveVariantId(ctx: Ctx, input: { variantId?: string; code?: string }, field: string): Promise<string> {
  if (input.variantId) return input.variantId;
  if (!input.code) throw new AppError('validation_failed', 'give a variantId or a code (SKU or barcode)', { field: `${field}.variantId` });
  const v = await findVariantByCode(ctx, input.code);
  if (!v) throw new AppError('not_found', `no variant has the SKU or barcode ${input.code}`, { field: `${field}.code`, code: input.code });
  return v.id;
}

function checkChoice(choice: FulfillmentChoice | undefined, field: string): void {
  if (choice && NEEDS_LOCATION.has(choice.type) && !choice.locationId) {
    throw new AppError('validation_failed', `${choice.type.replace('_', ' ')} needs the store's locationId`, { field: `${field}.locationId` });
  }
}

/**
 * Adds a line (or more of a variant already in the cart); the variant must sell on the cart's
 * channel. Naming an offer puts the whole line under it.
 */
export async function addCartLine(ctx: Ctx, cartId: string, input: LineInput): Promise<CartView> {
  checkChoice(input.fulfillment, 'fulfillment');
  if (input.offer) offerProvider(input.offer.kind);
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const variantId = await resolveVariantId(c, input, 'body');
    return (await changeLines(c, cartId, sql`
      INSERT INTO cart_line (id, cart_id, variant_id, quantity, fulfillment_type, location_id, offer_kind, offer_id)
      SELECT ${newId('cli')}, c.id, ${variantId}, ${input.quantity}::int, ${input.fulfillment?.type ?? null}::text, ${input.fulfillment?.locationId ?? null}::text, ${input.offer?.kind ?? null}::text, ${input.offer?.id ?? null}::text FROM c
      ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = cart_line.quantity + EXCLUDED.quantity,
        fulfillment_type = COALESCE(EXCLUDED.fulfillment_type, cart_line.fulfillment_type),
        location_id = CASE WHEN EXCLUDED.fulfillment_type IS NULL THEN cart_line.location_id ELSE EXCLUDED.location_id END,
        offer_kind = COALESCE(EXCLUDED.offer_kind, cart_line.offer_kind),
        offer_id = COALESCE(EXCLUDED.offer_id, cart_line.offer_id)
      RETURNING *`)).view;
  });
}

export async function updateCartLine(ctx: Ctx, cartId: string, lineId: string, input: { quantity?: number; fulfillment?: FulfillmentChoice | null }): Promise<CartView> {
  checkChoice(input.fulfillment ?? undefined, 'fulfillment');
  const choose = input.fulfillment !== undefined;
  return inTx(ctx.db, async (tx) => {
    const changed = await changeLines({ ...ctx, db: tx }, cartId, sql`
      UPDATE cart_line l SET quantity = COALESCE(${input.quantity ?? null}::int, l.quantity),
        fulfillment_type = CASE WHEN ${choose}::boolean THEN ${input.fulfillment?.type ?? null}::text ELSE l.fulfillment_type END,
        location_id = CASE WHEN ${choose}::boolean THEN ${input.fulfillment?.locationId ?? null}::text ELSE l.location_id END
      FROM c WHERE l.id = ${lineId} AND l.cart_id = c.id RETURNING l.*`);
    if (!changed.written.length) throw notFound('cart line', lineId, 'lineId');
    return changed.view;
  });
}

export async function removeCartLine(ctx: Ctx, cartId: string, lineId: string): Promise<CartView> {
  return inTx(ctx.db, async (tx) => {
    const changed = await changeLines({ ...ctx, db: tx }, cartId, sql`DELETE FROM cart_line l USING c WHERE l.id = ${lineId} AND l.cart_id = c.id RETURNING l.*`, { removes: true });
    if (!changed.written.length) throw notFound('cart line', lineId, 'lineId');
    return changed.view;
  });
}

/**
 * A change of a cart in one statement, inside the caller's transaction: it touches the cart (which
 * takes its lock, as every change of a cart does), optionally setting `cartSet` on it, runs `change`
 * (a write on cart_line that may read the cart as `c` and returns the lines it wrote), and reads the
 * lines back: those written as they are now (none when the change `removes` them), the others as
 * they were, with the stamps its pricing needs. Access and the cart's state are checked on the row
 * it returns: a refusal throws, and the transaction undoes the change. `written` are the ids of the
 * lines the change wrote.
 */
async function changeLines(ctx: Ctx, cartId: string, change: RawBuilder<unknown>, opts: { cartSet?: RawBuilder<unknown>; removes?: boolean } = {}): Promise<{ view: CartView; written: string[] }> {
  const { rows } = await sql<CartWithLines & { written: string[] }>`${PREPARED}
    WITH c AS (
      UPDATE cart SET ${opts.cartSet ? sql`${opts.cartSet}, ` : sql``}updated_at = clock_timestamp() WHERE id = ${cartId} RETURNING *
    ), changed AS (${change})
    SELECT c.*, ARRAY(SELECT id FROM changed) AS written, COALESCE((SELECT json_agg(l ORDER BY l.id) FROM (
      SELECT * FROM cart_line WHERE cart_id = c.id AND id NOT IN (SELECT id FROM changed)${opts.removes ? sql`` : sql` UNION ALL SELECT * FROM changed`}
    ) l), '[]'::json) AS lines, ${STAMPS} FROM c`.execute(ctx.db);
  const { cart, lines, stamps } = withLines(cartId, { rows: rows.map(({ written: _, ...row }) => row) });
  requireWritable(ctx, cart);
  return { view: (await priceLoadedCart(ctx, cart, lines, { stamps })).view, written: rows[0].written };
}

/**
 * Chooses how lines are fulfilled: for the whole cart (clearing each line's own choice), or for
 * the named lines only.
 */
export async function setCartFulfillment(ctx: Ctx, cartId: string, input: FulfillmentChoice & { lineIds?: string[] }): Promise<CartView> {
  checkChoice(input, 'body');
  const { lineIds, ...choice } = input;
  return inTx(ctx.db, async (tx) => {
    const changed = lineIds?.length
      ? await changeLines({ ...ctx, db: tx }, cartId, sql`
          UPDATE cart_line l SET fulfillment_type = ${choice.type}::text, location_id = ${choice.locationId ?? null}::text
          FROM c WHERE l.cart_id = c.id AND l.id = ANY(${lineIds}::text[]) RETURNING l.*`)
      // The cart's choice replaces every line's own.
      : await changeLines({ ...ctx, db: tx }, cartId, sql`UPDATE cart_line l SET fulfillment_type = NULL, location_id = NULL FROM c WHERE l.cart_id = c.id RETURNING l.*`, {
          cartSet: sql`fulfillment = ${JSON.stringify(choice)}::jsonb`,
        });
    const missing = lineIds?.find((id) => !changed.written.includes(id));
    if (missing) throw notFound('cart line', missing, 'lineIds');
    return changed.view;
  });
}

/**
 * Sets the coupon codes the cart is to use (replacing earlier ones; none removes them). Each code
 * is checked now, so a wrong one is refused with its position (`couponCodes.N`) and not stored.
 */
export async function setCartCoupons(ctx: Ctx, cartId: string, codes: string[]): Promise<CartView> {
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const cart = await openCartForWrite(c, tx, cartId);
    const channel = await getChannel(c, cart.channel_id, 'channelId');
    const coupons = codes.length ? await resolveCoupons(c, { codes, customerId: cart.customer_id, channelKind: channel.kind, channelId: channel.id }) : [];
    await q(tx).updateTable('cart').set({ coupon_codes: coupons.map((x) => x.code) }).where('id', '=', cartId).execute();
    return touchAndPrice(c, cart);
  });
}

/** Sets how many points the member offers to pay with (0: none); more than they hold is refused. */
export async function setCartPoints(ctx: Ctx, cartId: string, points: number): Promise<CartView> {
  refuseClerkPoints(ctx, points);
  return inTx(ctx.db, async (tx) => {
    const c = { ...ctx, db: tx };
    const cart = await openCartForWrite(c, tx, cartId);
    if (points > 0) {
      if (!cart.customer_id) throw new AppError('validation_failed', 'sign in as a member to pay with points', { field: 'points' });
      const { balance } = await quotePointsDeduction(c, { customerId: cart.customer_id, points, orderSubtotal: 0 });
      if (balance < points) throw pointsShort(points, balance);
    }
    await q(tx).updateTable('cart').set({ points }).where('id', '=', cartId).execute();
    return touchAndPrice(c, cart);
  });
}

/** Marks the cart changed and prices it as it now is: the touch reads the lines back in the same statement. */
async function touchAndPrice(ctx: Ctx, cart: CartRow): Promise<CartView> {
  const { cart: updated, lines, stamps } = withLines(cart.id, await sql<CartWithLines>`${PREPARED}
    WITH c AS (UPDATE cart SET updated_at = clock_timestamp() WHERE id = ${cart.id} RETURNING *)
    SELECT c.*, ${LINES} AS lines, ${STAMPS} FROM c`.execute(ctx.db));
  return (await priceLoadedCart(ctx, updated, lines, { stamps })).view;
}
