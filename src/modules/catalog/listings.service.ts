import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CatalogTables } from './catalog.tables.js';
import { getChannel } from './channels.service.js';
import type { Page } from './paging.js';

/** Which variants to list or unlist: named ones, and every variant of the named products. */
export interface ListingSelection {
  variantIds?: string[];
  productIds?: string[];
}

export interface Listing {
  channelId: string;
  variantId: string;
  productId: string;
  sku: string;
  listedAt: string;
}

const q = (db: Executor) => tables<CatalogTables>(db);

/** Lists variants (which exist) on a channel; those already listed stay as they are. */
export async function insertListings(tx: Executor, channelId: string, variantIds: string[]): Promise<string[]> {
  if (!variantIds.length) return [];
  const rows = await q(tx)
    .insertInto('channel_listing')
    .columns(['channel_id', 'variant_id', 'product_id'])
    .expression((e) => e.selectFrom('variant').select((s) => [s.val(channelId).as('channel_id'), 'id', 'product_id']).where('id', 'in', variantIds))
    .onConflict((oc) => oc.doNothing())
    .returning('variant_id')
    .execute();
  return rows.map((r) => r.variant_id);
}

/** Resolves a selection to variant ids; an unknown variant or product is a not_found naming it. */
async function resolve(db: Executor, sel: ListingSelection): Promise<string[]> {
  const variantIds = [...new Set(sel.variantIds ?? [])];
  const productIds = [...new Set(sel.productIds ?? [])];
  if (!variantIds.length && !productIds.length) {
    throw new AppError('validation_failed', 'name at least one variant or product', { field: 'variantIds' });
  }
  const ids = new Set<string>();
  if (variantIds.length) {
    const found = new Set((await q(db).selectFrom('variant').select('id').where('id', 'in', variantIds).execute()).map((r) => r.id));
    const i = variantIds.findIndex((id) => !found.has(id));
    if (i >= 0) throw notFound('variant', variantIds[i], `variantIds.${i}`);
    for (const id of variantIds) ids.add(id);
  }
  if (productIds.length) {
    const found = new Set((await q(db).selectFrom('product').select('id').where('id', 'in', productIds).execute()).map((r) => r.id));
    const i = productIds.findIndex((id) => !found.has(id));
    if (i >= 0) throw notFound('product', productIds[i], `productIds.${i}`);
    const rows = await q(db).selectFrom('variant').select('id').where('product_id', 'in', productIds).execute();
    for (const r of rows) ids.add(r.id);
  }
  return [...ids].sort();
}

/** Puts variants on sale on a channel; returns the ids that were newly listed. */
export async function listOnChannel(ctx: Ctx, channelId: string, sel: ListingSelection): Promise<string[]> {
  return inTx(ctx.db, async (tx) => {
    await getChannel({ ...ctx, db: tx }, channelId);
    const listed = await insertListings(tx, channelId, await resolve(tx, sel));
    if (listed.length) await emit(tx, 'channel_listing.added', channelId, { channelId, variantIds: listed });
    return listed;
  });
}

/** Takes variants off a channel; returns the ids that were listed before. */
export async function unlistFromChannel(ctx: Ctx, channelId: string, sel: ListingSelection): Promise<string[]> {
  return inTx(ctx.db, async (tx) => {
    await getChannel({ ...ctx, db: tx }, channelId);
    const ids = await resolve(tx, sel);
    const rows = await q(tx).deleteFrom('channel_listing').where('channel_id', '=', channelId).where('variant_id', 'in', ids).returning('variant_id').execute();
    const removed = rows.map((r) => r.variant_id);
    if (removed.length) await emit(tx, 'channel_listing.removed', channelId, { channelId, variantIds: removed });
    return removed;
  });
}

/** The variants listed on a channel, by variant id. */
export async function listListings(ctx: Ctx, channelId: string, page: { limit: number; cursor?: string }): Promise<Page<Listing>> {
  await getChannel(ctx, channelId);
  let s = q(ctx.db)
    .selectFrom('channel_listing as l')
    .innerJoin('variant as v', 'v.id', 'l.variant_id')
    .select(['l.channel_id', 'l.variant_id', 'l.product_id', 'v.sku', 'l.created_at'])
    .where('l.channel_id', '=', channelId)
    .orderBy('l.variant_id')
    .limit(page.limit + 1);
  if (page.cursor) s = s.where('l.variant_id', '>', page.cursor);
  const rows = await s.execute();
  const more = rows.length > page.limit;
  const data = (more ? rows.slice(0, page.limit) : rows).map((r) => ({
    channelId: r.channel_id,
    variantId: r.variant_id,
    productId: r.product_id,
    sku: r.sku,
    listedAt: new Date(r.created_at).toISOString(),
  }));
  return { data, nextCursor: more ? data[data.length - 1].variantId : null };
}
