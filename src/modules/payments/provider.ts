import type { Ctx } from '../../platform/context.js';
import type { PaymentMethod, RefundStatus } from './payments.tables.js';

export interface AuthorizeInput {
  paymentId: string;
  amount: number;
  currency: string;
  method?: PaymentMethod;
  /** What the payer's side calls it: a terminal slip or QR transaction number. */
  externalReference?: string;
  /** Test provider only: how its call-back will settle the payment. */
  autoCapture?: 'webhook' | 'fail';
}

/** Where a provider call left the payment; `pending` means the provider will say later, by webhook. */
export interface ProviderStep {
  status: 'pending' | 'authorized' | 'captured' | 'failed';
  providerRef?: string | null;
  failureReason?: string;
}

/** A row of the provider's own tables, kept beside the payment it belongs to. */
export interface ProviderRecord {
  table: string;
  row: Record<string, unknown>;
}

/** What a provider's webhook says happened to one of its payments. */
export interface ProviderNotice {
  providerRef: string;
  outcome: 'captured' | 'failed';
  reason?: string;
}

/**
 * A way of taking money. Calls receive the caller's ctx, so whatever a provider records lands in the
 * same transaction as the payment it belongs to.
 */
export interface PaymentProvider {
  id: string;
  /**
   * Asked before the payment is written: what the provider says, and the rows it keeps for the
   * payment (written in the payment's own statement, which is why it writes none itself).
   */
  authorize(ctx: Ctx, input: AuthorizeInput): Promise<ProviderStep & { records?: ProviderRecord[] }>;
  capture(ctx: Ctx, payment: { id: string; providerRef: string | null; amount: number }): Promise<ProviderStep>;
  refund(ctx: Ctx, input: { refundId: string; providerRef: string | null; amount: number; currency: string }): Promise<{ status: RefundStatus; providerRef?: string | null }>;
  /**
   * Verifies and reads a webhook the provider sent: one notice, or several from a provider that
   * batches them. Throws AppError('invalid_signature') when it is not genuine.
   */
  parseWebhook?(ctx: Ctx, rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<ProviderNotice[]>;
}
