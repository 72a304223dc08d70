import { sql } from 'kysely';
import { tables, inTx, takeTurns, type Executor } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { InventoryTables } from './inventory.tables.js';
import { assertLocations, assertVariants } from './lookups.js';
import { bundleComponents, bundlesContaining } from './bundles.service.js';
import { getChannel } from '../catalog/index.js';
import { bundleAvailability, channelAtp, promisable, settingFor } from './availability.js';

const q = (db: Executor) => tables<InventoryTables>(db);

export type ChannelKind = 'online' | 'pos';

export interface ChannelLocations {
  channelId: string;
  kind: ChannelKind;
  locations: Array<{ locationId: string; priority: number }>;
}

export async function getChannelLocations(ctx: Ctx, channelId: string): Promise<ChannelLocations> {
  const [policy, rows] = await Promise.all([
    q(ctx.db).selectFrom('channel_stock_policy').select('kind').where('channel_id', '=', channelId).executeTakeFirst(),
    q(ctx.db).selectFrom('channel_location').select(['location_id', 'priority']).where('channel_id', '=', channelId).orderBy('priority').orderBy('location_id').execute(),
  ]);
  return { channelId, kind: policy?.kind ?? 'online', locations: rows.map((r) => ({ locationId: r.location_id, priority: r.priority })) };
}

/**
 * Marks the levels at these locations as changed (the stamp trigger gives them a new change_seq),
 * so the stock feed re-sends what ATP they feed.
 */
async function touchLevels(tx: Executor, locationIds: string[], variantIds?: string[]): Promise<void> {
  if (!locationIds.length) return;
  let query = q(tx).updateTable('stock_level').set({ updated_at: sql<Date>`now()` }).where('location_id', 'in', locationIds);
  if (variantIds) query = query.where('variant_id', 'in', variantIds);
  await query.execute();
}

/**
 * Replaces which locations serve a channel (lower priority number first). The channel's kind is
 * copied from the catalog so the reservation statement can tell a POS (not capped) by itself.
 */
export async function setChannelLocations(ctx: Ctx, channelId: string, input: { locations: Array<{ locationId: string; priority: number }> }): Promise<ChannelLocations> {
  const channel = await getChannel(ctx, channelId, 'channelId');
  const seen = new Set<string>();
  input.locations.forEach((l, i) => {
    if (seen.has(l.locationId)) throw new AppError('validation_failed', `location ${l.locationId} is listed twice`, { field: `locations.${i}.locationId` });
    seen.add(l.locationId);
  });
  await assertLocations(ctx, input.locations.map((l, i) => ({ id: l.locationId, field: `locations.${i}.locationId` })));
  const kind: ChannelKind = channel.kind === 'pos' ? 'pos' : 'online';
  await inTx(ctx.db, async (tx) => {
    await q(tx).insertInto('channel_stock_policy').values({ channel_id: channelId, kind }).onConflict((oc) => oc.column('channel_id').doUpdateSet({ kind })).execute();
    await q(tx).deleteFrom('channel_location').where('channel_id', '=', channelId).execute();
    if (input.locations.length) {
      await q(tx).insertInto('channel_location').values(input.locations.map((l) => ({ channel_id: channelId, location_id: l.locationId, priority: l.priority }))).execute();
    }
    await touchLevels(tx, input.locations.map((l) => l.locationId));
    await emit(tx, 'channel.locations_set', channelId, { channelId, kind, locations: input.locations });
  });
  return getChannelLocations(ctx, channelId);
}

export interface SafetyStock {
  channelId: string;
  quantity: number;
  variants: Array<{ variantId: string; quantity: number }>;
}

