import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { VoucherRow, VouchersTables } from './vouchers.tables.js';
import { toVoucher, type Voucher } from './vouchers.types.js';
import { refundForUnusedUses } from './pro-rata.js';

const q = (db: Executor) => tables<VouchersTables>(db);

/** Voids locked, still-active vouchers; each refunds the share of its price its unused uses carry. */
async function voidRows(tx: Executor, rows: VoucherRow[], reason: string): Promise<VoucherRow[]> {
  const voided = [];
  for (const v of rows) {
    const refund = refundForUnusedUses(Number(v.paid_amount), v.uses_total, v.uses_left);
    const row = await q(tx)
      .updateTable('voucher')
      .set({ status: 'voided', voided_at: new Date(), void_reason: reason, refunded_amount: refund })
      .where('id', '=', v.id)
      .where('status', '=', 'active')
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'voucher.voided', row.id, {
      id: row.id,
      orderId: row.order_id,
      orderLineId: row.order_line_id,
      usesForfeited: row.uses_left,
      refundableAmount: refund,
      currency: row.currency,
      reason,
    });
    voided.push(row);
  }
  return voided;
}

/**
 * Voids up to `quantity` vouchers of a refunded order line (all of them when omitted), preferring
 * those with the most uses left. Only unredeemed uses are refundable: a voucher with k of n uses
 * left refunds its price's share for those k uses, to the fen. Vouchers fully used stay as they are.
 * Runs inside the caller's transaction when given one.
 */
export async function voidVouchersForOrderLine(ctx: Ctx, input: { orderLineId: string; quantity?: number }): Promise<{ voided: number; refundableAmount: number }> {
  if (input.quantity !== undefined && (!Number.isInteger(input.quantity) || input.quantity < 1)) {
    throw invalid('quantity', 'quantity must be a positive whole number');
  }
  return inTx(ctx.db, async (tx) => {
    // Locks in id order, so a concurrent redemption either lands before (and is not refunded) or
    // finds the voucher voided.
    const active = await q(tx)
      .selectFrom('voucher')
      .selectAll()
      .where('order_line_id', '=', input.orderLineId)
      .where('status', '=', 'active')
      .orderBy('id')
      .forUpdate()
      .execute();
    const chosen = active
      .filter((v) => v.uses_left > 0)
      .sort((a, b) => b.uses_left - a.uses_left || a.id.localeCompare(b.id))
      .slice(0, input.quantity ?? active.length);
    const voided = await voidRows(tx, chosen, 'order_refund');
    return { voided: voided.length, refundableAmount: voided.reduce((s, v) => s + Number(v.refunded_amount), 0) };
  });
}

/** Voids one voucher given without an order; a bought voucher is voided by refunding its order line. */
export async function voidVoucher(ctx: Ctx, id: string, reason: string): Promise<Voucher> {
  return inTx(ctx.db, async (tx) => {
    const v = await q(tx).selectFrom('voucher').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!v) throw notFound('voucher', id, 'id');
    if (v.order_line_id) throw new AppError('invalid_state', 'this voucher was bought: refund its order line to void it', { field: 'id' });
    if (v.status !== 'active') throw new AppError('invalid_state', `the voucher is ${v.status}`, { field: 'id' });
    const [row] = await voidRows(tx, [v], reason);
    return toVoucher(row);
  });
}
