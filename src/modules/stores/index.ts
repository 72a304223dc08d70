import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { storesRoutes } from './stores.routes.js';

export function register(host: ModuleHost): void {
  registerErrorStatus({ code_taken: 409 });
  storesRoutes(host.app);
}

export { getLocation, getLocations, listLocations, createLocation, updateLocation, type Location, type LocationFilter } from './locations.service.js';
export { nearestLocations, findNearbyStores, type NearestQuery, type LocationWithDistance, type NearbyStore } from './nearby.service.js';
export { isOpenAt, nextChange, type Schedule, type WeeklyHours, type HoursInterval, type HoursException, type HoursChange } from './opening-hours.js';
export { LOCATION_KINDS, SERVICES, type LocationKind, type Service, type Address } from './stores.schemas.js';
