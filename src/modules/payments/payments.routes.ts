import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { amountSchema } from '../../platform/money.js';
import { notFound } from '../../platform/errors.js';
import { PAYMENT_METHODS, PAYMENT_STATUSES } from './payments.tables.js';
import { PROVIDERS, applyNotices, listPayments, readPayment } from './payments.service.js';
import { listRefunds, refundPaymentDirectly } from './refunds.service.js';

const refundSchema = z.object({
  id: z.string(),
  paymentId: z.string(),
  amount: z.number(),
  currency: z.string(),
  reason: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  createdAt: z.string(),
});
const paymentSchema = z.object({
  id: z.string(),
  reference: z.object({ type: z.string(), id: z.string() }).describe('what the payment is for, e.g. { type: "order", id: "ord_…" }'),
  provider: z.string(),
  method: z.enum(PAYMENT_METHODS).nullable(),
  status: z.enum(PAYMENT_STATUSES),
  amount: z.number().describe('minor units'),
  currency: z.string(),
  capturedAmount: z.number(),
  refundedAmount: z.number(),
  providerRef: z.string().nullable(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const idParams = z.object({ id: z.string() });

export function paymentsRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Payments'];

  r.get('/v1/payments/:id', {
    config: { access: { scope: 'orders:read' } },
    schema: { tags, summary: 'Get a payment with its refunds', description: "A clerk sees an order's payments only when the order runs at one of their stores; others answer 404.", params: idParams, response: { 200: paymentSchema.extend({ refunds: z.array(refundSchema) }) } },
  }, async (req) => ({ ...(await readPayment(req.ctx, req.params.id)), refunds: await listRefunds(req.ctx, req.params.id) }));

  r.get('/v1/payments', {
    config: { access: { scope: 'orders:read' } },
    schema: {
      tags,
      summary: 'Payments for one order (or other reference)',
      description: 'Empty for a clerk when the order runs at none of their stores.',
      querystring: z.object({ referenceId: z.string().min(1), referenceType: z.string().optional().describe('e.g. order') }),
      response: { 200: z.object({ data: z.array(paymentSchema) }) },
    },
  }, async (req) => ({ data: await listPayments(req.ctx, req.query) }));

  r.post('/v1/payments/:id/refunds', {
    config: { access: { scope: 'orders:write' } },
    schema: {
      tags,
      summary: 'Refund part or all of a captured payment',
      description: "A payment for an order is refunded through the order (`POST /v1/orders/{id}/refunds`), which keeps the order's refunded total and status; here it is refused with `refund_through_owner`.",
      params: idParams,
      body: z.object({ amount: amountSchema.min(1), reason: z.string().max(500).optional() }),
      response: { 201: refundSchema },
    },
  }, async (req, reply) => reply.code(201).send(await refundPaymentDirectly(req.ctx, { paymentId: req.params.id, ...req.body })));

  // A provider signs the exact bytes it sends, so this route reads the body as raw text; the
  // encapsulated scope keeps that parser away from every other route.
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post('/v1/payments/webhooks/:provider', {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A payment provider's notification (Standard Webhooks signature)",
        security: [],
        params: z.object({ provider: z.string() }),
        body: z.string().describe('the JSON notification (one, or a batch of them from a provider that batches), verified against its webhook-signature header'),
        response: { 200: z.object({ received: z.literal(true), changed: z.boolean().describe('whether it moved a payment (any of a batch); false for a repeat') }) },
      },
    }, async (req) => {
      const provider = PROVIDERS[req.params.provider];
      if (!provider?.parseWebhook) throw notFound('payment provider with webhooks', req.params.provider, 'provider');
      const notices = await provider.parseWebhook(req.ctx, req.body, req.headers);
      const { changed } = await applyNotices(req.ctx, provider.id, notices);
      return { received: true as const, changed: changed > 0 };
    });
  });
}
