import type { Selectable } from 'kysely';
import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CatalogTables, ChannelKind } from './catalog.tables.js';
import { rethrowUnique } from './unique.js';

export const CHANNEL_KINDS = ['web', 'app', 'mini_program', 'marketplace', 'social', 'pos', 'locker'] as const;

export interface Channel {
  id: string;
  code: string;
  name: string;
  kind: ChannelKind;
  currency: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewChannel {
  code: string;
  name: string;
  kind: ChannelKind;
  currency: string;
  active?: boolean;
}

export type ChannelChanges = Partial<NewChannel>;

const q = (db: Executor) => tables<CatalogTables>(db);

export const toChannel = (r: Selectable<CatalogTables['channel']>): Channel => ({
  id: r.id,
  code: r.code,
  name: r.name,
  kind: r.kind,
  currency: r.currency,
  active: r.active,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

async function assertCodeFree(db: Executor, code: string, exceptId?: string): Promise<void> {
  let query = q(db).selectFrom('channel').select('id').where('code', '=', code);
  if (exceptId) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) throw new AppError('code_taken', `another channel has the code ${code}`, { field: 'code' });
}

export async function createChannel(ctx: Ctx, input: NewChannel): Promise<Channel> {
  return inTx(ctx.db, async (tx) => {
    await assertCodeFree(tx, input.code);
    const row = await q(tx)
      .insertInto('channel')
      .values({ id: newId('chn'), code: input.code, name: input.name, kind: input.kind, currency: input.currency, active: input.active ?? true })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowUnique);
    await emit(tx, 'channel.created', row.id, { id: row.id, code: row.code, kind: row.kind, currency: row.currency });
    return toChannel(row);
  });
}

export async function updateChannel(ctx: Ctx, id: string, changes: ChannelChanges): Promise<Channel> {
  return inTx(ctx.db, async (tx) => {
    if (changes.code !== undefined) await assertCodeFree(tx, changes.code, id);
    const row = await q(tx)
      .updateTable('channel')
      .set({ ...changes, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
      .catch(rethrowUnique);
    if (!row) throw notFound('channel', id, 'id');
    await emit(tx, 'channel.updated', id, { id, changes });
    return toChannel(row);
  });
}

/** The channel with this id; throws not_found (field `field`) when there is none. */
export async function getChannel(ctx: Ctx, id: string, field = 'id'): Promise<Channel> {
  const row = await q(ctx.db).selectFrom('channel').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('channel', id, field);
  return toChannel(row);
}

/** A channel that is not selling opens no cart and shows no storefront; `field` names where it was given. */
export function requireSelling(channel: Channel, field: string): Channel {
  if (!channel.active) throw new AppError('channel_inactive', `channel ${channel.code} is not selling`, { field });
  return channel;
}

export async function listChannels(ctx: Ctx): Promise<Channel[]> {
  return (await q(ctx.db).selectFrom('channel').selectAll().orderBy('id').execute()).map(toChannel);
}

/** Throws not_found naming `field` (e.g. `prices.2.channelId`) for the first id that is no channel. */
export async function assertChannelsExist(db: Executor, ids: Array<{ id: string; field: string }>): Promise<void> {
  if (!ids.length) return;
  const found = new Set((await q(db).selectFrom('channel').select('id').where('id', 'in', [...new Set(ids.map((i) => i.id))]).execute()).map((r) => r.id));
  const missing = ids.find((i) => !found.has(i.id));
  if (missing) throw notFound('channel', missing.id, missing.field);
}
