import { inTx, tables, type Executor } from '../../platform/db.js';
import { invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CampaignStatus, DealsTables, FlashSaleRow } from './deals.tables.js';
import { campaignView, changedCampaignValues, newCampaignValues, onChannel, type CampaignChanges, type CampaignTerms, type CampaignView } from './campaigns.js';

/** Flash sales (秒杀) as staff set them up, and as the storefront lists them. */

const q = (db: Executor) => tables<DealsTables>(db);

export interface FlashSaleTerms extends CampaignTerms {
  allotment: number;
  perCustomerLimit: number;
}

export type FlashSaleChanges = CampaignChanges & { allotment?: number; perCustomerLimit?: number };

export interface FlashSale extends CampaignView {
  allotment: number;
  sold: number;
  remaining: number;
  perCustomerLimit: number;
}

export const toFlashSale = (r: FlashSaleRow, at = new Date()): FlashSale => ({
  ...campaignView(r, at),
  allotment: r.allotment,
  sold: r.sold,
  remaining: r.allotment - r.sold,
  perCustomerLimit: r.per_customer_limit,
});

export async function createFlashSale(ctx: Ctx, t: FlashSaleTerms): Promise<FlashSale> {
  const values = await newCampaignValues(ctx, t);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .insertInto('flash_sale')
      .values({ id: newId('fls'), ...values, allotment: t.allotment, per_customer_limit: t.perCustomerLimit })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'flash_sale.created', row.id, { id: row.id, variantId: row.variant_id, status: row.status, allotment: row.allotment, startsAt: row.starts_at, endsAt: row.ends_at });
    return toFlashSale(row);
  });
}

export async function updateFlashSale(ctx: Ctx, id: string, c: FlashSaleChanges): Promise<FlashSale> {
  return inTx(ctx.db, async (tx) => {
    // Locked, so the allotment is compared with what concurrent checkouts have sold by now.
    const current = await q(tx).selectFrom('flash_sale').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) throw notFound('flash sale', id);
    const values = await changedCampaignValues({ ...ctx, db: tx }, current, c);
    if (c.allotment !== undefined && c.allotment < current.sold) throw invalid('allotment', `${current.sold} units are already sold; the allotment cannot be lower`);
    const row = await q(tx)
      .updateTable('flash_sale')
      .set({
        ...values,
        ...(c.allotment !== undefined ? { allotment: c.allotment } : {}),
        ...(c.perCustomerLimit !== undefined ? { per_customer_limit: c.perCustomerLimit } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'flash_sale.updated', id, { id, status: row.status, changed: Object.keys(c) });
    return toFlashSale(row);
  });
}

export async function getFlashSale(ctx: Ctx, id: string): Promise<FlashSale> {
  const row = await q(ctx.db).selectFrom('flash_sale').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('flash sale', id);
  return toFlashSale(row);
}

export interface FlashSaleFilter {
  status?: CampaignStatus;
  variantId?: string;
  limit: number;
  after?: string;
}

export async function listFlashSales(ctx: Ctx, f: FlashSaleFilter): Promise<{ data: FlashSale[]; next: string | null }> {
  let query = q(ctx.db).selectFrom('flash_sale').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.variantId) query = query.where('variant_id', '=', f.variantId);
  if (f.after) query = query.where('id', '<', f.after);
  const rows = await query.execute();
  const page = rows.slice(0, f.limit);
  return { data: page.map((r) => toFlashSale(r)), next: rows.length > f.limit ? page.at(-1)!.id : null };
}

/** Running and upcoming sales, soonest first, optionally on one channel or of one variant. */
export async function listLiveFlashSales(ctx: Ctx, f: { channelId?: string; variantId?: string; limit: number }): Promise<FlashSale[]> {
  const now = new Date();
  let query = q(ctx.db).selectFrom('flash_sale').selectAll().where('status', '=', 'active').where('ends_at', '>', now).orderBy('starts_at').orderBy('id').limit(f.limit);
  if (f.channelId) query = query.where(onChannel(f.channelId));
  if (f.variantId) query = query.where('variant_id', '=', f.variantId);
  return (await query.execute()).map((r) => toFlashSale(r, now));
}

/** A sale as the storefront shows it: drafts do not exist yet; ended ones show as over. */
export async function getPublicFlashSale(ctx: Ctx, id: string): Promise<FlashSale> {
  const sale = await getFlashSale(ctx, id);
  if (sale.status === 'draft') throw notFound('flash sale', id);
  return sale;
}
