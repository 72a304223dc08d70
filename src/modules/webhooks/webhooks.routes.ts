import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as endpoints from './endpoints.service.js';
import { listDeliveries, retryDelivery } from './deliveries.service.js';
import { listEvents } from './events.service.js';

const eventType = z.string().regex(endpoints.EVENT_TYPE_PATTERN, 'an event type such as order.placed, a prefix such as order.*, or *');
const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  description: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const withSecret = endpointSchema.extend({ secret: z.string().describe('Standard Webhooks signing secret (whsec_…); shown only here') });
const endpointBody = z.object({
  url: z.string().max(2000).describe('http(s) URL that receives POSTed events'),
  eventTypes: z.array(eventType).min(1).max(100).describe('event types to receive: order.placed, order.*, or * for all'),
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional(),
});
const idParams = z.object({ id: z.string() });
const deliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string().describe('the webhook-id header receivers see'),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  attempts: z.array(z.object({
    attempt: z.number(),
    statusCode: z.number().nullable().describe('HTTP status the endpoint answered; null when it did not answer'),
    error: z.string().nullable(),
    durationMs: z.number(),
    at: z.string(),
  })),
});

export function webhooksRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Webhooks'];
  const read = { access: { scope: 'webhooks:read' } };
  const write = { access: { scope: 'webhooks:write' } };

  r.post('/v1/webhook-endpoints', {
    config: write,
    schema: { tags, summary: 'Register a webhook endpoint; its signing secret is shown only in this response', body: endpointBody, response: { 201: withSecret } },
  }, async (req, reply) => reply.code(201).send(await endpoints.createEndpoint(req.ctx, req.body)));

  r.get('/v1/webhook-endpoints', {
    config: read,
    schema: { tags, summary: 'List webhook endpoints (never their secrets)', response: { 200: z.object({ data: z.array(endpointSchema) }) } },
  }, async (req) => ({ data: await endpoints.listEndpoints(req.ctx) }));

  r.get('/v1/webhook-endpoints/:id', {
    config: read,
    schema: { tags, summary: 'Get a webhook endpoint', params: idParams, response: { 200: endpointSchema } },
  }, async (req) => endpoints.getEndpoint(req.ctx, req.params.id));

  r.patch('/v1/webhook-endpoints/:id', {
    config: write,
    schema: { tags, summary: 'Change an endpoint: URL, event types, description, or enable/disable it', params: idParams, body: endpointBody.partial(), response: { 200: endpointSchema } },
  }, async (req) => endpoints.updateEndpoint(req.ctx, req.params.id, req.body));

  r.delete('/v1/webhook-endpoints/:id', {
    config: write,
    schema: { tags, summary: 'Delete an endpoint and its delivery history', params: idParams, response: { 204: z.null() } },
  }, async (req, reply) => {
    await endpoints.deleteEndpoint(req.ctx, req.params.id);
    return reply.code(204).send(null);
  });

  r.post('/v1/webhook-endpoints/:id/rotate-secret', {
    config: write,
    schema: { tags, summary: 'Issue a new signing secret; the old one stops working at once', params: idParams, response: { 200: withSecret } },
  }, async (req) => endpoints.rotateSecret(req.ctx, req.params.id));

  r.get('/v1/webhook-endpoints/:id/deliveries', {
    config: read,
    schema: {
      tags,
      summary: "An endpoint's deliveries, newest first, with every attempt",
      params: idParams,
      querystring: z.object({
        before: z.string().optional().describe('a delivery id: list deliveries older than it'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { 200: z.object({ data: z.array(deliverySchema) }) },
    },
  }, async (req) => ({ data: await listDeliveries(req.ctx, req.params.id, req.query) }));

  r.post('/v1/webhook-deliveries/:id/retry', {
    config: write,
    schema: { tags, summary: 'Send a delivery again now', params: idParams, response: { 202: z.object({ id: z.string(), status: z.literal('pending') }) } },
  }, async (req, reply) => reply.code(202).send(await retryDelivery(req.ctx, req.params.id)));

  r.get('/v1/events', {
    config: { access: { scope: 'events:read' } },
    schema: {
      tags: ['Events'],
      summary: 'Domain events in commit order, to catch up on what webhooks carried',
      description: 'Events are listed by writing transaction, then id, as soon as they commit. The `next` cursor also remembers the transactions still running below it, so the following page lists an event that commits late rather than passing over it.',
      querystring: z.object({
        type: eventType.optional().describe('an event type or a prefix such as order.*'),
        after: z.string().max(20_000).optional().describe('the `next` of the page before, or the id of the last event already seen (404 if no such event)'),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: {
        200: z.object({
          data: z.array(z.object({ id: z.string(), type: z.string(), aggregateId: z.string().nullable(), data: z.unknown(), createdAt: z.string() })),
          next: z.string().describe('pass as `after` to read on from here, now or later'),
          hasMore: z.boolean().describe('the page is full: more events are waiting'),
        }),
      },
    },
  }, async (req) => listEvents(req.ctx, req.query));
}
