import type { Selectable } from 'kysely';
import { inTx, PREPARED, sql, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CatalogTables } from './catalog.tables.js';
import { assertChannelsExist, requireSelling, toChannel, type Channel } from './channels.service.js';
import type { Variant } from './variants.service.js';
import { CATALOG_STAMP, catalogStamp } from './catalog-stamp.js';
import { cachedForSale, rememberForSale, type ForSaleEntry } from './for-sale-cache.js';

/** A default price (channelId null) or an explicit channel price, in minor units. */
export interface PriceEntry {
  currency: string;
  amount: number;
  channelId: string | null;
}

/** A price as given: without channelId it is the default price. */
export type NewPrice = Omit<PriceEntry, 'channelId'> & { channelId?: string | null };

export interface EffectivePrice {
  amount: number;
  currency: string;
  source: 'channel' | 'default';
}

const q = (db: Executor) => tables<CatalogTables>(db);

/** Checks a variant's price list (`field` is where it sits in the request) before anything is written. */
export async function validatePrices(db: Executor, prices: NewPrice[], field: string): Promise<void> {
  const seen = new Set<string>();
  prices.forEach((p, i) => {
    if (!Number.isSafeInteger(p.amount) || p.amount < 0) {
      throw new AppError('validation_failed', 'an amount is a non-negative integer in minor units', { field: `${field}.${i}.amount` });
    }
    const key = `${p.channelId ?? ''}/${p.currency}`;
    if (seen.has(key)) {
      throw new AppError('validation_failed', `two ${p.currency} prices ${p.channelId ? `for channel ${p.channelId}` : 'marked default'}`, { field: `${field}.${i}` });
    }
    seen.add(key);
  });
  await assertChannelsExist(
    db,
    prices.flatMap((p, i) => (p.channelId ? [{ id: p.channelId, field: `${field}.${i}.channelId` }] : [])),
  );
}

/** Replaces every price of a variant with `prices` (already validated), in the caller's transaction. */
export async function writePrices(tx: Executor, variantId: string, prices: NewPrice[]): Promise<void> {
  await q(tx).deleteFrom('variant_price').where('variant_id', '=', variantId).execute();
  await q(tx).deleteFrom('channel_price').where('variant_id', '=', variantId).execute();
  const defaults = prices.filter((p) => !p.channelId).map((p) => ({ variant_id: variantId, currency: p.currency, amount: p.amount }));
  const explicit = prices.filter((p) => p.channelId).map((p) => ({ variant_id: variantId, channel_id: p.channelId!, currency: p.currency, amount: p.amount }));
  if (defaults.length) await q(tx).insertInto('variant_price').values(defaults).execute();
  if (explicit.length) await q(tx).insertInto('channel_price').values(explicit).execute();
}

/** Prices of many variants at once, keyed by variant id (defaults first, then channel prices). */
export async function pricesOf(db: Executor, variantIds: string[]): Promise<Map<string, PriceEntry[]>> {
  const out = new Map<string, PriceEntry[]>(variantIds.map((id) => [id, []]));
  if (!variantIds.length) return out;
  const [defaults, explicit] = await Promise.all([
    q(db).selectFrom('variant_price').selectAll().where('variant_id', 'in', variantIds).orderBy('currency').execute(),
    q(db).selectFrom('channel_price').selectAll().where('variant_id', 'in', variantIds).orderBy('channel_id').orderBy('currency').execute(),
  ]);
  for (const r of defaults) out.get(r.variant_id)!.push({ currency: r.currency, amount: Number(r.amount), channelId: null });
  for (const r of explicit) out.get(r.variant_id)!.push({ currency: r.currency, amount: Number(r.amount), channelId: r.channel_id });
  return out;
}

async function assertVariantExists(db: Executor, id: string): Promise<void> {
  const row = await q(db).selectFrom('variant').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('variant', id, 'id');
}

/** Sets the full price list of a variant: what is not in `prices` is removed. */
export async function setVariantPrices(ctx: Ctx, variantId: string, prices: NewPrice[]): Promise<PriceEntry[]> {
  return inTx(ctx.db, async (tx) => {
    // Lock the variant so two concurrent price lists do not interleave their delete and insert.
    const locked = await q(tx).selectFrom('variant').select('id').where('id', '=', variantId).forUpdate().executeTakeFirst();
    if (!locked) throw notFound('variant', variantId, 'id');
    await validatePrices(tx, prices, 'prices');
    await writePrices(tx, variantId, prices);
    await emit(tx, 'variant.prices_set', variantId, { variantId, prices });
    return (await pricesOf(tx, [variantId])).get(variantId)!;
  });
}

export async function getVariantPrices(ctx: Ctx, variantId: string): Promise<PriceEntry[]> {
  await assertVariantExists(ctx.db, variantId);
  return (await pricesOf(ctx.db, [variantId])).get(variantId)!;
}

/**
 * The price of each variant on a channel, in `currency` (the channel's by default): the channel's
 * explicit price, else the default price. Every variant must be on sale there (listed, product
 * active) and priced, else not_listed or no_price.
 */
