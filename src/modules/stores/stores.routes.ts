import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { storefrontRead } from '../../platform/http.js';
import * as locations from './locations.service.js';
import { findNearbyStores } from './nearby.service.js';
import { latSchema, lngSchema, locationPatchSchema, locationView, LOCATION_KINDS, newLocationSchema, SERVICES } from './stores.schemas.js';

const nearbyStoreSchema = locationView.extend({
  distanceM: z.number().int().describe('great-circle distance from the point, in metres'),
  openNow: z.boolean(),
  opensAt: z.string().nullable().describe('next opening, when closed now'),
  closesAt: z.string().nullable().describe('next closing, when open now'),
  stock: z.array(z.object({ variantId: z.string(), available: z.number().int() })).optional(),
});

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const idParams = z.object({ id: z.string().describe('location id (loc_…)') });

export function storesRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Stores'];
  const shown = storefrontRead('catalog:read');
  const write = { access: { scope: 'catalog:write' } };

  r.post('/v1/locations', {
    config: write,
    schema: { tags, summary: 'Add a store or warehouse', body: newLocationSchema, response: { 201: locationView } },
  }, async (req, reply) => reply.code(201).send(await locations.createLocation(req.ctx, req.body)));

  r.get('/v1/locations', {
    config: shown,
    schema: {
      tags,
      summary: 'List stores and warehouses (works with a publishable key)',
      querystring: z.object({
        kind: z.enum(LOCATION_KINDS).optional(),
        city: z.string().min(1).optional().describe('city, case-insensitive'),
        partnerId: z.string().min(1).optional(),
        service: z.enum(SERVICES).optional(),
        active: boolParam.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.string().optional().describe('nextCursor of the previous page'),
      }),
      response: { 200: z.object({ data: z.array(locationView), nextCursor: z.string().nullable() }) },
    },
  }, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return locations.pageLocations(req.ctx, filter, { limit, after: cursor });
  });

  r.get('/v1/locations/:id', {
    config: shown,
    schema: { tags, summary: 'Get a store or warehouse', params: idParams, response: { 200: locationView } },
  }, async (req) => locations.getLocation(req.ctx, req.params.id));

  r.patch('/v1/locations/:id', {
    config: write,
    schema: {
      tags,
      summary: 'Change a store or warehouse; objects and lists given are replaced whole',
      params: idParams,
      body: locationPatchSchema,
      response: { 200: locationView },
    },
  }, async (req) => locations.updateLocation(req.ctx, req.params.id, req.body));

  r.get('/v1/stores/nearby', {
    config: shown,
    schema: {
      tags,
      summary: 'Store locator: nearest active stores, open now or not, with stock of variants',
      description: 'Asking for variantIds also needs the inventory:read permission.',
      querystring: z.object({
        lat: z.coerce.number().pipe(latSchema),
        lng: z.coerce.number().pipe(lngSchema),
        limit: z.coerce.number().int().min(1).max(100).default(10),
        maxDistanceM: z.coerce.number().positive().optional().describe('leave out stores farther than this, in metres'),
        openNow: boolParam.optional().describe('only stores open at `at`'),
        at: z.iso.datetime({ offset: true }).optional().describe('judge opening hours at this instant instead of now'),
        service: z.enum(SERVICES).optional(),
        variantIds: z
          .string()
          .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
          .pipe(z.array(z.string()).min(1).max(50))
          .optional()
          .describe('comma-separated variant ids: only stores with stock of every one'),
        quantity: z.coerce.number().int().min(1).max(100_000).default(1).describe('units needed of each variant'),
      }),
      response: { 200: z.object({ data: z.array(nearbyStoreSchema) }) },
    },
  }, async (req) => {
    const { at, ...query } = req.query;
    return { data: await findNearbyStores(req.ctx, { ...query, at: at ? new Date(at) : undefined }) };
  });
}
