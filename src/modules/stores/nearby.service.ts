import { sql } from 'kysely';
import { z } from 'zod';
import { requireScope } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { stockAt } from '../inventory/index.js';
import { boundingBox, distanceSql, type GeoPoint } from './geo.js';
import { q, parseInput, toLocation, type Location } from './locations.service.js';
import { isOpenAt, nextChange } from './opening-hours.js';
import { latSchema, lngSchema, LOCATION_KINDS, SERVICES, type LocationKind, type Service } from './stores.schemas.js';

export type LocationWithDistance = Location & { distanceM: number };

export interface NearestQuery {
  lat: number;
  lng: number;
  limit: number;
  kind?: LocationKind;
  ids?: string[];
  service?: Service;
  /** Leave out locations farther than this many metres. */
  maxDistanceM?: number;
}

const nearestQuerySchema = z.object({
  lat: latSchema,
  lng: lngSchema,
  limit: z.number().int().min(1).max(1000),
  kind: z.enum(LOCATION_KINDS).optional(),
  ids: z.array(z.string()).optional(),
  service: z.enum(SERVICES).optional(),
  maxDistanceM: z.number().positive().optional(),
});

/**
 * Search radii, growing until enough locations are found; each step reads only the index range of
 * its bounding box. The last step is the whole globe.
 */
const RADII_M = [2_000, 10_000, 50_000, 250_000, 1_000_000, 5_000_000, Infinity];

/**
 * Walks active locations outward from a point, nearest first, in pages; `keep` decides which of a
 * page count (after checks SQL cannot make, such as opening hours or stock), until `want` are kept.
 * Pages resume after the last (distance, id) seen, so no location is looked at twice.
 */
async function walkOutward<T>(
  ctx: Ctx,
  query: Omit<NearestQuery, 'limit'>,
  want: number,
  pageSize: (stillWanted: number) => number,
  keep: (page: LocationWithDistance[]) => Promise<T[]>,
): Promise<T[]> {
  const center: GeoPoint = { lat: query.lat, lng: query.lng };
  const kept: T[] = [];
  if (query.ids && !query.ids.length) return kept;
  const max = query.maxDistanceM ?? Infinity;
  const radii = [...RADII_M.filter((r) => r < max), max];
  let after: [number, string] = [-1, ''];
  for (const radius of radii) {
    const box = boundingBox(center, radius);
    for (;;) {
      let inner = q(ctx.db).selectFrom('location').selectAll().select(distanceSql(center).as('distance_m')).where('active', '=', true);
      if (box) {
        inner = inner
          .where('lat', '>=', box.minLat)
          .where('lat', '<=', box.maxLat)
          .where((eb) => eb.or(box.lngRanges.map(([w, e]) => eb.and([eb('lng', '>=', w), eb('lng', '<=', e)]))));
      }
      if (query.kind) inner = inner.where('kind', '=', query.kind);
      if (query.ids) inner = inner.where('id', 'in', query.ids);
      if (query.service) inner = inner.where(sql<boolean>`services @> ARRAY[${query.service}]::text[]`);
      const size = pageSize(want - kept.length);
      let outer = ctx.db
        .selectFrom(inner.as('c'))
        .selectAll()
        .where(sql<boolean>`(c.distance_m, c.id) > (${after[0]}::float8, ${after[1]})`)
        .orderBy('c.distance_m')
        .orderBy('c.id')
        .limit(size);
      if (radius !== Infinity) outer = outer.where('c.distance_m', '<=', radius);
      const rows = await outer.execute();
      if (rows.length) {
        const last = rows.at(-1)!;
        after = [last.distance_m, last.id];
        const page = rows.map((r: any) => ({ ...toLocation(r), distanceM: Math.round(r.distance_m) }));
        kept.push(...(await keep(page)));
        if (kept.length >= want) return kept.slice(0, want);
      }
      if (rows.length < size) break; // this radius is exhausted: widen it
    }
  }
  return kept;
}

/** Active locations nearest to a point (great-circle distance in metres), nearest first. */
export async function nearestLocations(ctx: Ctx, query: NearestQuery): Promise<LocationWithDistance[]> {
  const input = parseInput(nearestQuerySchema, query);
  return walkOutward(ctx, input, input.limit, (n) => n, async (page) => page);
}

export interface NearbyQuery {
  lat: number;
  lng: number;
  limit: number;
  maxDistanceM?: number;
  /** The instant opening hours are judged at; now by default. */
  at?: Date;
  openNow?: boolean;
  service?: Service;
  /** Keep only stores with at least `quantity` available of every one of these variants. */
  variantIds?: string[];
  quantity?: number;
}

export interface NearbyStore extends LocationWithDistance {
  openNow: boolean;
  /** When it next opens (if closed now) and closes (if open now); null when not within a year. */
  opensAt: string | null;
  closesAt: string | null;
  /** Available quantity per asked variant; present when variants were asked for. */
  stock?: Array<{ variantId: string; available: number }>;
}

/**
 * Stores examined per page when a check outside SQL may drop some; with variants, few enough that
 * one stock lookup stays around 2,000 rows.
 */
const pageWhenFiltered = (variants: number) => (variants ? Math.max(10, Math.min(200, Math.floor(2000 / variants))) : 200);

/** The store locator: nearest active stores, their opening state, and optionally their stock. */
export async function findNearbyStores(ctx: Ctx, query: NearbyQuery): Promise<NearbyStore[]> {
  const at = query.at ?? new Date();
  const variantIds = [...new Set(query.variantIds ?? [])];
  const quantity = query.quantity ?? 1;
  if (variantIds.length) requireScope(ctx.actor, 'inventory:read');

  const withStock = async (stores: LocationWithDistance[]): Promise<Array<LocationWithDistance & Pick<NearbyStore, 'stock'>>> => {
    if (!variantIds.length || !stores.length) return stores;
    const levels = await stockAt(ctx, { variantIds, locationIds: stores.map((s) => s.id) });
    const available = new Map(levels.map((l) => [`${l.locationId} ${l.variantId}`, l.available]));
    return stores.flatMap((s) => {
      const stock = variantIds.map((variantId) => ({ variantId, available: available.get(`${s.id} ${variantId}`) ?? 0 }));
      return stock.every((v) => v.available >= quantity) ? [{ ...s, stock }] : [];
    });
  };
  // Cheapest checks first: opening now, then stock; the next change only for the stores kept.
  const keep = async (page: LocationWithDistance[]): Promise<NearbyStore[]> => {
    const open = query.openNow ? page.filter((l) => isOpenAt(l, at)) : page;
    return (await withStock(open)).map((l) => {
      const change = nextChange(l, at);
      return {
        ...l,
        openNow: query.openNow || isOpenAt(l, at),
        opensAt: change?.kind === 'opens' ? change.at.toISOString() : null,
        closesAt: change?.kind === 'closes' ? change.at.toISOString() : null,
      };
    });
  };
  const input = parseInput(nearestQuerySchema, { lat: query.lat, lng: query.lng, limit: query.limit, kind: 'store', service: query.service, maxDistanceM: query.maxDistanceM });
  const filtered = query.openNow || variantIds.length > 0;
  return walkOutward(ctx, input, input.limit, (n) => (filtered ? pageWhenFiltered(variantIds.length) : n), keep);
}
