import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import type { MovementReason } from './inventory.tables.js';

export interface LevelRow {
  variant_id: string;
  location_id: string;
  on_hand: number;
  reserved: number;
}

export interface Level {
  variantId: string;
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
}

export const toLevel = (r: LevelRow): Level => ({
  variantId: r.variant_id,
  locationId: r.location_id,
  onHand: Number(r.on_hand),
  reserved: Number(r.reserved),
  available: Number(r.on_hand) - Number(r.reserved),
});

/**
 * The `stock.changed` outbox rows for the levels a CTE named `lvl` returned, for a statement that
 * changes them: one level gets a fresh event id; several need an id per row, from a column of `lvl`.
 */
export function stockChangedEvent(idColumn?: RawBuilder<string>): RawBuilder<unknown> {
  return sql`INSERT INTO outbox_event (id, type, aggregate_id, payload)
    SELECT ${idColumn ?? newId('evt')}, 'stock.changed', variant_id,
      jsonb_build_object('variantId', variant_id, 'locationId', location_id, 'onHand', on_hand, 'reserved', reserved, 'available', on_hand - reserved)
    FROM lvl`;
}

/**
 * Online channels may take at most the location's cap (variant row over the '' row) in one
 * reservation line; a channel whose policy says 'pos' is not capped. Empty without a channel.
 */
export function capGuard(channelId: string | null | undefined, variantId: string, locationId: string, quantity: number): RawBuilder<unknown> {
  if (!channelId) return sql``;
  return sql` AND ${withinCap(channelId, sql`${variantId}`, sql`${locationId}`, sql`${quantity}::int`)}`;
}

/** The online-cap rule over SQL values (parameters or columns): `quantity` within the cap, or a POS channel. */
export function withinCap(channelId: string, variantId: RawBuilder<unknown>, locationId: RawBuilder<unknown>, quantity: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(${quantity} <= COALESCE((SELECT c.cap FROM online_cap c WHERE c.location_id = ${locationId} AND c.variant_id IN (${variantId}, '') ORDER BY c.variant_id DESC LIMIT 1), ${quantity})
    OR EXISTS (SELECT 1 FROM channel_stock_policy p WHERE p.channel_id = ${channelId} AND p.kind = 'pos'))`;
}

export interface Movement {
  reason: MovementReason;
  referenceType?: string | null;
  referenceId?: string | null;
  note?: string | null;
  actorId?: string | null;
}

export interface LevelChange {
  variantId: string;
  locationId: string;
  onHand?: number;
  reserved?: number;
  /** Refuse the change unless this many units are available (on hand − reserved) first. */
  needAvailable?: number;
  /** A channel reserving: unless it is a POS, the location's online cap limits what it may take. */
  capFor?: string | null;
  /** Create the level when it does not exist yet (stock arriving at a new place; only for additions, as the CHECKs apply to the row proposed for insertion). */
  create?: boolean;
  /** The ledger row for a change of on-hand; required when `onHand` is not 0. */
  movement?: Movement;
}

/**
 * Moves one stock level in one statement: the conditional update, its ledger movement and its
 * `stock.changed` event. Returns the new level, or undefined when the level does not exist or the
 * condition failed (nothing was written then).
 */
export async function changeLevel(db: Executor, c: LevelChange): Promise<Level | undefined> {
  const dOnHand = c.onHand ?? 0;
  const dReserved = c.reserved ?? 0;
  const need = c.needAvailable ?? 0;
  const write = c.create
    ? sql`INSERT INTO stock_level AS s (variant_id, location_id, on_hand, reserved) VALUES (${c.variantId}, ${c.locationId}, ${dOnHand}::int, ${dReserved}::int)
        ON CONFLICT (variant_id, location_id) DO UPDATE
        SET on_hand = s.on_hand + ${dOnHand}::int, reserved = s.reserved + ${dReserved}::int, updated_at = now()
        WHERE s.on_hand - s.reserved >= ${need}::int
        RETURNING variant_id, location_id, on_hand, reserved`
    : sql`UPDATE stock_level SET on_hand = on_hand + ${dOnHand}::int, reserved = reserved + ${dReserved}::int, updated_at = now()
        WHERE variant_id = ${c.variantId} AND location_id = ${c.locationId} AND on_hand - reserved >= ${need}::int${capGuard(c.capFor, c.variantId, c.locationId, need)}
        RETURNING variant_id, location_id, on_hand, reserved`;
  const m = c.movement;
  const movement = m && dOnHand !== 0
    ? sql`, mv AS (INSERT INTO stock_movement (id, variant_id, location_id, delta, reason, reference_type, reference_id, note, actor_id)
        SELECT ${newId('mov')}, variant_id, location_id, ${dOnHand}::int, ${m.reason}, ${m.referenceType ?? null}, ${m.referenceId ?? null}, ${m.note ?? null}, ${m.actorId ?? null} FROM lvl)`
    : sql``;
  const res = await sql<LevelRow>`WITH lvl AS (${write})${movement}, ev AS (${stockChangedEvent()}) SELECT * FROM lvl`.execute(db);
  return res.rows[0] ? toLevel(res.rows[0]) : undefined;
}

/** Locks levels in (variant, location) order, the one order every writer of several levels uses. */
export async function lockLevels(db: Executor, keys: Array<{ variantId: string; locationId: string }>): Promise<Map<string, Level>> {
  const out = new Map<string, Level>();
  if (!keys.length) return out;
  const res = await sql<LevelRow>`SELECT variant_id, location_id, on_hand, reserved FROM stock_level
    WHERE (variant_id, location_id) IN (${sql.join(keys.map((k) => sql`(${k.variantId}, ${k.locationId})`))})
    ORDER BY variant_id, location_id FOR UPDATE`.execute(db);
  for (const r of res.rows) out.set(levelKey(r.variant_id, r.location_id), toLevel(r));
  return out;
}

export const levelKey = (variantId: string, locationId: string) => `${variantId}\u0000${locationId}`;

/** Sorts lines into lock order: variant id, then location id. */
export function byLockOrder<L extends { variantId: string; locationId: string }>(lines: L[]): L[] {
  return [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0));
}
