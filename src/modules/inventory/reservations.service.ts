import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { PREPARED, tables, inTx, type Executor, type AnyDb } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { InventoryTables, ReservationStatus } from './inventory.tables.js';
import { byLockOrder, capGuard, changeLevel, levelKey, stockChangedEvent, withinCap } from './level-change.js';
import { bundleComponents } from './bundles.service.js';
import { expandBundles } from './availability.js';
import { reservationFailure } from './reservation-failure.js';
import { reserveCoalesced } from './reservation-batch.js';

const q = (db: Executor) => tables<InventoryTables>(db);

/** How long a reservation holds stock when the caller does not say. */
export const DEFAULT_HOLD_SECONDS = 15 * 60;

export interface StockLine {
  variantId: string;
  locationId: string;
  quantity: number;
}

export interface ReservationLine extends StockLine {
  /** The bundle this component line was reserved for, if any. */
  bundleVariantId: string | null;
}

export interface Reservation {
  id: string;
  status: ReservationStatus;
  channelId: string | null;
  reference: { type: string; id: string } | null;
  expiresAt: string | null;
  createdAt: string;
  closedAt: string | null;
  lines: ReservationLine[];
}

export interface ReserveInput {
  /** The id to give the reservation, for a caller that writes it elsewhere first (same transaction). */
  id?: string;
  lines: StockLine[];
  /** null holds the stock until the reservation is confirmed or released. */
  expiresInSeconds?: number | null;
  channelId?: string | null;
  reference?: { type: string; id: string } | null;
}

function validate(input: ReserveInput): void {
  if (!input.lines.length) throw new AppError('validation_failed', 'a reservation has at least one line', { field: 'lines' });
  input.lines.forEach((l, i) => {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw new AppError('validation_failed', 'quantity is a whole number above 0', { field: `lines.${i}.quantity` });
  });
  const e = input.expiresInSeconds;
  if (e !== undefined && e !== null && (!Number.isInteger(e) || e <= 0)) throw new AppError('validation_failed', 'expiresInSeconds is a whole number above 0, or null', { field: 'expiresInSeconds' });
}

/**
 * Reserves every line or none. A single plain line is one statement (the hot path): the
 * conditional update of the level and the inserts of the reservation, its line and the events all
 * hang off the update's RETURNING, so a failed condition writes nothing. Only when it finds no row
 * does it look up why (bundle, unknown variant or location, or too little stock).
 */
export async function reserveStock(ctx: Ctx, input: ReserveInput): Promise<Reservation> {
  validate(input);
  const expires = input.expiresInSeconds === undefined ? DEFAULT_HOLD_SECONDS : input.expiresInSeconds;
  if (input.lines.length === 1) {
    const made = ctx.db.isTransaction
      ? await reserveSingle(ctx.db, input.lines[0], expires, input)
      : await reserveCoalesced(ctx.db as AnyDb, input.lines[0], expires, input, reserveSingle);
    if (made) return made;
    const components = await bundleComponents(ctx.db, [input.lines[0].variantId]);
    if (!components.size) throw await reservationFailure(ctx, input.lines[0], 0, input.channelId ?? null);
    return reservePlanned(ctx, expandBundles([{ ...input.lines[0], index: 0 }], components), { ...input, expiresInSeconds: expires });
  }
  // Lines are tried as they are: the statement takes nothing when one of them is a bundle, and
  // only then are the bundles read and expanded into their components.
  const opts = { ...input, expiresInSeconds: expires };
  const tried = await attemptReservation(ctx, input.lines.map((l, index) => ({ ...l, index, bundleVariantId: null })), opts);
  if (tried !== BUNDLED) return settled(ctx, tried, opts.channelId ?? null);
  const components = await bundleComponents(ctx.db, input.lines.map((l) => l.variantId));
  return reservePlanned(ctx, expandBundles(input.lines.map((l, index) => ({ ...l, index })), components), opts);
}

/**
 * A standalone single-line reservation commits without waiting for the WAL flush. Every reservation
 * of one SKU queues on its level's row lock until the previous one commits, so with a synchronous
 * commit a hot SKU reserves at most one per disk flush (~150/s measured on a cloud disk); this way
 * the lock is held only while the statement runs. What it risks: a server crash can forget the last
 * fraction of a second of reservations (all-or-nothing: the hold, its line and events vanish
 * together, so nothing oversells; the stock just becomes available again). Confirmation (the sale)
 * and every other change commit synchronously, and so does a reservation inside a caller's
 * transaction. set_config(…, true) lasts until the end of this statement's own transaction.
 */
