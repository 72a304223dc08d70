import { sql } from 'kysely';
import { PREPARED, type AnyDb, type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Ctx } from '../../platform/context.js';
import type { VoucherRow, VoucherStatus } from './vouchers.tables.js';
import { loadPlaces, type Place } from './places.js';
import { isOwnStore, validAtSql } from './validity.js';

/**
 * Redemptions, coalesced. Each used to cost its own round trips and its own commit; instead, while
 * one batch is in flight the redemptions that arrive meanwhile wait here and then go together: one
 * read of their locations, then one statement that finds each code's voucher, locks the vouchers in
 * id order (the order every writer of several vouchers uses), takes one use per request in arrival
 * order while the voucher is active, unexpired, valid at that location and has uses left (a running
 * count, so a voucher scanned twice in one batch is numbered right and never overdrawn), and writes
 * each redemption, its partner settlement entry and its event. A lone request runs at once. The
 * commit stays synchronous: a redemption a clerk was told about must survive a crash. Replicas each
 * batch their own requests; their statements queue on the voucher row locks, which keeps them exact.
 */

/** What became of one request; the caller turns it into a redemption or says why not. */
export interface Attempt {
  place: Place;
  /** The voucher with the code as it stood before this batch (locked), if any has the code. */
  voucher: VoucherRow | undefined;
  /** When the use was taken: the redemption, and the voucher's uses left and status right after it. */
  taken: { id: string; useNo: number; usesLeft: number; status: VoucherStatus } | null;
  /** The database's clock: when it was redeemed, and the instant expiry was judged at. */
  at: Date;
}

export interface RedeemRequest {
  ctx: Ctx;
  /** Normalized code. */
  code: string;
  locationId: string;
}

interface Pending extends RedeemRequest {
  resolve(a: Attempt): void;
  reject(err: unknown): void;
}

interface Queue {
  running: boolean;
  waiting: Pending[];
}

/** Enough to empty a burst; more would only make one statement long. */
const MAX_BATCH = 200;
const queues = new WeakMap<AnyDb, Queue>();

/** Inside a caller's transaction the request runs there, alone; otherwise it joins the next batch. */
export function redeemCoalesced(req: RedeemRequest): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const p = { ...req, resolve, reject };
    if (req.ctx.db.isTransaction) return void attemptAll([p]);
    const db = req.ctx.db as AnyDb;
    let q = queues.get(db);
    if (!q) queues.set(db, (q = { running: false, waiting: [] }));
    q.waiting.push(p);
    if (!q.running) void drain(q);
  });
}

async function drain(q: Queue): Promise<void> {
  q.running = true;
  while (q.waiting.length) await attemptAll(q.waiting.splice(0, MAX_BATCH));
  q.running = false;
}

/** Settles every request of the batch: a location that does not exist refuses only its own. */
async function attemptAll(batch: Pending[]): Promise<void> {
  try {
    // A location reads the same whoever asks, so one read serves the whole batch.
    const places = await loadPlaces(batch[0].ctx, batch.map((p) => p.locationId));
    const known: Pending[] = [];
    for (const p of batch) {
      if (places.has(p.locationId)) known.push(p);
      else p.reject(notFound('location', p.locationId, 'locationId'));
    }
    if (!known.length) return;
    const attempts = await attemptMany(known[0].ctx.db, known.map((p) => ({ ...p, place: places.get(p.locationId)! })));
    known.forEach((p, i) => p.resolve(attempts[i]));
  } catch (err) {
    for (const p of batch) p.reject(err);
  }
}

type Row = VoucherRow & { use_no: number | null; left_after: number | null; at: Date };

