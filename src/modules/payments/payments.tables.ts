import type { Generated } from 'kysely';

export const PAYMENT_STATUSES = ['pending', 'authorized', 'captured', 'failed', 'cancelled', 'refunded', 'partially_refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const PAYMENT_METHODS = ['cash', 'card', 'qr'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface PaymentsTables {
  payment: {
    id: string;
    reference_type: string;
    reference_id: string;
    provider: string;
    method: PaymentMethod | null;
    status: PaymentStatus;
    amount: number;
    currency: string;
    captured_amount: Generated<number>;
    refunded_amount: Generated<number>;
    provider_ref: string | null;
    failure_reason: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  refund: {
    id: string;
    payment_id: string;
    amount: number;
    currency: string;
    reason: Generated<string>;
    status: RefundStatus;
    provider_ref: string | null;
    created_by: string | null;
    created_at: Generated<Date>;
  };
  payment_provider_secret: { provider: string; secret: string; created_at: Generated<Date> };
  payment_test_callback: {
    payment_id: string;
    outcome: 'captured' | 'failed';
    status: Generated<'pending' | 'sent' | 'abandoned'>;
    attempts: Generated<number>;
    due_at: Generated<Date>;
    locked_until: Date | null;
    last_error: string | null;
    created_at: Generated<Date>;
  };
}
