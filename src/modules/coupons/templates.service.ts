import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { getPromotions } from '../promotions/index.js';
import type { CouponChannels, CouponKind, CouponsTables, TemplateRow } from './coupons.tables.js';
import { toTemplate, type CouponTemplate } from './coupons.types.js';
import { normalizeCode, PUBLIC_CODE_PATTERN } from './codes.js';

const q = (db: Executor) => tables<CouponsTables>(db);

export interface TemplateInput {
  name: string;
  promotionId: string;
  kind: CouponKind;
  code?: string | null;
  validity?: { from?: string | null; until?: string | null } | { daysAfterClaim: number };
  channels?: CouponChannels;
  perCustomerLimit?: number | null;
  totalLimit?: number | null;
  stackable?: boolean;
  group?: string;
}

export type TemplateChanges = Partial<Omit<TemplateInput, 'kind'>> & { status?: 'active' | 'archived' };

type TemplateValues = Omit<TemplateRow, 'id' | 'status' | 'issued' | 'created_at' | 'updated_at'>;

/** A unique code taken by a concurrent writer, or a limit lowered below what is already used. */
function rethrowConstraint(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  if (e?.code === '23505' && e.constraint === 'coupon_code_key') throw new AppError('already_exists', 'another coupon already has this code', { field: 'code' });
  if (e?.code === '23514') throw invalid('totalLimit', 'the total limit is below what has already been handed out or used');
  throw err;
}

async function requireCouponPromotion(ctx: Ctx, promotionId: string): Promise<void> {
  const [promotion] = await getPromotions(ctx, [promotionId]);
  if (!promotion) throw notFound('promotion', promotionId, 'promotionId');
  if (promotion.trigger !== 'coupon') throw invalid('promotionId', `promotion ${promotionId} applies automatically; a coupon needs one with trigger 'coupon'`);
}

/** Checks terms that depend on one another and turns them into column values. */
function termsToValues(t: TemplateInput, isNew: boolean): TemplateValues & { code: string | null } {
  let code: string | null = null;
  if (t.kind === 'public_code') {
    if (!t.code) throw invalid('code', 'a public_code coupon needs its shared code, such as WELCOME10');
    code = normalizeCode(t.code);
    if (!PUBLIC_CODE_PATTERN.test(code)) throw invalid('code', 'a code is 3 to 32 letters and digits');
  } else if (t.code) {
    throw invalid('code', `${t.kind} coupons get generated codes; only public_code takes a chosen one`);
  }
  const v = t.validity ?? {};
  let from: Date | null = null;
  let until: Date | null = null;
  let days: number | null = null;
  if ('daysAfterClaim' in v) {
    if (t.kind !== 'wallet') throw invalid('validity.daysAfterClaim', 'only wallet coupons are claimed; give fixed dates');
    days = v.daysAfterClaim;
  } else {
    from = v.from ? new Date(v.from) : null;
    until = v.until ? new Date(v.until) : null;
    if (from && until && until <= from) throw invalid('validity.until', 'the end must come after the start');
    if (isNew && until && until.getTime() <= Date.now()) throw invalid('validity.until', 'the end date has passed');
  }
  return {
    name: t.name,
    promotion_id: t.promotionId,
    kind: t.kind,
    code,
    valid_from: from,
    valid_until: until,
    valid_days: days,
    channels: t.channels ?? 'all',
    per_customer_limit: t.perCustomerLimit ?? null,
    total_limit: t.totalLimit ?? null,
    stackable: t.stackable ?? false,
    coupon_group: t.group ?? 'store',
  };
}

async function assertCodeFree(db: Executor, code: string, exceptTemplateId?: string): Promise<void> {
  const taken = await q(db).selectFrom('coupon').select(['template_id']).where('code', '=', code).executeTakeFirst();
  if (taken && taken.template_id !== exceptTemplateId) throw new AppError('already_exists', `the code ${code} is already in use`, { field: 'code' });
}

