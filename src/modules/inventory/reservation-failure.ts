import { tables } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import type { InventoryTables } from './inventory.tables.js';
import { getVariants } from '../catalog/index.js';
import { getLocations } from '../stores/index.js';
import { unknownLocation, unknownVariant } from './lookups.js';
import { promisable } from './availability.js';

/**
 * Why a reservation line found no level to take from. The hot path does not validate up front;
 * this runs only after the conditional update failed, to name the field at fault.
 */
export async function reservationFailure(ctx: Ctx, line: { variantId: string; locationId: string; quantity: number }, index: number, channelId: string | null): Promise<AppError> {
  const [variants, locations] = await Promise.all([getVariants(ctx, [line.variantId]), getLocations(ctx, [line.locationId])]);
  if (!variants.length) return unknownVariant(line.variantId, `lines.${index}.variantId`);
  if (!locations.length) return unknownLocation(line.locationId, `lines.${index}.locationId`);
  const db = tables<InventoryTables>(ctx.db);
  const level = await db.selectFrom('stock_level').select(['on_hand', 'reserved']).where('variant_id', '=', line.variantId).where('location_id', '=', line.locationId).executeTakeFirst();
  let available = level ? level.on_hand - level.reserved : 0;
  if (channelId) {
    const pos = await db.selectFrom('channel_stock_policy').select('kind').where('channel_id', '=', channelId).executeTakeFirst();
    const caps = await db.selectFrom('online_cap').select(['variant_id', 'cap']).where('location_id', '=', line.locationId).where('variant_id', 'in', [line.variantId, '']).orderBy('variant_id', 'desc').execute();
    available = promisable(available, caps[0]?.cap ?? null, pos?.kind !== 'pos');
  }
  return insufficientStock(line, index, available);
}

export function insufficientStock(line: { variantId: string; locationId: string }, index: number, available: number): AppError {
  return new AppError('insufficient_stock', `only ${available} of ${line.variantId} can be reserved at ${line.locationId}`, {
    field: `lines.${index}.quantity`,
    variantId: line.variantId,
    locationId: line.locationId,
    available,
  });
}
