import { sql } from 'kysely';
import { PREPARED, type AnyDb } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import type { Reservation, ReserveInput, StockLine } from './reservations.service.js';
import { levelKey, stockChangedEvent } from './level-change.js';
import { insufficientStock } from './reservation-failure.js';

/**
 * Standalone single-line reservations, coalesced. Each reservation used to be its own statement:
 * a hot SKU ran one at a time on its level's row lock, and every reservation paid a round trip, a
 * statement and a commit. Instead, while one statement is in flight, the reservations that arrive
 * meanwhile wait here and then go together as one statement: it locks their levels in
 * (variant, location) order — the order every writer of several levels uses — grants each level's
 * requests in arrival order while its stock (and the channel's online cap) lasts, and writes each
 * granted reservation, its line and its event, and one `stock.changed` per level. A lone request
 * runs at once as a single reservation. A request the batch could not grant is refused at once when
 * its level (without a channel's cap to consider) has fewer units left than it asks; otherwise it
 * runs alone, so a bundle, an unknown SKU or a capped channel is handled as before. Replicas each
 * batch their own requests; their statements still queue on the row locks, which is what keeps
 * them correct.
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

/** Requests share a statement when they share what it takes as one value: the channel and the hold. */
export function reserveCoalesced(db: AnyDb, line: StockLine, expires: number | null, input: ReserveInput, single: Single): Promise<Reservation | undefined> {
  const channelId = input.channelId ?? null;
  const key = `${channelId ?? ''}\u0000${expires ?? ''}`;
  let byKey = queues.get(db);
  if (!byKey) queues.set(db, (byKey = new Map()));
  let queue = byKey.get(key);
  if (!queue) byKey.set(key, (queue = { running: false, waiting: [] }));
  const q = queue;
  return new Promise((resolve, reject) => {
    q.waiting.push({ line, input, resolve, reject });
    if (!q.running) void drain(db, byKey, key, q, { channelId, expires }, single);
  });
}

