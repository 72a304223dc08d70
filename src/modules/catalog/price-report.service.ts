import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.js';

export interface ChannelPriceView {
  channelId: string;
  channelCode: string;
  /** The price a shopper pays on this channel; null when there is none. */
  amount: number | null;
  /** `channel` when an explicit channel price sets it, `default` when the default price applies. */
  source: 'channel' | 'default' | null;
}

export interface PricedVariantReport {
  variantId: string;
  sku: string;
  productId: string;
  productTitle: string;
  defaultAmount: number | null;
  channels: ChannelPriceView[];
}

export interface PriceInconsistencies {
  currency: string;
  /** Variants whose price on some channel differs from their default price. */
  differing: PricedVariantReport[];
  /** Variants listed on some channel where they have no price at all (neither channel nor default). */
  unpriced: PricedVariantReport[];
}

/**
 * One price everywhere unless an explicit channel price says otherwise: this reports where that is
 * not so, over active channels selling in `currency` and products not archived. Each reported
 * variant shows every such channel it is listed on, so the deviation can be read in context.
 */
export async function findPriceInconsistencies(ctx: Ctx, currency: string): Promise<PriceInconsistencies> {
  const { rows } = await sql<{
    variant_id: string;
    sku: string;
    product_id: string;
    product_title: string;
    channel_id: string;
    channel_code: string;
    default_amount: number | string | null;
    channel_amount: number | string | null;
  }>`
    SELECT * FROM (
      SELECT v.id AS variant_id, v.sku, p.id AS product_id, p.title AS product_title, c.id AS channel_id, c.code AS channel_code,
        dp.amount AS default_amount, cp.amount AS channel_amount,
        bool_or(COALESCE(cp.amount, dp.amount) IS DISTINCT FROM dp.amount OR COALESCE(cp.amount, dp.amount) IS NULL)
          OVER (PARTITION BY v.id) AS flagged
      FROM channel_listing l
      JOIN channel c ON c.id = l.channel_id AND c.active AND c.currency = ${currency}
      JOIN variant v ON v.id = l.variant_id
      JOIN product p ON p.id = v.product_id AND p.status <> 'archived'
      LEFT JOIN variant_price dp ON dp.variant_id = v.id AND dp.currency = ${currency}
      LEFT JOIN channel_price cp ON cp.channel_id = c.id AND cp.variant_id = v.id AND cp.currency = ${currency}
    ) x
    WHERE flagged
    ORDER BY variant_id, channel_code`.execute(ctx.db);

  const reports = new Map<string, PricedVariantReport>();
  for (const r of rows) {
    const defaultAmount = r.default_amount == null ? null : Number(r.default_amount);
    let report = reports.get(r.variant_id);
    if (!report) {
      report = { variantId: r.variant_id, sku: r.sku, productId: r.product_id, productTitle: r.product_title, defaultAmount, channels: [] };
      reports.set(r.variant_id, report);
    }
    const amount = r.channel_amount != null ? Number(r.channel_amount) : defaultAmount;
    const source = r.channel_amount != null ? 'channel' : defaultAmount != null ? 'default' : null;
    report.channels.push({ channelId: r.channel_id, channelCode: r.channel_code, amount, source });
  }
  const all = [...reports.values()];
  return {
    currency,
    differing: all.filter((v) => v.channels.some((c) => c.amount != null && c.amount !== v.defaultAmount)),
    unpriced: all.filter((v) => v.channels.some((c) => c.amount == null)),
  };
}
