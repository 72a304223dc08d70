import { inTx, sql, tables, type Executor } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { CouponRow, CouponsTables, RedemptionRow, TemplateRow } from './coupons.tables.js';
import { normalizeCode } from './codes.js';
import { refusal, REFUSAL_MESSAGES, stackingConflict, type RefusalCode } from './rules.js';
import { allOrNothing } from './savepoint.js';

const q = (db: Executor) => tables<CouponsTables>(db);

export const MAX_CODES_PER_ORDER = 10;

/** A code that may be used: what the pricing engine needs to apply its promotion. */
export interface ResolvedCoupon {
  code: string;
  couponId: string;
  templateId: string;
  promotionId: string;
  group: string;
  stackable: boolean;
}

interface Loaded {
  index: number;
  code: string;
  coupon: CouponRow;
  template: TemplateRow;
}

const field = (i: number) => `couponCodes.${i}`;
const refuse = (code: RefusalCode, i: number) => new AppError(code, REFUSAL_MESSAGES[code], { field: field(i) });

/** Normalizes the codes and loads each with its template and the customer's uses so far. */
async function load(db: Executor, input: string[], customerId: string | null): Promise<{ loaded: Loaded[]; usedBy: Map<string, number> }> {
  if (input.length > MAX_CODES_PER_ORDER) throw new AppError('validation_failed', `at most ${MAX_CODES_PER_ORDER} coupon codes per order`, { field: 'couponCodes' });
  const codes = input.map(normalizeCode);
  codes.forEach((c, i) => {
    if (codes.indexOf(c) !== i) throw new AppError('validation_failed', 'this code is given twice', { field: field(i) });
  });
  if (!codes.length) return { loaded: [], usedBy: new Map() };
  const coupons = await q(db).selectFrom('coupon').selectAll().where('code', 'in', codes).execute();
  const byCode = new Map(coupons.map((c) => [c.code, c]));
  const templateIds = [...new Set(coupons.map((c) => c.template_id))];
  const templates = templateIds.length ? await q(db).selectFrom('coupon_template').selectAll().where('id', 'in', templateIds).execute() : [];
  const templateById = new Map(templates.map((t) => [t.id, t]));
  const usage = customerId && templateIds.length
    ? await q(db).selectFrom('coupon_customer_usage').select(['template_id', 'used']).where('customer_id', '=', customerId).where('template_id', 'in', templateIds).execute()
    : [];
  const loaded = codes.map((code, index) => {
    const coupon = byCode.get(code);
    if (!coupon) throw new AppError('coupon_not_found', 'no coupon has this code', { field: field(index) });
    return { index, code, coupon, template: templateById.get(coupon.template_id)! };
  });
  return { loaded, usedBy: new Map(usage.map((u) => [u.template_id, u.used])) };
}

/** Throws the first refusal among the codes, naming the code's position. */
function check(loaded: Loaded[], usedBy: Map<string, number>, customerId: string | null, channelKind: string | null, at: Date): void {
  const seen = new Map<string, number>();
  for (const { index, coupon: c, template: t } of loaded) {
    const earlier = seen.get(t.id) ?? 0;
    seen.set(t.id, earlier + 1);
    const reason = refusal(
      {
        kind: t.kind,
        templateActive: t.status === 'active',
        channels: t.channels,
        validFrom: c.valid_from ?? t.valid_from,
        validUntil: c.valid_until ?? t.valid_until,
        maxUses: c.max_uses,
        uses: c.uses,
        ownerId: c.customer_id,
        perCustomerLimit: t.per_customer_limit,
        usedByCustomer: usedBy.get(t.id) ?? 0,
      },
      { customerId, channelKind, at, earlierOfTemplate: earlier },
    );
    if (reason) throw refuse(reason, index);
  }
  const conflict = stackingConflict(loaded.map((l) => ({ group: l.template.coupon_group, stackable: l.template.stackable })));
  if (conflict !== null) {
    throw new AppError('coupons_do_not_stack', `this coupon cannot be combined with another ${loaded[conflict].template.coupon_group} coupon`, { field: field(conflict) });
  }
}

const toResolved = ({ code, coupon, template }: Loaded): ResolvedCoupon => ({
  code,
  couponId: coupon.id,
  templateId: template.id,
  promotionId: template.promotion_id,
  group: template.coupon_group,
  stackable: template.stackable,
});

/**
 * Checks the codes a shopper entered for a sale on this channel, without using them: each exists,
 * is within its window, not used up, allowed on the channel, the shopper's own (wallet coupons)
 * and within the per-customer limit, and together they respect the stacking groups. Errors name
 * the code as `couponCodes.N`. Coupons limit the kind of channel (online, in store); which channels
 * a discount applies on is a condition of its promotion, checked by the pricing engine.
 */
export async function resolveCoupons(
  ctx: Ctx,
  input: { codes: string[]; customerId?: string | null; channelKind: string; channelId: string; at?: Date },
): Promise<ResolvedCoupon[]> {
  const customerId = input.customerId ?? null;
  const { loaded, usedBy } = await load(ctx.db, input.codes, customerId);
  check(loaded, usedBy, customerId, input.channelKind, input.at ?? new Date());
  return loaded.map(toResolved);
}

