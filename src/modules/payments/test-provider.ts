import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import type { PaymentProvider } from './provider.js';
import { testProviderSecret } from './provider-secret.js';

const notification = z.object({ providerRef: z.string(), amount: z.number().int(), currency: z.string(), reason: z.string().optional() });
const outcome = z.enum(['payment.succeeded', 'payment.failed']);

/**
 * The body the test provider POSTs back (Standard Webhooks layout): one payment's notification, or
 * — as gateways that batch their notifications send — a `payment.batch` of several.
 */
export const testWebhookBody = z.discriminatedUnion('type', [
  z.object({ type: outcome, timestamp: z.string(), data: notification }),
  z.object({ type: z.literal('payment.batch'), timestamp: z.string(), data: z.object({ notifications: z.array(notification.extend({ type: outcome })).min(1).max(1000) }) }),
]);

/**
 * A stand-in for an online gateway, for development and tests: authorize leaves the payment pending
 * and schedules a call-back, which a worker job later POSTs as a signed webhook to
 * POST /v1/payments/webhooks/test — the same path a real gateway's notification takes.
 */
export const testProvider: PaymentProvider = {
  id: 'test',
  async authorize(_ctx, input) {
    const outcome = input.autoCapture === 'fail' ? 'failed' : 'captured';
    return { status: 'pending', providerRef: `tpi_${input.paymentId}`, records: [{ table: 'payment_test_callback', row: { payment_id: input.paymentId, outcome } }] };
  },
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
    const body = parsed.data;
    const items = body.type === 'payment.batch' ? body.data.notifications : [{ ...body.data, type: body.type }];
    return items.map((n) => ({ providerRef: n.providerRef, outcome: n.type === 'payment.succeeded' ? 'captured' : 'failed', reason: n.reason }));
  },
};
