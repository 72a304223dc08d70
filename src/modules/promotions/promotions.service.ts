import type { Selectable } from 'kysely';
import { inTx, sql, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import type { PromotionsTables, PromotionStatus } from './promotions.tables.js';
import type { Promotion } from './promotion.types.js';
import type { NewPromotion, PromotionChanges } from './promotions.schemas.js';
import { validatePromotion } from './validation.js';
import { countPendingUses } from './usage.service.js';

const q = (db: Executor) => tables<PromotionsTables>(db);
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const toPromotion = (r: Selectable<PromotionsTables['promotion']>): Promotion => ({
  id: r.id,
  name: r.name,
  description: r.description,
  status: r.status,
  trigger: r.trigger,
  stacking: r.stacking,
  priority: r.priority,
  currency: r.currency,
  rule: r.rule,
  conditions: r.conditions,
  timeZone: r.time_zone,
  startsAt: iso(r.starts_at),
  endsAt: iso(r.ends_at),
  usageLimit: r.usage_limit,
  perCustomerLimit: r.per_customer_limit,
  budget: r.budget === null ? null : Number(r.budget),
  used: r.used,
  spent: Number(r.spent),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

/** Every promotion change bumps the version in its own transaction, so replicas reload their snapshot. */
async function bumpVersion(tx: Executor): Promise<void> {
  await q(tx).updateTable('promotion_version').set({ version: sql`version + 1`, stamp: newId('pv') }).where('id', '=', 1).execute();
}

export async function createPromotion(ctx: Ctx, input: NewPromotion): Promise<Promotion> {
  const draft = { ...input, startsAt: input.startsAt ?? null, endsAt: input.endsAt ?? null };
  await validatePromotion(ctx, draft);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .insertInto('promotion')
      .values({
        id: newId('prm'),
        name: input.name,
        description: input.description ?? null,
        status: input.status ?? 'draft',
        trigger: input.trigger,
        stacking: input.stacking,
        priority: input.priority,
        currency: input.currency,
        rule: JSON.stringify(input.rule),
        conditions: JSON.stringify(input.conditions),
        time_zone: input.timeZone,
        starts_at: draft.startsAt ? new Date(draft.startsAt) : null,
        ends_at: draft.endsAt ? new Date(draft.endsAt) : null,
        usage_limit: input.usageLimit ?? null,
        per_customer_limit: input.perCustomerLimit ?? null,
        budget: input.budget ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await bumpVersion(tx);
    const p = toPromotion(row);
    await emit(tx, 'promotion.created', p.id, { id: p.id, name: p.name, status: p.status, trigger: p.trigger, rule: p.rule.type });
    return p;
  });
}

async function lockPromotion(tx: Executor, id: string): Promise<Promotion> {
  const row = await q(tx).selectFrom('promotion').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('promotion', id);
  return toPromotion(row);
}

export async function updatePromotion(ctx: Ctx, id: string, changes: PromotionChanges): Promise<Promotion> {
  return inTx(ctx.db, async (tx) => {
    const before = await lockPromotion(tx, id);
    // The lock waited for orders still using it; counted now, every use so far meets a new limit or budget.
    await countPendingUses(tx, { promotionId: id });
    if (before.status === 'archived') throw new AppError('invalid_state', `promotion ${id} is archived`);
    const next = { ...before, ...changes, description: changes.description === undefined ? before.description : changes.description };
    await validatePromotion({ ...ctx, db: tx }, next);
    const row = await q(tx)
      .updateTable('promotion')
      .set({
        name: next.name,
        description: next.description ?? null,
        trigger: next.trigger,
        stacking: next.stacking,
        priority: next.priority,
        currency: next.currency,
        rule: JSON.stringify(next.rule),
        conditions: JSON.stringify(next.conditions),
        time_zone: next.timeZone,
        starts_at: next.startsAt ? new Date(next.startsAt) : null,
        ends_at: next.endsAt ? new Date(next.endsAt) : null,
        usage_limit: next.usageLimit ?? null,
        per_customer_limit: next.perCustomerLimit ?? null,
        budget: next.budget ?? null,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((e: { code?: string }) => {
        // The counters' checks: a limit or budget lowered below what has been used already.
        if (e.code === '23514') throw new AppError('validation_failed', 'a usage limit or budget cannot go below what has been used', { field: next.budget !== before.budget ? 'budget' : 'usageLimit' });
        throw e;
      });
    await bumpVersion(tx);
    const p = toPromotion(row);
    await emit(tx, 'promotion.updated', id, { id, changed: Object.keys(changes) });
    return p;
  });
}

const TRANSITIONS: Record<'activate' | 'deactivate' | 'archive', { to: PromotionStatus; from: PromotionStatus[]; event: string }> = {
  activate: { to: 'active', from: ['draft', 'inactive'], event: 'promotion.activated' },
  deactivate: { to: 'inactive', from: ['active'], event: 'promotion.deactivated' },
  archive: { to: 'archived', from: ['draft', 'active', 'inactive'], event: 'promotion.archived' },
};

/** Moves a promotion between draft, active, inactive and archived; repeating a move changes nothing. */
export async function setPromotionStatus(ctx: Ctx, id: string, action: keyof typeof TRANSITIONS): Promise<Promotion> {
  const t = TRANSITIONS[action];
  return inTx(ctx.db, async (tx) => {
    const before = await lockPromotion(tx, id);
    if (before.status === t.to) return before;
    if (!t.from.includes(before.status)) throw new AppError('invalid_state', `a promotion that is ${before.status} cannot ${action}`, { status: before.status });
    const row = await q(tx).updateTable('promotion').set({ status: t.to, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await bumpVersion(tx);
    await emit(tx, t.event, id, { id, from: before.status, to: t.to });
    return toPromotion(row);
  });
}

export async function getPromotion(ctx: Ctx, id: string): Promise<Promotion> {
  const [p] = await getPromotions(ctx, [id]);
  if (!p) throw notFound('promotion', id);
  return p;
}

/** The promotions with these ids, in the order asked; unknown ids are left out. */
export async function getPromotions(ctx: Ctx, ids: string[]): Promise<Promotion[]> {
  if (!ids.length) return [];
  const rows = await q(ctx.db).selectFrom('promotion').selectAll().where('id', 'in', [...new Set(ids)]).execute();
  const byId = new Map(rows.map((r) => [r.id, toPromotion(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export interface PromotionFilter {
  status?: PromotionStatus;
  trigger?: 'automatic' | 'coupon';
  after?: string;
  limit: number;
}

export async function listPromotions(ctx: Ctx, f: PromotionFilter): Promise<{ data: Promotion[]; next: string | null }> {
  let query = q(ctx.db).selectFrom('promotion').selectAll().orderBy('id').limit(f.limit + 1);
  if (f.status) query = query.where('status', '=', f.status);
  else query = query.where('status', '!=', 'archived');
  if (f.trigger) query = query.where('trigger', '=', f.trigger);
  if (f.after) query = query.where('id', '>', f.after);
  const rows = await query.execute();
  const data = rows.slice(0, f.limit).map(toPromotion);
  return { data, next: rows.length > f.limit ? data[data.length - 1].id : null };
}
