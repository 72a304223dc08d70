import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireShopper } from '../customers/index.js';
import {
  idParams,
  issueSchema,
  lookupSchema,
  newTemplateSchema,
  redeemSchema,
  redemptionSchema,
  shopperVoucherSchema,
  templateChangesSchema,
  templateSchema,
  voucherSchema,
} from './vouchers.schemas.js';
import { createTemplate, getTemplate, listTemplates, updateTemplate } from './templates.service.js';
import { issuePromoVouchers } from './issue.service.js';
import { lookupVoucher, redeemVoucher, reverseRedemption } from './redeem.service.js';
import { voidVoucher } from './void.service.js';
import { getVoucher, listCustomerVouchers, listVouchers } from './list.service.js';

const catalogRead = { access: { scope: 'catalog:read' } };
const catalogWrite = { access: { scope: 'catalog:write' } };
// Clerks hold orders:read/write; what they see and where they redeem is narrowed to their stores.
const ordersRead = { access: { scope: 'orders:read' } };
const ordersWrite = { access: { scope: 'orders:write' } };
const promotionsWrite = { access: { scope: 'promotions:write' } };

export function voucherRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Vouchers'];

  r.post('/v1/voucher-templates', {
    config: catalogWrite,
    schema: {
      tags,
      summary: 'Create voucher terms for a service variant',
      description: 'Paid order lines of the variant issue vouchers on these terms; issued vouchers keep the terms they were issued with.',
      body: newTemplateSchema,
      response: { 201: templateSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createTemplate(req.ctx, req.body)));

  r.get('/v1/voucher-templates', {
    config: catalogRead,
    schema: {
      tags,
      summary: 'List voucher templates',
      description: "A clerk sees a template's settlement only when it pays their own partner; otherwise it reads null.",
      querystring: z.object({ variantId: z.string().optional(), status: z.enum(['active', 'archived']).optional() }),
      response: { 200: z.object({ data: z.array(templateSchema) }) },
    },
  }, async (req) => ({ data: await listTemplates(req.ctx, req.query) }));

  r.get('/v1/voucher-templates/:id', {
    config: catalogRead,
    schema: { tags, summary: 'Get a voucher template', params: idParams, response: { 200: templateSchema } },
  }, async (req) => getTemplate(req.ctx, req.params.id));

  r.patch('/v1/voucher-templates/:id', {
    config: catalogWrite,
    schema: {
      tags,
      summary: 'Change or archive a voucher template (vouchers already issued keep their terms)',
      params: idParams,
      body: templateChangesSchema,
      response: { 200: templateSchema },
    },
  }, async (req) => updateTemplate(req.ctx, req.params.id, req.body));

  r.post('/v1/vouchers/issue', {
    config: promotionsWrite,
    schema: {
      tags,
      summary: 'Give vouchers without an order (a promotion, a cross-brand gift, a goodwill gesture)',
      body: issueSchema,
      response: { 201: z.object({ data: z.array(voucherSchema) }) },
    },
  }, async (req, reply) => reply.code(201).send({ data: await issuePromoVouchers(req.ctx, req.body) }));

  r.get('/v1/vouchers', {
    config: ordersRead,
    schema: {
      tags,
      summary: 'List vouchers, newest first; clerks see those valid at their stores, codes masked',
      description: "Clerks see no customer on a voucher (here, on lookups and on redemptions), and a partner's payout only when it is their own partner's.",
      querystring: z.object({
        customerId: z.string().optional(),
        orderId: z.string().optional(),
        templateId: z.string().optional(),
        status: z.enum(['active', 'used_up', 'voided']).optional(),
        locationId: z.string().optional().describe('only vouchers whose terms allow redemption there'),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        cursor: z.string().optional().describe('nextCursor of the previous page'),
      }),
      response: { 200: z.object({ data: z.array(voucherSchema), nextCursor: z.string().nullable() }) },
    },
  }, async (req) => {
    const { cursor, ...filter } = req.query;
    const page = await listVouchers(req.ctx, { ...filter, after: cursor });
    return { data: page.data, nextCursor: page.next };
  });

  r.get('/v1/vouchers/by-code/:code', {
    config: ordersRead,
    schema: {
      tags,
      summary: 'Look a code up before redeeming: what it is, uses left, and whether it is good at a store',
      params: z.object({ code: z.string().min(1).max(64) }),
      querystring: z.object({ locationId: z.string().optional().describe('the store asking; clerks may name only their own') }),
      response: { 200: lookupSchema },
    },
  }, async (req) => lookupVoucher(req.ctx, { code: req.params.code, locationId: req.query.locationId }));

  r.get('/v1/vouchers/:id', {
    config: ordersRead,
    schema: { tags, summary: 'Get a voucher', params: idParams, response: { 200: voucherSchema } },
  }, async (req) => getVoucher(req.ctx, req.params.id));

  r.post('/v1/vouchers/redeem', {
    config: ordersWrite,
    schema: {
      tags,
      summary: 'Redeem one use of a voucher at a store',
      description:
        'Exactly once per use, however many clerks scan the code at the same moment. Refusals change nothing: ' +
        'voucher_expired, voucher_used_up, voucher_voided, voucher_not_valid_here, not_found (unknown code or location), store_out_of_scope.',
      body: redeemSchema,
      response: { 201: redemptionSchema },
    },
  }, async (req, reply) => reply.code(201).send(await redeemVoucher(req.ctx, req.body)));

  r.post('/v1/voucher-redemptions/:id/reverse', {
    config: ordersWrite,
    schema: {
      tags,
      summary: 'Undo a redemption made by mistake: the use returns and any partner settlement is reversed',
      params: idParams,
      response: { 200: redemptionSchema },
    },
  }, async (req) => reverseRedemption(req.ctx, req.params.id));

  r.post('/v1/vouchers/:id/void', {
    config: promotionsWrite,
    schema: {
      tags,
      summary: 'Void a voucher given without an order (bought ones are voided by refunding the order line)',
      params: idParams,
      body: z.object({ reason: z.string().trim().min(1).max(500) }),
      response: { 200: voucherSchema },
    },
  }, async (req) => voidVoucher(req.ctx, req.params.id, req.body.reason));

  r.get('/v1/shopper/vouchers', {
    config: { access: 'authenticated' },
    schema: {
      tags,
      summary: "The signed-in shopper's vouchers, usable first, each with its QR code",
      response: { 200: z.object({ data: z.array(shopperVoucherSchema) }) },
    },
  }, async (req) => ({ data: await listCustomerVouchers(req.ctx, requireShopper(req.actor).customerId) }));
}
