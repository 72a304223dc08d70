import { type Executor } from '../../platform/db.js';
import type { Ctx } from '../../platform/context.js';

export interface EventRecord {
  id: string;
  type: string;
  aggregateId: string | null;
  data: unknown;
  createdAt: string;
}

/**
 * Domain events in id order after a cursor (an event id), for integrators catching up on what their
 * webhooks missed. `type` is an exact type or a `prefix.*` pattern.
 */
export async function listEvents(ctx: Ctx, page: { type?: string; after?: string; limit: number }): Promise<{ data: EventRecord[]; next: string | null }> {
  let query = (ctx.db as Executor).selectFrom('outbox_event').select(['id', 'type', 'aggregate_id', 'payload', 'created_at']);
  if (page.type?.endsWith('.*')) query = query.where('type', 'like', `${page.type.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
  else if (page.type) query = query.where('type', '=', page.type);
  if (page.after) query = query.where('id', '>', page.after);
  const rows = await query.orderBy('id').limit(page.limit).execute();
  const data = rows.map((r: any) => ({
    id: r.id,
    type: r.type,
    aggregateId: r.aggregate_id,
    data: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return { data, next: data.length === page.limit ? data[data.length - 1].id : null };
}