async function drain(db: AnyDb, byKey: Map<string, Queue>, key: string, q: Queue, shared: { channelId: string | null; expires: number | null }, single: Single): Promise<void> {
  q.running = true;
  while (q.waiting.length) {
    const batch = q.waiting.splice(0, MAX_BATCH);
    const alone = (p: Pending) => single(db, p.line, shared.expires, p.input);
    try {
      if (batch.length === 1) {
        batch[0].resolve(await alone(batch[0]));
        continue;
      }
      const { granted, left } = await reserveMany(db, shared.channelId, shared.expires, batch);
      batch.forEach((p, i) => {
        if (granted[i]) return p.resolve(granted[i]);
        const units = shared.channelId === null ? left.get(levelKey(p.line.variantId, p.line.locationId)) : undefined;
        if (units !== undefined && units < p.line.quantity) return p.reject(insufficientStock(p.line, 0, units));
        // Others try alone, outside the queue, and so learn why (or find stock freed meanwhile).
        alone(p).then(p.resolve, p.reject);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
  q.running = false;
  byKey.delete(key);
}

/** The reservations made (undefined where refused) and the units left at each level the batch locked. */
async function reserveMany(db: AnyDb, channelId: string | null, expires: number | null, batch: Pending[]): Promise<{ granted: Array<Reservation | undefined>; left: Map<string, number> }> {
  const reqs = batch.map((p, n) => {
    const id = newId('res');
    const reference = p.input.reference ?? null;
    const line = { ...p.line, bundleVariantId: null };
    return {
      n, id, variant_id: p.line.variantId, location_id: p.line.locationId, qty: p.line.quantity,
      ref_type: reference?.type ?? null, ref_id: reference?.id ?? null,
      evt: newId('evt'), created: { id, channelId, reference, lines: [line], expiresInSeconds: expires },
    };
  });
  const levels = new Map(reqs.map((r) => [levelKey(r.variant_id, r.location_id), { variant_id: r.variant_id, location_id: r.location_id, evt: newId('evt') }]));
  const res = await sql<{ made: Array<{ id: string; created_at: string; expires_at: string | null }> | null; levels: Array<{ variant_id: string; location_id: string; left: number }> | null }>`${PREPARED}
    WITH req AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(reqs)}::jsonb)
        AS r(n int, id text, variant_id text, location_id text, qty int, ref_type text, ref_id text, evt text, created jsonb)
    ), lv AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify([...levels.values()])}::jsonb) AS l(variant_id text, location_id text, evt text)
    ), cur AS (
      SELECT s.variant_id, s.location_id, s.on_hand - s.reserved AS available
      FROM stock_level s JOIN lv ON lv.variant_id = s.variant_id AND lv.location_id = s.location_id
      ORDER BY s.variant_id, s.location_id FOR UPDATE OF s
    ), ok AS (
      SELECT x.* FROM (
        SELECT r.*, sum(r.qty) OVER (PARTITION BY r.variant_id, r.location_id ORDER BY r.n) AS upto FROM req r
        WHERE ${channelId}::text IS NULL OR EXISTS (SELECT 1 FROM channel_stock_policy p WHERE p.channel_id = ${channelId} AND p.kind = 'pos')
           OR r.qty <= COALESCE((SELECT c.cap FROM online_cap c WHERE c.location_id = r.location_id AND c.variant_id IN (r.variant_id, '') ORDER BY c.variant_id DESC LIMIT 1), r.qty)
      ) x JOIN cur ON cur.variant_id = x.variant_id AND cur.location_id = x.location_id
      WHERE x.upto <= cur.available
    ), tot AS (
      SELECT ok.variant_id, ok.location_id, sum(ok.qty)::int AS qty, lv.evt
      FROM ok JOIN lv ON lv.variant_id = ok.variant_id AND lv.location_id = ok.location_id
      GROUP BY ok.variant_id, ok.location_id, lv.evt
    ), lvl AS (
      UPDATE stock_level s SET reserved = s.reserved + tot.qty, updated_at = now()
      FROM tot WHERE s.variant_id = tot.variant_id AND s.location_id = tot.location_id AND s.on_hand - s.reserved >= tot.qty
      RETURNING s.variant_id, s.location_id, s.on_hand, s.reserved, tot.evt
    ), granted AS (
      SELECT ok.* FROM ok JOIN lvl ON lvl.variant_id = ok.variant_id AND lvl.location_id = ok.location_id
    ), res AS (
      INSERT INTO reservation (id, channel_id, reference_type, reference_id, expires_at)
      SELECT id, ${channelId}, ref_type, ref_id, now() + make_interval(secs => ${expires}::int) FROM granted
      RETURNING id, created_at, expires_at
    ), line AS (
      INSERT INTO reservation_line (reservation_id, line_no, variant_id, location_id, quantity)
      SELECT id, 1, variant_id, location_id, qty FROM granted
    ), ev AS (${stockChangedEvent(sql<string>`evt`)}
    ), created AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload) SELECT evt, 'reservation.created', id, created FROM granted
    )
    SELECT (SELECT json_agg(json_build_object('id', id, 'created_at', created_at, 'expires_at', expires_at)) FROM res) AS made,
      (SELECT json_agg(json_build_object('variant_id', cur.variant_id, 'location_id', cur.location_id, 'left', COALESCE(lvl.on_hand - lvl.reserved, cur.available)))
         FROM cur LEFT JOIN lvl ON lvl.variant_id = cur.variant_id AND lvl.location_id = cur.location_id) AS levels,
      (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`.execute(db);
  const made = new Map((res.rows[0].made ?? []).map((r) => [r.id, r]));
  const left = new Map((res.rows[0].levels ?? []).map((l) => [levelKey(l.variant_id, l.location_id), Number(l.left)]));
  const granted = reqs.map((r, i) => {
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
  return { granted, left };
}
