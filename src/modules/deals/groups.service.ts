import { inTx, PREPARED, sql, tables, type AnyDb, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { emit, type DomainEvent } from '../../platform/outbox.js';
import { SYSTEM } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import { cancelOrder, releaseOrderWait } from '../orders/index.js';
import type { DealsTables, GroupRow, GroupStatus, MemberStatus } from './deals.tables.js';

/**
 * The life of a group after checkout: complete when every seat has paid (the member orders stop
 * waiting and are fulfilled), failed when the deadline passes first (the member orders are
 * cancelled and refunded). Also what shoppers, the share page and staff read about groups.
 */

const q = (db: Executor) => tables<DealsTables>(db);
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const system = (db: Executor, requestId: string): Ctx => ({ db, actor: SYSTEM, requestId });

/** What anyone with the share link sees: no shopper's personal data. */
export interface GroupView {
  id: string;
  dealId: string;
  name: string;
  variantId: string;
  price: { amount: number; currency: string };
  size: number;
  members: number;
  seatsLeft: number;
  status: GroupStatus;
  deadline: string;
  sharePath: string;
  openedAt: string;
  completedAt: string | null;
  failedAt: string | null;
}

export interface MemberView {
  customerId: string;
  orderId: string;
  quantity: number;
  status: MemberStatus;
  joinedAt: string;
  paidAt: string | null;
  leftAt: string | null;
}

const groupQuery = (db: Executor) =>
  q(db)
    .selectFrom('group_buy_group as g')
    .innerJoin('group_buy_deal as d', 'd.id', 'g.deal_id')
    .selectAll('g')
    .select(['d.name', 'd.variant_id', 'd.price', 'd.currency']);

type GroupWithDeal = GroupRow & { name: string; variant_id: string; price: number; currency: string };

const toGroup = (g: GroupWithDeal): GroupView => ({
  id: g.id,
  dealId: g.deal_id,
  name: g.name,
  variantId: g.variant_id,
  price: { amount: Number(g.price), currency: g.currency },
  size: g.size,
  members: g.members,
  seatsLeft: g.status === 'open' ? g.size - g.members : 0,
  status: g.status,
  deadline: iso(g.deadline)!,
  sharePath: `/shop/groups/${g.id}`,
  openedAt: iso(g.created_at)!,
  completedAt: iso(g.completed_at),
  failedAt: iso(g.failed_at),
});

export async function getGroup(ctx: Ctx, id: string): Promise<GroupView> {
  const row = await groupQuery(ctx.db).where('g.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('group', id);
  return toGroup(row);
}

/** A deal's groups, newest first, each with its members (staff only). */
export async function listDealGroups(
  ctx: Ctx,
  dealId: string,
  f: { status?: GroupStatus; limit: number; after?: string },
): Promise<{ data: Array<GroupView & { memberList: MemberView[] }>; next: string | null }> {
  const deal = await q(ctx.db).selectFrom('group_buy_deal').select('id').where('id', '=', dealId).executeTakeFirst();
  if (!deal) throw notFound('group-buy deal', dealId);
  let query = groupQuery(ctx.db).where('g.deal_id', '=', dealId).orderBy('g.id', 'desc').limit(f.limit + 1);
  if (f.status) query = query.where('g.status', '=', f.status);
  if (f.after) query = query.where('g.id', '<', f.after);
  const rows = await query.execute();
  const page = rows.slice(0, f.limit);
  const members = page.length
    ? await q(ctx.db).selectFrom('group_buy_member').selectAll().where('group_id', 'in', page.map((g) => g.id)).orderBy('joined_at').orderBy('id').execute()
    : [];
  return {
    data: page.map((g) => ({
      ...toGroup(g),
      memberList: members.filter((m) => m.group_id === g.id).map((m) => ({
        customerId: m.customer_id,
        orderId: m.order_id,
        quantity: m.quantity,
        status: m.status,
        joinedAt: iso(m.joined_at)!,
        paidAt: iso(m.paid_at),
        leftAt: iso(m.left_at),
      })),
    })),
    next: rows.length > f.limit ? page.at(-1)!.id : null,
  };
}

/** The groups a shopper opened or joined, newest seat first, with their own seat. */
export async function listShopperGroups(ctx: Ctx, customerId: string, f: { limit: number }): Promise<Array<GroupView & { seat: { orderId: string; status: MemberStatus; joinedAt: string } }>> {
  const seats = await q(ctx.db)
    .selectFrom('group_buy_member')
    .select(['group_id', 'order_id', 'status', 'joined_at'])
    .where('customer_id', '=', customerId)
    .orderBy('joined_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit)
    .execute();
  if (!seats.length) return [];
  const groups = await groupQuery(ctx.db).where('g.id', 'in', [...new Set(seats.map((s) => s.group_id))]).execute();
  const byId = new Map(groups.map((g) => [g.id, toGroup(g)]));
  return seats.map((s) => ({ ...byId.get(s.group_id)!, seat: { orderId: s.order_id, status: s.status, joinedAt: iso(s.joined_at)! } }));
}

/**
 * Outbox reaction to a batch's order.paid events: seats of member orders become paid, in one
 * statement for the batch (locked in order id order). The member rows are changed before the group
 * rows, the order every seat change locks them in. A group that gets its last payment is complete.
 */
export async function onOrdersPaid(tx: Executor, events: DomainEvent[]): Promise<void> {
  const orderIds = events.filter((e) => e.type === 'order.paid').map((e) => (e.payload as { orderId: string }).orderId);
  if (!orderIds.length) return;
  const paid = await sql<{ group_id: string }>`${PREPARED}
    UPDATE group_buy_member SET status = 'paid', paid_at = now()
     WHERE id IN (SELECT id FROM group_buy_member WHERE order_id = ANY(${orderIds}::text[]) AND status = 'joined' ORDER BY order_id FOR UPDATE) AND status = 'joined'
 RETURNING group_id`.execute(tx);
  const seats = new Map<string, number>();
  for (const { group_id } of paid.rows) seats.set(group_id, (seats.get(group_id) ?? 0) + 1);
  for (const [groupId, n] of [...seats].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const counted = await sql<GroupRow>`
      UPDATE group_buy_group SET paid = paid + ${n} WHERE id = ${groupId} AND status = 'open' RETURNING *`.execute(tx);
    const group = counted.rows[0];
    if (!group || group.paid < group.size) continue;
    await q(tx).updateTable('group_buy_group').set({ status: 'complete', completed_at: new Date() }).where('id', '=', group.id).execute();
    await emit(tx, 'group_buy.completed', group.id, { id: group.id, dealId: group.deal_id, size: group.size });
  }
}

/**
 * Outbox reaction: a group is complete, so its member orders may now be fulfilled. This runs after
 * the group's own transaction, so releasing an order (which locks it) never waits while holding
 * the group, which a cancellation (order, then seat) would need.
 */
export async function onGroupCompleted(tx: Executor, event: DomainEvent): Promise<void> {
  const ctx = system(tx, event.id);
  const members = await q(tx).selectFrom('group_buy_member').select('order_id').where('group_id', '=', event.aggregateId!).where('status', '=', 'paid').orderBy('order_id').execute();
  for (const m of members) await releaseOrderWait(ctx, m.order_id);
}

/**
 * Fails open groups past their deadline, then cancels (and so refunds) the member orders of failed
 * groups. Each group is failed by a conditional update and each order cancelled in its own
 * transaction: replicas running the job at once fail a group once, and an order one of them
 * already cancelled is skipped. A group is settled when none of its orders is left to cancel.
 */
export async function failExpiredGroups(db: AnyDb, now = new Date()): Promise<number> {
  let done = 0;
  const due = await q(db).selectFrom('group_buy_group').select('id').where('status', '=', 'open').where('deadline', '<=', now).orderBy('deadline').limit(100).execute();
  for (const { id } of due) {
    done += await inTx(db, async (tx) => {
      const failed = await q(tx)
        .updateTable('group_buy_group')
        .set({ status: 'failed', failed_at: now })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .where('deadline', '<=', now)
        .returningAll()
        .executeTakeFirst();
      if (!failed) return 0;
      await emit(tx, 'group_buy.failed', id, { id, dealId: failed.deal_id, size: failed.size, members: failed.members, paid: failed.paid });
      return 1;
    });
  }
  const unsettled = await q(db).selectFrom('group_buy_group').select('id').where('status', '=', 'failed').where('settled_at', 'is', null).orderBy('failed_at').limit(20).execute();
  for (const { id } of unsettled) {
    const live = await q(db).selectFrom('group_buy_member').select('order_id').where('group_id', '=', id).where('status', '!=', 'left').orderBy('order_id').execute();
    for (const m of live) done += await cancelMemberOrder(db, m.order_id);
    await sql`
      UPDATE group_buy_group SET settled_at = now()
       WHERE id = ${id} AND settled_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM group_buy_member WHERE group_id = ${id} AND status <> 'left')`.execute(db);
  }
  return done;
}

/** Cancelling an order releases its seat (the member leaves) in the same transaction. */
async function cancelMemberOrder(db: AnyDb, orderId: string): Promise<number> {
  try {
    await cancelOrder(system(db, 'job:group_buy_failed'), orderId, 'group_buy_failed');
    return 1;
  } catch (err) {
    // Cancelled meanwhile by someone else: nothing left to do for this order.
    if (err instanceof AppError && err.code === 'invalid_state') return 0;
    throw err;
  }
}
