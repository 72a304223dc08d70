import { SYSTEM } from '../../platform/auth.js';
import type { AnyDb, Executor } from '../../platform/db.js';
import { newId } from '../../platform/ids.js';
import { emit, emitAll, type DomainEvent } from '../../platform/outbox.js';
import { getChannel } from '../catalog/index.js';
import { applyOnce, applyOnceEach, balancesOf, debitLots, lockMember, lockMembers, q, writeEntries, writeEntry } from './ledger.js';
import type { LotRow } from './loyalty.tables.js';
import { loyaltySettings } from './loyalty.settings.js';
import { ensureMembers } from './members.service.js';
import { earnedPoints, pointsKept, ruleFor } from './points-math.js';
import { loadEarnRules } from './config.service.js';
import { loadTiers, recomputeTier } from './tiers.service.js';
import { endOfYear } from './brand-time.js';

/**
 * Points earned on orders, driven by the orders module's events: frozen when an order is paid,
 * confirmed once its return window has passed, released or clawed back as money goes back.
 */

interface OrderEvent {
  orderId: string;
  customerId: string | null;
  channelId: string;
  amount?: number;
}

const system = (db: Executor, event: DomainEvent) => ({ db, actor: SYSTEM, requestId: event.id });

type Reaction = (tx: Executor, event: DomainEvent) => Promise<void>;

/** Loyalty's reactions to single events (the functions are declared below and hoisted). */
const ONE_BY_ONE: Record<string, Reaction> = {
  'order.fulfilled': onHandedOver,
  'order.picked_up': onHandedOver,
  'fulfillment.shipped': onHandedOver,
  'fulfillment.delivered': onHandedOver,
  'order.completed': onOrderCompleted,
  'order.cancelled': onOrderCancelled,
  'refund.created': onRefundCreated,
};

/**
 * Loyalty's outbox reactions, in event order. A run of order.paid events with none of loyalty's
 * other events between them is handled together (onOrdersPaid); anything else one by one.
 */
export async function onLoyaltyEvents(tx: Executor, events: DomainEvent[]): Promise<void> {
  let paid: DomainEvent[] = [];
  for (const event of events) {
    if (event.type === 'order.paid') paid.push(event);
    else if (ONE_BY_ONE[event.type]) {
      await onOrdersPaid(tx, paid);
      paid = [];
      await ONE_BY_ONE[event.type](tx, event);
    }
  }
  await onOrdersPaid(tx, paid);
}

/**
 * order.paid, for a run of them: enrols customers who are not members yet and freezes the points
 * each payment earns, one lot per order. Handled together so that paying keeps pace with checkouts:
 * a fixed handful of statements for the whole run, the members locked in id order.
 */
export async function onOrdersPaid(tx: Executor, events: DomainEvent[]): Promise<void> {
  const withCustomer = events.filter((e) => (e.payload as unknown as OrderEvent).customerId);
  const fresh = await applyOnceEach(tx, withCustomer.map((e) => e.id));
  const paid = withCustomer.filter((e) => fresh.has(e.id)).map((e) => ({ event: e, p: e.payload as unknown as OrderEvent & { customerId: string } }));
  if (!paid.length) return;
  const customers = [...new Set(paid.map(({ p }) => p.customerId))].sort();
  await ensureMembers(tx, customers, 'order');
  const members = await lockMembers(tx, customers);
  const [rules, tiers] = [await loadEarnRules(tx), await loadTiers(tx)];
  const kinds = new Map<string, string | null>();
  for (const channelId of new Set(paid.map(({ p }) => p.channelId))) {
    kinds.set(channelId, (await getChannel(system(tx, paid[0].event), channelId).catch(() => null))?.kind ?? null);
  }
  // One lot per order: a second order.paid for it (a replay, a duplicate) earns nothing more.
  const orders = new Map<string, (typeof paid)[number]['p']>();
  for (const { p } of paid) if (!orders.has(p.orderId)) orders.set(p.orderId, p);
  const earned = [...orders.values()].map((p) => {
    const rule = ruleFor(rules, kinds.get(p.channelId) ?? null);
    const multiplier = tiers.find((t) => t.id === members.get(p.customerId)!.tier_id)?.multiplierPct ?? 100;
    const amount = p.amount ?? 0;
    return { p, rule, multiplier, paid: amount, points: rule ? earnedPoints(amount, rule, multiplier) : 0 };
  });
  const lots = await q(tx)
    .insertInto('loyalty_lot')
    .values(earned.map((e) => ({ id: newId('lot'), customer_id: e.p.customerId, source_type: 'order', source_id: e.p.orderId, status: 'frozen' as const, points: e.points, remaining: e.points, paid_amount: e.paid, confirm_due_at: null, confirmed_at: null, expires_at: null })))
    .onConflict((oc) => oc.column('source_id').where('source_type', '=', 'order').doNothing())
    .returningAll()
    .execute();
  const lotOf = new Map(lots.map((l) => [l.source_id, l]));
  const frozen = earned.filter((e) => e.points > 0 && lotOf.has(e.p.orderId));
  await writeEntries(tx, frozen.map((e) => ({ customerId: e.p.customerId, kind: 'frozen' as const, points: e.points, reference: { type: 'order', id: e.p.orderId } })));
  await emitAll(tx, frozen.map((e) => {
    const lot = lotOf.get(e.p.orderId)!;
    return { type: 'points.frozen', aggregateId: lot.id, payload: { lotId: lot.id, customerId: e.p.customerId, orderId: e.p.orderId, points: e.points, ruleId: e.rule?.id ?? null, multiplierPct: e.multiplier } };
  }));
}

