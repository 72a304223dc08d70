import { inTx, sql, tables, type Executor } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { OfferContext, OfferLine, OfferPrice, OfferProvider } from '../orders/index.js';
import type { DealRow, DealsTables, GroupRow } from './deals.tables.js';
import { asCampaign, refuse, unitsPerOffer } from './campaigns.js';
import { groupBuyRefusal, phaseOf } from './offer-rules.js';

/**
 * Buying in a group (拼团): a cart line names a deal to open a new group, or a group to join one.
 * Checkout takes a seat with a conditional update, so concurrent joiners never make a group bigger
 * than its size; the order then waits until the whole group has paid (see groups.service).
 */

const q = (db: Executor) => tables<DealsTables>(db);

export const GROUP_PREFIX = 'grp_';
const isGroup = (offerId: string) => offerId.startsWith(GROUP_PREFIX);

async function price(ctx: Ctx, offer: OfferContext, lines: OfferLine[]): Promise<Map<string, OfferPrice>> {
  const units = new Map(unitsPerOffer(lines));
  const groupIds = [...units.keys()].filter(isGroup);
  const groups = groupIds.length ? await q(ctx.db).selectFrom('group_buy_group').selectAll().where('id', 'in', groupIds).execute() : [];
  const dealIds = [...new Set([...[...units.keys()].filter((id) => !isGroup(id)), ...groups.map((g) => g.deal_id)])];
  const [deals, seats] = await Promise.all([
    dealIds.length ? q(ctx.db).selectFrom('group_buy_deal').selectAll().where('id', 'in', dealIds).execute() : [],
    offer.customerId && groupIds.length
      ? q(ctx.db).selectFrom('group_buy_member').select('group_id').where('customer_id', '=', offer.customerId).where('group_id', 'in', groupIds).where('status', '!=', 'left').execute()
      : [],
  ]);
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const dealById = new Map(deals.map((d) => [d.id, d]));
  const joined = new Set(seats.map((s) => s.group_id));
  const out = new Map<string, OfferPrice>();
  for (const line of lines) {
    const group = isGroup(line.offerId) ? groupById.get(line.offerId) : null;
    if (group === undefined) throw notFound('group', line.offerId, 'offer');
    const deal = dealById.get(group ? group.deal_id : line.offerId);
    if (!deal || deal.status === 'draft') throw notFound('group-buy deal', line.offerId, 'offer');
    const reason = groupBuyRefusal(
      { ...asCampaign(deal), unitsPerMember: deal.units_per_member },
      group ? { status: group.status, deadline: new Date(group.deadline), members: group.members, size: group.size, joined: joined.has(group.id) } : null,
      { variantId: line.variantId, channelId: offer.channelId, currency: offer.currency, customerId: offer.customerId, quantity: units.get(line.offerId)!, at: offer.at },
    );
    if (reason) throw refuse(reason, { offerId: line.offerId });
    out.set(line.lineId, { unitPrice: Number(deal.price), description: `Group buy: ${deal.name}` });
  }
  return out;
}

interface Seat {
  tx: Executor;
  orderId: string;
  customerId: string;
  quantity: number;
  at: Date;
}

/** A new group with the opener in its first seat; it stays open for the deal's time limit, not past the deal's end. */
async function openGroup(s: Seat, dealId: string): Promise<void> {
  const deal = await q(s.tx).selectFrom('group_buy_deal').selectAll().where('id', '=', dealId).executeTakeFirst();
  if (!deal || phaseOf(asCampaign(deal), s.at) !== 'running') throw refuse('group_buy_not_running', { offerId: dealId });
  if (s.quantity > deal.units_per_member) throw refuse('group_buy_limit_reached', { offerId: dealId });
  const deadline = new Date(Math.min(s.at.getTime() + deal.time_limit_minutes * 60_000, new Date(deal.ends_at).getTime()));
  const group = await q(s.tx)
    .insertInto('group_buy_group')
    .values({ id: newId('grp'), deal_id: deal.id, size: deal.group_size, members: 1, deadline, opened_by: s.customerId })
    .returningAll()
    .executeTakeFirstOrThrow();
  await q(s.tx).insertInto('group_buy_member').values({ id: newId('gbm'), group_id: group.id, order_id: s.orderId, customer_id: s.customerId, quantity: s.quantity }).execute();
  await emit(s.tx, 'group_buy.opened', group.id, { id: group.id, dealId: deal.id, orderId: s.orderId, customerId: s.customerId, size: group.size, deadline: group.deadline });
}