export async function priceVariants(
  ctx: Ctx,
  input: { channelId: string; currency?: string; variantIds: string[] },
): Promise<Map<string, EffectivePrice>> {
  return (await variantsForSale(ctx, input)).prices;
}

type ForSaleRow = Pick<Selectable<CatalogTables['variant']>, 'id' | 'product_id' | 'sku' | 'barcode' | 'title' | 'options'> &
  Pick<Selectable<CatalogTables['product']>, 'category_id' | 'status'> & {
    product_title: string;
    product_type: Selectable<CatalogTables['product']>['type'];
    listed: string | null;
    channel_amount: string | number | null;
    default_amount: string | number | null;
  };

export interface VariantsForSale {
  channel: Channel;
  prices: Map<string, EffectivePrice>;
  variants: Map<string, Variant>;
}

/**
 * What a cart or a till needs to sell variants on a channel: the channel, and each variant with
 * its product and prices (the checks of priceVariants). Carts price on every change and checkout,
 * so what was read is kept by the catalog's stamp (for-sale-cache.ts): while the catalog is
 * unchanged a pricing reads only the stamp, else one statement reads everything with the stamp it saw.
 */
export async function variantsForSale(
  ctx: Ctx,
  input: { channelId: string; currency?: string; variantIds: string[]; stamp?: string },
): Promise<VariantsForSale> {
  const ids = [...new Set(input.variantIds)];
  const key = `${input.channelId} ${input.currency ?? ''}`;
  // A caller that read the stamp in its own statement (CATALOG_STAMP) passes it.
  const stamp = input.stamp ?? (await catalogStamp(ctx.db, null));
  const found = cachedForSale<ChannelRow, ForSaleRow>(stamp, key, ids) ?? (await readForSale(ctx.db, input, ids, key));
  if (!found) throw notFound('channel', input.channelId, 'channelId');
  const channel = requireSelling(toChannel(found.channel), 'channelId');
  const currency = input.currency ?? channel.currency;
  const prices = new Map<string, EffectivePrice>();
  const variants = new Map<string, Variant>();
  for (const id of ids) {
    const r = found.rows.get(id);
    if (!r) throw notFound('variant', id, 'variantId');
    if (!r.listed) throw new AppError('not_listed', `variant ${id} is not listed on channel ${channel.code}`, { field: 'variantId', variantId: id, channelId: channel.id });
    // Like the storefront, only active products sell: a listed draft or archived one is not on sale.
    if (r.status !== 'active') throw new AppError('not_listed', `variant ${id} belongs to a ${r.status} product`, { field: 'variantId', variantId: id, channelId: channel.id });
    if (r.channel_amount != null) prices.set(id, { amount: Number(r.channel_amount), currency, source: 'channel' });
    else if (r.default_amount != null) prices.set(id, { amount: Number(r.default_amount), currency, source: 'default' });
    else throw new AppError('no_price', `variant ${id} has no ${currency} price`, { field: 'variantId', variantId: id, currency });
    variants.set(id, { id, productId: r.product_id, sku: r.sku, barcode: r.barcode, title: r.title, productTitle: r.product_title, productType: r.product_type, categoryId: r.category_id, options: r.options });
  }
  return { channel, prices, variants };
}

type ChannelRow = Selectable<CatalogTables['channel']>;

/**
 * The channel and the variants found of `ids`, read in one statement with the catalog stamp its
 * snapshot saw, and kept under that stamp. Null when the channel does not exist.
 */
async function readForSale(db: Executor, input: { channelId: string; currency?: string }, ids: string[], key: string): Promise<ForSaleEntry<ChannelRow, ForSaleRow> | null> {
  // Prepared: planning the joins cost more than running them. The channel row comes on every row
  // (one row without a variant when none is asked for or found).
  const { rows: found } = await sql<{ [K in keyof ForSaleRow]: ForSaleRow[K] | null } & { channel: ChannelRow; stamp: string }>`${PREPARED}
    SELECT to_jsonb(c) AS channel, ${CATALOG_STAMP} AS stamp,
           v.id, v.product_id, v.sku, v.barcode, v.title, v.options, p.title AS product_title, p.type AS product_type,
           p.category_id, p.status, l.variant_id AS listed, cp.amount AS channel_amount, dp.amount AS default_amount
    FROM channel c
    LEFT JOIN (variant v JOIN product p ON p.id = v.product_id) ON v.id = ANY(${ids}::text[])
    LEFT JOIN channel_listing l ON l.variant_id = v.id AND l.channel_id = c.id
    LEFT JOIN channel_price cp ON cp.variant_id = v.id AND cp.channel_id = c.id AND cp.currency = COALESCE(${input.currency ?? null}::text, c.currency)
    LEFT JOIN variant_price dp ON dp.variant_id = v.id AND dp.currency = COALESCE(${input.currency ?? null}::text, c.currency)
    WHERE c.id = ${input.channelId}`.execute(db);
  if (!found[0]) return null;
  const read = {
    channel: found[0].channel,
    rows: new Map(found.filter((r): r is typeof r & ForSaleRow => r.id !== null).map(({ channel: _, stamp: __, ...r }) => [r.id, r] as [string, ForSaleRow])),
  };
  rememberForSale(found[0].stamp, key, read);
  return read;
}
