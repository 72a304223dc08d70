import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as carts from './carts.service.js';
import { checkout } from './checkout.service.js';
import { cartCouponsBody, cartPointsBody, cartSchema, checkoutBody, fulfillmentChoiceSchema, offerSchema, orderSchema } from './orders.schemas.js';

/**
 * Cart routes answer a shopper (own carts), a storefront's publishable key (guest carts, found by
 * their id) or staff and secret keys with the orders scope; the service decides per cart.
 */
export function cartRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Carts'];
  const access = 'authenticated' as const;
  const cartParams = z.object({ id: z.string() });
  const lineParams = z.object({ id: z.string(), lineId: z.string() });

  r.post('/v1/carts', {
    config: { access },
    schema: {
      tags,
      summary: 'Open a cart on a channel (for the signed-in shopper, a guest, or a customer named by staff)',
      body: z.object({
        channelId: z.string(),
        currency: z.string().regex(/^[A-Z]{3}$/).optional().describe("the channel's currency when left out"),
        customerId: z.string().optional().describe('staff only: the customer the cart is for'),
      }),
      response: { 201: cartSchema },
    },
  }, async (req, reply) => reply.code(201).send(await carts.createCart(req.ctx, req.body)));

  r.get('/v1/carts/:id', {
    config: { access },
    schema: { tags, summary: 'A cart, priced now: every line explains its price', params: cartParams, response: { 200: cartSchema } },
  }, async (req) => carts.getCart(req.ctx, req.params.id));

  r.post('/v1/carts/:id/lines', {
    config: { access },
    schema: {
      tags,
      summary: 'Add a variant (by id, SKU or barcode); adding one already in the cart adds to its quantity',
      params: cartParams,
      body: z.object({
        variantId: z.string().optional(),
        code: z.string().optional().describe('SKU or barcode'),
        quantity: z.number().int().min(1).max(999),
        fulfillment: fulfillmentChoiceSchema.optional().describe("this line's own fulfilment"),
        offer: offerSchema.optional().describe('buy under a flash sale or a group buy: the line takes its price'),
      }),
      response: { 200: cartSchema },
    },
  }, async (req) => carts.addCartLine(req.ctx, req.params.id, req.body));

  r.patch('/v1/carts/:id/lines/:lineId', {
    config: { access },
    schema: {
      tags,
      summary: "Change a line's quantity or its own fulfilment (null: follow the cart's)",
      params: lineParams,
      body: z.object({ quantity: z.number().int().min(1).max(999).optional(), fulfillment: fulfillmentChoiceSchema.nullable().optional() }),
      response: { 200: cartSchema },
    },
  }, async (req) => carts.updateCartLine(req.ctx, req.params.id, req.params.lineId, req.body));

  r.delete('/v1/carts/:id/lines/:lineId', {
    config: { access },
    schema: { tags, summary: 'Remove a line', params: lineParams, response: { 200: cartSchema } },
  }, async (req) => carts.removeCartLine(req.ctx, req.params.id, req.params.lineId));

  r.put('/v1/carts/:id/fulfillment', {
    config: { access },
    schema: {
      tags,
      summary: 'Choose delivery, ship-from-store, pickup or reserve-and-try for the cart or some lines',
      params: cartParams,
      body: fulfillmentChoiceSchema.extend({ lineIds: z.array(z.string()).optional().describe('only these lines; the whole cart when left out') }),
      response: { 200: cartSchema },
    },
  }, async (req) => carts.setCartFulfillment(req.ctx, req.params.id, req.body));

  r.put('/v1/carts/:id/coupons', {
    config: { access },
    schema: {
      tags,
      summary: 'Use these coupon codes (public, from a batch, or from the wallet); each is checked now',
      description: 'A refused code is a problem naming it as `couponCodes.N`, and nothing is saved. The priced cart says which promotion each code unlocked and what it took off.',
      params: cartParams,
      body: cartCouponsBody,
      response: { 200: cartSchema },
    },
  }, async (req) => carts.setCartCoupons(req.ctx, req.params.id, req.body.codes));

  r.put('/v1/carts/:id/points', {
    config: { access },
    schema: {
      tags,
      summary: "Pay part of the cart with the member's points (capped by the balance and by the share of an order points may pay)",
      params: cartParams,
      body: cartPointsBody,
      response: { 200: cartSchema },
    },
  }, async (req) => carts.setCartPoints(req.ctx, req.params.id, req.body.points));

  r.post('/v1/carts/:id/checkout', {
    config: { access },
    schema: {
      tags,
      summary: 'Place the order: reserves stock per fulfilment and creates the payment (send an Idempotency-Key)',
      params: cartParams,
      body: checkoutBody,
      response: { 201: orderSchema },
    },
  }, async (req, reply) => reply.code(201).send(await checkout(req.ctx, req.params.id, req.body)));
}
