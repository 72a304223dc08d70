import { sql, type RawBuilder } from 'kysely';
import type { VoucherScope } from './vouchers.tables.js';

/** Where a voucher may be redeemed, as copied onto it from its template when it was issued. */
export interface VoucherPlaces {
  scope: VoucherScope;
  locationIds: string[];
  partnerIds: string[];
}

/** What validity needs to know about a location: whose it is and whether it serves customers. */
export interface PlaceOwner {
  id: string;
  partnerId: string | null;
  kind: 'store' | 'warehouse';
}

/** A store of the brand itself, not a partner's and not a warehouse. */
export const isOwnStore = (location: PlaceOwner): boolean => location.partnerId === null && location.kind === 'store';

/** Whether a voucher may be redeemed at a location: own stores, listed locations, or partners' stores. */
export function isValidAt(places: VoucherPlaces, location: PlaceOwner): boolean {
  switch (places.scope) {
    case 'own_stores':
      return isOwnStore(location);
    case 'locations':
      return places.locationIds.includes(location.id);
    case 'partners':
      return location.partnerId !== null && places.partnerIds.includes(location.partnerId);
  }
}

/** Locations as SQL values: their ids, their partners' ids, and whether one of them is an own store. */
export interface PlacesSql {
  ids: RawBuilder<string[]>;
  partnerIds: RawBuilder<string[]>;
  ownStore: RawBuilder<boolean>;
}

/** SQL twin of isValidAt over the voucher row aliased `v`: may it be redeemed at one of `at`. */
export const validAtSql = (v: string, at: PlacesSql) => sql<boolean>`CASE ${sql.ref(`${v}.scope`)}
    WHEN 'own_stores' THEN ${at.ownStore}
    WHEN 'locations' THEN ${sql.ref(`${v}.location_ids`)} && ${at.ids}
    WHEN 'partners' THEN ${sql.ref(`${v}.partner_ids`)} && ${at.partnerIds} END`;

/**
 * Why a voucher cannot be redeemed now, in the order a clerk should hear it, or null if it can.
 * The redemption itself re-checks state atomically; this names the reason.
 */
export function refusal(v: { status: string; usesLeft: number; expiresAt: Date }, validHere: boolean, now: Date): RefusalCode | null {
  if (v.status === 'voided') return 'voucher_voided';
  if (!validHere) return 'voucher_not_valid_here';
  if (v.usesLeft <= 0) return 'voucher_used_up';
  if (v.expiresAt.getTime() <= now.getTime()) return 'voucher_expired';
  return null;
}

export type RefusalCode = 'voucher_voided' | 'voucher_not_valid_here' | 'voucher_used_up' | 'voucher_expired';

export const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
  voucher_voided: 'this voucher was voided',
  voucher_not_valid_here: 'this voucher is not valid at this location',
  voucher_used_up: 'every use of this voucher has been redeemed',
  voucher_expired: 'this voucher has expired',
};