/** Replaces a channel's safety stock: a default for every variant and per-variant overrides. */
export async function setSafetyStock(ctx: Ctx, channelId: string, input: { quantity: number; variants: Array<{ variantId: string; quantity: number }> }): Promise<SafetyStock> {
  await getChannel(ctx, channelId, 'channelId');
  await assertVariants(ctx, input.variants.map((v, i) => ({ id: v.variantId, field: `variants.${i}.variantId` })));
  return inTx(ctx.db, async (tx) => {
    await takeTurns(tx, [`channel_safety_stock:${channelId}`]);
    await q(tx).deleteFrom('channel_safety_stock').where('channel_id', '=', channelId).execute();
    const rows = [{ channel_id: channelId, variant_id: '', quantity: input.quantity }, ...input.variants.map((v) => ({ channel_id: channelId, variant_id: v.variantId, quantity: v.quantity }))];
    await q(tx).insertInto('channel_safety_stock').values(rows).execute();
    const served = await q(tx).selectFrom('channel_location').select('location_id').where('channel_id', '=', channelId).execute();
    await touchLevels(tx, served.map((r) => r.location_id));
    await emit(tx, 'channel.safety_stock_set', channelId, { channelId, ...input });
    return { channelId, ...input };
  });
}

export interface OnlineCap {
  locationId: string;
  cap: number | null;
  variants: Array<{ variantId: string; cap: number }>;
}

/** Replaces how much of a location's stock online channels may promise (null = no location-wide cap). */
export async function setOnlineCap(ctx: Ctx, locationId: string, input: { cap: number | null; variants: Array<{ variantId: string; cap: number }> }): Promise<OnlineCap> {
  await assertLocations(ctx, [{ id: locationId, field: 'locationId' }]);
  await assertVariants(ctx, input.variants.map((v, i) => ({ id: v.variantId, field: `variants.${i}.variantId` })));
  return inTx(ctx.db, async (tx) => {
    await takeTurns(tx, [`online_cap:${locationId}`]);
    await q(tx).deleteFrom('online_cap').where('location_id', '=', locationId).execute();
    const rows = [...(input.cap === null ? [] : [{ location_id: locationId, variant_id: '', cap: input.cap }]), ...input.variants.map((v) => ({ location_id: locationId, variant_id: v.variantId, cap: v.cap }))];
    if (rows.length) await q(tx).insertInto('online_cap').values(rows).execute();
    await touchLevels(tx, [locationId]);
    await emit(tx, 'location.online_cap_set', locationId, { locationId, ...input });
    return { locationId, ...input };
  });
}

export interface VariantAvailability {
  variantId: string;
  /** Available-to-promise on the channel. */
  available: number;
  safetyStock: number;
  locations: Array<{ locationId: string; available: number }>;
}

/** Available-to-promise per variant on a channel; a bundle's is what its components' allow. */
export async function channelAvailability(ctx: Ctx, input: { channelId: string; variantIds: string[] }): Promise<VariantAvailability[]> {
  const variantIds = [...new Set(input.variantIds)];
  if (!variantIds.length) return [];
  const served = await getChannelLocations(ctx, input.channelId);
  const locationIds = served.locations.map((l) => l.locationId);
  const bundles = await bundleComponents(ctx.db, variantIds);
  const stocked = new Set(variantIds.filter((v) => !bundles.has(v)));
  for (const parts of bundles.values()) for (const p of parts) stocked.add(p.variantId);
  const ids = [...stocked];
  const [levels, caps, safety] = locationIds.length && ids.length
    ? await Promise.all([
        q(ctx.db).selectFrom('stock_level').select(['variant_id', 'location_id', 'on_hand', 'reserved']).where('variant_id', 'in', ids).where('location_id', 'in', locationIds).execute(),
        q(ctx.db).selectFrom('online_cap').selectAll().where('location_id', 'in', locationIds).where('variant_id', 'in', [...ids, '']).execute(),
        q(ctx.db).selectFrom('channel_safety_stock').select(['variant_id', 'quantity']).where('channel_id', '=', input.channelId).where('variant_id', 'in', [...ids, '']).execute(),
      ])
    : [[], [], []];
  const online = served.kind === 'online';
  const safetyOf = new Map(safety.map((s) => [s.variant_id, s.quantity]));
  const capsAt = new Map<string, Map<string, number>>();
  for (const c of caps) capsAt.set(c.location_id, (capsAt.get(c.location_id) ?? new Map()).set(c.variant_id, c.cap));
  const availableAt = new Map(levels.map((l) => [`${l.variant_id}|${l.location_id}`, l.on_hand - l.reserved]));
  const perLocation = (variantId: string) =>
    locationIds.map((locationId) => ({
      locationId,
      available: promisable(availableAt.get(`${variantId}|${locationId}`) ?? 0, settingFor(capsAt.get(locationId) ?? new Map(), variantId) ?? null, online),
    }));
  const plain = (variantId: string): VariantAvailability => {
    const locations = perLocation(variantId);
    const safetyStock = settingFor(safetyOf, variantId) ?? 0;
    return { variantId, available: channelAtp(locations.map((l) => l.available), safetyStock), safetyStock, locations };
  };
  return variantIds.map((variantId) => {
    const parts = bundles.get(variantId);
    if (!parts) return plain(variantId);
    const components = parts.map((p) => ({ ...p, atp: plain(p.variantId) }));
    return {
      variantId,
      available: bundleAvailability(components.map((c) => ({ quantity: c.quantity, available: c.atp.available }))),
      safetyStock: 0,
      locations: locationIds.map((locationId, i) => ({
        locationId,
        available: bundleAvailability(components.map((c) => ({ quantity: c.quantity, available: c.atp.locations[i].available }))),
      })),
    };
  });
}