export async function createTemplate(ctx: Ctx, input: TemplateInput): Promise<CouponTemplate> {
  const { code, ...values } = termsToValues(input, true);
  await requireCouponPromotion(ctx, input.promotionId);
  if (code) await assertCodeFree(ctx.db, code);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx).insertInto('coupon_template').values({ id: newId('cpt'), ...values }).returningAll().executeTakeFirstOrThrow();
    let publicCode = null;
    if (code) {
      publicCode = await q(tx)
        .insertInto('coupon')
        .values({ id: newId('cpn'), code, template_id: row.id, batch_id: null, source: 'public', customer_id: null, grant_reason: null, max_uses: row.total_limit, valid_from: null, valid_until: null })
        .returning(['code', 'uses'])
        .executeTakeFirstOrThrow()
        .catch(rethrowConstraint);
    }
    await emit(tx, 'coupon_template.created', row.id, { id: row.id, kind: row.kind, promotionId: row.promotion_id });
    return toTemplate(row, publicCode);
  });
}

export async function updateTemplate(ctx: Ctx, id: string, changes: TemplateChanges): Promise<CouponTemplate> {
  const current = await getTemplate(ctx, id);
  const merged: TemplateInput = {
    name: changes.name ?? current.name,
    promotionId: changes.promotionId ?? current.promotionId,
    kind: current.kind,
    code: changes.code !== undefined ? changes.code : current.code,
    validity: changes.validity ?? current.validity,
    channels: changes.channels ?? current.channels,
    perCustomerLimit: changes.perCustomerLimit !== undefined ? changes.perCustomerLimit : current.perCustomerLimit,
    totalLimit: changes.totalLimit !== undefined ? changes.totalLimit : current.totalLimit,
    stackable: changes.stackable ?? current.stackable,
    group: changes.group ?? current.group,
  };
  const { code, ...values } = termsToValues(merged, false);
  // A changed end date must lie ahead; an untouched one may have passed (the coupons just stopped working).
  if (changes.validity && 'until' in changes.validity && changes.validity.until && new Date(changes.validity.until).getTime() <= Date.now()) {
    throw invalid('validity.until', 'the end date has passed');
  }
  if (changes.promotionId) await requireCouponPromotion(ctx, changes.promotionId);
  if (code && code !== current.code) await assertCodeFree(ctx.db, code, id);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .updateTable('coupon_template')
      .set({ ...values, status: changes.status ?? current.status, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowConstraint);
    let publicCode = null;
    if (code) {
      publicCode = await q(tx)
        .updateTable('coupon')
        .set({ code, max_uses: row.total_limit })
        .where('template_id', '=', id)
        .where('source', '=', 'public')
        .returning(['code', 'uses'])
        .executeTakeFirstOrThrow()
        .catch(rethrowConstraint);
    }
    await emit(tx, 'coupon_template.updated', row.id, { id: row.id, changed: Object.keys(changes) });
    return toTemplate(row, publicCode);
  });
}

export async function getTemplateRow(db: Executor, id: string, field = 'id'): Promise<TemplateRow> {
  const row = await q(db).selectFrom('coupon_template').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('coupon template', id, field);
  return row;
}

const publicCodeOf = (db: Executor, templateId: string) =>
  q(db).selectFrom('coupon').select(['code', 'uses']).where('template_id', '=', templateId).where('source', '=', 'public').executeTakeFirst();

export async function getTemplate(ctx: Ctx, id: string): Promise<CouponTemplate> {
  const row = await getTemplateRow(ctx.db, id);
  return toTemplate(row, row.kind === 'public_code' ? await publicCodeOf(ctx.db, id) : null);
}

export interface TemplateFilter {
  kind?: CouponKind;
  status?: 'active' | 'archived';
  promotionId?: string;
  limit: number;
  after?: string;
}

export async function listTemplates(ctx: Ctx, f: TemplateFilter): Promise<{ data: CouponTemplate[]; next: string | null }> {
  let query = q(ctx.db)
    .selectFrom('coupon_template as t')
    .leftJoin('coupon as c', (j) => j.onRef('c.template_id', '=', 't.id').on('c.source', '=', 'public'))
    .selectAll('t')
    .select(['c.code as public_code', 'c.uses as public_uses'])
    .orderBy('t.id', 'desc')
    .limit(f.limit + 1);
  if (f.kind) query = query.where('t.kind', '=', f.kind);
  if (f.status) query = query.where('t.status', '=', f.status);
  if (f.promotionId) query = query.where('t.promotion_id', '=', f.promotionId);
  if (f.after) query = query.where('t.id', '<', f.after);
  const rows = await query.execute();
  const page = rows.slice(0, f.limit);
  return {
    data: page.map((r) => toTemplate(r, r.public_code ? { code: r.public_code, uses: r.public_uses ?? 0 } : null)),
    next: rows.length > f.limit ? page.at(-1)!.id : null,
  };
}
