import { tables, inTx, takeTurns, type Executor, type Tx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { InventoryTables } from './inventory.tables.js';
import { assertVariants } from './lookups.js';

const q = (db: Executor) => tables<InventoryTables>(db);

export interface BundleComponent {
  variantId: string;
  quantity: number;
}

/** Components of those of `variantIds` that are bundles, by bundle id. */
export async function bundleComponents(db: Executor, variantIds: string[]): Promise<Map<string, BundleComponent[]>> {
  const out = new Map<string, BundleComponent[]>();
  if (!variantIds.length) return out;
  const rows = await q(db)
    .selectFrom('bundle_component')
    .selectAll()
    .where('bundle_variant_id', 'in', [...new Set(variantIds)])
    .orderBy('bundle_variant_id')
    .orderBy('component_variant_id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.bundle_variant_id) ?? [];
    list.push({ variantId: r.component_variant_id, quantity: r.quantity });
    out.set(r.bundle_variant_id, list);
  }
  return out;
}

/** Bundles that contain any of these components. */
export async function bundlesContaining(db: Executor, componentIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!componentIds.length) return out;
  const rows = await q(db).selectFrom('bundle_component').select(['bundle_variant_id', 'component_variant_id']).where('component_variant_id', 'in', componentIds).execute();
  for (const r of rows) out.set(r.component_variant_id, [...(out.get(r.component_variant_id) ?? []), r.bundle_variant_id]);
  return out;
}

/**
 * Defines (or replaces) what a bundle variant is made of. Bundles do not nest, and a variant that
 * holds stock of its own cannot become a bundle (its stock would silently stop counting). No
 * constraint can say either, so the definition takes turns with any other naming the same variants
 * (and with stock being added to them, see `bundleTurns`) before it checks.
 */
export async function setBundle(ctx: Ctx, variantId: string, components: BundleComponent[]): Promise<{ variantId: string; components: BundleComponent[] }> {
  const seen = new Set<string>();
  components.forEach((c, i) => {
    if (c.variantId === variantId) throw new AppError('validation_failed', 'a bundle cannot contain itself', { field: `components.${i}.variantId` });
    if (seen.has(c.variantId)) throw new AppError('validation_failed', `variant ${c.variantId} is listed twice`, { field: `components.${i}.variantId` });
    seen.add(c.variantId);
  });
  await assertVariants(ctx, [{ id: variantId, field: 'variantId' }, ...components.map((c, i) => ({ id: c.variantId, field: `components.${i}.variantId` }))]);
  return inTx(ctx.db, async (tx) => {
    await bundleTurns(tx, [variantId, ...components.map((c) => c.variantId)], 'exclusive');
    const nested = await q(tx).selectFrom('bundle_component').select('bundle_variant_id').where('bundle_variant_id', 'in', components.map((c) => c.variantId)).executeTakeFirst();
    if (nested) {
      const i = components.findIndex((c) => c.variantId === nested.bundle_variant_id);
      throw new AppError('validation_failed', `variant ${nested.bundle_variant_id} is itself a bundle; bundles do not nest`, { field: `components.${i}.variantId` });
    }
    const asComponent = await q(tx).selectFrom('bundle_component').select('bundle_variant_id').where('component_variant_id', '=', variantId).executeTakeFirst();
    if (asComponent) throw new AppError('validation_failed', `variant ${variantId} is a component of bundle ${asComponent.bundle_variant_id}`, { field: 'variantId' });
    const stocked = await q(tx).selectFrom('stock_level').select('location_id').where('variant_id', '=', variantId).where('on_hand', '>', 0).executeTakeFirst();
    if (stocked) throw new AppError('bundle_has_stock', `variant ${variantId} holds stock at ${stocked.location_id}; move it out before making it a bundle`, { field: 'variantId' });
    await q(tx).deleteFrom('bundle_component').where('bundle_variant_id', '=', variantId).execute();
    await q(tx)
      .insertInto('bundle_component')
      .values(components.map((c) => ({ bundle_variant_id: variantId, component_variant_id: c.variantId, quantity: c.quantity })))
      .execute();
    await emit(tx, 'bundle.defined', variantId, { variantId, components });
    return { variantId, components: [...components].sort((a, b) => (a.variantId < b.variantId ? -1 : 1)) };
  });
}

/** Turns on variants as bundles: defining one is exclusive; stocking a variant, which must not be one, is shared. */
export const bundleTurns = (tx: Tx, variantIds: string[], mode: 'exclusive' | 'shared') => takeTurns(tx, variantIds.map((id) => `bundle:${id}`), mode);

export async function getBundle(ctx: Ctx, variantId: string): Promise<{ variantId: string; components: BundleComponent[] }> {
  const components = (await bundleComponents(ctx.db, [variantId])).get(variantId);
  if (!components) throw new AppError('not_found', `variant ${variantId} is not a bundle`, { field: 'variantId' });
  return { variantId, components };
}
