import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { storefrontRead } from '../../platform/http.js';
import { currencySchema } from '../../platform/money.js';
import { channelSchema, effectivePriceSchema, idParams, mediaSchema, newChannelSchema, page, pageQuery } from './catalog.schemas.js';
import { createChannel, getChannel, listChannels, updateChannel } from './channels.service.js';
import { listListings, listOnChannel, unlistFromChannel } from './listings.service.js';
import { findPriceInconsistencies } from './price-report.service.js';
import { listChannelProducts } from './storefront.service.js';
import { cachedPage } from './storefront-cache.js';

const read = { access: { scope: 'catalog:read' } };
const shown = storefrontRead('catalog:read');
const write = { access: { scope: 'catalog:write' } };

const selectionSchema = z.object({
  variantIds: z.array(z.string()).max(1000).optional().describe('variants to list or unlist'),
  productIds: z.array(z.string()).max(1000).optional().describe('products whose every variant is listed or unlisted'),
});

const storefrontProductSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  categoryId: z.string().nullable(),
  type: z.enum(['physical', 'service']),
  attributes: z.record(z.string(), z.unknown()),
  media: z.array(mediaSchema),
  variants: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      barcode: z.string().nullable(),
      title: z.string(),
      options: z.record(z.string(), z.string()),
      price: effectivePriceSchema.nullable().describe('null when the variant has no price in the channel currency'),
    }),
  ),
});

const channelPriceViewSchema = z.object({
  channelId: z.string(),
  channelCode: z.string(),
  amount: z.number().int().nullable(),
  source: z.enum(['channel', 'default']).nullable(),
});
const variantReportSchema = z.object({
  variantId: z.string(),
  sku: z.string(),
  productId: z.string(),
  productTitle: z.string(),
  defaultAmount: z.number().int().nullable(),
  channels: z.array(channelPriceViewSchema),
});

export function channelRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Catalog'];

  r.post('/v1/channels', {
    config: write,
    schema: { tags, summary: 'Create a sales channel', body: newChannelSchema, response: { 201: channelSchema } },
  }, async (req, reply) => reply.code(201).send(await createChannel(req.ctx, req.body)));

  r.get('/v1/channels', {
    config: shown,
    schema: { tags, summary: 'List sales channels', response: { 200: z.object({ data: z.array(channelSchema) }) } },
  }, async (req) => ({ data: await listChannels(req.ctx) }));

  r.get('/v1/channels/:id', {
    config: shown,
    schema: { tags, summary: 'Get a sales channel', params: idParams, response: { 200: channelSchema } },
  }, async (req) => getChannel(req.ctx, req.params.id));

  r.patch('/v1/channels/:id', {
    config: write,
    schema: { tags, summary: 'Change a sales channel (name, code, kind, currency, active)', params: idParams, body: newChannelSchema.partial(), response: { 200: channelSchema } },
  }, async (req) => updateChannel(req.ctx, req.params.id, req.body));

  r.get('/v1/channels/:id/products', {
    config: shown,
    // The hottest read of a storefront. listChannelProducts builds every field by hand, typed
    // against this schema, and the page is kept as the JSON it is sent as (storefront-cache.ts).
    // The schema still documents the answer.
    schema: {
      tags,
      summary: "A channel's storefront: active products listed there, with listed variants and their prices",
      description: 'Prices are in the channel currency: an explicit channel price if there is one, else the default price. Readable with a publishable key.',
      params: idParams,
      querystring: pageQuery.extend({
        q: z.string().min(1).max(200).optional().describe('matches a title anywhere or a SKU from its start'),
        category: z.string().optional().describe('a category id; its subcategories are included'),
      }),
      response: { 200: page(storefrontProductSchema).extend({ currency: z.string() }) },
    },
  }, async (req, reply) => {
    const { limit, cursor, q, category } = req.query;
    const key = JSON.stringify([req.params.id, limit, cursor ?? null, q ?? null, category ?? null]);
    const json = await cachedPage(req.ctx.db, key, () => listChannelProducts(req.ctx, req.params.id, { limit, cursor, q, categoryId: category }));
    // Fastify sends a string with a JSON content type as it is: the page is already encoded.
    return reply.type('application/json; charset=utf-8').send(json as never);
  });

  r.get('/v1/channels/:id/listings', {
    config: read,
    schema: {
      tags,
      summary: 'Variants listed on a channel',
      params: idParams,
      querystring: pageQuery,
      response: { 200: page(z.object({ channelId: z.string(), variantId: z.string(), productId: z.string(), sku: z.string(), listedAt: z.string() })) },
    },
  }, async (req) => listListings(req.ctx, req.params.id, req.query));

  r.post('/v1/channels/:id/listings', {
    config: write,
    schema: {
      tags,
      summary: 'List variants on a channel (bulk); already listed ones are left as they are',
      params: idParams,
      body: selectionSchema,
      response: { 200: z.object({ listed: z.array(z.string()).describe('variant ids newly listed') }) },
    },
  }, async (req) => ({ listed: await listOnChannel(req.ctx, req.params.id, req.body) }));

  r.post('/v1/channels/:id/listings/remove', {
    config: write,
    schema: {
      tags,
      summary: 'Unlist variants from a channel (bulk)',
      params: idParams,
      body: selectionSchema,
      response: { 200: z.object({ unlisted: z.array(z.string()).describe('variant ids that were listed and no longer are') }) },
    },
  }, async (req) => ({ unlisted: await unlistFromChannel(req.ctx, req.params.id, req.body) }));

  r.get('/v1/prices/inconsistencies', {
    config: read,
    schema: {
      tags,
      summary: 'Where a price differs from one-price-everywhere, and listed variants without a price',
      description:
        'Over active channels selling in the currency: `differing` holds variants whose price on some channel differs from their default price (each channel shows its price and whether an explicit channel price sets it); `unpriced` holds variants listed where they have no price at all.',
      querystring: z.object({ currency: currencySchema }),
      response: { 200: z.object({ currency: z.string(), differing: z.array(variantReportSchema), unpriced: z.array(variantReportSchema) }) },
    },
  }, async (req) => findPriceInconsistencies(req.ctx, req.query.currency));
}
