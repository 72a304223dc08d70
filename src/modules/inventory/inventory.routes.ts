import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { boundStores, canActAtStore, requireStore, type Actor } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { adjustStock, countStock, listMovements, MANUAL_REASONS, stockAt } from './levels.service.js';
import { confirmReservation, getReservation, releaseReservation, reserveStock, type Reservation } from './reservations.service.js';
import { cancelTransfer, createTransfer, getTransfer, receiveTransfer, shipTransfer } from './transfers.service.js';
import { expiresSchema, idList, levelSchema, quantity, referenceSchema, reservationSchema, transferSchema } from './inventory.schemas.js';

const read = { access: { scope: 'inventory:read' } };
const write = { access: { scope: 'inventory:write' } };
const idParams = z.object({ id: z.string() });

/** Every line of the reservation is at the actor's stores. */
function requireOwnLines(actor: Actor, reservation: Reservation): Reservation {
  for (const l of reservation.lines) requireStore(actor, l.locationId, 'id');
  return reservation;
}

/** Before a change: only a store-bound actor needs the reservation read to check it. */
async function requireReservationStores(ctx: Ctx, id: string): Promise<void> {
  if (boundStores(ctx.actor)) requireOwnLines(ctx.actor, await getReservation(ctx, id));
}

/** Stock levels, the ledger, adjustments, counts, reservations and transfers. */
export function inventoryRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Inventory'];

  r.get('/v1/stock', {
    config: read,
    schema: {
      tags,
      summary: 'Stock levels: on hand, reserved and available per variant and location',
      querystring: z.object({ variantId: idList.optional().describe('comma-separated variant ids'), locationId: idList.optional().describe('comma-separated location ids') }),
      response: { 200: z.object({ data: z.array(levelSchema) }) },
    },
  }, async (req) => ({ data: await stockAt(req.ctx, { variantIds: req.query.variantId, locationIds: req.query.locationId }) }));

  r.post('/v1/stock/adjustments', {
    config: write,
    schema: {
      tags,
      summary: 'Receive, restock a return, or correct stock; written to the ledger',
      body: z.object({
        variantId: z.string(),
        locationId: z.string(),
        delta: z.number().int().refine((n) => n !== 0, 'must not be 0').describe('units added (negative removes, for an adjustment)'),
        reason: z.enum(MANUAL_REASONS),
        note: z.string().max(500).nullable().optional(),
        reference: referenceSchema.nullable().optional(),
      }),
      response: { 201: levelSchema },
    },
  }, async (req, reply) => {
    requireStore(req.actor, req.body.locationId);
    return reply.code(201).send(await adjustStock(req.ctx, req.body));
  });

  r.get('/v1/stock/movements', {
    config: read,
    schema: {
      tags,
      summary: 'The stock ledger, newest first',
      querystring: z.object({
        variantId: z.string().optional(),
        locationId: z.string().optional(),
        reason: z.enum(['receipt', 'sale', 'return', 'adjustment', 'transfer_out', 'transfer_in', 'count']).optional(),
        referenceId: z.string().optional(),
        cursor: z.string().optional().describe('nextCursor of the previous page'),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
  }, async (req) => listMovements(req.ctx, req.query));

  r.post('/v1/stock/counts', {
    config: write,
    schema: {
      tags,
      summary: 'Post a stock count: each counted quantity replaces on hand, the difference goes to the ledger',
      body: z.object({ locationId: z.string(), lines: z.array(z.object({ variantId: z.string(), counted: z.number().int().min(0).max(10_000_000) })).min(1).max(5000) }),
    },
  }, async (req, reply) => {
    requireStore(req.actor, req.body.locationId);
    return reply.code(201).send(await countStock(req.ctx, req.body));
  });

  r.post('/v1/reservations', {
    config: write,
    schema: {
      tags,
      summary: 'Reserve stock at locations, all lines or none',
      body: z.object({
        lines: z.array(z.object({ variantId: z.string(), locationId: z.string(), quantity })).min(1).max(500),
        expiresInSeconds: expiresSchema,
        channelId: z.string().optional().describe('the channel reserving; online channels respect store caps'),
        reference: referenceSchema.optional(),
      }),
      response: { 201: reservationSchema },
    },
  }, async (req, reply) => {
    req.body.lines.forEach((l, i) => requireStore(req.actor, l.locationId, `lines.${i}.locationId`));
    return reply.code(201).send(await reserveStock(req.ctx, req.body));
  });

  r.get('/v1/reservations/:id', {
    config: read,
    schema: { tags, summary: 'A reservation and its lines', params: idParams, response: { 200: reservationSchema } },
  }, async (req) => requireOwnLines(req.actor, await getReservation(req.ctx, req.params.id)));

  r.post('/v1/reservations/:id/confirm', {
    config: write,
    schema: { tags, summary: 'Confirm: the reserved units are sold and leave on hand', params: idParams, response: { 200: reservationSchema } },
  }, async (req) => {
    await requireReservationStores(req.ctx, req.params.id);
    return confirmReservation(req.ctx, req.params.id);
  });

  r.post('/v1/reservations/:id/release', {
    config: write,
    schema: { tags, summary: 'Release: the reserved units become available again', params: idParams, response: { 200: reservationSchema } },
  }, async (req) => {
    await requireReservationStores(req.ctx, req.params.id);
    return releaseReservation(req.ctx, req.params.id);
  });

  r.post('/v1/transfers', {
    config: write,
    schema: {
      tags,
      summary: 'Create a transfer between locations (a draft until shipped)',
      body: z.object({
        sourceLocationId: z.string(),
        destinationLocationId: z.string(),
        lines: z.array(z.object({ variantId: z.string(), quantity })).min(1).max(1000),
        note: z.string().max(500).nullable().optional(),
      }),
      response: { 201: transferSchema },
    },
  }, async (req, reply) => {
    requireStore(req.actor, req.body.sourceLocationId, 'sourceLocationId');
    return reply.code(201).send(await createTransfer(req.ctx, req.body));
  });

  r.get('/v1/transfers/:id', {
    config: read,
    schema: { tags, summary: 'A transfer', params: idParams, response: { 200: transferSchema } },
  }, async (req) => {
    const transfer = await getTransfer(req.ctx, req.params.id);
    // Either end's staff see it: one sends it, the other waits for it.
    if (!canActAtStore(req.actor, transfer.destinationLocationId)) requireStore(req.actor, transfer.sourceLocationId, 'id');
    return transfer;
  });

  r.post('/v1/transfers/:id/ship', {
    config: write,
    schema: { tags, summary: 'Ship: units leave the source and are in transit', params: idParams, response: { 200: transferSchema } },
  }, async (req) => {
    requireStore(req.actor, (await getTransfer(req.ctx, req.params.id)).sourceLocationId, 'id');
    return shipTransfer(req.ctx, req.params.id);
  });

  r.post('/v1/transfers/:id/receive', {
    config: write,
    schema: {
      tags,
      summary: 'Receive at the destination: everything in transit, or the given lines (partial receipt)',
      params: idParams,
      body: z.object({ lines: z.array(z.object({ variantId: z.string(), quantity })).min(1).optional() }).optional(),
      response: { 200: transferSchema },
    },
  }, async (req) => {
    requireStore(req.actor, (await getTransfer(req.ctx, req.params.id)).destinationLocationId, 'id');
    return receiveTransfer(req.ctx, req.params.id, req.body?.lines);
  });

  r.post('/v1/transfers/:id/cancel', {
    config: write,
    schema: { tags, summary: 'Cancel a transfer that has not shipped', params: idParams, response: { 200: transferSchema } },
  }, async (req) => {
    requireStore(req.actor, (await getTransfer(req.ctx, req.params.id)).sourceLocationId, 'id');
    return cancelTransfer(req.ctx, req.params.id);
  });
}
