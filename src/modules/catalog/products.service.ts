import { sql, type Selectable } from 'kysely';
import { inTx, tables, type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CatalogTables, ProductStatus, ProductType } from './catalog.tables.js';
import { assertCategoryExists, categoryAndDescendants } from './categories.service.js';
import { assertChannelsExist } from './channels.service.js';
import { insertListings } from './listings.service.js';
import { pricesOf, type PriceEntry } from './prices.service.js';
import { insertVariants, type NewVariant } from './variants.service.js';
import { likePattern, type Page } from './paging.js';

export interface ProductMedia {
  url: string;
  alt: string;
  position: number;
}

export interface ProductVariant {
  id: string;
  sku: string;
  barcode: string | null;
  title: string;
  options: Record<string, string>;
  position: number;
  prices: PriceEntry[];
}

export interface Product {
  id: string;
  title: string;
  description: string;
  categoryId: string | null;
  status: ProductStatus;
  type: ProductType;
  attributes: Record<string, unknown>;
  media: ProductMedia[];
  variants: ProductVariant[];
  createdAt: string;
  updatedAt: string;
}

export interface NewMedia {
  url: string;
  alt?: string;
  position?: number;
}

export interface NewProduct {
  title: string;
  description?: string;
  categoryId?: string | null;
  status?: ProductStatus;
  type?: ProductType;
  attributes?: Record<string, unknown>;
  media?: NewMedia[];
  variants?: NewVariant[];
  /** Channels to list every new variant on. */
  channelIds?: string[];
}

export interface ProductChanges {
  title?: string;
  description?: string;
  categoryId?: string | null;
  status?: ProductStatus;
  attributes?: Record<string, unknown>;
  /** Replaces the product's media. */
  media?: NewMedia[];
}

export interface ProductQuery {
  limit: number;
  cursor?: string;
  q?: string;
  /** Products of this category or any of its subcategories. */
  categoryId?: string;
  status?: ProductStatus;
}

const q = (db: Executor) => tables<CatalogTables>(db);

async function writeMedia(tx: Executor, productId: string, media: NewMedia[]): Promise<void> {
  await q(tx).deleteFrom('product_media').where('product_id', '=', productId).execute();
  if (!media.length) return;
  await q(tx)
    .insertInto('product_media')
    .values(media.map((m, i) => ({ id: newId('med'), product_id: productId, url: m.url, alt: m.alt ?? '', position: m.position ?? i })))
    .execute();
}

/** Full products (media, variants, prices) for these rows, in four queries whatever their number. */
async function assemble(db: Executor, rows: Array<Selectable<CatalogTables['product']>>): Promise<Product[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const media = await q(db).selectFrom('product_media').selectAll().where('product_id', 'in', ids).orderBy('position').orderBy('id').execute();
  const variants = await q(db).selectFrom('variant').selectAll().where('product_id', 'in', ids).orderBy('position').orderBy('id').execute();
  const prices = await pricesOf(db, variants.map((v) => v.id));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    categoryId: r.category_id,
    status: r.status,
    type: r.type,
    attributes: r.attributes,
    media: media.filter((m) => m.product_id === r.id).map((m) => ({ url: m.url, alt: m.alt, position: m.position })),
    variants: variants
      .filter((v) => v.product_id === r.id)
      .map((v) => ({ id: v.id, sku: v.sku, barcode: v.barcode, title: v.title, options: v.options, position: v.position, prices: prices.get(v.id)! })),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

export async function getProduct(ctx: Ctx, id: string): Promise<Product> {
  const row = await q(ctx.db).selectFrom('product').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('product', id, 'id');
  return (await assemble(ctx.db, [row]))[0];
}

/**
 * Creates a product with its media, variants, prices and listings in one transaction: everything is
 * checked before the first write, and a failure leaves nothing behind.
 */
export async function createProduct(ctx: Ctx, input: NewProduct): Promise<Product> {
  return inTx(ctx.db, async (tx) => {
    if (input.categoryId) await assertCategoryExists(tx, input.categoryId, 'categoryId');
    const channelIds = [...new Set(input.channelIds ?? [])];
    await assertChannelsExist(tx, channelIds.map((id, i) => ({ id, field: `channelIds.${i}` })));
    const id = newId('prd');
    await q(tx)
      .insertInto('product')
      .values({
        id,
        title: input.title,
        description: input.description ?? '',
        category_id: input.categoryId ?? null,
        status: input.status ?? 'draft',
        type: input.type ?? 'physical',
        attributes: JSON.stringify(input.attributes ?? {}),
      })
      .execute();
    await writeMedia(tx, id, input.media ?? []);
    const variantIds = await insertVariants(tx, id, input.variants ?? [], 'variants');
    for (const channelId of channelIds) await insertListings(tx, channelId, variantIds);
    await emit(tx, 'product.created', id, { id, title: input.title, type: input.type ?? 'physical', variantIds, channelIds });
    return getProduct({ ...ctx, db: tx }, id);
  });
}

export async function updateProduct(ctx: Ctx, id: string, changes: ProductChanges): Promise<Product> {
  return inTx(ctx.db, async (tx) => {
    if (changes.categoryId) await assertCategoryExists(tx, changes.categoryId, 'categoryId');
    const row = await q(tx)
      .updateTable('product')
      .set({
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.categoryId !== undefined ? { category_id: changes.categoryId } : {}),
        ...(changes.status !== undefined ? { status: changes.status } : {}),
        ...(changes.attributes !== undefined ? { attributes: JSON.stringify(changes.attributes) } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw notFound('product', id, 'id');
    if (changes.media) await writeMedia(tx, id, changes.media);
    await emit(tx, 'product.updated', id, { id, changes });
    return getProduct({ ...ctx, db: tx }, id);
  });
}

/** Products by id, newest last; `q` matches a title anywhere or a SKU from its start. */
export async function listProducts(ctx: Ctx, query: ProductQuery): Promise<Page<Product>> {
  let s = q(ctx.db).selectFrom('product as p').selectAll('p').orderBy('p.id').limit(query.limit + 1);
  if (query.cursor) s = s.where('p.id', '>', query.cursor);
  if (query.status) s = s.where('p.status', '=', query.status);
  if (query.categoryId) s = s.where(sql<boolean>`p.category_id IN (${categoryAndDescendants(query.categoryId)})`);
  if (query.q) {
    const text = query.q;
    s = s.where((e) =>
      e.or([
        e('p.title', 'ilike', likePattern(text, 'contains')),
        e.exists(e.selectFrom('variant as v').select('v.id').whereRef('v.product_id', '=', 'p.id').where(sql<boolean>`v.sku ILIKE ${likePattern(text, 'prefix')}`)),
      ]),
    );
  }
  const rows = await s.execute();
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  return { data: await assemble(ctx.db, page), nextCursor: more ? page[page.length - 1].id : null };
}