const asyncCommit = sql`, (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;

async function reserveSingle(db: Executor, line: StockLine, expires: number | null, input: ReserveInput): Promise<Reservation | undefined> {
  const id = input.id ?? newId('res');
  const channelId = input.channelId ?? null;
  const ref = input.reference ?? null;
  const created = JSON.stringify({ id, channelId, reference: ref, lines: [{ ...line, bundleVariantId: null }], expiresInSeconds: expires });
  const res = await sql<{ created_at: Date; expires_at: Date | null }>`${PREPARED}
    WITH lvl AS (
      UPDATE stock_level SET reserved = reserved + ${line.quantity}::int, updated_at = now()
      WHERE variant_id = ${line.variantId} AND location_id = ${line.locationId} AND on_hand - reserved >= ${line.quantity}::int${capGuard(channelId, line.variantId, line.locationId, line.quantity)}
      RETURNING variant_id, location_id, on_hand, reserved
    ), res AS (
      INSERT INTO reservation (id, channel_id, reference_type, reference_id, expires_at)
      SELECT ${id}, ${channelId}, ${ref?.type ?? null}, ${ref?.id ?? null}, now() + make_interval(secs => ${expires}::int) FROM lvl
      RETURNING created_at, expires_at
    ), line AS (
      INSERT INTO reservation_line (reservation_id, line_no, variant_id, location_id, quantity)
      SELECT ${id}, 1, variant_id, location_id, ${line.quantity}::int FROM lvl
    ), ev AS (${stockChangedEvent()}
    ), created AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload) SELECT ${newId('evt')}, 'reservation.created', ${id}, ${created}::jsonb FROM lvl
    )
    SELECT created_at, expires_at${db.isTransaction ? sql`` : asyncCommit} FROM res`.execute(db);
  const row = res.rows[0];
  if (!row) return undefined;
  return {
    id,
    status: 'active',
    channelId,
    reference: ref,
    expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    closedAt: null,
    lines: [{ ...line, bundleVariantId: null }],
  };
}

export type PlannedLine = ReservationLine & { index: number };

/** What one reservation statement did: reserved, refused at a line, or left bundles to expand. */
const BUNDLED = Symbol('bundled');
type Attempt = { made: Reservation } | { failedAt: PlannedLine } | typeof BUNDLED;

async function settled(ctx: Ctx, attempt: Exclude<Attempt, typeof BUNDLED>, channelId: string | null): Promise<Reservation> {
  if ('made' in attempt) return attempt.made;
  throw await reservationFailure(ctx, attempt.failedAt, attempt.failedAt.index, channelId);
}

/**
 * Reserves lines already expanded to stocked variants, all or nothing, in one statement: it locks
 * their levels in (variant, location) order — the order every writer of several levels uses, so two
 * reservations over the same levels cannot deadlock — and only when every level has the units (and,
 * for an online channel, each line is within the location's cap) does it take them and write the
 * reservation, its lines and its events. Otherwise it writes nothing, so a caller's transaction can
 * go on (allocation plans again), and the first level at fault in lock order is named.
 * `index` is the caller's line a planned line came from, for the field of an error.
 */
export async function reservePlanned(ctx: Ctx, lines: PlannedLine[], input: Omit<ReserveInput, 'lines'>): Promise<Reservation> {
  const attempt = await attemptReservation(ctx, lines, input);
  if (attempt === BUNDLED) throw new Error('a bundle among lines already expanded to their components');
  return settled(ctx, attempt, input.channelId ?? null);
}

/** The statement of reservePlanned; it also takes nothing, and says so, when a line is a bundle. */
async function attemptReservation(ctx: Ctx, lines: PlannedLine[], input: Omit<ReserveInput, 'lines'>): Promise<Attempt> {
  const expires = input.expiresInSeconds === undefined ? DEFAULT_HOLD_SECONDS : input.expiresInSeconds;
  const channelId = input.channelId ?? null;
  const reference = input.reference ?? null;
  const id = input.id ?? newId('res');
  const view: ReservationLine[] = lines.map((l) => ({ variantId: l.variantId, locationId: l.locationId, quantity: l.quantity, bundleVariantId: l.bundleVariantId }));
  const levels = new Map<string, { variant_id: string; location_id: string; quantity: number; largest: number; evt: string }>();
  for (const l of lines) {
    const key = levelKey(l.variantId, l.locationId);
    const level = levels.get(key) ?? { variant_id: l.variantId, location_id: l.locationId, quantity: 0, largest: 0, evt: newId('evt') };
    level.quantity += l.quantity;
    level.largest = Math.max(level.largest, l.quantity);
    levels.set(key, level);
  }
  const capOk = channelId ? withinCap(channelId, sql.ref('n.variant_id'), sql.ref('n.location_id'), sql.ref('n.largest')) : sql`true`;
  const created = JSON.stringify({ id, channelId, reference, lines: view, expiresInSeconds: expires });
  const { rows } = await sql<{ created_at: Date | null; expires_at: Date | null; bundled: boolean; failed: Array<[string, string]> | null }>`${PREPARED}
    WITH need AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify([...levels.values()])}::jsonb) AS n(variant_id text, location_id text, quantity int, largest int, evt text)
    ), bundled AS MATERIALIZED (
      SELECT EXISTS (SELECT 1 FROM bundle_component b JOIN need n ON b.bundle_variant_id = n.variant_id) AS yes
    ), locked AS MATERIALIZED (
      SELECT s.variant_id, s.location_id, s.on_hand - s.reserved AS available
      FROM stock_level s JOIN need n USING (variant_id, location_id)
      WHERE NOT (SELECT yes FROM bundled)
      ORDER BY s.variant_id, s.location_id FOR UPDATE OF s
    ), judged AS MATERIALIZED (
      SELECT n.*, COALESCE(l.available >= n.quantity AND ${capOk}, false) AS ok
      FROM need n LEFT JOIN locked l USING (variant_id, location_id)
    ), go AS (
      SELECT bool_and(ok) AS ok FROM judged
    ), lvl AS (
      UPDATE stock_level s SET reserved = s.reserved + j.quantity, updated_at = now()
      FROM judged j, go WHERE go.ok AND s.variant_id = j.variant_id AND s.location_id = j.location_id
      RETURNING s.variant_id, s.location_id, s.on_hand, s.reserved, j.evt
    ), res AS (
      INSERT INTO reservation (id, channel_id, reference_type, reference_id, expires_at)
      SELECT ${id}, ${channelId}, ${reference?.type ?? null}, ${reference?.id ?? null}, now() + make_interval(secs => ${expires}::int) FROM go WHERE go.ok
      RETURNING created_at, expires_at
    ), line AS (
      INSERT INTO reservation_line (reservation_id, line_no, variant_id, location_id, quantity, bundle_variant_id)
      SELECT ${id}, l.line_no, l.variant_id, l.location_id, l.quantity, l.bundle_variant_id
      FROM jsonb_to_recordset(${JSON.stringify(view.map((l, n) => ({ line_no: n + 1, variant_id: l.variantId, location_id: l.locationId, quantity: l.quantity, bundle_variant_id: l.bundleVariantId })))}::jsonb)
        AS l(line_no int, variant_id text, location_id text, quantity int, bundle_variant_id text), go
      WHERE go.ok
    ), ev AS (${stockChangedEvent(sql`evt`)}
    ), made AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload) SELECT ${newId('evt')}, 'reservation.created', ${id}, ${created}::jsonb FROM go WHERE go.ok
    )
    SELECT (SELECT created_at FROM res) AS created_at, (SELECT expires_at FROM res) AS expires_at, (SELECT yes FROM bundled) AS bundled,
      (SELECT json_agg(json_build_array(variant_id, location_id) ORDER BY variant_id, location_id) FROM judged WHERE NOT ok) AS failed`.execute(ctx.db);
  const row = rows[0];
  if (row.bundled) return BUNDLED;
  if (!row.created_at) {
    const [variantId, locationId] = row.failed![0];
    return { failedAt: byLockOrder(lines).find((l) => l.variantId === variantId && l.locationId === locationId)! };
  }
  return { made: {
    id,
    status: 'active',
    channelId,
    reference,
    expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    closedAt: null,
    lines: view,
  } };
}

type ReservationRow = Selectable<InventoryTables['reservation']>;

async function load(db: Executor, row: ReservationRow): Promise<Reservation> {
  const lines = await q(db).selectFrom('reservation_line').selectAll().where('reservation_id', '=', row.id).orderBy('line_no').execute();
  return {
    id: row.id,
    status: row.status,
    channelId: row.channel_id,
    reference: row.reference_type && row.reference_id ? { type: row.reference_type, id: row.reference_id } : null,
    expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
    lines: lines.map((l) => ({ variantId: l.variant_id, locationId: l.location_id, quantity: l.quantity, bundleVariantId: l.bundle_variant_id })),
  };
}

export async function getReservation(ctx: Ctx, id: string): Promise<Reservation> {
  const row = await q(ctx.db).selectFrom('reservation').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('reservation', id, 'id');
  return load(ctx.db, row);
}

/** Moves the reservation out of `active` if it still is; returns the row when this call did it. */
async function close(tx: Executor, id: string, status: ReservationStatus, unexpiredOnly: boolean): Promise<ReservationRow | undefined> {
  let query = q(tx).updateTable('reservation').set({ status, closed_at: sql<Date>`now()` }).where('id', '=', id).where('status', '=', 'active');
  if (unexpiredOnly) query = query.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]));
  return query.returningAll().executeTakeFirst();
}

/** The sale: reserved units leave on-hand as `sale` movements. Confirming twice returns the same result. */
export async function confirmReservation(ctx: Ctx, id: string): Promise<Reservation> {
  return inTx(ctx.db, async (tx) => {
    const row = await close(tx, id, 'confirmed', true);
    if (!row) {
      const current = await getReservation({ ...ctx, db: tx }, id);
      if (current.status === 'confirmed') return current;
      throw new AppError('reservation_expired', `reservation ${id} is ${current.status === 'active' ? 'past its expiry' : current.status}; reserve again`, { id, status: current.status });
    }
    const reservation = await load(tx, row);
    const reference = reservation.reference ?? { type: 'reservation', id };
    for (const l of byLockOrder(reservation.lines)) {
      await changeLevel(tx, {
        variantId: l.variantId,
        locationId: l.locationId,
        onHand: -l.quantity,
        reserved: -l.quantity,
        movement: { reason: 'sale', referenceType: reference.type, referenceId: reference.id, actorId: ctx.actor.id },
      });
    }
    await emit(tx, 'reservation.confirmed', id, { id, channelId: reservation.channelId, reference: reservation.reference, lines: reservation.lines });
    return reservation;
  });
}

/** Gives the stock back. Releasing a released or expired reservation returns it unchanged. */
export async function releaseReservation(ctx: Ctx, id: string): Promise<Reservation> {
  return inTx(ctx.db, async (tx) => {
    const row = await close(tx, id, 'released', false);
    if (!row) {
      const current = await getReservation({ ...ctx, db: tx }, id);
      if (current.status === 'confirmed') throw new AppError('invalid_state', `reservation ${id} is confirmed; return the goods instead`, { id, status: current.status });
      return current;
    }
    const reservation = await load(tx, row);
    await giveBack(tx, reservation.lines);
    await emit(tx, 'reservation.released', id, { id, lines: reservation.lines });
    return reservation;
  });
}

/** Returns reserved units, one update per level however many lines share it. */
async function giveBack(tx: Executor, lines: StockLine[]): Promise<void> {
  const perLevel = new Map<string, StockLine>();
  for (const l of lines) {
    const key = levelKey(l.variantId, l.locationId);
    const seen = perLevel.get(key);
    perLevel.set(key, seen ? { ...seen, quantity: seen.quantity + l.quantity } : { ...l });
  }
  for (const l of byLockOrder([...perLevel.values()])) await changeLevel(tx, { variantId: l.variantId, locationId: l.locationId, reserved: -l.quantity });
}

/**
 * The expiry job: claims due reservations with SKIP LOCKED (replicas share the work, and a
 * reservation being confirmed right now is left to that confirmation) and gives their stock back.
 */
export async function expireReservations(db: AnyDb, batch = 100): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const due = await sql<{ id: string }>`
      UPDATE reservation SET status = 'expired', closed_at = now()
      WHERE id IN (SELECT id FROM reservation WHERE status = 'active' AND expires_at <= now() ORDER BY expires_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id`.execute(tx);
    if (!due.rows.length) return 0;
    const ids = due.rows.map((r) => r.id);
    const lines = await q(tx).selectFrom('reservation_line').select(['reservation_id', 'variant_id', 'location_id', 'quantity']).where('reservation_id', 'in', ids).execute();
    await giveBack(tx, lines.map((l) => ({ variantId: l.variant_id, locationId: l.location_id, quantity: l.quantity })));
    for (const id of ids) {
      await emit(tx, 'reservation.expired', id, { id, lines: lines.filter((l) => l.reservation_id === id).map((l) => ({ variantId: l.variant_id, locationId: l.location_id, quantity: l.quantity })) });
    }
    return ids.length;
  });
}
