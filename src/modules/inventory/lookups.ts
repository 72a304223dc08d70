import { AppError } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import { getVariants } from '../catalog/index.js';
import { getLocations, type Location } from '../stores/index.js';

export interface Ref {
  id: string;
  field: string;
}

export const unknownVariant = (id: string, field: string) => new AppError('unknown_variant', `variant ${id} does not exist`, { field, variantId: id });
export const unknownLocation = (id: string, field: string) => new AppError('unknown_location', `location ${id} does not exist`, { field, locationId: id });

/** Throws unknown_variant naming the field of the first id the catalog does not know. */
export async function assertVariants(ctx: Ctx, refs: Ref[]): Promise<void> {
  if (!refs.length) return;
  const found = new Set((await getVariants(ctx, [...new Set(refs.map((r) => r.id))])).map((v) => v.id));
  const missing = refs.find((r) => !found.has(r.id));
  if (missing) throw unknownVariant(missing.id, missing.field);
}

/** Throws unknown_location naming the field of the first id the stores module does not know. */
export async function assertLocations(ctx: Ctx, refs: Ref[]): Promise<Location[]> {
  if (!refs.length) return [];
  const locations = await getLocations(ctx, [...new Set(refs.map((r) => r.id))]);
  const found = new Set(locations.map((l) => l.id));
  const missing = refs.find((r) => !found.has(r.id));
  if (missing) throw unknownLocation(missing.id, missing.field);
  return locations;
}
