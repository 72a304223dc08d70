import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { storefrontRead } from '../../platform/http.js';
import { requireShopper } from '../customers/index.js';
import * as services from './services.service.js';
import * as bookings from './bookings.service.js';
import * as queries from './appointments.queries.js';
import {
  appointmentSchema,
  cancelSchema,
  dateSchema,
  newServiceSchema,
  rescheduleSchema,
  SERVICE_KINDS,
  servicePatchSchema,
  serviceSchema,
  shopperBookingSchema,
  slotsSchema,
  staffBookingSchema,
  STATUSES,
} from './appointments.schemas.js';

const idParams = z.object({ id: z.string() });
const list = z.object({ data: z.array(appointmentSchema) });

export function appointmentsRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Appointments'];
  const shopperTags = ['Shopper appointments'];
  const shown = storefrontRead('catalog:read');
  const catalogWrite = { access: { scope: 'catalog:write' } };
  const read = { access: { scope: 'orders:read' } };
  const write = { access: { scope: 'orders:write' } };
  const shopper = { access: 'authenticated' as const };

  r.post('/v1/appointment-services', {
    config: catalogWrite,
    schema: { tags, summary: 'Create a bookable service and name the stores offering it', body: newServiceSchema, response: { 201: serviceSchema } },
  }, async (req, reply) => reply.code(201).send(await services.createService(req.ctx, req.body)));

  r.get('/v1/appointment-services', {
    config: shown,
    schema: {
      tags,
      summary: 'List bookable services',
      querystring: z.object({
        locationId: z.string().optional().describe('only services this store offers'),
        kind: z.enum(SERVICE_KINDS).optional(),
        active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
      }),
      response: { 200: z.object({ data: z.array(serviceSchema) }) },
    },
  }, async (req) => ({ data: await services.listServices(req.ctx, req.query) }));

  r.get('/v1/appointment-services/:id', {
    config: shown,
    schema: { tags, summary: 'Get a bookable service', params: idParams, response: { 200: serviceSchema } },
  }, async (req) => services.getService(req.ctx, req.params.id));

  r.patch('/v1/appointment-services/:id', {
    config: catalogWrite,
    schema: { tags, summary: 'Change a bookable service; `locations` replaces the stores offering it', params: idParams, body: servicePatchSchema, response: { 200: serviceSchema } },
  }, async (req) => services.updateService(req.ctx, req.params.id, req.body));

  r.get('/v1/stores/:locationId/appointment-slots', {
    config: shopper,
    schema: {
      tags,
      summary: "Bookable slots of a service at a store on a local date, with places left",
      description: 'Slots follow the store time zone (clock changes included); slots inside the lead time or past the horizon are left out.',
      params: z.object({ locationId: z.string() }),
      querystring: z.object({ serviceId: z.string().min(1), date: dateSchema }),
      response: { 200: slotsSchema },
    },
  }, async (req) => queries.listSlots(req.ctx, { ...req.query, locationId: req.params.locationId }));

  r.post('/v1/appointments', {
    config: write,
    schema: { tags, summary: 'Book an appointment for a customer (or a contact) at a store', body: staffBookingSchema, response: { 201: appointmentSchema } },
  }, async (req, reply) => reply.code(201).send(await bookings.bookAppointment(req.ctx, req.body)));

  r.get('/v1/appointments', {
    config: read,
    schema: {
      tags,
      summary: "A store's appointments on a day (today by default), in time order",
      querystring: z.object({ locationId: z.string().min(1), date: dateSchema.optional(), status: z.enum(STATUSES).optional() }),
      response: { 200: list.extend({ date: z.string() }) },
    },
  }, async (req) => queries.listStoreAppointments(req.ctx, req.query));

  r.get('/v1/appointments/:id', {
    config: read,
    schema: { tags, summary: 'Get an appointment', params: idParams, response: { 200: appointmentSchema } },
  }, async (req) => queries.getAppointment(req.ctx, req.params.id));

  r.post('/v1/appointments/:id/reschedule', {
    config: write,
    schema: { tags, summary: 'Move an appointment to another slot of the same service and store', params: idParams, body: rescheduleSchema, response: { 200: appointmentSchema } },
  }, async (req) => bookings.rescheduleAppointment(req.ctx, req.params.id, req.body));

  r.post('/v1/appointments/:id/cancel', {
    config: write,
    schema: { tags, summary: 'Cancel an appointment; its place is free again', params: idParams, body: cancelSchema.optional(), response: { 200: appointmentSchema } },
  }, async (req) => bookings.cancelAppointment(req.ctx, req.params.id, req.body ?? {}));

  r.post('/v1/appointments/:id/check-in', {
    config: write,
    schema: { tags, summary: 'Check the customer in at the store', params: idParams, response: { 200: appointmentSchema } },
  }, async (req) => bookings.checkInAppointment(req.ctx, req.params.id));

  r.post('/v1/appointments/:id/no-show', {
    config: write,
    schema: { tags, summary: 'Mark that the customer did not come (once the appointment has started)', params: idParams, response: { 200: appointmentSchema } },
  }, async (req) => bookings.markNoShow(req.ctx, req.params.id));

  r.post('/v1/shopper/appointments', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'Book an appointment for yourself', body: shopperBookingSchema, response: { 201: appointmentSchema } },
  }, async (req, reply) => {
    requireShopper(req.actor);
    return reply.code(201).send(await bookings.bookAppointment(req.ctx, req.body));
  });

  r.get('/v1/shopper/appointments', {
    config: shopper,
    schema: {
      tags: shopperTags,
      summary: 'Your appointments, the latest first',
      querystring: z.object({ status: z.enum(STATUSES).optional(), upcoming: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }),
      response: { 200: list },
    },
  }, async (req) => ({ data: await queries.listCustomerAppointments(req.ctx, requireShopper(req.actor).customerId, req.query) }));

  r.get('/v1/shopper/appointments/:id', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'One of your appointments', params: idParams, response: { 200: appointmentSchema } },
  }, async (req) => {
    requireShopper(req.actor);
    return queries.getAppointment(req.ctx, req.params.id);
  });

  r.post('/v1/shopper/appointments/:id/reschedule', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'Move your appointment to another slot', params: idParams, body: rescheduleSchema, response: { 200: appointmentSchema } },
  }, async (req) => {
    requireShopper(req.actor);
    return bookings.rescheduleAppointment(req.ctx, req.params.id, req.body);
  });

  r.post('/v1/shopper/appointments/:id/cancel', {
    config: shopper,
    schema: { tags: shopperTags, summary: 'Cancel your appointment', params: idParams, body: cancelSchema.optional(), response: { 200: appointmentSchema } },
  }, async (req) => {
    requireShopper(req.actor);
    return bookings.cancelAppointment(req.ctx, req.params.id, req.body ?? {});
  });
}
