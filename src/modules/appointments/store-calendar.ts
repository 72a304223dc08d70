import { AppError, notFound } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import { getLocation } from '../stores/index.js';
import type { ServiceRow } from './appointments.tables.js';
import { q } from './appointment.js';
import type { Calendar, SlotRules, WeeklyHours } from './slots.js';

/**
 * What slot rules need to know about a service at a store: the store's zone and dated exceptions
 * (a holiday closes the service too), the service's own weekly hours there or else the store's,
 * and the service's slot rules. Throws service_not_offered when the store does not offer the
 * service (naming `field`), the service is switched off, or the store is inactive.
 */
export async function serviceOffer(ctx: Ctx, serviceId: string, locationId: string, field: string): Promise<{ service: ServiceRow; cal: Calendar; rules: SlotRules }> {
  const service = await q(ctx.db).selectFrom('appointment_service').selectAll().where('id', '=', serviceId).executeTakeFirst();
  if (!service) throw notFound('appointment service', serviceId, 'serviceId');
  if (!service.active) throw new AppError('service_not_offered', `service ${serviceId} is not taking bookings`, { field: 'serviceId' });
  const offer = await q(ctx.db)
    .selectFrom('appointment_service_location')
    .selectAll()
    .where('service_id', '=', service.id)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  if (!offer) throw new AppError('service_not_offered', `store ${locationId} does not offer service ${service.id}`, { field });
  const store = await getLocation(ctx, locationId);
  if (!store.active) throw new AppError('service_not_offered', `store ${locationId} is not taking bookings`, { field });
  const hours: WeeklyHours | null = typeof offer.hours === 'string' ? JSON.parse(offer.hours) : offer.hours;
  return {
    service,
    cal: {
      timeZone: store.timezone,
      hours: hours ?? store.openingHours,
      exceptions: store.exceptions.map((e) => ({ date: e.date, hours: e.closed ? [] : e.hours })),
    },
    rules: { slotMinutes: service.slot_minutes, durationMinutes: service.duration_minutes, leadMinutes: service.lead_minutes, horizonDays: service.horizon_days },
  };
}