/**
 * The seat is claimed after the member row, the order every seat change locks in (member, then
 * group), so a join and a cancellation in the same group never wait on each other in a circle.
 */
async function joinGroup(s: Seat, groupId: string, deal: Pick<DealRow, 'units_per_member'>): Promise<void> {
  if (s.quantity > deal.units_per_member) throw refuse('group_buy_limit_reached', { offerId: groupId });
  const member = await sql`
    INSERT INTO group_buy_member (id, group_id, order_id, customer_id, quantity)
    VALUES (${newId('gbm')}, ${groupId}, ${s.orderId}, ${s.customerId}, ${s.quantity})
    ON CONFLICT (group_id, customer_id) WHERE status <> 'left' DO NOTHING
    RETURNING id`.execute(s.tx);
  if (!member.rows.length) throw refuse('group_buy_already_joined', { offerId: groupId });
  const seated = await sql<GroupRow>`
    UPDATE group_buy_group SET members = members + 1
     WHERE id = ${groupId} AND status = 'open' AND deadline > ${s.at} AND members < size
 RETURNING *`.execute(s.tx);
  const group = seated.rows[0];
  if (!group) {
    const now = await q(s.tx).selectFrom('group_buy_group').select(['status', 'deadline']).where('id', '=', groupId).executeTakeFirstOrThrow();
    throw refuse(now.status === 'open' && new Date(now.deadline) > s.at ? 'group_buy_full' : 'group_buy_closed', { offerId: groupId });
  }
  await emit(s.tx, 'group_buy.joined', groupId, { id: groupId, dealId: group.deal_id, orderId: s.orderId, customerId: s.customerId, members: group.members, size: group.size });
}

async function take(ctx: Ctx, offer: OfferContext & { orderId: string }, lines: OfferLine[]): Promise<{ waits: boolean }> {
  const customerId = offer.customerId;
  if (!customerId) throw refuse('group_buy_requires_sign_in');
  await inTx(ctx.db, async (tx) => {
    for (const [offerId, quantity] of unitsPerOffer(lines)) {
      const seat = { tx, orderId: offer.orderId, customerId, quantity, at: offer.at };
      if (!isGroup(offerId)) {
        await openGroup(seat, offerId);
        continue;
      }
      const deal = await q(tx)
        .selectFrom('group_buy_group as g')
        .innerJoin('group_buy_deal as d', 'd.id', 'g.deal_id')
        .select('d.units_per_member')
        .where('g.id', '=', offerId)
        .executeTakeFirst();
      if (!deal) throw notFound('group', offerId, 'offer');
      await joinGroup(seat, offerId, deal);
    }
  });
  return { waits: true };
}

/** A cancelled order gives its seat back while the group is still open; a repeat finds no seat to give. */
async function release(ctx: Ctx, input: { orderId: string }): Promise<void> {
  await inTx(ctx.db, async (tx) => {
    const left = await sql<{ group_id: string; customer_id: string; was: string }>`
      UPDATE group_buy_member m SET status = 'left', left_at = now()
        FROM (SELECT id, status FROM group_buy_member WHERE order_id = ${input.orderId} AND status <> 'left' FOR UPDATE) was
       WHERE m.id = was.id
   RETURNING m.group_id, m.customer_id, was.status AS was`.execute(tx);
    const rows = [...left.rows].sort((a, b) => (a.group_id < b.group_id ? -1 : 1));
    for (const r of rows) {
      const freed = await sql`
        UPDATE group_buy_group SET members = members - 1, paid = paid - ${r.was === 'paid' ? 1 : 0}
         WHERE id = ${r.group_id} AND status = 'open'
     RETURNING id`.execute(tx);
      await emit(tx, 'group_buy.left', r.group_id, { id: r.group_id, orderId: input.orderId, customerId: r.customer_id, seatFreed: freed.rows.length > 0 });
    }
  });
}

export const groupBuyOffers: OfferProvider = { kind: 'group_buy', price, take, release };
