import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireShopper } from '../customers/index.js';
import * as s from './deals.schemas.js';
import { createFlashSale, getFlashSale, getPublicFlashSale, listFlashSales, listLiveFlashSales, updateFlashSale } from './flash-sales.service.js';
import { createDeal, getDeal, getPublicDeal, listDeals, listLiveDeals, updateDeal } from './group-deals.service.js';
import { getGroup, listDealGroups, listShopperGroups } from './groups.service.js';

const read = { access: { scope: 'promotions:read' } };
const write = { access: { scope: 'promotions:write' } };
// The storefront's pages: anyone may read them, with a publishable key, a shopper session or nothing.
const open = { access: 'public' as const };
const shopper = { access: 'authenticated' as const };

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export function flashSaleRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Flash sales'];

  r.post('/v1/flash-sales', {
    config: write,
    schema: {
      tags,
      summary: 'Create a flash sale (秒杀): an allotment of one variant at a special price for a time',
      description: 'Shoppers buy at the flash price by adding the variant to a cart with offer {kind: "flash_sale", id}; they must be signed in.',
      body: s.newFlashSaleSchema,
      response: { 201: s.flashSaleSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createFlashSale(req.ctx, req.body)));

  r.get('/v1/flash-sales', {
    config: read,
    schema: {
      tags,
      summary: 'List flash sales, newest first',
      querystring: z.object({ status: s.statusQuery, variantId: z.string().optional(), ...s.pageQuery }),
      response: { 200: page(s.flashSaleSchema) },
    },
  }, async (req) => {
    const { cursor, ...filter } = req.query;
    const found = await listFlashSales(req.ctx, { ...filter, after: cursor });
    return { data: found.data, nextCursor: found.next };
  });

  r.get('/v1/flash-sales/:id', {
    config: read,
    schema: { tags, summary: 'Get a flash sale with units sold', params: s.idParams, response: { 200: s.flashSaleSchema } },
  }, async (req) => getFlashSale(req.ctx, req.params.id));

  r.patch('/v1/flash-sales/:id', {
    config: write,
    schema: {
      tags,
      summary: 'Change, start, end or cancel a flash sale',
      description: 'The allotment cannot go below the units already sold. Orders already placed keep their price.',
      params: s.idParams,
      body: s.flashSaleChangesSchema,
      response: { 200: s.flashSaleSchema },
    },
  }, async (req) => updateFlashSale(req.ctx, req.params.id, req.body));

  r.get('/v1/shop/flash-sales', {
    config: open,
    schema: { tags, summary: 'Running and upcoming flash sales with the units left, soonest first', querystring: s.liveQuery, response: { 200: z.object({ data: z.array(s.flashSaleSchema) }) } },
  }, async (req) => ({ data: await listLiveFlashSales(req.ctx, req.query) }));

  r.get('/v1/shop/flash-sales/:id', {
    config: open,
    schema: { tags, summary: 'A flash sale as the storefront shows it', params: s.idParams, response: { 200: s.flashSaleSchema } },
  }, async (req) => getPublicFlashSale(req.ctx, req.params.id));
}

export function groupBuyRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Group buys'];

  r.post('/v1/group-buy-deals', {
    config: write,
    schema: {
      tags,
      summary: 'Create a group-buy deal (拼团): a variant at a group price once enough shoppers pay',
      description: 'A shopper opens a group with offer {kind: "group_buy", id: <deal id>} on a cart line; others join it with the group id. Member orders are paid but wait until the group is complete; if the time limit passes first they are cancelled and refunded.',
      body: s.newDealSchema,
      response: { 201: s.dealSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createDeal(req.ctx, req.body)));

  r.get('/v1/group-buy-deals', {
    config: read,
    schema: {
      tags,
      summary: 'List group-buy deals, newest first',
      querystring: z.object({ status: s.statusQuery, variantId: z.string().optional(), ...s.pageQuery }),
      response: { 200: page(s.dealSchema) },
    },
  }, async (req) => {
    const { cursor, ...filter } = req.query;
    const found = await listDeals(req.ctx, { ...filter, after: cursor });
    return { data: found.data, nextCursor: found.next };
  });

  r.get('/v1/group-buy-deals/:id', {
    config: read,
    schema: { tags, summary: 'Get a group-buy deal', params: s.idParams, response: { 200: s.dealSchema } },
  }, async (req) => getDeal(req.ctx, req.params.id));

  r.patch('/v1/group-buy-deals/:id', {
    config: write,
    schema: {
      tags,
      summary: 'Change, start, end or cancel a group-buy deal',
      description: 'Groups already open keep their size and deadline and may still fill up.',
      params: s.idParams,
      body: s.dealChangesSchema,
      response: { 200: s.dealSchema },
    },
  }, async (req) => updateDeal(req.ctx, req.params.id, req.body));

  r.get('/v1/group-buy-deals/:id/groups', {
    config: read,
    schema: {
      tags,
      summary: "A deal's groups, newest first, with their members and orders",
      params: s.idParams,
      querystring: z.object({ status: s.groupStatusQuery, ...s.pageQuery }),
      response: { 200: page(s.staffGroupSchema) },
    },
  }, async (req) => {
    const { cursor, ...filter } = req.query;
    const found = await listDealGroups(req.ctx, req.params.id, { ...filter, after: cursor });
    return { data: found.data, nextCursor: found.next };
  });

  r.get('/v1/shop/group-buy-deals', {
    config: open,
    schema: { tags, summary: 'Running and upcoming group-buy deals, soonest first', querystring: s.liveQuery, response: { 200: z.object({ data: z.array(s.dealSchema) }) } },
  }, async (req) => ({ data: await listLiveDeals(req.ctx, req.query) }));

  r.get('/v1/shop/group-buy-deals/:id', {
    config: open,
    schema: { tags, summary: 'A group-buy deal as the storefront shows it', params: s.idParams, response: { 200: s.dealSchema } },
  }, async (req) => getPublicDeal(req.ctx, req.params.id));

  r.get('/v1/shop/group-buys/:id', {
    config: open,
    schema: { tags, summary: 'A group, as its share page shows it: seats left and deadline, nobody’s personal data', params: s.idParams, response: { 200: s.groupSchema } },
  }, async (req) => getGroup(req.ctx, req.params.id));

  r.get('/v1/shopper/group-buys', {
    config: shopper,
    schema: {
      tags,
      summary: 'The groups the signed-in shopper opened or joined, newest first',
      querystring: z.object({ limit: s.pageQuery.limit }),
      response: { 200: z.object({ data: z.array(s.shopperGroupSchema) }) },
    },
  }, async (req) => ({ data: await listShopperGroups(req.ctx, requireShopper(req.actor).customerId, req.query) }));
}
