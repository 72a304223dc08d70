import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { tables } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import type { PaymentsTables } from './payments.tables.js';
import type { PaymentProvider } from './provider.js';
import { testProviderSecret } from './provider-secret.js';

/** The body the test provider POSTs back (Standard Webhooks layout). */
export const testWebhookBody = z.object({
  type: z.enum(['payment.succeeded', 'payment.failed']),
  timestamp: z.string(),
  data: z.object({ providerRef: z.string(), amount: z.number().int(), currency: z.string(), reason: z.string().optional() }),
});

/**
 * A stand-in for an online gateway, for development and tests: authorize leaves the payment pending
 * and schedules a call-back, which a worker job later POSTs as a signed webhook to
 * POST /v1/payments/webhooks/test — the same path a real gateway's notification takes.
 */
export const testProvider: PaymentProvider = {
  id: 'test',
  async authorize(ctx, input) {
    await tables<PaymentsTables>(ctx.db)
      .insertInto('payment_test_callback')
      .values({ payment_id: input.paymentId, outcome: input.autoCapture === 'fail' ? 'failed' : 'captured', locked_until: null, last_error: null })
      .execute();
    return { status: 'pending', providerRef: testProvider.referenceFor!(input) };
  },
  referenceFor: (input) => `tpi_${input.paymentId}`,
  async capture() {
    return { status: 'captured' };
  },
  async refund() {
    return { status: 'succeeded' };
  },
  async parseWebhook(ctx, rawBody, headers) {
    const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : (v ?? '')]));
    let payload: unknown;
    try {
      payload = new Webhook(await testProviderSecret(ctx.db)).verify(rawBody, flat);
    } catch (err) {
      if (err instanceof WebhookVerificationError) throw new AppError('invalid_signature', `webhook not verified: ${err.message}`);
      throw err;
    }
    const parsed = testWebhookBody.safeParse(payload);
    if (!parsed.success) throw new AppError('validation_failed', 'not a test-provider notification', { field: 'body' });
    const { type, data } = parsed.data;
    return { providerRef: data.providerRef, outcome: type === 'payment.succeeded' ? 'captured' : 'failed', reason: data.reason };
  },
};
