import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { inTx, type Executor } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emitAll } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { getCustomer } from '../customers/index.js';
import type { EntryKind, MemberRow } from './loyalty.tables.js';
import { balancesOf, memberNotFound, q } from './ledger.js';
import { memberCode, memberPass, verifyMemberCode, verifyMemberPass } from './member-code.js';
import { nextTier, tierForSpend } from './points-math.js';
import { loadTiers, rollingSpend, type TierView } from './tiers.service.js';

export interface Membership {
  id: string;
  customerId: string;
  enrolledAt: string;
  balance: number;
  frozen: number;
  tier: TierView | null;
  /** Confirmed spend over the tier window, in minor units. */
  spend: number;
  nextTier: { id: string; name: string; minSpend: number; amountToGo: number } | null;
}

/**
 * Makes customers members if they are not yet (first order, explicit sign-up), in the lowest tier
 * their spend reaches; returns the members made now. Safe under concurrent calls: the customer id
 * is unique, and customers are inserted in id order.
 */
export async function ensureMembers(tx: Executor, customerIds: string[], via: string): Promise<MemberRow[]> {
  const tier = tierForSpend(await loadTiers(tx), 0);
  const inserted = await q(tx)
    .insertInto('loyalty_member')
    .values([...new Set(customerIds)].sort().map((customerId) => ({ id: newId('mem'), customer_id: customerId, tier_id: tier?.id ?? null })))
    .onConflict((oc) => oc.column('customer_id').doNothing())
    .returningAll()
    .execute();
  await emitAll(tx, inserted.map((m) => ({ type: 'member.enrolled', aggregateId: m.id, payload: { memberId: m.id, customerId: m.customer_id, tierId: m.tier_id, via } })));
  return inserted;
}

export async function ensureMember(tx: Executor, customerId: string, via: string): Promise<{ member: MemberRow; created: boolean }> {
  const [inserted] = await ensureMembers(tx, [customerId], via);
  if (inserted) return { member: inserted, created: true };
  return { member: await q(tx).selectFrom('loyalty_member').selectAll().where('customer_id', '=', customerId).executeTakeFirstOrThrow(), created: false };
}

export async function enrolMember(ctx: Ctx, customerId: string, via: string): Promise<{ membership: Membership; created: boolean }> {
  return inTx(ctx.db, async (tx) => {
    await getCustomer({ ...ctx, db: tx }, customerId).catch((err) => {
      throw err instanceof AppError && err.code === 'not_found' ? new AppError('not_found', `customer ${customerId} does not exist`, { field: 'customerId' }) : err;
    });
    const { member, created } = await ensureMember(tx, customerId, via);
    return { membership: await membershipOf(tx, member), created };
  });
}

async function membershipOf(db: Executor, m: MemberRow): Promise<Membership> {
  const tiers = await loadTiers(db);
  const spend = await rollingSpend(db, m.customer_id);
  const next = nextTier(tiers, spend);
  return {
    id: m.id,
    customerId: m.customer_id,
    enrolledAt: new Date(m.enrolled_at).toISOString(),
    ...(await balancesOf(db, m.customer_id)),
    tier: tiers.find((t) => t.id === m.tier_id) ?? null,
    spend,
    nextTier: next ? { id: next.tier.id, name: next.tier.name, minSpend: next.tier.minSpend, amountToGo: next.amountToGo } : null,
  };
}

export async function getMembership(ctx: Ctx, customerId: string): Promise<Membership> {
  const m = await q(ctx.db).selectFrom('loyalty_member').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  if (!m) throw memberNotFound(customerId);
  return membershipOf(ctx.db, m);
}

export interface PointsEntry {
  id: string;
  kind: EntryKind;
  points: number;
  reference: { type: string; id: string } | null;
  reason: string | null;
  createdAt: string;
}

/** A member's points history, newest first, a page at a time. */
export async function listEntries(ctx: Ctx, customerId: string, page: { limit: number; cursor?: string }): Promise<{ data: PointsEntry[]; nextCursor: string | null }> {
  await getMembership(ctx, customerId);
  let query = q(ctx.db).selectFrom('loyalty_entry').selectAll().where('customer_id', '=', customerId);
  if (page.cursor) query = query.where('id', '<', page.cursor);
  const rows = await query.orderBy('id', 'desc').limit(page.limit + 1).execute();
  const data = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    kind: r.kind,
    points: r.points,
    reference: r.reference_type && r.reference_id ? { type: r.reference_type, id: r.reference_id } : null,
    reason: r.reason,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return { data, nextCursor: rows.length > page.limit ? data[data.length - 1].id : null };
}

/** The member code key: made once, by whichever replica asks first, and kept in the database. */
async function codeSecret(db: Executor): Promise<string> {
  await q(db)
    .insertInto('loyalty_secret')
    .values({ name: 'member_code', secret: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await q(db).selectFrom('loyalty_secret').select('secret').where('name', '=', 'member_code').executeTakeFirstOrThrow()).secret;
}

export async function currentMemberCode(ctx: Ctx, customerId: string, at = Date.now()): Promise<{ code: string; qr: string; expiresAt: string }> {
  const m = await getMembership(ctx, customerId);
  const { code, expiresAt } = memberCode(await codeSecret(ctx.db), m.id, at);
  return { code, qr: await QRCode.toDataURL(code, { errorCorrectionLevel: 'M', margin: 1 }), expiresAt: expiresAt.toISOString() };
}

/** What a clerk's scan of a member code resolves to, with the pass that lets the sale spend points. */
export async function resolveMemberCode(ctx: Ctx, code: string, at = Date.now()): Promise<Membership & { pass: { token: string; expiresAt: string } }> {
  const secret = await codeSecret(ctx.db);
  const memberId = verifyMemberCode(secret, code, at);
  const m = memberId ? await q(ctx.db).selectFrom('loyalty_member').selectAll().where('id', '=', memberId).executeTakeFirst() : undefined;
  if (!m) throw new AppError('invalid_member_code', 'the member code is not valid or has expired; ask the member to refresh it', { field: 'code' });
  const { pass, expiresAt } = memberPass(secret, m.id, at);
  return { ...(await membershipOf(ctx.db, m)), pass: { token: pass, expiresAt: expiresAt.toISOString() } };
}

/**
 * A till spends a member's points only while the member is there: `pass` is what scanning their
 * member code gave (see resolveMemberCode), and it must be this customer's.
 */
export async function requireMemberPresent(ctx: Ctx, customerId: string, pass: string | undefined, field: string): Promise<void> {
  const memberId = pass ? verifyMemberPass(await codeSecret(ctx.db), pass) : null;
  const m = memberId ? await q(ctx.db).selectFrom('loyalty_member').select('customer_id').where('id', '=', memberId).executeTakeFirst() : undefined;
  if (m?.customer_id !== customerId) {
    throw new AppError('member_code_required', pass ? "this member pass is not this customer's or has expired: scan the member code again" : "points are spent at the till only after scanning the member's code: send the pass it gave", { field });
  }
}
