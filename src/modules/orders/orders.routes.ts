import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireScope } from '../../platform/auth.js';
import { requireShopper } from '../customers/index.js';
import { getOrder, listOrders, listShopperOrders } from './orders.service.js';
import { cancelOrder } from './cancel.service.js';
import { handOverPickup, markDelivered, markReadyForPickup, markShipped } from './fulfilment.service.js';
import { createPosSale, quotePosSale } from './pos.service.js';
import { receiveReturn, refundAmount } from './returns.service.js';
import { ORDER_STATUSES } from './order-state.js';
import { amountSchema } from '../../platform/money.js';
import { orderPageSchema, orderSchema, pageQuery, posQuoteBody, posQuoteSchema, posSaleBody, returnBody } from './orders.schemas.js';

export function orderRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Orders'];
  const read = { access: { scope: 'orders:read' } };
  const write = { access: { scope: 'orders:write' } };
  const params = z.object({ id: z.string() });

  r.get('/v1/orders', {
    config: read,
    schema: {
      tags,
      summary: 'Orders of every channel, newest first; clerks see those of their stores',
      querystring: z.object({
        channelId: z.string().optional(),
        locationId: z.string().optional().describe('orders with a fulfilment at this location'),
        status: z.enum(ORDER_STATUSES).optional(),
        customerId: z.string().optional(),
        ...pageQuery,
      }),
      response: { 200: orderPageSchema },
    },
  }, async (req) => listOrders(req.ctx, req.query));

  r.get('/v1/orders/:id', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: 'One order with its fulfilments and lines (shoppers: their own)',
      description: 'A clerk opens orders that run at their stores, and any order whose goods the shopper has when one of their stores takes returns (to take them back there).',
      params,
      response: { 200: orderSchema },
    },
  }, async (req) => {
    if (req.actor.kind !== 'shopper') requireScope(req.actor, 'orders:read');
    return getOrder(req.ctx, req.params.id);
  });

  r.get('/v1/shopper/orders', {
    config: { access: 'authenticated' },
    schema: { tags: ['Shopper'], summary: "The signed-in shopper's orders on every channel, guest orders with their contact included", querystring: z.object(pageQuery), response: { 200: orderPageSchema } },
  }, async (req) => listShopperOrders(req.ctx, requireShopper(req.actor).customerId, req.query));

  r.post('/v1/orders/:id/cancel', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: 'Cancel an order not yet handed over: releases stock, refunds, voids unredeemed vouchers',
      description: 'A clerk may do this only for an order that runs at their stores alone (`store_out_of_scope` otherwise); shoppers for their own orders.',
      params,
      body: z.object({ reason: z.string().min(1).max(500).default('requested') }).default({ reason: 'requested' }),
      response: { 200: orderSchema },
    },
  }, async (req) => {
    if (req.actor.kind !== 'shopper') requireScope(req.actor, 'orders:write');
    return cancelOrder(req.ctx, req.params.id, req.body.reason);
  });

  r.post('/v1/orders/:id/refunds', {
    config: write,
    schema: {
      tags,
      summary: 'Refund an amount to the original payment (goodwill, price adjustment); never more than paid',
      description: 'A clerk may do this only for an order that runs at their stores alone (`store_out_of_scope` otherwise); shoppers for their own orders.',
      params,
      body: z.object({ amount: amountSchema.min(1), reason: z.string().min(1).max(500) }),
      response: { 201: orderSchema },
    },
  }, async (req, reply) => reply.code(201).send(await refundAmount(req.ctx, req.params.id, req.body)));

  r.post('/v1/orders/:id/returns', {
    config: write,
    schema: {
      tags,
      summary: 'Receive returned goods at a store: restock there and refund the lines to the original payment',
      params,
      body: returnBody,
      response: { 201: orderSchema.extend({ returnId: z.string(), refunded: amountSchema }) },
    },
  }, async (req, reply) => reply.code(201).send(await receiveReturn(req.ctx, req.params.id, req.body)));

  r.post('/v1/fulfillments/:id/ready', {
    config: write,
    schema: { tags: ['Fulfilment'], summary: 'The store has the pickup order ready (clerk of that store)', params, response: { 200: orderSchema } },
  }, async (req) => markReadyForPickup(req.ctx, req.params.id));

  r.post('/v1/fulfillments/:id/pickup', {
    config: write,
    schema: {
      tags: ['Fulfilment'],
      summary: 'Hand a pickup order over after checking its code (clerk of that store); exactly once',
      params,
      body: z.object({ code: z.string().min(1).max(20).describe('the pickup code the shopper shows, or scanned from the QR') }),
      response: { 200: orderSchema },
    },
  }, async (req) => handOverPickup(req.ctx, req.params.id, req.body.code));

  r.post('/v1/fulfillments/:id/ship', {
    config: write,
    schema: {
      tags: ['Fulfilment'],
      summary: 'A delivery or ship-from-store parcel left: its stock leaves as a sale',
      params,
      body: z.object({ carrier: z.string().max(100).optional(), trackingNumber: z.string().max(100).optional() }).default({}),
      response: { 200: orderSchema },
    },
  }, async (req) => markShipped(req.ctx, req.params.id, req.body));

  r.post('/v1/fulfillments/:id/deliver', {
    config: write,
    schema: { tags: ['Fulfilment'], summary: 'A shipped parcel arrived', params, response: { 200: orderSchema } },
  }, async (req) => markDelivered(req.ctx, req.params.id));

  r.post('/v1/pos/quotes', {
    config: write,
    schema: {
      tags: ['POS'],
      summary: 'Price a till sale before taking payment: promotions, the member\'s coupons and points, what to charge',
      description: 'The same pricing the sale will use; a refused coupon or too many points is the same problem the sale would give. Nothing is written.',
      body: posQuoteBody,
      response: { 200: posQuoteSchema },
    },
  }, async (req) => quotePosSale(req.ctx, req.body));

  r.post('/v1/pos/sales', {
    config: write,
    schema: {
      tags: ['POS'],
      summary: 'Sell at the till (clerk of that store): stock leaves at once, the sale joins the order history',
      body: posSaleBody,
      response: { 201: orderSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createPosSale(req.ctx, req.body)));
}
