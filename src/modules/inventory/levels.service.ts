import { tables, inTx, type Executor, type Tx } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { boundStores, requireStore } from '../../platform/auth.js';
import type { InventoryTables, MovementReason } from './inventory.tables.js';
import { changeLevel, lockLevels, levelKey, toLevel, type Level } from './level-change.js';
import { assertLocations, assertVariants } from './lookups.js';
import { bundleComponents, bundleTurns } from './bundles.service.js';
import { bundleAvailability } from './availability.js';

const q = (db: Executor) => tables<InventoryTables>(db);

/** Reasons a person may post by hand; the others come from sales, transfers and counts. */
export const MANUAL_REASONS = ['receipt', 'return', 'adjustment'] as const satisfies readonly MovementReason[];

/**
 * Stock levels of the given variants at the given locations (either list may be empty = all).
 * A bundle has no stock of its own: its rows are derived from its components at each location.
 */
export async function stockAt(ctx: Ctx, input: { variantIds?: string[]; locationIds?: string[] }): Promise<Level[]> {
  const variantIds = input.variantIds ?? [];
  const locationIds = input.locationIds ?? [];
  const bundles = variantIds.length ? await bundleComponents(ctx.db, variantIds) : new Map<string, Array<{ variantId: string; quantity: number }>>();
  const wanted = new Set(variantIds.filter((v) => !bundles.has(v)));
  for (const parts of bundles.values()) for (const p of parts) wanted.add(p.variantId);
  let query = q(ctx.db).selectFrom('stock_level').select(['variant_id', 'location_id', 'on_hand', 'reserved']).orderBy('variant_id').orderBy('location_id');
  if (variantIds.length) query = query.where('variant_id', 'in', [...wanted]);
  if (locationIds.length) query = query.where('location_id', 'in', locationIds);
  // Unfiltered, this is a browse of the first levels; filtered, every matching level counts.
  const rows = (await (variantIds.length || locationIds.length ? query : query.limit(1000)).execute()).map(toLevel);
  const byKey = new Map(rows.map((r) => [levelKey(r.variantId, r.locationId), r]));
  const out = rows.filter((r) => !variantIds.length || variantIds.includes(r.variantId));
  for (const [bundleId, parts] of bundles) {
    const locations = new Set(rows.filter((r) => r.variantId === parts[0]?.variantId).map((r) => r.locationId));
    for (const locationId of locations) {
      const available = bundleAvailability(parts.map((p) => ({ quantity: p.quantity, available: byKey.get(levelKey(p.variantId, locationId))?.available ?? 0 })));
      out.push({ variantId: bundleId, locationId, onHand: available, reserved: 0, available });
    }
  }
  return out;
}

export interface Adjustment {
  variantId: string;
  locationId: string;
  delta: number;
  reason: (typeof MANUAL_REASONS)[number];
  reference?: { type: string; id: string } | null;
  note?: string | null;
}

/** A receipt, return (restock) or correction: moves on-hand by `delta` and writes it in the ledger. */
export async function adjustStock(ctx: Ctx, input: Adjustment): Promise<Level> {
  if (!Number.isInteger(input.delta) || input.delta === 0) throw new AppError('validation_failed', 'delta is a whole number other than 0', { field: 'delta' });
  if (input.reason !== 'adjustment' && input.delta < 0) throw new AppError('validation_failed', `a ${input.reason} adds stock: delta must be positive`, { field: 'delta' });
  await assertVariants(ctx, [{ id: input.variantId, field: 'variantId' }]);
  await assertLocations(ctx, [{ id: input.locationId, field: 'locationId' }]);
  return inTx(ctx.db, async (tx) => {
    await refuseBundles(tx, [input.variantId], () => 'variantId');
    const level = await changeLevel(tx, {
      variantId: input.variantId,
      locationId: input.locationId,
      onHand: input.delta,
      needAvailable: Math.max(0, -input.delta),
      create: input.delta > 0,
      movement: { reason: input.reason, referenceType: input.reference?.type, referenceId: input.reference?.id, note: input.note, actorId: ctx.actor.id },
    });
    if (!level) {
      throw new AppError('insufficient_stock', `cannot remove ${-input.delta}: not that much is available (reserved stock stays)`, { field: 'delta' });
    }
    return level;
  });
}

