import { sql } from 'kysely';
import { type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import { START, advance, decodeCursor, encodeCursor, isCursorToken, type EventCursor } from './events-cursor.js';

export interface EventRecord {
  id: string;
  type: string;
  aggregateId: string | null;
  data: unknown;
  createdAt: string;
}

/**
 * Domain events after a cursor, for integrators catching up on what their webhooks missed. `type`
 * is an exact type or a `prefix.*` pattern. `after` is the `next` of a page read before, or the id
 * of an event the reader holds.
 *
 * Events are listed by writing transaction, then id, as soon as they commit. Ids are made when an
 * event is written, not when it commits, so a cursor that was only a position would pass over an
 * event whose transaction commits after a later one's: the cursor also names the transactions
 * still running below it (see events-cursor.ts), and the next page lists their events first.
 */
export async function listEvents(ctx: Ctx, page: { type?: string; after?: string; limit: number }): Promise<{ data: EventRecord[]; next: string; hasMore: boolean }> {
  const db = ctx.db as Executor;
  const from = page.after ? await cursorFrom(db, page.after) : START;
  let type = sql``;
  if (page.type?.endsWith('.*')) type = sql`AND o.type LIKE ${`${page.type.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`}`;
  else if (page.type) type = sql`AND o.type = ${page.type}`;
  const pending = JSON.stringify(from.pending.map((p) => ({ xid: String(p.xid), after: p.after })));
  const columns = sql`o.xid::text, o.id, o.type, o.aggregate_id, o.payload, o.created_at`;
  // One statement, so the page and the snapshot that says what was still running agree.
  const { rows } = await sql<{ snapshot: string; xid: string | null; id: string; type: string; aggregate_id: string | null; payload: unknown; created_at: Date }>`
    SELECT s.snapshot, e.* FROM (SELECT pg_current_snapshot()::text AS snapshot) s
    LEFT JOIN LATERAL (
      SELECT * FROM (
        (SELECT ${columns} FROM jsonb_to_recordset(${pending}::jsonb) AS p(xid text, after text)
          CROSS JOIN LATERAL (SELECT * FROM outbox_event o WHERE o.xid = p.xid::xid8 AND o.id > p.after ${type} ORDER BY o.id LIMIT ${page.limit}) o)
        UNION ALL
        (SELECT ${columns} FROM outbox_event o
          WHERE (o.xid, o.id) > (${String(from.at.xid)}::xid8, ${from.at.id}::text) ${type}
          ORDER BY o.xid, o.id LIMIT ${page.limit})
      ) u ORDER BY u.xid::xid8, u.id LIMIT ${page.limit}
    ) e ON true`.execute(db);
  const listed = rows.filter((r) => r.xid !== null);
  const full = listed.length === page.limit;
  const next = advance(from, rows[0].snapshot, listed.map((r) => ({ xid: BigInt(r.xid!), id: r.id })), full);
  return {
    data: listed.map((r) => ({
      id: r.id,
      type: r.type,
      aggregateId: r.aggregate_id,
      data: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    next: encodeCursor(next),
    hasMore: full,
  };
}

/** An event id stands for its own place, with nothing known to be pending: the read adds what still runs. */
async function cursorFrom(db: Executor, after: string): Promise<EventCursor> {
  if (isCursorToken(after)) return decodeCursor(after);
  const seen = await sql<{ xid: string }>`SELECT xid::text FROM outbox_event WHERE id = ${after}`.execute(db);
  if (!seen.rows.length) throw notFound('event', after, 'after');
  return { at: { xid: BigInt(seen.rows[0].xid), id: after }, pending: [] };
}