/**
 * order.fulfilled, order.picked_up, fulfillment.shipped / delivered: goods reached the shopper, so
 * the return window runs from now. The latest handover counts (a delivery after shipping moves it
 * on); an order refunded in part before fulfilment never becomes "fulfilled", so the handovers
 * themselves start the clock.
 */
export async function onHandedOver(tx: Executor, event: DomainEvent): Promise<void> {
  const p = event.payload as unknown as { orderId?: string };
  if (!p.orderId) return;
  const due = new Date(new Date(event.createdAt).getTime() + loyaltySettings.confirmAfterDays * 86400_000);
  await q(tx)
    .updateTable('loyalty_lot')
    .set({ confirm_due_at: due })
    .where('source_type', '=', 'order')
    .where('source_id', '=', p.orderId)
    .where('status', '=', 'frozen')
    .where((eb) => eb.or([eb('confirm_due_at', 'is', null), eb('confirm_due_at', '<', due)]))
    .execute();
}

/** order.completed: the order's own return window has closed, so nothing can come back: confirm now. */
export async function onOrderCompleted(tx: Executor, event: DomainEvent): Promise<void> {
  const p = event.payload as unknown as OrderEvent;
  await q(tx)
    .updateTable('loyalty_lot')
    .set({ confirm_due_at: new Date(event.createdAt) })
    .where('source_type', '=', 'order')
    .where('source_id', '=', p.orderId)
    .where('status', '=', 'frozen')
    .where((eb) => eb.or([eb('confirm_due_at', 'is', null), eb('confirm_due_at', '>', new Date(event.createdAt))]))
    .execute();
}

/** refund.created: the order earns in proportion to what it kept; the difference goes back. */
export async function onRefundCreated(tx: Executor, event: DomainEvent): Promise<void> {
  const p = event.payload as { orderId: string; refundId: string; amount: number };
  if (!(await applyOnce(tx, event.id))) return;
  const lot = await orderLot(tx, p.orderId);
  if (!lot) return;
  await takeBack(tx, lot, Number(lot.refunded_amount) + p.amount, { type: 'refund', id: p.refundId });
}

/** order.cancelled: whatever is still frozen on the order is released (nothing was kept). */
export async function onOrderCancelled(tx: Executor, event: DomainEvent): Promise<void> {
  const p = event.payload as unknown as OrderEvent;
  const lot = await orderLot(tx, p.orderId);
  if (!lot || lot.status !== 'frozen') return;
  await takeBack(tx, lot, Number(lot.paid_amount), { type: 'order', id: p.orderId });
}

/** The order's lot, locked after its member (the ledger's lock order). */
async function orderLot(tx: Executor, orderId: string): Promise<LotRow | null> {
  const found = await q(tx).selectFrom('loyalty_lot').select('customer_id').where('source_type', '=', 'order').where('source_id', '=', orderId).executeTakeFirst();
  if (!found) return null;
  await lockMember(tx, found.customer_id);
  return (await q(tx).selectFrom('loyalty_lot').selectAll().where('source_type', '=', 'order').where('source_id', '=', orderId).forUpdate().executeTakeFirst()) ?? null;
}

/**
 * Brings an order lot to what `refunded` leaves it: frozen points are released; confirmed points
 * are clawed back from the balance, first from the lot itself, never below zero (what the member
 * already spent is reported as unrecovered).
 */