/** Bundles hold no stock of their own: refused, naming the field of the first, after taking turns with their definition. */
async function refuseBundles(tx: Tx, variantIds: string[], field: (i: number) => string): Promise<void> {
  await bundleTurns(tx, variantIds, 'shared');
  const bundles = await bundleComponents(tx, variantIds);
  const i = variantIds.findIndex((id) => bundles.has(id));
  if (i >= 0) throw new AppError('bundle_has_no_stock', `variant ${variantIds[i]} is a bundle, stocked through its components`, { field: field(i) });
}

export interface CountLine {
  variantId: string;
  counted: number;
}

/** A stock count: each counted quantity replaces on-hand, the difference posted as a `count` movement. */
export async function countStock(ctx: Ctx, input: { locationId: string; lines: CountLine[] }) {
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (seen.has(l.variantId)) throw new AppError('validation_failed', `variant ${l.variantId} is counted twice`, { field: `lines.${i}.variantId` });
    seen.add(l.variantId);
  });
  await assertLocations(ctx, [{ id: input.locationId, field: 'locationId' }]);
  await assertVariants(ctx, input.lines.map((l, i) => ({ id: l.variantId, field: `lines.${i}.variantId` })));
  return inTx(ctx.db, async (tx) => {
    await refuseBundles(tx, input.lines.map((l) => l.variantId), (i) => `lines.${i}.variantId`);
    const id = newId('cnt');
    const locked = await lockLevels(tx, input.lines.map((l) => ({ variantId: l.variantId, locationId: input.locationId })));
    const lines = [];
    const sorted = input.lines.map((l, i) => ({ ...l, i })).sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
    for (const l of sorted) {
      const before = locked.get(levelKey(l.variantId, input.locationId));
      const expected = before?.onHand ?? 0;
      if (l.counted < (before?.reserved ?? 0)) {
        throw new AppError('count_below_reserved', `${before!.reserved} units of ${l.variantId} are reserved; settle those reservations before counting fewer`, { field: `lines.${l.i}.counted` });
      }
      const difference = l.counted - expected;
      if (difference !== 0) {
        await changeLevel(tx, { variantId: l.variantId, locationId: input.locationId, onHand: difference, create: difference > 0, movement: { reason: 'count', referenceType: 'stock_count', referenceId: id, actorId: ctx.actor.id } });
      }
      lines.push({ variantId: l.variantId, expected, counted: l.counted, difference });
    }
    await q(tx).insertInto('stock_count').values({ id, location_id: input.locationId, lines: JSON.stringify(lines), created_by: ctx.actor.id }).execute();
    await emit(tx, 'stock.counted', id, { id, locationId: input.locationId, lines });
    return { id, locationId: input.locationId, lines };
  });
}

export interface MovementView {
  id: string;
  variantId: string;
  locationId: string;
  delta: number;
  reason: MovementReason;
  reference: { type: string; id: string } | null;
  note: string | null;
  actorId: string | null;
  createdAt: string;
}

/** The ledger, newest first; `cursor` is the id of the last movement of the previous page. */
export async function listMovements(ctx: Ctx, f: { variantId?: string; locationId?: string; reason?: MovementReason; referenceId?: string; cursor?: string; limit: number }) {
  let query = q(ctx.db).selectFrom('stock_movement').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
  if (f.variantId) query = query.where('variant_id', '=', f.variantId);
  // A clerk reads the ledger of their own stores: its lines name orders, staff and notes.
  const stores = boundStores(ctx.actor);
  if (f.locationId) {
    requireStore(ctx.actor, f.locationId);
    query = query.where('location_id', '=', f.locationId);
  } else if (stores) query = query.where('location_id', 'in', stores.length ? stores : ['']);
  if (f.reason) query = query.where('reason', '=', f.reason);
  if (f.referenceId) query = query.where('reference_id', '=', f.referenceId);
  if (f.cursor) query = query.where('id', '<', f.cursor);
  const rows = await query.execute();
  const page = rows.slice(0, f.limit);
  const data: MovementView[] = page.map((r) => ({
    id: r.id,
    variantId: r.variant_id,
    locationId: r.location_id,
    delta: r.delta,
    reason: r.reason,
    reference: r.reference_type && r.reference_id ? { type: r.reference_type, id: r.reference_id } : null,
    note: r.note,
    actorId: r.actor_id,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return { data, nextCursor: rows.length > f.limit ? page[page.length - 1].id : null };
}
