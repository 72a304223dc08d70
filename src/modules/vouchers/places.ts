import { getLocations, type Location } from '../stores/index.js';
import { notFound } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import { boundStores } from '../../platform/auth.js';
import type { PlaceOwner } from './validity.js';

/** A location as vouchers see it: whose it is, what kind, and the name statements print. */
export type Place = PlaceOwner & { name: string };

const toPlace = (l: Location): Place => ({
  id: l.id,
  partnerId: l.partnerId ?? null,
  kind: l.kind,
  name: l.name,
});

/** The location, or not_found naming `field`. */
export async function loadPlace(ctx: Ctx, locationId: string, field = 'locationId'): Promise<Place> {
  const [loc] = await getLocations(ctx, [locationId]);
  if (!loc) throw notFound('location', locationId, field);
  return toPlace(loc);
}

/** The locations among `ids` that exist, keyed by id. */
export async function loadPlaces(ctx: Ctx, ids: string[]): Promise<Map<string, Place>> {
  if (!ids.length) return new Map();
  return new Map((await getLocations(ctx, ids)).map((l) => [l.id, toPlace(l)]));
}

/** The places of a store-bound actor's (a clerk's) stores; null for everyone else. */
export async function clerkPlaces(ctx: Ctx): Promise<Place[] | null> {
  const stores = boundStores(ctx.actor);
  return stores && [...(await loadPlaces(ctx, stores)).values()];
}

/** The partners owning any of these places. */
export const partnersOf = (places: Place[]): string[] => places.flatMap((p) => (p.partnerId ? [p.partnerId] : []));
