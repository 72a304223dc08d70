import { PREPARED, sql } from '../../platform/db.js';
import type { Ctx } from '../../platform/context.js';
import type { ProductType } from './catalog.tables.js';
import { categoryAndDescendants } from './categories.service.js';
import { getChannel, requireSelling } from './channels.service.js';
import type { EffectivePrice } from './prices.service.js';
import type { ProductMedia } from './products.service.js';
import { likePattern, type Page } from './paging.js';

export interface StorefrontVariant {
  id: string;
  sku: string;
  barcode: string | null;
  title: string;
  options: Record<string, string>;
  /** Null when the variant has no price in the channel's currency (it cannot be bought yet). */
  price: EffectivePrice | null;
}

export interface StorefrontProduct {
  id: string;
  title: string;
  description: string;
  categoryId: string | null;
  type: ProductType;
  attributes: Record<string, unknown>;
  media: ProductMedia[];
  variants: StorefrontVariant[];
}

export interface StorefrontQuery {
  limit: number;
  cursor?: string;
  q?: string;
  /** Products of this category or any of its subcategories. */
  categoryId?: string;
}

/**
 * What a shopper sees on a channel: active products with a variant listed there, each with its listed
 * variants priced in the channel's currency. A hot read path: three queries (channel, product page
 * with media, variants with prices) whatever the page size, all on indexes. The two big ones are
 * prepared: planning them took longer than running them.
 */
export async function listChannelProducts(ctx: Ctx, channelId: string, query: StorefrontQuery): Promise<Page<StorefrontProduct> & { currency: string }> {
  const channel = requireSelling(await getChannel(ctx, channelId), 'id');
  const currency = channel.currency;

  const inCategory = query.categoryId ? sql`AND p.category_id IN (${categoryAndDescendants(query.categoryId)})` : sql``;
  const matches = query.q
    ? sql`AND (p.title ILIKE ${likePattern(query.q, 'contains')} OR EXISTS (
        SELECT 1 FROM channel_listing l2 JOIN variant v ON v.id = l2.variant_id
        WHERE l2.channel_id = ${channelId} AND l2.product_id = p.id AND v.sku ILIKE ${likePattern(query.q, 'prefix')}))`
    : sql``;
  const after = query.cursor ?? '';
  const products = await sql<{
    id: string;
    title: string;
    description: string;
    category_id: string | null;
    type: ProductType;
    attributes: Record<string, unknown>;
    media: ProductMedia[];
  }>`${PREPARED}
    SELECT p.id, p.title, p.description, p.category_id, p.type, p.attributes,
      COALESCE((SELECT json_agg(json_build_object('url', m.url, 'alt', m.alt, 'position', m.position) ORDER BY m.position, m.id)
                FROM product_media m WHERE m.product_id = p.id), '[]'::json) AS media
    FROM product p
    WHERE p.id IN (SELECT l.product_id FROM channel_listing l WHERE l.channel_id = ${channelId} AND l.product_id > ${after})
      AND p.id > ${after} AND p.status = 'active' ${inCategory} ${matches}
    ORDER BY p.id
    LIMIT ${query.limit + 1}`.execute(ctx.db);
  const more = products.rows.length > query.limit;
  const page = more ? products.rows.slice(0, query.limit) : products.rows;
  if (!page.length) return { data: [], nextCursor: null, currency };

  const variants = await sql<{
    id: string;
    product_id: string;
    sku: string;
    barcode: string | null;
    title: string;
    options: Record<string, string>;
    channel_amount: number | string | null;
    default_amount: number | string | null;
  }>`${PREPARED}
    SELECT v.id, v.product_id, v.sku, v.barcode, v.title, v.options, cp.amount AS channel_amount, dp.amount AS default_amount
    FROM channel_listing l
    JOIN variant v ON v.id = l.variant_id
    LEFT JOIN channel_price cp ON cp.channel_id = l.channel_id AND cp.variant_id = l.variant_id AND cp.currency = ${currency}
    LEFT JOIN variant_price dp ON dp.variant_id = l.variant_id AND dp.currency = ${currency}
    WHERE l.channel_id = ${channelId} AND l.product_id IN (${sql.join(page.map((p) => p.id))})
    ORDER BY v.product_id, v.position, v.id`.execute(ctx.db);

  const byProduct = new Map<string, StorefrontVariant[]>(page.map((p) => [p.id, []]));
  for (const v of variants.rows) {
    const price: EffectivePrice | null =
      v.channel_amount != null
        ? { amount: Number(v.channel_amount), currency, source: 'channel' }
        : v.default_amount != null
          ? { amount: Number(v.default_amount), currency, source: 'default' }
          : null;
    byProduct.get(v.product_id)!.push({ id: v.id, sku: v.sku, barcode: v.barcode, title: v.title, options: v.options, price });
  }
  return {
    data: page.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      categoryId: p.category_id,
      type: p.type,
      attributes: p.attributes,
      media: p.media,
      variants: byProduct.get(p.id)!,
    })),
    nextCursor: more ? page[page.length - 1].id : null,
    currency,
  };
}
