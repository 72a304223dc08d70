import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { inventoryRoutes } from './inventory.routes.js';
import { channelStockRoutes } from './channel-stock.routes.js';
import { expireReservations } from './reservations.service.js';

/** Unified stock: levels and ledger, reservations, transfers, counts, channel availability, allocation, bundles. */
export function register(host: ModuleHost): void {
  registerErrorStatus({
    unknown_variant: 404,
    unknown_location: 404,
    reservation_expired: 409,
    count_below_reserved: 409,
    no_serving_locations: 409,
    bundle_has_stock: 409,
    bundle_has_no_stock: 400,
  });
  inventoryRoutes(host.app);
  channelStockRoutes(host.app);
  host.jobs.push({ name: 'inventory.expire-reservations', everyMs: 1000, run: (db) => expireReservations(db) });
}

export { stockAt, adjustStock, countStock, type Adjustment } from './levels.service.js';
export { reserveStock, confirmReservation, releaseReservation, getReservation, type Reservation, type ReservationLine, type ReserveInput, type StockLine } from './reservations.service.js';
export { allocateStock, type AllocateInput, type Allocation, type Strategy } from './allocation.service.js';
export { channelAvailability, type VariantAvailability } from './channels.service.js';
export { createTransfer, shipTransfer, receiveTransfer, cancelTransfer, type Transfer } from './transfers.service.js';
export { setBundle, type BundleComponent } from './bundles.service.js';
export type { Level } from './level-change.js';
