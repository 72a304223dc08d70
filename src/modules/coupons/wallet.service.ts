import { inTx, sql, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { getCustomers } from '../customers/index.js';
import type { CouponRow, CouponsTables, TemplateRow } from './coupons.tables.js';
import { toWalletCoupon, type WalletCoupon, type WalletStatus } from './coupons.types.js';
import { randomCodes } from './codes.js';
import { REFUSAL_MESSAGES } from './rules.js';
import { allOrNothing } from './savepoint.js';
import { getTemplateRow } from './templates.service.js';

const q = (db: Executor) => tables<CouponsTables>(db);

/** A shopper claims a wallet coupon (领券) for themselves. */
export async function claimCoupon(ctx: Ctx, input: { templateId: string; customerId: string }): Promise<WalletCoupon> {
  return handOut(ctx, { ...input, source: 'claim', reason: null });
}

/** Puts a wallet coupon in a customer's wallet on the brand's initiative: points mall, birthday perk, goodwill. */
export async function grantCoupon(ctx: Ctx, input: { templateId: string; customerId: string; reason: string }): Promise<WalletCoupon> {
  const [customer] = await getCustomers(ctx, [input.customerId]);
  if (!customer) throw notFound('customer', input.customerId, 'customerId');
  return handOut(ctx, { ...input, source: 'grant' });
}

/**
 * Takes one from the template's stock and one from the customer's allowance by conditional
 * updates (template row first, then the customer's counter, the same order everywhere), so
 * neither is exceeded however many claims arrive at once; then the coupon gets its own code.
 */
async function handOut(ctx: Ctx, input: { templateId: string; customerId: string; source: 'claim' | 'grant'; reason: string | null }): Promise<WalletCoupon> {
  return inTx(ctx.db, (tx) => allOrNothing(tx, async () => {
    const taken = await sql<TemplateRow>`
      UPDATE coupon_template SET issued = issued + 1
       WHERE id = ${input.templateId} AND kind = 'wallet' AND status = 'active'
         AND (valid_until IS NULL OR valid_until > now())
         AND (total_limit IS NULL OR issued < total_limit)
   RETURNING *`.execute(tx);
    const t = taken.rows[0] ?? (await explainNoStock(tx, input.templateId));
    const allowed = await sql`
      INSERT INTO coupon_customer_usage (template_id, customer_id, claimed) VALUES (${t.id}, ${input.customerId}, 1)
      ON CONFLICT (template_id, customer_id) DO UPDATE SET claimed = coupon_customer_usage.claimed + 1
       WHERE ${t.per_customer_limit}::int IS NULL OR coupon_customer_usage.claimed < ${t.per_customer_limit}::int
   RETURNING claimed`.execute(tx);
    if (!allowed.rows.length) throw new AppError('coupon_limit_reached', `a customer may hold ${t.per_customer_limit} of this coupon`, { field: 'templateId' });
    const now = new Date();
    const validFrom = t.valid_days !== null ? now : t.valid_from;
    const validUntil = t.valid_days !== null ? new Date(now.getTime() + t.valid_days * 86400_000) : t.valid_until;
    let coupon: CouponRow | undefined;
    while (!coupon) {
      coupon = await q(tx)
        .insertInto('coupon')
        .values({
          id: newId('cpn'),
          code: randomCodes(1)[0],
          template_id: t.id,
          batch_id: null,
          source: input.source,
          customer_id: input.customerId,
          grant_reason: input.reason,
          max_uses: 1,
          valid_from: validFrom,
          valid_until: validUntil,
        })
        .onConflict((oc) => oc.column('code').doNothing())
        .returningAll()
        .executeTakeFirst();
    }
    await emit(tx, input.source === 'claim' ? 'coupon.claimed' : 'coupon.granted', coupon.id, {
      id: coupon.id,
      templateId: t.id,
      promotionId: t.promotion_id,
      customerId: input.customerId,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    return toWalletCoupon(coupon, t, now);
  }));
}

async function explainNoStock(db: Executor, templateId: string): Promise<never> {
  const t = await getTemplateRow(db, templateId, 'templateId');
  if (t.kind !== 'wallet') throw invalid('templateId', `template ${templateId} is ${t.kind}; only wallet coupons are claimed`);
  if (t.status !== 'active') throw new AppError('coupon_inactive', REFUSAL_MESSAGES.coupon_inactive, { field: 'templateId' });
  if (t.valid_until && t.valid_until <= new Date()) throw new AppError('coupon_expired', REFUSAL_MESSAGES.coupon_expired, { field: 'templateId' });
  throw new AppError('coupon_out_of_stock', 'all of these coupons have been claimed', { field: 'templateId' });
}

/** A customer's wallet, newest first: unused, used and expired coupons, or one of those. */
export async function listWallet(ctx: Ctx, input: { customerId: string; status?: WalletStatus; limit: number; after?: string }): Promise<{ data: WalletCoupon[]; next: string | null }> {
  const now = new Date();
  let query = q(ctx.db)
    .selectFrom('coupon')
    .selectAll()
    .where('customer_id', '=', input.customerId)
    .orderBy('id', 'desc')
    .limit(input.limit + 1);
  if (input.after) query = query.where('id', '<', input.after);
  if (input.status === 'used') query = query.where(sql<boolean>`uses >= max_uses`);
  if (input.status === 'unused') query = query.where(sql<boolean>`uses < max_uses AND (valid_until IS NULL OR valid_until > ${now})`);
  if (input.status === 'expired') query = query.where(sql<boolean>`uses < max_uses AND valid_until <= ${now}`);
  const rows = await query.execute();
  const page = rows.slice(0, input.limit);
  const templateIds = [...new Set(page.map((c) => c.template_id))];
  const templates = templateIds.length ? await q(ctx.db).selectFrom('coupon_template').selectAll().where('id', 'in', templateIds).execute() : [];
  const byId = new Map(templates.map((t) => [t.id, t]));
  return { data: page.map((c) => toWalletCoupon(c, byId.get(c.template_id)!, now)), next: rows.length > input.limit ? page.at(-1)!.id : null };
}