async function takeBack(tx: Executor, lot: LotRow, refunded: number, reference: { type: string; id: string }): Promise<void> {
  const paid = Number(lot.paid_amount);
  const owed = lot.points - pointsKept(lot.points, paid, refunded) - lot.clawed;
  const refundedAmount = Math.min(refunded, paid);
  if (lot.status === 'frozen') {
    const release = Math.min(owed, lot.remaining);
    const remaining = lot.remaining - release;
    await q(tx).updateTable('loyalty_lot').set({ remaining, clawed: lot.clawed + release, refunded_amount: refundedAmount, status: remaining === 0 ? 'released' : 'frozen' }).where('id', '=', lot.id).execute();
    if (release > 0) {
      await writeEntry(tx, { customerId: lot.customer_id, kind: 'released', points: -release, reference });
      await emit(tx, 'points.released', lot.id, { lotId: lot.id, customerId: lot.customer_id, orderId: lot.source_id, points: release, frozenLeft: remaining });
    }
    return;
  }
  await q(tx).updateTable('loyalty_lot').set({ clawed: lot.clawed + Math.max(owed, 0), refunded_amount: refundedAmount }).where('id', '=', lot.id).execute();
  if (owed > 0 && lot.status !== 'released') {
    const { balance } = await balancesOf(tx, lot.customer_id);
    const take = Math.min(owed, balance);
    if (take > 0) await debitLots(tx, { customerId: lot.customer_id, kind: 'clawed_back', points: take, reference }, lot.id);
    await emit(tx, 'points.clawed_back', lot.id, { lotId: lot.id, customerId: lot.customer_id, orderId: lot.source_id, points: take, unrecovered: owed - take });
  }
  await recomputeTier(tx, lot.customer_id);
}

/**
 * Background job: confirms frozen lots whose return window has passed. Each lot is confirmed in
 * its own transaction after locking its member; SKIP LOCKED lets replicas share the work.
 */
export async function confirmDuePoints(db: AnyDb, now = new Date(), batch = 100): Promise<number> {
  const due = await q(db).selectFrom('loyalty_lot').select(['id', 'customer_id']).where('status', '=', 'frozen').where('confirm_due_at', '<=', now).orderBy('confirm_due_at').limit(batch).execute();
  let done = 0;
  for (const d of due) {
    done += await db.transaction().execute(async (tx) => {
      await lockMember(tx, d.customer_id);
      const lot = await q(tx).selectFrom('loyalty_lot').selectAll().where('id', '=', d.id).where('status', '=', 'frozen').forUpdate().skipLocked().executeTakeFirst();
      if (!lot) return 0;
      const expiresAt = endOfYear(now, loyaltySettings.expiryYears, loyaltySettings.timeZone);
      await q(tx).updateTable('loyalty_lot').set({ status: 'active', confirmed_at: now, expires_at: expiresAt }).where('id', '=', lot.id).execute();
      if (lot.remaining > 0) {
        await writeEntry(tx, { customerId: lot.customer_id, kind: 'confirmed', points: lot.remaining, reference: { type: 'order', id: lot.source_id } });
        await emit(tx, 'points.confirmed', lot.id, { lotId: lot.id, customerId: lot.customer_id, orderId: lot.source_id, points: lot.remaining, expiresAt: expiresAt.toISOString() });
      }
      await recomputeTier(tx, lot.customer_id);
      return 1;
    });
  }
  return done;
}

/** Background job: active lots past their expiry lose what is left, one member per transaction. */
export async function expirePoints(db: AnyDb, now = new Date(), batch = 100): Promise<number> {
  const members = await q(db)
    .selectFrom('loyalty_lot')
    .select('customer_id')
    .distinct()
    .where('status', '=', 'active')
    .where('expires_at', '<=', now)
    .limit(batch)
    .execute();
  for (const { customer_id: customerId } of members) {
    await db.transaction().execute(async (tx) => {
      await lockMember(tx, customerId);
      const lots = await q(tx)
        .selectFrom('loyalty_lot')
        .select(['id', 'remaining'])
        .where('customer_id', '=', customerId)
        .where('status', '=', 'active')
        .where('expires_at', '<=', now)
        .orderBy('id')
        .forUpdate()
        .execute();
      if (!lots.length) return;
      await q(tx).updateTable('loyalty_lot').set({ status: 'expired', remaining: 0 }).where('id', 'in', lots.map((l) => l.id)).execute();
      const lost = lots.reduce((s, l) => s + l.remaining, 0);
      if (lost === 0) return;
      await writeEntry(tx, { customerId, kind: 'expired', points: -lost, reason: 'points reached their expiry date' });
      await emit(tx, 'points.expired', customerId, { customerId, points: lost, lotIds: lots.filter((l) => l.remaining > 0).map((l) => l.id) });
    });
  }
  return members.length;
}