/**
 * Uses the codes for an order, exactly once each. The conditional UPDATEs are the guard: of any
 * number of checkouts racing for the last use of a code, or the last use a customer is allowed,
 * exactly as many succeed as there are uses; the others throw and their checkout rolls back.
 * Rows are locked in id order (coupons, then per-customer counters) so racing orders never deadlock.
 */
export async function redeemCoupons(ctx: Ctx, input: { orderId: string; customerId: string | null; codes: string[] }): Promise<void> {
  if (!input.codes.length) return;
  await inTx(ctx.db, (tx) => allOrNothing(tx, async () => {
    const { loaded, usedBy } = await load(tx, input.codes, input.customerId);
    // The channel and stacking were checked when the order was priced; re-check what time can change.
    check(loaded, usedBy, input.customerId, null, new Date());
    for (const l of [...loaded].sort((a, b) => (a.coupon.id < b.coupon.id ? -1 : 1))) {
      const used = await sql`
        UPDATE coupon SET uses = uses + 1
         WHERE id = ${l.coupon.id} AND (max_uses IS NULL OR uses < max_uses)
     RETURNING uses`.execute(tx);
      if (!used.rows.length) throw refuse('coupon_used_up', l.index);
    }
    if (input.customerId) await countCustomerUses(tx, loaded, input.customerId);
    for (const l of loaded) {
      await q(tx)
        .insertInto('coupon_redemption')
        .values({ id: newId('cpr'), coupon_id: l.coupon.id, template_id: l.template.id, order_id: input.orderId, customer_id: input.customerId })
        .execute()
        .catch((err) => {
          if ((err as { code?: string }).code === '23505') throw new AppError('already_exists', `the coupon was already used on order ${input.orderId}`, { field: field(l.index) });
          throw err;
        });
      await emit(tx, 'coupon.redeemed', l.coupon.id, {
        id: l.coupon.id,
        code: l.code,
        templateId: l.template.id,
        promotionId: l.template.promotion_id,
        orderId: input.orderId,
        customerId: input.customerId,
      });
    }
  }));
}

/** Adds this order's uses to the customer's counters, refusing past the per-customer limit. */
async function countCustomerUses(tx: Executor, loaded: Loaded[], customerId: string): Promise<void> {
  const perTemplate = new Map<string, { template: TemplateRow; count: number; index: number }>();
  for (const l of loaded) {
    const entry = perTemplate.get(l.template.id) ?? { template: l.template, count: 0, index: l.index };
    entry.count++;
    entry.index = l.index;
    perTemplate.set(l.template.id, entry);
  }
  for (const [templateId, { template, count, index }] of [...perTemplate].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Wallet coupons were limited when claimed; their uses are still counted for the release.
    const limit = template.kind === 'wallet' ? null : template.per_customer_limit;
    const row = await sql`
      INSERT INTO coupon_customer_usage (template_id, customer_id, used) VALUES (${templateId}, ${customerId}, ${count})
      ON CONFLICT (template_id, customer_id) DO UPDATE SET used = coupon_customer_usage.used + ${count}
       WHERE ${limit}::int IS NULL OR coupon_customer_usage.used + ${count} <= ${limit}::int
   RETURNING used`.execute(tx);
    if (!row.rows.length) throw refuse('coupon_limit_reached', index);
  }
}

/**
 * Gives back the uses an order took, when it is cancelled or refunded. Marking the redemptions
 * released is conditional, so a repeated or concurrent release gives nothing back twice.
 * Returns how many coupon uses came back.
 */
export async function releaseCoupons(ctx: Ctx, input: { orderId: string }): Promise<number> {
  return inTx(ctx.db, async (tx) => {
    const released = await sql<RedemptionRow>`
      UPDATE coupon_redemption SET released_at = now()
       WHERE order_id = ${input.orderId} AND released_at IS NULL
   RETURNING *`.execute(tx);
    const rows = [...released.rows].sort((a, b) => (a.coupon_id < b.coupon_id ? -1 : 1));
    for (const r of rows) {
      await sql`UPDATE coupon SET uses = uses - 1 WHERE id = ${r.coupon_id} AND uses > 0`.execute(tx);
    }
    const perCounter = new Map<string, { templateId: string; customerId: string; count: number }>();
    for (const r of rows) {
      if (!r.customer_id) continue;
      const key = `${r.template_id} ${r.customer_id}`;
      const entry = perCounter.get(key) ?? { templateId: r.template_id, customerId: r.customer_id, count: 0 };
      entry.count++;
      perCounter.set(key, entry);
    }
    for (const [, c] of [...perCounter].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await sql`
        UPDATE coupon_customer_usage SET used = greatest(used - ${c.count}, 0)
         WHERE template_id = ${c.templateId} AND customer_id = ${c.customerId}`.execute(tx);
    }
    for (const r of rows) {
      await emit(tx, 'coupon.released', r.coupon_id, { id: r.coupon_id, templateId: r.template_id, orderId: r.order_id, customerId: r.customer_id });
    }
    return rows.length;
  });
}
