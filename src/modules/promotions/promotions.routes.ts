import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { cartSchema, idParams, newPromotionSchema, pricingResultSchema, promotionChangesSchema, promotionSchema } from './promotions.schemas.js';
import { createPromotion, getPromotion, listPromotions, setPromotionStatus, updatePromotion } from './promotions.service.js';
import { priceWithPromotions } from './pricing.service.js';

const read = { access: { scope: 'promotions:read' } };
const write = { access: { scope: 'promotions:write' } };

export function promotionRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Promotions'];

  r.post('/v1/promotions', {
    config: write,
    schema: {
      tags,
      summary: 'Create a promotion: a rule, its conditions, stacking and limits',
      body: newPromotionSchema,
      response: { 201: promotionSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createPromotion(req.ctx, req.body)));

  r.get('/v1/promotions', {
    config: read,
    schema: {
      tags,
      summary: 'List promotions (archived ones only when asked by status)',
      querystring: z.object({
        status: z.enum(['draft', 'active', 'inactive', 'archived']).optional(),
        trigger: z.enum(['automatic', 'coupon']).optional(),
        after: z.string().optional().describe('the `next` of the previous page'),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: { 200: z.object({ data: z.array(promotionSchema), next: z.string().nullable() }) },
    },
  }, async (req) => listPromotions(req.ctx, req.query));

  r.get('/v1/promotions/:id', {
    config: read,
    schema: { tags, summary: 'Get a promotion with its usage so far', params: idParams, response: { 200: promotionSchema } },
  }, async (req) => getPromotion(req.ctx, req.params.id));

  r.patch('/v1/promotions/:id', {
    config: write,
    schema: { tags, summary: 'Change a promotion; carts priced after the change see it at once', params: idParams, body: promotionChangesSchema, response: { 200: promotionSchema } },
  }, async (req) => updatePromotion(req.ctx, req.params.id, req.body));

  r.delete('/v1/promotions/:id', {
    config: write,
    schema: { tags, summary: 'Archive a promotion (its usage history stays)', params: idParams, response: { 200: promotionSchema } },
  }, async (req) => setPromotionStatus(req.ctx, req.params.id, 'archive'));

  for (const action of ['activate', 'deactivate'] as const) {
    r.post(`/v1/promotions/:id/${action}`, {
      config: write,
      schema: { tags, summary: action === 'activate' ? 'Start applying a promotion' : 'Stop applying a promotion', params: idParams, response: { 200: promotionSchema } },
    }, async (req) => setPromotionStatus(req.ctx, req.params.id, action));
  }

  r.post('/v1/promotions/preview', {
    config: read,
    schema: {
      tags,
      summary: 'What a sample cart would get from the active promotions and the given coupons',
      description: 'Every line explains which promotion took off how much; `notApplied` says why the others did not apply.',
      body: z.object({
        cart: cartSchema,
        explain: z.boolean().default(true).describe('false leaves `notApplied` empty: the leaner answer a shopper-facing price needs'),
      }),
      response: { 200: pricingResultSchema },
    },
  }, async (req) => {
    const { at, ...cart } = req.body.cart;
    return priceWithPromotions(req.ctx, { ...cart, explain: req.body.explain, ...(at ? { at: new Date(at) } : {}) });
  });
}
