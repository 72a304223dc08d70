import { sql, tables, type Executor } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import type { DomainEvent } from '../../platform/outbox.js';
import type { WebhooksTables } from './webhooks.tables.js';

/** The subscription patterns that select `type`: `*`, the type itself, and each `prefix.*` above it. */
export function patternsFor(type: string): string[] {
  const parts = type.split('.');
  const prefixes = parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join('.')}.*`);
  return ['*', type, ...prefixes];
}

/** The JSON body every endpoint receives for an event. */
export function messageBody(event: DomainEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.createdAt, data: event.payload });
}

/**
 * Outbox handler: queues one delivery per enabled endpoint subscribed to the event. It runs in the
 * worker's claim transaction, and the (endpoint, event) key makes a second run add nothing.
 */
export async function queueDeliveries(tx: Executor, event: DomainEvent): Promise<void> {
  const endpoints = await tables<WebhooksTables>(tx)
    .selectFrom('webhook_endpoint')
    .select('id')
    .where('enabled', '=', true)
    .where(sql<boolean>`event_types && ${sql.val(patternsFor(event.type))}::text[]`)
    .execute();
  if (!endpoints.length) return;
  const body = messageBody(event);
  await tables<WebhooksTables>(tx)
    .insertInto('webhook_delivery')
    .values(endpoints.map((e) => ({ id: newId('whd'), endpoint_id: e.id, event_id: event.id, event_type: event.type, body })))
    .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
    .execute();
}
