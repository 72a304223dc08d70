import { Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireShopper } from '../customers/index.js';
import {
  batchSchema,
  idParams,
  newBatchSchema,
  newTemplateSchema,
  pageQuery,
  templateChangesSchema,
  templateSchema,
  walletCouponSchema,
} from './coupons.schemas.js';
import { createTemplate, getTemplate, listTemplates, updateTemplate } from './templates.service.js';
import { batchCodesCsv, generateBatch, getBatch, listBatches } from './batches.service.js';
import { claimCoupon, listWallet } from './wallet.service.js';

const read = { access: { scope: 'promotions:read' } };
const write = { access: { scope: 'promotions:write' } };
const shopper = { access: 'authenticated' as const };

export function couponRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Coupons'];

  r.post('/v1/coupon-templates', {
    config: write,
    schema: {
      tags,
      summary: 'Create a coupon: a public code, batches of unique codes, or a wallet coupon shoppers claim',
      description: 'The discount is the promotion named by promotionId (trigger coupon); the coupon says who may unlock it, where, when and how often.',
      body: newTemplateSchema,
      response: { 201: templateSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createTemplate(req.ctx, req.body)));

  r.get('/v1/coupon-templates', {
    config: read,
    schema: {
      tags,
      summary: 'List coupon templates, newest first',
      querystring: z.object({
        kind: z.enum(['public_code', 'unique_codes', 'wallet']).optional(),
        status: z.enum(['active', 'archived']).optional(),
        promotionId: z.string().optional(),
        ...pageQuery,
      }),
      response: { 200: z.object({ data: z.array(templateSchema), nextCursor: z.string().nullable() }) },
    },
  }, async (req) => {
    const { cursor, ...filter } = req.query;
    const page = await listTemplates(req.ctx, { ...filter, after: cursor });
    return { data: page.data, nextCursor: page.next };
  });

  r.get('/v1/coupon-templates/:id', {
    config: read,
    schema: { tags, summary: 'Get a coupon template', params: idParams, response: { 200: templateSchema } },
  }, async (req) => getTemplate(req.ctx, req.params.id));

  r.patch('/v1/coupon-templates/:id', {
    config: write,
    schema: {
      tags,
      summary: 'Change or archive a coupon template (wallet coupons already handed out keep their dates)',
      params: idParams,
      body: templateChangesSchema,
      response: { 200: templateSchema },
    },
  }, async (req) => updateTemplate(req.ctx, req.params.id, req.body));

  r.post('/v1/coupon-templates/:id/batches', {
    config: write,
    schema: {
      tags,
      summary: 'Generate a batch of unique single-use codes (up to a million, in one request)',
      description: 'Codes are 12 random symbols from 2-9 and A-Z without I, L, O, U, after the optional prefix. The batch is made whole or not at all; download it as CSV.',
      params: idParams,
      body: newBatchSchema,
      response: { 201: batchSchema },
    },
  }, async (req, reply) => reply.code(201).send(await generateBatch(req.ctx, req.params.id, req.body)));

  r.get('/v1/coupon-templates/:id/batches', {
    config: read,
    schema: { tags, summary: "A template's batches, newest first", params: idParams, response: { 200: z.object({ data: z.array(batchSchema) }) } },
  }, async (req) => ({ data: await listBatches(req.ctx, req.params.id) }));

  r.get('/v1/coupon-batches/:id', {
    config: read,
    schema: { tags, summary: 'Get a batch of codes', params: idParams, response: { 200: batchSchema } },
  }, async (req) => getBatch(req.ctx, req.params.id));

  r.get('/v1/coupon-batches/:id/codes.csv', {
    config: read,
    schema: { tags, summary: "The batch's codes as CSV (code,status), streamed", params: idParams, produces: ['text/csv'] },
  }, async (req, reply) => {
    const batch = await getBatch(req.ctx, req.params.id);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${batch.id}.csv"`)
      .send(Readable.from(batchCodesCsv(req.ctx, batch.id)));
  });

  r.post('/v1/shopper/coupons/claim', {
    config: shopper,
    schema: {
      tags,
      summary: 'Claim a wallet coupon (领券) into the signed-in shopper’s wallet',
      description: 'Refusals change nothing: coupon_out_of_stock, coupon_limit_reached, coupon_expired, coupon_inactive.',
      body: z.object({ templateId: z.string().min(1) }),
      response: { 201: walletCouponSchema },
    },
  }, async (req, reply) => {
    const { customerId } = requireShopper(req.actor);
    return reply.code(201).send(await claimCoupon(req.ctx, { templateId: req.body.templateId, customerId }));
  });

  r.get('/v1/shopper/coupons', {
    config: shopper,
    schema: {
      tags,
      summary: 'The signed-in shopper’s wallet, newest first',
      querystring: z.object({ status: z.enum(['unused', 'used', 'expired']).optional(), ...pageQuery }),
      response: { 200: z.object({ data: z.array(walletCouponSchema), nextCursor: z.string().nullable() }) },
    },
  }, async (req) => {
    const { customerId } = requireShopper(req.actor);
    const { cursor, ...filter } = req.query;
    const page = await listWallet(req.ctx, { ...filter, customerId, after: cursor });
    return { data: page.data, nextCursor: page.next };
  });
}
