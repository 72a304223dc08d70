import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { storefrontRead } from '../../platform/http.js';
import { AppError } from '../../platform/errors.js';
import { boundStores, requireStore, type Actor } from '../../platform/auth.js';
import { getChannel } from '../catalog/index.js';
import { channelAvailability, getChannelLocations, setChannelLocations, setOnlineCap, setSafetyStock, stockFeed } from './channels.service.js';
import { allocateStock, STRATEGIES } from './allocation.service.js';
import { getBundle, setBundle } from './bundles.service.js';
import { availabilitySchema, expiresSchema, idList, quantity, referenceSchema, reservationSchema } from './inventory.schemas.js';

const read = { access: { scope: 'inventory:read' } };
const shown = storefrontRead('inventory:read');
const write = { access: { scope: 'inventory:write' } };
const channelParams = z.object({ id: z.string().describe('channel id') });
const units = z.number().int().min(0).max(10_000_000);

/** Channel-wide settings are not a store's to change. */
function requireNotStoreBound(actor: Actor): void {
  if (boundStores(actor)) throw new AppError('forbidden', 'store staff cannot change channel-wide stock settings');
}

/** Serving locations, safety stock, store caps, availability-to-promise, the stock feed, allocation and bundles. */
export function channelStockRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Inventory'];

  const locationsSchema = z.object({ channelId: z.string(), kind: z.enum(['online', 'pos']), locations: z.array(z.object({ locationId: z.string(), priority: z.number().int() })) });

  r.get('/v1/channels/:id/locations', {
    config: read,
    schema: { tags, summary: 'Locations serving a channel', params: channelParams, response: { 200: locationsSchema } },
  }, async (req) => {
    await getChannel(req.ctx, req.params.id);
    return getChannelLocations(req.ctx, req.params.id);
  });

  r.put('/v1/channels/:id/locations', {
    config: write,
    schema: {
      tags,
      summary: 'Set which locations serve a channel, lower priority numbers first',
      params: channelParams,
      body: z.object({ locations: z.array(z.object({ locationId: z.string(), priority: z.number().int().min(0).max(1_000_000).default(0) })).max(5000) }),
      response: { 200: locationsSchema },
    },
  }, async (req) => {
    requireNotStoreBound(req.actor);
    return setChannelLocations(req.ctx, req.params.id, req.body);
  });

  r.put('/v1/channels/:id/safety-stock', {
    config: write,
    schema: {
      tags,
      summary: 'Set the units a channel keeps back: a default and per-variant overrides',
      params: channelParams,
      body: z.object({ quantity: units.default(0).describe('for every variant'), variants: z.array(z.object({ variantId: z.string(), quantity: units })).max(5000).default([]) }),
      response: { 200: z.object({ channelId: z.string(), quantity: z.number().int(), variants: z.array(z.object({ variantId: z.string(), quantity: z.number().int() })) }) },
    },
  }, async (req) => {
    requireNotStoreBound(req.actor);
    return setSafetyStock(req.ctx, req.params.id, req.body);
  });

  r.put('/v1/locations/:id/online-cap', {
    config: write,
    schema: {
      tags,
      summary: 'Cap how much of a location\'s stock online channels may promise (the POS is not capped)',
      params: z.object({ id: z.string().describe('location id') }),
      body: z.object({ cap: units.nullable().describe('for every variant; null = no location-wide cap'), variants: z.array(z.object({ variantId: z.string(), cap: units })).max(5000).default([]) }),
      response: { 200: z.object({ locationId: z.string(), cap: z.number().int().nullable(), variants: z.array(z.object({ variantId: z.string(), cap: z.number().int() })) }) },
    },
  }, async (req) => {
    requireStore(req.actor, req.params.id, 'id');
    return setOnlineCap(req.ctx, req.params.id, req.body);
  });

  r.get('/v1/channels/:id/availability', {
    config: shown,
    schema: {
      tags,
      summary: 'Available-to-promise per variant on a channel',
      params: channelParams,
      querystring: z.object({ variantIds: idList.describe('comma-separated variant ids') }),
      response: { 200: z.object({ data: z.array(availabilitySchema) }) },
    },
  }, async (req) => {
    await getChannel(req.ctx, req.params.id);
    return { data: await channelAvailability(req.ctx, { channelId: req.params.id, variantIds: req.query.variantIds.slice(0, 1000) }) };
  });

  r.get('/v1/channels/:id/stock-feed', {
    config: read,
    schema: {
      tags,
      summary: 'Variants whose available-to-promise changed since the cursor, with their ATP now',
      description: 'Poll with the `nextCursor` of the previous answer. A change committed late (after a later change was already sent) still comes on the next poll; a variant may come twice, none is missed.',
      params: channelParams,
      querystring: z.object({
        cursor: z.string().regex(/^\d+(\.\d+:\d+:[\d,]*)?$/, 'a cursor returned by this feed').default('0').describe('nextCursor of the previous call; 0 for everything'),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      }),
      response: { 200: z.object({ data: z.array(z.object({ variantId: z.string(), available: z.number().int(), changeSeq: z.number().int() })), nextCursor: z.string() }) },
    },
  }, async (req) => {
    await getChannel(req.ctx, req.params.id);
    const [seq, snapshot] = req.query.cursor.split('.');
    return stockFeed(req.ctx, { channelId: req.params.id, cursor: { seq: Number(seq), snapshot: snapshot ?? null }, limit: req.query.limit });
  });

  r.post('/v1/allocations', {
    config: write,
    schema: {
      tags,
      summary: 'Split lines over a channel\'s serving locations by a strategy and reserve them, all or nothing',
      body: z.object({
        channelId: z.string(),
        lines: z.array(z.object({ variantId: z.string(), quantity })).min(1).max(200),
        strategy: z.enum(STRATEGIES),
        point: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional().describe('required for nearest'),
        locationIds: z.array(z.string()).min(1).optional().describe('only these serving locations'),
        expiresInSeconds: expiresSchema,
        reference: referenceSchema.optional(),
      }),
      response: { 201: z.object({ plan: z.array(z.object({ variantId: z.string(), locationId: z.string(), quantity: z.number().int() })), reservation: reservationSchema }) },
    },
  }, async (req, reply) => {
    if (boundStores(req.actor)) {
      if (!req.body.locationIds) throw new AppError('store_out_of_scope', 'store staff allocate at their own stores: name them in locationIds', { field: 'locationIds' });
      req.body.locationIds.forEach((id, i) => requireStore(req.actor, id, `locationIds.${i}`));
    }
    await getChannel(req.ctx, req.body.channelId, 'channelId');
    return reply.code(201).send(await allocateStock(req.ctx, req.body));
  });

  const bundleSchema = z.object({ variantId: z.string(), components: z.array(z.object({ variantId: z.string(), quantity: z.number().int() })) });

  r.put('/v1/bundles/:variantId', {
    config: write,
    schema: {
      tags,
      summary: 'Define a bundle: a variant made of component variants; its stock is its components\'',
      params: z.object({ variantId: z.string() }),
      body: z.object({ components: z.array(z.object({ variantId: z.string(), quantity })).min(1).max(50) }),
      response: { 200: bundleSchema },
    },
  }, async (req) => {
    requireNotStoreBound(req.actor);
    return setBundle(req.ctx, req.params.variantId, req.body.components);
  });

  r.get('/v1/bundles/:variantId', {
    config: shown,
    schema: { tags, summary: 'A bundle\'s components', params: z.object({ variantId: z.string() }), response: { 200: bundleSchema } },
  }, async (req) => getBundle(req.ctx, req.params.variantId));
}
