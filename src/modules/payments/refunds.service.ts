import type { Selectable } from 'kysely';
import { inTx, sql, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import { ownerOf } from './owners.js';
import type { Ctx } from '../../platform/context.js';
import type { PaymentsTables, RefundStatus } from './payments.tables.js';
import { PROVIDERS, getPayment, toPayment } from './payments.service.js';

const q = (db: Executor) => tables<PaymentsTables>(db);

export interface Refund {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  reason: string;
  status: RefundStatus;
  createdAt: string;
}

const toRefund = (r: Selectable<PaymentsTables['refund']>): Refund => ({
  id: r.id,
  paymentId: r.payment_id,
  amount: r.amount,
  currency: r.currency,
  reason: r.reason,
  status: r.status,
  createdAt: new Date(r.created_at).toISOString(),
});

/** A refund asked of the payment itself: refused for a payment whose owner refunds it. */
export async function refundPaymentDirectly(ctx: Ctx, input: { paymentId: string; amount: number; reason?: string }): Promise<Refund> {
  const { reference } = await getPayment(ctx, input.paymentId);
  const route = ownerOf(reference.type)?.refundRoute;
  if (route) {
    throw new AppError('refund_through_owner', `this payment is for ${reference.type} ${reference.id}: refund it with ${route.replace('{id}', reference.id)}`, { field: 'id', reference });
  }
  return refundPayment(ctx, input);
}

/**
 * Refunds part or all of a captured payment. The refunded total moves by one conditional update that
 * only succeeds while captured − refunded covers the amount, so concurrent refunds never exceed it.
 */
export async function refundPayment(ctx: Ctx, input: { paymentId: string; amount: number; reason?: string }): Promise<Refund> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw invalid('amount', 'amount is a positive integer in minor units');
  return inTx(ctx.db, async (tx) => {
    const payment = await q(tx)
      .updateTable('payment')
      .set({
        refunded_amount: sql<number>`refunded_amount + ${input.amount}`,
        status: sql`CASE WHEN refunded_amount + ${input.amount} = captured_amount THEN 'refunded' ELSE 'partially_refunded' END`,
        updated_at: new Date(),
      })
      .where('id', '=', input.paymentId)
      .where('status', 'in', ['captured', 'partially_refunded'])
      .where(sql<boolean>`captured_amount - refunded_amount >= ${input.amount}`)
      .returningAll()
      .executeTakeFirst();
    if (!payment) {
      const current = await q(tx).selectFrom('payment').selectAll().where('id', '=', input.paymentId).executeTakeFirst();
      if (!current) throw notFound('payment', input.paymentId, 'paymentId');
      if (!['captured', 'partially_refunded', 'refunded'].includes(current.status)) {
        throw new AppError('invalid_state', `a ${current.status} payment cannot be refunded`, { field: 'paymentId', status: current.status });
      }
      const refundable = current.captured_amount - current.refunded_amount;
      throw new AppError('refund_exceeds_payment', `at most ${refundable} ${current.currency} of this payment can still be refunded`, { field: 'amount', refundable });
    }
    const id = newId('ref');
    const result = await PROVIDERS[payment.provider].refund({ ...ctx, db: tx }, { refundId: id, providerRef: payment.provider_ref, amount: input.amount, currency: payment.currency });
    const refund = await q(tx)
      .insertInto('refund')
      .values({
        id,
        payment_id: payment.id,
        amount: input.amount,
        currency: payment.currency,
        reason: input.reason ?? '',
        status: result.status,
        provider_ref: result.providerRef ?? null,
        created_by: ctx.actor.id,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // payment.refunded: money went back on this payment. An order's refund is the order's refund.created.
    await emit(tx, 'payment.refunded', payment.id, { ...toRefund(refund), payment: toPayment(payment) });
    return toRefund(refund);
  });
}

export async function listRefunds(ctx: Ctx, paymentId: string): Promise<Refund[]> {
  return (await q(ctx.db).selectFrom('refund').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute()).map(toRefund);
}
