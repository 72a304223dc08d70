import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { appointmentsRoutes } from './appointments.routes.js';

export function register(host: ModuleHost): void {
  registerErrorStatus({
    service_not_offered: 422,
    slot_too_soon: 422,
    slot_beyond_horizon: 422,
    slot_not_offered: 422,
    slot_full: 409,
    order_line_already_booked: 409,
    appointment_not_active: 409,
    appointment_not_started: 409,
  });
  appointmentsRoutes(host.app);
}

export { createService, updateService, getService, listServices, type AppointmentService, type NewService, type ServicePatch, type ServiceLocation } from './services.service.js';
export { bookAppointment, rescheduleAppointment, cancelAppointment, checkInAppointment, markNoShow, type BookingInput } from './bookings.service.js';
export { listSlots, listStoreAppointments, listCustomerAppointments, listOrderAppointments, getAppointment, type DaySlots, type SlotAvailability } from './appointments.queries.js';
export type { Appointment } from './appointment.js';
export type { AppointmentStatus, ServiceKind, Contact } from './appointments.tables.js';
export type { WeeklyHours, TimeRange } from './slots.js';
