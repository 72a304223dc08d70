import { sql } from 'kysely';
import { PREPARED, type AnyDb } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import type { Reservation, ReserveInput, StockLine } from './reservations.service.js';
import { stockChangedEvent } from './level-change.js';

/**
 * Standalone single-line reservations of one stock level, coalesced. Every reservation of a hot SKU
 * queues on its level's row lock, so a flash sale runs one statement at a time per SKU however
 * many connections there are. Instead, while one statement for a level is in flight, the requests
 * for that level that arrive meanwhile wait here and then go together as one statement: it locks
 * the level, grants requests in arrival order while the stock (and the channel's online cap) lasts,
 * and writes each granted reservation, its line and its event. A lone request runs at once as a
 * single reservation, as do requests a batch could not grant (so their refusal, or a bundle, is
 * handled as before). Replicas each batch their own requests; their statements still queue on
 * the row lock, which is what keeps them correct.
 */

type Single = (db: AnyDb, line: StockLine, expires: number | null, input: ReserveInput) => Promise<Reservation | undefined>;

interface Pending {
  line: StockLine;
  input: ReserveInput;
  resolve(r: Reservation | undefined): void;
  reject(err: unknown): void;
}

interface Queue {
  running: boolean;
  waiting: Pending[];
}

/** Enough to empty a burst; more would only make one statement long. */
const MAX_BATCH = 200;
const queues = new WeakMap<AnyDb, Map<string, Queue>>();

export function reserveCoalesced(db: AnyDb, line: StockLine, expires: number | null, input: ReserveInput, single: Single): Promise<Reservation | undefined> {
  const channelId = input.channelId ?? null;
  const key = `${line.variantId}\u0000${line.locationId}\u0000${channelId ?? ''}\u0000${expires ?? ''}`;
  let byKey = queues.get(db);
  if (!byKey) queues.set(db, (byKey = new Map()));
  let queue = byKey.get(key);
  if (!queue) byKey.set(key, (queue = { running: false, waiting: [] }));
  const q = queue;
  return new Promise((resolve, reject) => {
    q.waiting.push({ line, input, resolve, reject });
    if (!q.running) void drain(db, byKey, key, q, { line, channelId, expires }, single);
  });
}

async function drain(db: AnyDb, byKey: Map<string, Queue>, key: string, q: Queue, level: { line: StockLine; channelId: string | null; expires: number | null }, single: Single): Promise<void> {
  q.running = true;
  while (q.waiting.length) {
    const batch = q.waiting.splice(0, MAX_BATCH);
    const alone = (p: Pending) => single(db, p.line, level.expires, p.input);
    try {
      if (batch.length === 1) {
        batch[0].resolve(await alone(batch[0]));
        continue;
      }
      const granted = await reserveMany(db, level.line, level.channelId, level.expires, batch);
      // The refused ones try alone, outside the queue, and so learn why (or find stock freed meanwhile).
      batch.forEach((p, i) => (granted[i] ? p.resolve(granted[i]) : alone(p).then(p.resolve, p.reject)));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
  q.running = false;
  byKey.delete(key);
}

async function reserveMany(db: AnyDb, level: StockLine, channelId: string | null, expires: number | null, batch: Pending[]): Promise<Array<Reservation | undefined>> {
  const reqs = batch.map((p, n) => {
    const id = newId('res');
    const reference = p.input.reference ?? null;
    const line = { ...p.line, bundleVariantId: null };
    return { n, id, qty: p.line.quantity, ref_type: reference?.type ?? null, ref_id: reference?.id ?? null, evt: newId('evt'), created: { id, channelId, reference, lines: [line], expiresInSeconds: expires } };
  });
  const res = await sql<{ id: string; created_at: Date; expires_at: Date | null }>`${PREPARED}
    WITH req AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(reqs)}::jsonb) AS r(n int, id text, qty int, ref_type text, ref_id text, evt text, created jsonb)
    ), cur AS (
      SELECT on_hand - reserved AS available FROM stock_level WHERE variant_id = ${level.variantId} AND location_id = ${level.locationId} FOR UPDATE
    ), cap AS (
      SELECT (SELECT c.cap FROM online_cap c WHERE c.location_id = ${level.locationId} AND c.variant_id IN (${level.variantId}, '') ORDER BY c.variant_id DESC LIMIT 1) AS cap,
             ${channelId}::text IS NULL OR EXISTS (SELECT 1 FROM channel_stock_policy p WHERE p.channel_id = ${channelId} AND p.kind = 'pos') AS uncapped
    ), ok AS (
      SELECT x.* FROM (
        SELECT r.*, sum(r.qty) OVER (ORDER BY r.n) AS upto FROM req r, cap WHERE cap.uncapped OR r.qty <= COALESCE(cap.cap, r.qty)
      ) x, cur WHERE x.upto <= cur.available
    ), lvl AS (
      UPDATE stock_level SET reserved = reserved + (SELECT sum(qty) FROM ok)::int, change_seq = nextval('stock_change_seq'), updated_at = now()
      WHERE variant_id = ${level.variantId} AND location_id = ${level.locationId} AND EXISTS (SELECT 1 FROM ok)
        AND on_hand - reserved >= (SELECT sum(qty) FROM ok)
      RETURNING variant_id, location_id, on_hand, reserved
    ), res AS (
      INSERT INTO reservation (id, channel_id, reference_type, reference_id, expires_at)
      SELECT ok.id, ${channelId}, ok.ref_type, ok.ref_id, now() + make_interval(secs => ${expires}::int) FROM ok, lvl
      RETURNING id, created_at, expires_at
    ), line AS (
      INSERT INTO reservation_line (reservation_id, line_no, variant_id, location_id, quantity)
      SELECT ok.id, 1, lvl.variant_id, lvl.location_id, ok.qty FROM ok, lvl
    ), ev AS (${stockChangedEvent()}
    ), created AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload) SELECT ok.evt, 'reservation.created', ok.id, ok.created FROM ok, lvl
    )
    SELECT id, created_at, expires_at, (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit FROM res`.execute(db);
  const made = new Map(res.rows.map((r) => [r.id, r]));
  return reqs.map((r, i) => {
    const row = made.get(r.id);
    if (!row) return undefined;
    return {
      id: r.id,
      status: 'active' as const,
      channelId,
      reference: batch[i].input.reference ?? null,
      expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
      createdAt: new Date(row.created_at).toISOString(),
      closedAt: null,
      lines: [{ ...batch[i].line, bundleVariantId: null }],
    };
  });
}
