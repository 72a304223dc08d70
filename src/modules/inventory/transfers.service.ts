import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { tables, inTx, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { InventoryTables, TransferStatus } from './inventory.tables.js';
import { changeLevel } from './level-change.js';
import { assertLocations, assertVariants } from './lookups.js';
import { bundleComponents } from './bundles.service.js';

const q = (db: Executor) => tables<InventoryTables>(db);

export interface Transfer {
  id: string;
  sourceLocationId: string;
  destinationLocationId: string;
  status: TransferStatus;
  note: string | null;
  lines: Array<{ variantId: string; quantity: number; receivedQuantity: number }>;
  createdAt: string;
  shippedAt: string | null;
  receivedAt: string | null;
  cancelledAt: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

async function view(db: Executor, row: Selectable<InventoryTables['stock_transfer']>): Promise<Transfer> {
  const lines = await q(db).selectFrom('stock_transfer_line').selectAll().where('transfer_id', '=', row.id).orderBy('variant_id').execute();
  return {
    id: row.id,
    sourceLocationId: row.source_location_id,
    destinationLocationId: row.destination_location_id,
    status: row.status,
    note: row.note,
    lines: lines.map((l) => ({ variantId: l.variant_id, quantity: l.quantity, receivedQuantity: l.received_quantity })),
    createdAt: new Date(row.created_at).toISOString(),
    shippedAt: iso(row.shipped_at),
    receivedAt: iso(row.received_at),
    cancelledAt: iso(row.cancelled_at),
  };
}

export async function getTransfer(ctx: Ctx, id: string): Promise<Transfer> {
  const row = await q(ctx.db).selectFrom('stock_transfer').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('transfer', id, 'id');
  return view(ctx.db, row);
}

export interface NewTransfer {
  sourceLocationId: string;
  destinationLocationId: string;
  lines: Array<{ variantId: string; quantity: number }>;
  note?: string | null;
}

/** A draft transfer; nothing moves until it ships. */
export async function createTransfer(ctx: Ctx, input: NewTransfer): Promise<Transfer> {
  if (input.sourceLocationId === input.destinationLocationId) {
    throw new AppError('validation_failed', 'a transfer goes to another location', { field: 'destinationLocationId' });
  }
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (seen.has(l.variantId)) throw new AppError('validation_failed', `variant ${l.variantId} is listed twice`, { field: `lines.${i}.variantId` });
    seen.add(l.variantId);
  });
  await assertLocations(ctx, [{ id: input.sourceLocationId, field: 'sourceLocationId' }, { id: input.destinationLocationId, field: 'destinationLocationId' }]);
  await assertVariants(ctx, input.lines.map((l, i) => ({ id: l.variantId, field: `lines.${i}.variantId` })));
  const bundles = await bundleComponents(ctx.db, input.lines.map((l) => l.variantId));
  if (bundles.size) {
    const i = input.lines.findIndex((l) => bundles.has(l.variantId));
    throw new AppError('bundle_has_no_stock', 'a bundle is moved through its components', { field: `lines.${i}.variantId` });
  }
  return inTx(ctx.db, async (tx) => {
    const id = newId('trf');
    const row = await q(tx)
      .insertInto('stock_transfer')
      .values({ id, source_location_id: input.sourceLocationId, destination_location_id: input.destinationLocationId, note: input.note ?? null, created_by: ctx.actor.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await q(tx).insertInto('stock_transfer_line').values(input.lines.map((l) => ({ transfer_id: id, variant_id: l.variantId, quantity: l.quantity }))).execute();
    await emit(tx, 'transfer.created', id, { id, sourceLocationId: input.sourceLocationId, destinationLocationId: input.destinationLocationId, lines: input.lines });
    return view(tx, row);
  });
}

/** Moves the transfer from one status to the next if it is still in `from`; else explains why not. */
async function step(tx: Executor, id: string, from: TransferStatus[], to: TransferStatus, stamp: 'shipped_at' | 'received_at' | 'cancelled_at' | null) {
  const row = await q(tx)
    .updateTable('stock_transfer')
    .set({ status: to, ...(stamp ? { [stamp]: sql<Date>`now()` } : {}) })
    .where('id', '=', id)
    .where('status', 'in', from)
    .returningAll()
    .executeTakeFirst();
  if (row) return row;
  const current = await q(tx).selectFrom('stock_transfer').select('status').where('id', '=', id).executeTakeFirst();
  if (!current) throw notFound('transfer', id, 'id');
  throw new AppError('invalid_state', `transfer ${id} is ${current.status}`, { id, status: current.status });
}

/** Shipping takes the units out of the source (transfer_out); they are in transit until received. */
export async function shipTransfer(ctx: Ctx, id: string): Promise<Transfer> {
  return inTx(ctx.db, async (tx) => {
    const row = await step(tx, id, ['draft'], 'in_transit', 'shipped_at');
    const t = await view(tx, row);
    for (const [i, l] of t.lines.entries()) {
      const level = await changeLevel(tx, {
        variantId: l.variantId,
        locationId: t.sourceLocationId,
        onHand: -l.quantity,
        needAvailable: l.quantity,
        movement: { reason: 'transfer_out', referenceType: 'transfer', referenceId: id, actorId: ctx.actor.id },
      });
      if (!level) throw new AppError('insufficient_stock', `not enough ${l.variantId} available at ${t.sourceLocationId} to ship`, { field: `lines.${i}.quantity`, variantId: l.variantId });
    }
    await emit(tx, 'transfer.shipped', id, { id, sourceLocationId: t.sourceLocationId, lines: t.lines });
    return { ...t, status: 'in_transit' };
  });
}

/**
 * Receiving adds units at the destination (transfer_in). Without lines, everything still in
 * transit arrives; with lines, only those quantities (partial receipt), and the transfer stays in
 * transit until every unit has arrived.
 */
export async function receiveTransfer(ctx: Ctx, id: string, lines?: Array<{ variantId: string; quantity: number }>): Promise<Transfer> {
  return inTx(ctx.db, async (tx) => {
    const locked = await q(tx).selectFrom('stock_transfer').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!locked) throw notFound('transfer', id, 'id');
    if (locked.status !== 'in_transit') throw new AppError('invalid_state', `transfer ${id} is ${locked.status}`, { id, status: locked.status });
    const t = await view(tx, locked);
    const outstanding = new Map(t.lines.map((l) => [l.variantId, l.quantity - l.receivedQuantity]));
    const arriving = lines ?? t.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity - l.receivedQuantity })).filter((l) => l.quantity > 0);
    arriving.forEach((l, i) => {
      const left = outstanding.get(l.variantId);
      if (left === undefined) throw new AppError('validation_failed', `variant ${l.variantId} is not on this transfer`, { field: `lines.${i}.variantId` });
      if (l.quantity > left) throw new AppError('validation_failed', `only ${left} of ${l.variantId} are still in transit`, { field: `lines.${i}.quantity` });
      outstanding.set(l.variantId, left - l.quantity);
    });
    for (const l of [...arriving].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
      await q(tx).updateTable('stock_transfer_line').set((eb) => ({ received_quantity: eb('received_quantity', '+', l.quantity) })).where('transfer_id', '=', id).where('variant_id', '=', l.variantId).execute();
      await changeLevel(tx, {
        variantId: l.variantId,
        locationId: t.destinationLocationId,
        onHand: l.quantity,
        create: true,
        movement: { reason: 'transfer_in', referenceType: 'transfer', referenceId: id, actorId: ctx.actor.id },
      });
    }
    const complete = [...outstanding.values()].every((n) => n === 0);
    const row = complete ? await step(tx, id, ['in_transit'], 'received', 'received_at') : locked;
    await emit(tx, complete ? 'transfer.received' : 'transfer.partially_received', id, { id, destinationLocationId: t.destinationLocationId, lines: arriving });
    return view(tx, row);
  });
}

/** Only a draft can be cancelled: shipped goods are on their way and must be received. */
export async function cancelTransfer(ctx: Ctx, id: string): Promise<Transfer> {
  return inTx(ctx.db, async (tx) => {
    const row = await step(tx, id, ['draft'], 'cancelled', 'cancelled_at');
    await emit(tx, 'transfer.cancelled', id, { id });
    return view(tx, row);
  });
}
