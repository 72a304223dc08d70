import { AppError } from './errors.js';

export const ROLES = ['owner', 'operator', 'marketer', 'analyst', 'clerk'] as const;
export type Role = (typeof ROLES)[number];

export type Actor =
  | { kind: 'staff'; id: string; role: Role; storeIds: string[]; scopes: string[] }
  | { kind: 'api_key'; id: string; scopes: string[]; publishable: boolean }
  | { kind: 'shopper'; id: string; customerId: string; scopes: string[] }
  | { kind: 'system'; id: 'system'; scopes: string[] }
  | { kind: 'anonymous'; id: 'anonymous'; scopes: string[] };

export const SYSTEM: Actor = { kind: 'system', id: 'system', scopes: ['*'] };
export const ANONYMOUS: Actor = { kind: 'anonymous', id: 'anonymous', scopes: [] };

/**
 * What each staff role may do, as scopes `<area>:<read|write>`. A clerk's writes are further limited
 * to the stores they belong to (see requireStore).
 */
export const ROLE_SCOPES: Record<Role, string[]> = {
  owner: ['*'],
  operator: ['catalog:*', 'inventory:*', 'orders:*', 'customers:*', 'promotions:read', 'webhooks:*', 'events:read', 'access:read'],
  marketer: ['catalog:read', 'inventory:read', 'orders:read', 'promotions:*', 'customers:*', 'events:read'],
  analyst: ['*:read'],
  clerk: ['catalog:read', 'inventory:read', 'inventory:write', 'orders:read', 'orders:write', 'customers:read'],
};

/**
 * A clerk whose every store belongs to a partner merchant works for that partner, not the brand:
 * they redeem and list vouchers and read their partner's statement, but do not look up the brand's
 * customers.
 */
export const PARTNER_CLERK_SCOPES = ROLE_SCOPES.clerk.filter((s) => s !== 'customers:read');

/** Scopes an API key can be given; `*` is every scope. */
export const API_SCOPES = ['*', 'catalog:read', 'catalog:write', 'inventory:read', 'inventory:write', 'orders:read', 'orders:write', 'customers:read', 'customers:write', 'promotions:read', 'promotions:write', 'webhooks:read', 'webhooks:write', 'events:read', 'access:read', 'access:write'] as const;

export function hasScope(granted: string[], needed: string): boolean {
  const [area, action] = needed.split(':');
  return granted.some((g) => g === '*' || g === needed || g === `${area}:*` || g === `*:${action}`);
}

export function requireScope(actor: Actor, needed: string): void {
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'sign in or send an API key as a Bearer token');
  if (!hasScope(actor.scopes, needed)) throw new AppError('forbidden', `this requires the ${needed} permission`, { scope: needed });
}

/** The stores a store-bound actor (a clerk) is limited to; null for everyone else. */
export const boundStores = (actor: Actor): string[] | null => (actor.kind === 'staff' && actor.role === 'clerk' ? actor.storeIds : null);

/** Store-scoped staff (clerks) act only at their own stores; everyone else is not store-bound. */
export function canActAtStore(actor: Actor, locationId: string): boolean {
  return boundStores(actor)?.includes(locationId) ?? true;
}

export function requireStore(actor: Actor, locationId: string, field = 'locationId'): void {
  if (!canActAtStore(actor, locationId)) {
    throw new AppError('store_out_of_scope', `you are not staff of location ${locationId}`, { field, locationId });
  }
}
