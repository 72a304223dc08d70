import type { Selectable } from 'kysely';
import { inTx, PREPARED, sql, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emitAll } from '../../platform/outbox.js';
import { mayReveal } from './owners.js';
import type { Ctx } from '../../platform/context.js';
import { PAYMENT_METHODS, type PaymentMethod, type PaymentStatus, type PaymentsTables } from './payments.tables.js';
import type { PaymentProvider, ProviderNotice, ProviderStep } from './provider.js';
import { manualProvider } from './manual-provider.js';
import { testProvider } from './test-provider.js';

export const PROVIDERS: Record<string, PaymentProvider> = { manual: manualProvider, test: testProvider };

const q = (db: Executor) => tables<PaymentsTables>(db);
type PaymentRow = Selectable<PaymentsTables['payment']>;

/** A payment as the API shows it; also the payload of every payment.* event. */
export interface Payment {
  id: string;
  reference: { type: string; id: string };
  provider: string;
  method: PaymentMethod | null;
  status: PaymentStatus;
  amount: number;
  currency: string;
  capturedAmount: number;
  refundedAmount: number;
  providerRef: string | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewPayment {
  /** An id made by the caller, who has already written it down (an order's payment_id). */
  id?: string;
  reference: { type: string; id: string };
  amount: number;
  currency: string;
  provider: 'manual' | 'test';
  method?: PaymentMethod;
  /** Slip or transaction number from the terminal or QR app (manual payments). */
  externalReference?: string;
  autoCapture?: 'webhook' | 'fail';
}

export const toPayment = (r: PaymentRow): Payment => ({
  id: r.id,
  reference: { type: r.reference_type, id: r.reference_id },
  provider: r.provider,
  method: r.method,
  status: r.status,
  amount: r.amount,
  currency: r.currency,
  capturedAmount: r.captured_amount,
  refundedAmount: r.refunded_amount,
  providerRef: r.provider_ref,
  failureReason: r.failure_reason,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

function validate(input: NewPayment): void {
  if (!input.reference?.type) throw invalid('reference.type', 'reference.type names what is paid for, e.g. order');
  if (!input.reference?.id) throw invalid('reference.id', 'reference.id is required');
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw invalid('amount', 'amount is a positive integer in minor units');
  if (!/^[A-Z]{3}$/.test(input.currency)) throw invalid('currency', 'currency is an ISO 4217 code such as CNY');
  if (!PROVIDERS[input.provider]) throw invalid('provider', `provider is one of ${Object.keys(PROVIDERS).join(', ')}`);
  if (input.method !== undefined && !PAYMENT_METHODS.includes(input.method)) throw invalid('method', 'method is cash, card or qr');
}

/** The states each target may be reached from; a move from anywhere else changes nothing. */
const FROM: Record<ProviderStep['status'], PaymentStatus[]> = {
  pending: [],
  authorized: ['pending'],
  captured: ['authorized'],
  failed: ['pending', 'authorized'],
};

/**
 * Creates a payment and runs it through its provider: a manual one ends captured, a test one stays
 * pending until the provider's webhook arrives. The provider is asked first; then the row, at the
 * state it reached, the provider's own records and the events of every step (payment.created,
 * then .authorized, .captured or .failed) go in one statement: checkout waits on every round trip.
 * Runs in the caller's transaction when there is one.
 */
export async function createPayment(ctx: Ctx, input: NewPayment): Promise<Payment> {
  validate(input);
  const provider = PROVIDERS[input.provider];
  const now = new Date();
  const id = input.id ?? newId('pay');
  const { records = [], ...authorized } = await provider.authorize(ctx, { paymentId: id, amount: input.amount, currency: input.currency, method: input.method, externalReference: input.externalReference, autoCapture: input.autoCapture });
  const created: PaymentRow = {
    id,
    reference_type: input.reference.type,
    reference_id: input.reference.id,
    provider: provider.id,
    method: input.method ?? null,
    status: 'pending',
    amount: input.amount,
    currency: input.currency,
    captured_amount: 0,
    refunded_amount: 0,
    provider_ref: authorized.providerRef ?? null,
    failure_reason: null,
    created_at: now,
    updated_at: now,
  };
  const steps = [created];
  const step = (s: ProviderStep) => {
    const last = steps.at(-1)!;
    if (s.status === 'pending' || !FROM[s.status].includes(last.status)) return;
    steps.push({ ...last, status: s.status, captured_amount: s.status === 'captured' ? last.amount : last.captured_amount, failure_reason: s.failureReason ?? last.failure_reason });
  };
  step(authorized);
  if (steps.at(-1)!.status === 'authorized') step(await provider.capture(ctx, { id, providerRef: created.provider_ref, amount: input.amount }));
  const row = steps.at(-1)!;
  const events = steps.map((r, i) => ({ id: newId('evt'), type: i ? `payment.${r.status}` : 'payment.created', aggregate_id: id, payload: toPayment(r) }));
  const kept = records.map((r, i) => sql`, r${sql.raw(String(i))} AS (
      INSERT INTO ${sql.table(r.table)} (${sql.join(Object.keys(r.row).map((k) => sql.ref(k)))})
      SELECT ${sql.join(Object.keys(r.row).map((k) => sql.ref(k)))} FROM jsonb_populate_record(NULL::${sql.table(r.table)}, ${JSON.stringify(r.row)}::jsonb))`);
  await sql`${PREPARED}
    WITH p AS (INSERT INTO payment SELECT * FROM jsonb_populate_record(NULL::payment, ${JSON.stringify(row)}::jsonb))${sql.join(kept, sql``)}
    INSERT INTO outbox_event (id, type, aggregate_id, payload)
    SELECT * FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS e(id text, type text, aggregate_id text, payload jsonb)`.execute(ctx.db);
  return toPayment(row);
}

/**
 * Applies the notices of a provider's webhook (one, or several when the provider batches them):
 * captured means authorized and captured; failed means failed. One statement locks the payments
 * named, in id order (so two webhooks racing apply each notice once, and batches never deadlock),
 * and moves the pending or authorized ones; the events of every step they took follow in one more.
 * A repeated or late notice finds its payment already moved and changes nothing; of two notices
 * for one payment in a batch, the first is the one that counts. A notice naming no payment of the
 * provider refuses the whole webhook, so the provider sends it again and nothing is half-applied.
 * Returns how many payments moved.
 */
export async function applyNotices(ctx: Ctx, providerId: string, notices: ProviderNotice[]): Promise<{ changed: number }> {
  const given = notices.map((n, ord) => ({ ord, provider_ref: n.providerRef, outcome: n.outcome, reason: n.reason ?? 'declined' }));
  return inTx(ctx.db, async (tx) => {
    const { rows } = await sql<{ ref: string; was: PaymentStatus } & PaymentRow>`${PREPARED}
      WITH n AS (
        SELECT DISTINCT ON (provider_ref) * FROM jsonb_to_recordset(${JSON.stringify(given)}::jsonb)
          AS n(ord int, provider_ref text, outcome text, reason text)
        ORDER BY provider_ref, ord
      ), old AS (
        SELECT p.id, p.status, n.provider_ref AS ref, n.outcome, n.reason FROM payment p
        JOIN n ON p.provider = ${providerId} AND p.provider_ref = n.provider_ref
        ORDER BY p.id FOR UPDATE OF p
      ), u AS (
        UPDATE payment p SET status = old.outcome, updated_at = now(),
          captured_amount = CASE WHEN old.outcome = 'captured' THEN p.amount ELSE p.captured_amount END,
          failure_reason = CASE WHEN old.outcome = 'failed' THEN old.reason ELSE p.failure_reason END
        FROM old WHERE p.id = old.id AND old.status IN ('pending', 'authorized')
        RETURNING p.*
      )
      SELECT old.ref, old.status AS was, u.* FROM old LEFT JOIN u ON u.id = old.id ORDER BY old.id`.execute(tx);
    const found = new Set(rows.map((r) => r.ref));
    const unknown = notices.find((n) => !found.has(n.providerRef));
    if (unknown) throw new AppError('not_found', `no ${providerId} payment has reference ${unknown.providerRef}`, { field: 'providerRef' });
    // The columns of u are null where the payment had already moved.
    const moved = rows.filter((r) => r.id).map(({ ref: _ref, was, ...row }) => ({ was, row: row as PaymentRow }));
    const steps = moved.flatMap(({ was, row }) => (row.status === 'captured' && was === 'pending' ? [{ ...row, status: 'authorized' as const, captured_amount: 0 }, row] : [row]));
    await emitAll(tx, steps.map((r) => ({ type: `payment.${r.status}`, aggregateId: r.id, payload: toPayment(r) })));
    return { changed: moved.length };
  });
}

export async function getPayment(ctx: Ctx, id: string): Promise<Payment> {
  const row = await q(ctx.db).selectFrom('payment').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('payment', id, 'id');
  return toPayment(row);
}

/** The payment, if the actor may see what it pays for; otherwise it is reported missing. */
export async function readPayment(ctx: Ctx, id: string): Promise<Payment> {
  const payment = await getPayment(ctx, id);
  if (!(await mayReveal(ctx, payment.reference))) throw notFound('payment', id, 'id');
  return payment;
}

/** Payments for one reference; none when the actor may not see it. */
export async function listPayments(ctx: Ctx, filter: { referenceType?: string; referenceId: string }): Promise<Payment[]> {
  let query = q(ctx.db).selectFrom('payment').selectAll().where('reference_id', '=', filter.referenceId);
  if (filter.referenceType) query = query.where('reference_type', '=', filter.referenceType);
  const payments = (await query.orderBy('id').execute()).map(toPayment);
  const types = [...new Set(payments.map((p) => p.reference.type))];
  const shown = new Set<string>();
  for (const type of types) if (await mayReveal(ctx, { type, id: filter.referenceId })) shown.add(type);
  return payments.filter((p) => shown.has(p.reference.type));
}
