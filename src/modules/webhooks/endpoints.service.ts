import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { inTx, tables, type Executor } from '../../platform/db.js';
import { invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { WebhooksTables } from './webhooks.tables.js';

const q = (db: Executor) => tables<WebhooksTables>(db);

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  description: string;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointInput {
  url: string;
  eventTypes: string[];
  description?: string;
  enabled?: boolean;
}

const toEndpoint = (r: Selectable<WebhooksTables['webhook_endpoint']>): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  eventTypes: r.event_types,
  description: r.description,
  enabled: r.enabled,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
const newSigningSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url', 'url must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalid('url', 'url must use http or https');
}

/** `order.*` matches `order.placed`; `*` matches everything. */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

export async function createEndpoint(ctx: Ctx, input: EndpointInput): Promise<WebhookEndpoint & { secret: string }> {
  checkUrl(input.url);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .insertInto('webhook_endpoint')
      .values({
        id: newId('whe'),
        url: input.url,
        event_types: [...new Set(input.eventTypes)],
        description: input.description ?? '',
        enabled: input.enabled ?? true,
        secret: newSigningSecret(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'webhook_endpoint.created', row.id, { id: row.id, url: row.url, eventTypes: row.event_types });
    return { ...toEndpoint(row), secret: row.secret };
  });
}

export async function listEndpoints(ctx: Ctx): Promise<WebhookEndpoint[]> {
  return (await q(ctx.db).selectFrom('webhook_endpoint').selectAll().orderBy('id').execute()).map(toEndpoint);
}

export async function getEndpoint(ctx: Ctx, id: string): Promise<WebhookEndpoint> {
  const row = await q(ctx.db).selectFrom('webhook_endpoint').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('webhook endpoint', id, 'id');
  return toEndpoint(row);
}

export async function updateEndpoint(ctx: Ctx, id: string, input: Partial<EndpointInput>): Promise<WebhookEndpoint> {
  if (input.url !== undefined) checkUrl(input.url);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .updateTable('webhook_endpoint')
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.eventTypes !== undefined ? { event_types: [...new Set(input.eventTypes)] } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('webhook endpoint', id, 'id');
    await emit(tx, 'webhook_endpoint.updated', row.id, { id: row.id, url: row.url, eventTypes: row.event_types, enabled: row.enabled });
    return toEndpoint(row);
  });
}

/** Deleting an endpoint drops its queued and past deliveries with it. */
export async function deleteEndpoint(ctx: Ctx, id: string): Promise<void> {
  await inTx(ctx.db, async (tx) => {
    const row = await q(tx).deleteFrom('webhook_endpoint').where('id', '=', id).returning('id').executeTakeFirst();
    if (!row) throw notFound('webhook endpoint', id, 'id');
    await emit(tx, 'webhook_endpoint.deleted', id, { id });
  });
}

/** Issues a new signing secret; requests signed from now on use it, the old one stops at once. */
export async function rotateSecret(ctx: Ctx, id: string): Promise<WebhookEndpoint & { secret: string }> {
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .updateTable('webhook_endpoint')
      .set({ secret: newSigningSecret(), updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('webhook endpoint', id, 'id');
    await emit(tx, 'webhook_endpoint.secret_rotated', row.id, { id: row.id });
    return { ...toEndpoint(row), secret: row.secret };
  });
}
