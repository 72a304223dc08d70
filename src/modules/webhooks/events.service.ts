import { sql } from 'kysely';
import { type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';

export interface EventRecord {
  id: string;
  type: string;
  aggregateId: string | null;
  data: unknown;
  createdAt: string;
}

/**
 * Domain events after a cursor (the id of the last event seen), for integrators catching up on
 * what their webhooks missed. `type` is an exact type or a `prefix.*` pattern.
 *
 * Events are listed in the order of their writing transaction, then id, and only once no
 * transaction that could still commit an event before them is running: below the oldest running
 * transaction id (the snapshot's xmin). Ids are made when an event is written, not when it
 * commits, so paging by id alone would pass over an event whose transaction commits after a later
 * one's; this way every event a reader will ever see sorts after the cursor it holds. A transaction
 * left open delays the list, never thins it.
 */
export async function listEvents(ctx: Ctx, page: { type?: string; after?: string; limit: number }): Promise<{ data: EventRecord[]; next: string | null }> {
  const db = ctx.db as Executor;
  let after = sql``;
  if (page.after) {
    const seen = await sql<{ xid: string }>`SELECT xid::text FROM outbox_event WHERE id = ${page.after}`.execute(db);
    if (!seen.rows.length) throw notFound('event', page.after, 'after');
    after = sql`AND (xid, id) > (${seen.rows[0].xid}::xid8, ${page.after}::text)`;
  }
  let type = sql``;
  if (page.type?.endsWith('.*')) type = sql`AND type LIKE ${`${page.type.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`}`;
  else if (page.type) type = sql`AND type = ${page.type}`;
  const { rows } = await sql<{ id: string; type: string; aggregate_id: string | null; payload: unknown; created_at: Date }>`
    SELECT id, type, aggregate_id, payload, created_at FROM outbox_event
    WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) ${after} ${type}
    ORDER BY xid, id LIMIT ${page.limit}`.execute(db);
  const data = rows.map((r) => ({
    id: r.id,
    type: r.type,
    aggregateId: r.aggregate_id,
    data: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return { data, next: data.length === page.limit ? data[data.length - 1].id : null };
}
