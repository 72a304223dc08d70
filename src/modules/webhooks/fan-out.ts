import { tables, type Executor } from '../../platform/db.js';
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
 * Outbox batch handler: queues one delivery per enabled endpoint subscribed to each event. It runs
 * in the worker's claim transaction with one read of the endpoints per batch, and the
 * (endpoint, event) key makes a second run add nothing.
 */
export async function queueDeliveries(tx: Executor, events: DomainEvent[]): Promise<void> {
  if (!events.length) return;
  const endpoints = await tables<WebhooksTables>(tx).selectFrom('webhook_endpoint').select(['id', 'event_types']).where('enabled', '=', true).execute();
  if (!endpoints.length) return;
  const rows = events.flatMap((event) => {
    const patterns = new Set(patternsFor(event.type));
    return endpoints
      .filter((e) => e.event_types.some((t) => patterns.has(t)))
      .map((e) => ({ id: newId('whd'), endpoint_id: e.id, event_id: event.id, event_type: event.type, body: messageBody(event) }));
  });
  // Chunks keep each statement well under PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    await tables<WebhooksTables>(tx)
      .insertInto('webhook_delivery')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
      .execute();
  }
}
