import { sql, type RawBuilder } from 'kysely';

/** Mean Earth radius (IUGG), the sphere the great-circle distances are measured on. */
export const EARTH_RADIUS_M = 6_371_008.8;

export interface GeoPoint {
  lat: number;
  lng: number;
}

/** Latitude band and longitude ranges (two when the box crosses ±180°) enclosing a circle. */
export interface BoundingBox {
  minLat: number;
  maxLat: number;
  lngRanges: Array<[number, number]>;
}

const RAD = Math.PI / 180;

/**
 * The smallest latitude/longitude box that holds every point within `radiusM` of `center`, or
 * null when that is the whole globe. Near a pole the box spans every longitude.
 */
export function boundingBox(center: GeoPoint, radiusM: number): BoundingBox | null {
  const angular = radiusM / EARTH_RADIUS_M;
  if (!(angular < Math.PI)) return null;
  const dLat = angular / RAD;
  const minLat = center.lat - dLat;
  const maxLat = center.lat + dLat;
  if (minLat <= -90 || maxLat >= 90) return { minLat: Math.max(minLat, -90), maxLat: Math.min(maxLat, 90), lngRanges: [[-180, 180]] };
  const dLng = Math.asin(Math.min(1, Math.sin(angular) / Math.cos(center.lat * RAD))) / RAD;
  const west = center.lng - dLng;
  const east = center.lng + dLng;
  if (dLng >= 180) return { minLat, maxLat, lngRanges: [[-180, 180]] };
  if (west < -180) return { minLat, maxLat, lngRanges: [[west + 360, 180], [-180, east]] };
  if (east > 180) return { minLat, maxLat, lngRanges: [[west, 180], [-180, east - 360]] };
  return { minLat, maxLat, lngRanges: [[west, east]] };
}

/** Great-circle (haversine) distance in metres from a point to the row's `lat`/`lng` columns. */
export function distanceSql(from: GeoPoint, latColumn = 'lat', lngColumn = 'lng'): RawBuilder<number> {
  const lat = sql.ref(latColumn);
  const lng = sql.ref(lngColumn);
  return sql<number>`(2 * ${EARTH_RADIUS_M}::float8 * asin(least(1, sqrt(
    power(sin(radians(${lat} - ${from.lat}::float8) / 2), 2)
    + cos(radians(${from.lat}::float8)) * cos(radians(${lat})) * power(sin(radians(${lng} - ${from.lng}::float8) / 2), 2)))))`;
}
