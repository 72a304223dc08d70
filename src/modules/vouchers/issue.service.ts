import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { allocate } from '../../platform/money.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { TemplateRow, VouchersTables } from './vouchers.tables.js';
import { toVoucher, type Voucher } from './vouchers.types.js';
import { newVoucherCode } from './codes.js';
import { getTemplateRow } from './templates.service.js';
import { getCustomers } from '../customers/index.js';

const q = (db: Executor) => tables<VouchersTables>(db);
const DAY_MS = 86_400_000;
export const MAX_ISSUE_QUANTITY = 1000;

export interface OrderLineVouchers {
  orderId: string;
  orderLineId: string;
  customerId: string | null;
  variantId: string;
  quantity: number;
  /** What the shopper paid per voucher, in minor units of the template's currency. */
  unitPrice: number;
  /**
   * What the whole line cost, when it does not divide evenly by quantity: it is then split over the
   * vouchers to the fen (earlier ones take the odd fen), so their refunds add up to it exactly.
   */
  lineTotal?: number;
}

export interface PromoVouchers {
  templateId: string;
  customerId?: string | null;
  quantity: number;
  reason: string;
}

interface Origin {
  customerId: string | null;
  orderId: string | null;
  orderLineId: string | null;
  reason: string | null;
  /** What each voucher was paid, by position. */
  paidAmounts: number[];
}

function checkQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_ISSUE_QUANTITY) {
    throw invalid('quantity', `quantity must be a whole number from 1 to ${MAX_ISSUE_QUANTITY}`);
  }
}

/** When a voucher issued now stops being valid; a template past its end date issues nothing. */
function expiryFor(t: TemplateRow, now: Date): Date {
  if (t.validity_days !== null) return new Date(now.getTime() + t.validity_days * DAY_MS);
  const until = new Date(t.valid_until!);
  if (until.getTime() <= now.getTime()) throw new AppError('voucher_template_expired', `voucher template ${t.id} ended on ${until.toISOString()}`, { field: 'templateId' });
  return until;
}

/**
 * Inserts `quantity` vouchers with the template's terms copied on. A code that collides with an
 * existing one (astronomically rare) is skipped by ON CONFLICT and drawn again.
 */
async function insertVouchers(tx: Executor, t: TemplateRow, quantity: number, origin: Origin): Promise<Voucher[]> {
  const now = new Date();
  const expiresAt = expiryFor(t, now);
  let pending = Array.from({ length: quantity }, (_, i) => ({
    id: newId('vch'),
    template_id: t.id,
    variant_id: t.variant_id,
    customer_id: origin.customerId,
    order_id: origin.orderId,
    order_line_id: origin.orderLineId,
    line_index: origin.orderLineId ? i : null,
    issue_reason: origin.reason,
    uses_total: t.uses_per_voucher,
    uses_left: t.uses_per_voucher,
    expires_at: expiresAt,
    scope: t.scope,
    location_ids: t.location_ids,
    partner_ids: t.partner_ids,
    face_value: t.face_value,
    currency: t.currency,
    paid_amount: origin.paidAmounts[i],
    partner_id: t.partner_id,
    settlement_amount: t.settlement_amount,
  }));
  const issued = [];
  while (pending.length) {
    const rows = await q(tx)
      .insertInto('voucher')
      .values(pending.map((v) => ({ ...v, code: newVoucherCode() })))
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .execute();
    issued.push(...rows);
    const done = new Set(rows.map((r) => r.id));
    pending = pending.filter((v) => !done.has(v.id));
  }
  issued.sort((a, b) => (a.line_index ?? 0) - (b.line_index ?? 0) || a.id.localeCompare(b.id));
  for (const v of issued) {
    await emit(tx, 'voucher.issued', v.id, {
      id: v.id,
      templateId: v.template_id,
      customerId: v.customer_id,
      orderId: v.order_id,
      orderLineId: v.order_line_id,
      usesTotal: v.uses_total,
      expiresAt: new Date(v.expires_at).toISOString(),
    });
  }
  return issued.map((r) => toVoucher(r));
}

/**
 * Issues the vouchers a paid order line bought, with the terms of the variant's active template.
 * Called by orders inside its payment transaction. Calling it again for the same line returns
 * the vouchers already issued rather than issuing more.
 */
export async function issueVouchers(ctx: Ctx, input: OrderLineVouchers): Promise<Voucher[]> {
  checkQuantity(input.quantity);
  if (!Number.isInteger(input.unitPrice) || input.unitPrice < 0) throw invalid('unitPrice', 'unitPrice is a whole amount in minor units');
  if (input.lineTotal !== undefined && (!Number.isInteger(input.lineTotal) || input.lineTotal < 0)) throw invalid('lineTotal', 'lineTotal is a whole amount in minor units');
  const paidAmounts =
    input.lineTotal !== undefined ? allocate(input.lineTotal, Array(input.quantity).fill(1)) : Array<number>(input.quantity).fill(input.unitPrice);
  return inTx(ctx.db, async (tx) => {
    const existing = await q(tx).selectFrom('voucher').selectAll().where('order_line_id', '=', input.orderLineId).orderBy('line_index').execute();
    if (existing.length) return existing.map((r) => toVoucher(r));
    const t = await q(tx).selectFrom('voucher_template').selectAll().where('variant_id', '=', input.variantId).where('status', '=', 'active').executeTakeFirst();
    if (!t) throw new AppError('not_found', `no active voucher template sells variant ${input.variantId}`, { field: 'variantId', id: input.variantId });
    return insertVouchers(tx, t, input.quantity, {
      customerId: input.customerId,
      orderId: input.orderId,
      orderLineId: input.orderLineId,
      reason: null,
      paidAmounts,
    });
  });
}

/** Issues vouchers without an order, e.g. a cross-brand gift ("spend 200 online, get a lens voucher"). */
export async function issuePromoVouchers(ctx: Ctx, input: PromoVouchers): Promise<Voucher[]> {
  checkQuantity(input.quantity);
  if (input.customerId && !(await getCustomers(ctx, [input.customerId])).length) throw notFound('customer', input.customerId, 'customerId');
  return inTx(ctx.db, async (tx) => {
    const t = await getTemplateRow(tx, input.templateId, 'templateId');
    if (t.status !== 'active') throw new AppError('invalid_state', `voucher template ${t.id} is archived`, { field: 'templateId' });
    return insertVouchers(tx, t, input.quantity, {
      customerId: input.customerId ?? null,
      orderId: null,
      orderLineId: null,
      reason: input.reason,
      paidAmounts: Array<number>(input.quantity).fill(0),
    });
  });
}
