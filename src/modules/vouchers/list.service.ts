import { sql } from 'kysely';
import { tables, type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import type { VoucherStatus, VouchersTables } from './vouchers.tables.js';
import { toVoucher, type Voucher } from './vouchers.types.js';
import { voucherViewFor } from './clerk-view.js';
import { voucherQr } from './codes.js';
import { clerkPlaces, loadPlaces, partnersOf } from './places.js';
import { isOwnStore, validAtSql, type PlaceOwner } from './validity.js';

const q = (db: Executor) => tables<VouchersTables>(db);

export interface VoucherFilter {
  customerId?: string;
  orderId?: string;
  templateId?: string;
  status?: VoucherStatus;
  /** Only vouchers redeemable at this location (by their terms; state aside). */
  locationId?: string;
  after?: string;
  limit: number;
}

/** The vouchers redeemable at one of `places`. */
function validAtAny(places: PlaceOwner[]) {
  const partnerIds = [...new Set(places.flatMap((p) => (p.partnerId ? [p.partnerId] : [])))];
  return validAtSql('voucher', {
    ids: sql`${places.map((p) => p.id)}::text[]`,
    partnerIds: sql`${partnerIds}::text[]`,
    ownStore: sql`${places.some(isOwnStore)}::boolean`,
  });
}

/**
 * Vouchers, newest first. A clerk sees only vouchers redeemable at their own stores, with codes
 * masked: the code is what redeems, and a clerk learns it from the shopper at the counter.
 */
export async function listVouchers(ctx: Ctx, f: VoucherFilter): Promise<{ data: Voucher[]; next: string | null }> {
  let query = q(ctx.db).selectFrom('voucher').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
  if (f.customerId) query = query.where('customer_id', '=', f.customerId);
  if (f.orderId) query = query.where('order_id', '=', f.orderId);
  if (f.templateId) query = query.where('template_id', '=', f.templateId);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.after) query = query.where('id', '<', f.after);
  if (f.locationId) query = query.where(validAtAny([...(await loadPlaces(ctx, [f.locationId])).values()]));
  const mine = await clerkPlaces(ctx);
  if (mine) query = query.where(validAtAny(mine));
  const rows = await query.execute();
  const page = rows.slice(0, f.limit);
  const view = voucherViewFor(mine && partnersOf(mine));
  return { data: page.map((r) => view(toVoucher(r, { masked: mine !== null }))), next: rows.length > f.limit ? page[page.length - 1].id : null };
}

/** One voucher; a clerk sees it only when it is redeemable at one of their stores. */
export async function getVoucher(ctx: Ctx, id: string): Promise<Voucher> {
  let query = q(ctx.db).selectFrom('voucher').selectAll().where('id', '=', id);
  const mine = await clerkPlaces(ctx);
  if (mine) query = query.where(validAtAny(mine));
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('voucher', id, 'id');
  return voucherViewFor(mine && partnersOf(mine))(toVoucher(row, { masked: mine !== null }));
}

export type ShopperVoucher = Voucher & { templateName: string; qr: { payload: string; svgDataUrl: string } };

/** A shopper's own vouchers, usable ones first, each with the QR to show at the counter. */
export async function listCustomerVouchers(ctx: Ctx, customerId: string): Promise<ShopperVoucher[]> {
  const rows = await q(ctx.db)
    .selectFrom('voucher')
    .innerJoin('voucher_template as t', 't.id', 'voucher.template_id')
    .selectAll('voucher')
    .select('t.name as template_name')
    .where('customer_id', '=', customerId)
    .orderBy(sql`CASE WHEN voucher.status = 'active' AND voucher.expires_at > now() THEN 0 ELSE 1 END`)
    .orderBy('voucher.id', 'desc')
    .limit(500)
    .execute();
  return Promise.all(rows.map(async (r) => ({ ...toVoucher(r), templateName: r.template_name, qr: await voucherQr(r.code) })));
}
