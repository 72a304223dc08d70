import type { Generated, Selectable } from 'kysely';

export interface StoresTables {
  location: {
    id: string;
    kind: 'store' | 'warehouse';
    code: string;
    name: string;
    /** Address as stored: `{ line1, line2, city, region, postalCode, country }`. */
    address: unknown;
    lat: number;
    lng: number;
    timezone: string;
    opening_hours: unknown;
    exceptions: unknown;
    services: string[];
    priority: number;
    partner_id: string | null;
    active: Generated<boolean>;
    phone: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
}

export type LocationRow = Selectable<StoresTables['location']>;
