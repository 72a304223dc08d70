import { tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import type { WebhooksTables } from './webhooks.tables.js';

const q = (db: Executor) => tables<WebhooksTables>(db);
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export interface DeliveryAttempt {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attempts: DeliveryAttempt[];
}

/** An endpoint's deliveries, newest first, each with its attempts. */
export async function listDeliveries(ctx: Ctx, endpointId: string, page: { before?: string; limit: number }): Promise<WebhookDelivery[]> {
  const endpoint = await q(ctx.db).selectFrom('webhook_endpoint').select('id').where('id', '=', endpointId).executeTakeFirst();
  if (!endpoint) throw notFound('webhook endpoint', endpointId, 'id');
  let query = q(ctx.db).selectFrom('webhook_delivery').selectAll().where('endpoint_id', '=', endpointId);
  if (page.before) query = query.where('id', '<', page.before);
  const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
  const attempts = rows.length
    ? await q(ctx.db).selectFrom('webhook_attempt').selectAll().where('delivery_id', 'in', rows.map((r) => r.id)).orderBy('attempt').execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    deliveredAt: iso(r.delivered_at),
    createdAt: new Date(r.created_at).toISOString(),
    attempts: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({ attempt: a.attempt, statusCode: a.status_code, error: a.error, durationMs: a.duration_ms, at: new Date(a.created_at).toISOString() })),
  }));
}

/**
 * Queues a delivery to be sent again now. A delivery whose request is in flight is left alone: its
 * outcome is about to be recorded.
 */
export async function retryDelivery(ctx: Ctx, id: string): Promise<{ id: string; status: 'pending' }> {
  const row = await q(ctx.db)
    .updateTable('webhook_delivery')
    .set({ status: 'pending', next_attempt_at: new Date(), locked_until: null })
    .where('id', '=', id)
    .where((e) => e.or([e('locked_until', 'is', null), e('locked_until', '<', new Date())]))
    .returning('id')
    .executeTakeFirst();
  if (row) return { id: row.id, status: 'pending' };
  const exists = await q(ctx.db).selectFrom('webhook_delivery').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) throw notFound('webhook delivery', id, 'id');
  throw new AppError('delivery_in_flight', 'this delivery is being sent right now; its outcome will show shortly', { id });
}
