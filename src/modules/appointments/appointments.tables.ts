import type { Generated, Selectable } from 'kysely';
import type { WeeklyHours } from './slots.js';

export type ServiceKind = 'experience' | 'fitting' | 'optometry' | 'installation' | 'repair';
export type AppointmentStatus = 'booked' | 'checked_in' | 'cancelled' | 'no_show';

export interface Contact {
  name: string;
  phone?: string;
  email?: string;
}

export interface AppointmentTables {
  appointment_service: {
    id: string;
    kind: ServiceKind;
    name: string;
    description: string | null;
    duration_minutes: number;
    slot_minutes: number;
    capacity: number;
    lead_minutes: number;
    horizon_days: number;
    price_amount: number | null;
    price_currency: string | null;
    active: Generated<boolean>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  appointment_service_location: {
    service_id: string;
    location_id: string;
    hours: WeeklyHours | null;
  };
  appointment_slot: {
    service_id: string;
    location_id: string;
    slot_start: Date;
    booked: number;
  };
  appointment: {
    id: string;
    service_id: string;
    location_id: string;
    slot_start: Date;
    slot_end: Date;
    time_zone: string;
    status: AppointmentStatus;
    customer_id: string | null;
    contact: Contact | null;
    order_id: string | null;
    order_line_id: string | null;
    note: string | null;
    booked_by: string;
    cancel_reason: string | null;
    checked_in_at: Date | null;
    cancelled_at: Date | null;
    no_show_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
}

export type ServiceRow = Selectable<AppointmentTables['appointment_service']>;
export type AppointmentRow = Selectable<AppointmentTables['appointment']>;