/** Where a stock feed reader is: the last change_seq it was sent, and the snapshot of that read. */
export interface FeedCursor {
  seq: number;
  snapshot: string | null;
}

const formatFeedCursor = (c: FeedCursor) => (c.snapshot ? `${c.seq}.${c.snapshot}` : String(c.seq));

/**
 * Variants whose ATP on the channel may have changed since `cursor`, oldest change first, with
 * their ATP now. A bundle comes with any change of a component. A change is sent when its
 * change_seq is past the cursor, or when its transaction was still in flight at the previous read
 * (invisible to that read's snapshot) — a sequence number is drawn before commit, so paging by it
 * alone would skip a change that commits late. A change may come twice; none is missed.
 */
export async function stockFeed(ctx: Ctx, input: { channelId: string; cursor: FeedCursor; limit: number }) {
  const { seq, snapshot } = input.cursor;
  const lateCommits = snapshot
    ? sql`OR (s.change_xid >= pg_snapshot_xmin(${snapshot}::pg_snapshot) AND NOT pg_visible_in_snapshot(s.change_xid, ${snapshot}::pg_snapshot))`
    : sql``;
  const res = await sql<{ snapshot: string; changed: Array<{ variant_id: string; seq: number }> | null }>`
    SELECT pg_current_snapshot()::text AS snapshot, (SELECT json_agg(c ORDER BY c.seq) FROM (
      SELECT s.variant_id, max(s.change_seq) AS seq FROM stock_level s
      WHERE (s.change_seq > ${seq} ${lateCommits})
        AND s.location_id IN (SELECT location_id FROM channel_location WHERE channel_id = ${input.channelId})
      GROUP BY s.variant_id ORDER BY seq LIMIT ${input.limit}) c) AS changed`.execute(ctx.db);
  const rows = (res.rows[0].changed ?? []).map((r) => ({ variantId: r.variant_id, seq: Number(r.seq) }));
  const bundles = await bundlesContaining(ctx.db, rows.map((r) => r.variantId));
  const seqOf = new Map(rows.map((r) => [r.variantId, r.seq]));
  for (const r of rows) for (const b of bundles.get(r.variantId) ?? []) seqOf.set(b, Math.max(seqOf.get(b) ?? 0, r.seq));
  const atp = await channelAvailability(ctx, { channelId: input.channelId, variantIds: [...seqOf.keys()] });
  return {
    data: atp.map((a) => ({ variantId: a.variantId, available: a.available, changeSeq: seqOf.get(a.variantId)! })),
    nextCursor: formatFeedCursor({ seq: Math.max(seq, ...rows.map((r) => r.seq)), snapshot: res.rows[0].snapshot }),
  };
}