/** The one statement of a batch; attempts come back in the order of `reqs`. */
async function attemptMany(db: Executor, reqs: Array<RedeemRequest & { place: Place }>): Promise<Attempt[]> {
  const rows = reqs.map((r, n) => ({
    n, id: newId('vrd'), code: r.code, location_id: r.place.id, partner_id: r.place.partnerId, own_store: isOwnStore(r.place),
    redeemed_by: r.ctx.actor.id, pse: newId('pse'), evt: newId('evt'),
  }));
  const res = await sql<Row>`${PREPARED}
    WITH req AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS r(n int, id text, code text, location_id text, partner_id text, own_store boolean, redeemed_by text, pse text, evt text)
    ), cur AS (
      SELECT * FROM voucher WHERE code IN (SELECT code FROM req) ORDER BY id FOR UPDATE
    ), ranked AS (
      SELECT r.*, c.id AS voucher_id, c.uses_left AS before, c.redemption_count,
             row_number() OVER (PARTITION BY c.id ORDER BY r.n)::int AS k
      FROM req r JOIN cur c ON c.code = r.code
      WHERE c.uses_left > 0 AND c.status = 'active' AND c.expires_at > now()
        AND ${validAtSql('c', { ids: sql`ARRAY[r.location_id]`, partnerIds: sql`ARRAY[r.partner_id]`, ownStore: sql`r.own_store` })}
    ), ok AS (
      SELECT * FROM ranked WHERE k <= before
    ), tot AS (
      SELECT voucher_id, count(*)::int AS taken FROM ok GROUP BY voucher_id
    ), v AS (
      UPDATE voucher
         SET uses_left = voucher.uses_left - tot.taken,
             redemption_count = voucher.redemption_count + tot.taken,
             status = CASE WHEN voucher.uses_left = tot.taken THEN 'used_up' ELSE voucher.status END
        FROM tot
       WHERE voucher.id = tot.voucher_id AND voucher.uses_left >= tot.taken AND voucher.status = 'active' AND voucher.expires_at > now()
   RETURNING voucher.*
    ), granted AS (
      SELECT ok.n, ok.id, ok.location_id, ok.partner_id AS place_partner_id, ok.redeemed_by, ok.pse, ok.evt,
             ok.redemption_count + ok.k AS use_no, ok.before - ok.k AS left_after,
             v.id AS voucher_id, v.partner_id, v.settlement_amount, v.currency, v.customer_id, v.order_id, v.template_id
      FROM ok JOIN v ON v.id = ok.voucher_id
    ), rd AS (
      INSERT INTO voucher_redemption (id, voucher_id, use_no, location_id, redeemed_by)
      SELECT id, voucher_id, use_no, location_id, redeemed_by FROM granted
    ), se AS (
      INSERT INTO partner_settlement_entry (id, partner_id, voucher_id, redemption_id, location_id, kind, amount, currency, occurred_at)
      SELECT pse, partner_id, voucher_id, id, location_id, 'redemption', settlement_amount, currency, now() FROM granted
      WHERE partner_id = place_partner_id
    ), ev AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload)
      SELECT evt, 'voucher.redeemed', voucher_id, jsonb_build_object(
        'id', voucher_id, 'redemptionId', id, 'useNo', use_no, 'usesLeft', left_after, 'locationId', location_id,
        'partnerId', place_partner_id, 'customerId', customer_id, 'orderId', order_id, 'templateId', template_id,
        'settlementAmount', CASE WHEN partner_id = place_partner_id THEN settlement_amount ELSE 0 END, 'currency', currency, 'redeemedBy', redeemed_by)
      FROM granted
    )
    SELECT c.*, g.use_no, g.left_after, now() AS at
    FROM req LEFT JOIN cur c ON c.code = req.code LEFT JOIN granted g ON g.n = req.n
    ORDER BY req.n`.execute(db);
  return res.rows.map(({ use_no, left_after, at, ...voucher }, i) => ({
    place: reqs[i].place,
    voucher: voucher.id === null ? undefined : voucher,
    taken: use_no === null ? null : { id: rows[i].id, useNo: use_no, usesLeft: left_after!, status: left_after === 0 ? 'used_up' : voucher.status },
    at: new Date(at),
  }));
}
