import { sql } from 'kysely';
import { tables, type Executor } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { EntryKind, LoyaltyTables, MemberRow } from './loyalty.tables.js';
import { planDebit } from './points-math.js';

/**
 * The points ledger: lots and the entries that move them. Every write to a member's lots first
 * locks the member row (lockMember), so concurrent spends, refunds, confirmations and expiries of
 * one member run one after another and the balance (the sum of the active lots) never goes below
 * zero. Functions here run inside the caller's transaction.
 */
export const q = (db: Executor) => tables<LoyaltyTables>(db);

export interface Reference {
  type: string;
  id: string;
}

export const memberNotFound = (customerId: string, field = 'customerId') =>
  new AppError('member_not_found', `customer ${customerId} is not a member`, { field, customerId });

export async function lockMember(tx: Executor, customerId: string, field?: string): Promise<MemberRow> {
  const row = await q(tx).selectFrom('loyalty_member').selectAll().where('customer_id', '=', customerId).forUpdate().executeTakeFirst();
  if (!row) throw memberNotFound(customerId, field);
  return row;
}

/** Locks several members, in customer id order so that two runs never wait on each other crosswise. */
export async function lockMembers(tx: Executor, customerIds: string[]): Promise<Map<string, MemberRow>> {
  const rows = await q(tx).selectFrom('loyalty_member').selectAll().where('customer_id', 'in', customerIds).orderBy('customer_id').forUpdate().execute();
  const members = new Map(rows.map((r) => [r.customer_id, r]));
  const missing = customerIds.find((id) => !members.has(id));
  if (missing) throw memberNotFound(missing);
  return members;
}

export interface Balances {
  balance: number;
  frozen: number;
}

export async function balancesOf(db: Executor, customerId: string): Promise<Balances> {
  const r = await q(db)
    .selectFrom('loyalty_lot')
    .select([
      sql<number>`coalesce(sum(remaining) FILTER (WHERE status = 'active'), 0)::int`.as('balance'),
      sql<number>`coalesce(sum(remaining) FILTER (WHERE status = 'frozen'), 0)::int`.as('frozen'),
    ])
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return { balance: Number(r.balance), frozen: Number(r.frozen) };
}

type NewEntry = { customerId: string; kind: EntryKind; points: number; reference?: Reference | null; reason?: string | null };

export async function writeEntry(tx: Executor, e: NewEntry): Promise<string> {
  return (await writeEntries(tx, [e]))[0];
}

/** Writes ledger entries in one statement; returns their ids in the order given. */
export async function writeEntries(tx: Executor, entries: NewEntry[]): Promise<string[]> {
  if (!entries.length) return [];
  const ids = entries.map(() => newId('lpe'));
  await q(tx)
    .insertInto('loyalty_entry')
    .values(entries.map((e, i) => ({ id: ids[i], customer_id: e.customerId, kind: e.kind, points: e.points, reference_type: e.reference?.type ?? null, reference_id: e.reference?.id ?? null, reason: e.reason ?? null })))
    .execute();
  return ids;
}

/**
 * Takes `points` from the member's active lots, soonest expiry first (`firstLotId` first when
 * given: a clawback takes from the lot it earned), and records which lots gave what. The member
 * must be locked. Throws insufficient_points when the balance is short.
 */
export async function debitLots(
  tx: Executor,
  entry: { customerId: string; kind: EntryKind; points: number; reference?: Reference | null; reason?: string | null },
  firstLotId?: string,
): Promise<string> {
  const lots = await q(tx)
    .selectFrom('loyalty_lot')
    .select(['id', 'remaining'])
    .where('customer_id', '=', entry.customerId)
    .where('status', '=', 'active')
    .where('remaining', '>', 0)
    .orderBy(sql`id = ${firstLotId ?? ''}`, 'desc')
    .orderBy('expires_at', 'asc')
    .orderBy('id')
    .forUpdate()
    .execute();
  const plan = planDebit(lots, entry.points);
  if (!plan) {
    const balance = lots.reduce((s, l) => s + l.remaining, 0);
    throw new AppError('insufficient_points', `${entry.points} points are more than the ${balance} available`, { field: 'points', balance, requested: entry.points });
  }
  const entryId = await writeEntry(tx, { ...entry, points: -entry.points });
  for (const step of plan) {
    await q(tx)
      .updateTable('loyalty_lot')
      .set((eb) => ({ remaining: eb('remaining', '-', step.points) }))
      .where('id', '=', step.lotId)
      .execute();
    await q(tx).insertInto('loyalty_lot_use').values({ entry_id: entryId, lot_id: step.lotId, points: step.points }).execute();
  }
  return entryId;
}

/** A new active lot (a manual credit), expiring at `expiresAt`. */
export async function creditLot(tx: Executor, input: { customerId: string; points: number; sourceId: string; expiresAt: Date }): Promise<string> {
  const id = newId('lot');
  await q(tx)
    .insertInto('loyalty_lot')
    .values({ id, customer_id: input.customerId, source_type: 'adjustment', source_id: input.sourceId, status: 'active', points: input.points, remaining: input.points, confirm_due_at: null, confirmed_at: new Date(), expires_at: input.expiresAt })
    .execute();
  return id;
}

/** Puts the points of a debit back into the lots it drew on; an expired lot revives until the next expiry run. */
export async function restoreDebit(tx: Executor, entryId: string): Promise<number> {
  const uses = await q(tx).selectFrom('loyalty_lot_use').selectAll().where('entry_id', '=', entryId).orderBy('lot_id').execute();
  for (const u of uses) {
    await q(tx)
      .updateTable('loyalty_lot')
      .set((eb) => ({ remaining: eb('remaining', '+', u.points), status: 'active' }))
      .where('id', '=', u.lot_id)
      .execute();
  }
  return uses.reduce((s, u) => s + u.points, 0);
}

/** Marks an outbox event applied; false when it already was (handlers run at least once). */
export async function applyOnce(tx: Executor, eventId: string): Promise<boolean> {
  return (await applyOnceEach(tx, [eventId])).has(eventId);
}

/** applyOnce for several events in one statement: the ones applied now (not before) are returned. */
export async function applyOnceEach(tx: Executor, eventIds: string[]): Promise<Set<string>> {
  if (!eventIds.length) return new Set();
  const rows = await q(tx).insertInto('loyalty_applied_event').values(eventIds.map((event_id) => ({ event_id }))).onConflict((oc) => oc.column('event_id').doNothing()).returning('event_id').execute();
  return new Set(rows.map((r) => r.event_id));
}
