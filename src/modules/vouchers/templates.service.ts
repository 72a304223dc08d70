import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { getVariants } from '../catalog/index.js';
import type { TemplateRow, VoucherScope, VouchersTables } from './vouchers.tables.js';
import { toTemplate, type VoucherTemplate } from './vouchers.types.js';
import { getPartner, missingPartners, requirePartnerCurrency, visiblePartners } from './partners.service.js';
import { loadPlaces } from './places.js';
import { withSettlementFor } from './clerk-view.js';

const q = (db: Executor) => tables<VouchersTables>(db);

export interface TemplateTerms {
  name: string;
  variantId?: string | null;
  usesPerVoucher: number;
  validity: { days: number } | { until: string };
  validAt: { scope: VoucherScope; locationIds?: string[]; partnerIds?: string[] };
  faceValue: { amount: number; currency: string };
  settlement?: { partnerId: string; amountPerRedemption: number } | null;
}

export type TemplateChanges = Partial<Omit<TemplateTerms, 'variantId'>> & { status?: 'active' | 'archived' };

type TemplateValues = Omit<TemplateRow, 'id' | 'status' | 'created_at' | 'updated_at'>;

/** Checks terms against catalog, stores and partners and turns them into column values. */
async function termsToValues(ctx: Ctx, t: TemplateTerms, isNew: boolean): Promise<TemplateValues> {
  if (t.variantId && isNew) {
    const [variant] = await getVariants(ctx, [t.variantId]);
    if (!variant) throw notFound('variant', t.variantId, 'variantId');
    if (variant.productType !== 'service') throw invalid('variantId', `variant ${t.variantId} is not of a service product`);
  }
  let validUntil: Date | null = null;
  if ('until' in t.validity) {
    validUntil = new Date(t.validity.until);
    if (isNew && validUntil.getTime() <= Date.now()) throw invalid('validity.until', 'the end date has passed');
  }
  const { scope } = t.validAt;
  const locationIds = scope === 'locations' ? [...new Set(t.validAt.locationIds ?? [])] : [];
  let partnerIds = scope === 'partners' ? [...new Set(t.validAt.partnerIds ?? [])] : [];
  if (scope === 'partners' && !partnerIds.length && t.settlement) partnerIds = [t.settlement.partnerId];
  if (scope === 'locations') {
    if (!locationIds.length) throw invalid('validAt.locationIds', 'name at least one location');
    const places = await loadPlaces(ctx, locationIds);
    const missing = locationIds.filter((id) => !places.has(id));
    if (missing.length) throw new AppError('not_found', `no location ${missing.join(', ')}`, { field: 'validAt.locationIds', ids: missing });
    if (t.settlement && !locationIds.some((id) => places.get(id)!.partnerId === t.settlement!.partnerId)) {
      throw invalid('settlement.partnerId', 'the settled partner has none of the listed locations');
    }
  }
  if (scope === 'partners') {
    if (!partnerIds.length) throw invalid('validAt.partnerIds', 'name at least one partner');
    const missing = await missingPartners(ctx.db, partnerIds);
    if (missing.length) throw new AppError('not_found', `no partner ${missing.join(', ')}`, { field: 'validAt.partnerIds', ids: missing });
    if (t.settlement && !partnerIds.includes(t.settlement.partnerId)) {
      throw invalid('settlement.partnerId', 'the settled partner must be one of validAt.partnerIds');
    }
  }
  if (t.settlement) {
    if (scope === 'own_stores') throw invalid('settlement', 'vouchers valid only at own stores settle with no partner');
    requirePartnerCurrency(await getPartner(ctx, t.settlement.partnerId, 'settlement.partnerId'), t.faceValue.currency, 'faceValue.currency');
  }
  return {
    name: t.name,
    variant_id: t.variantId ?? null,
    uses_per_voucher: t.usesPerVoucher,
    validity_days: 'days' in t.validity ? t.validity.days : null,
    valid_until: validUntil,
    scope,
    location_ids: locationIds,
    partner_ids: partnerIds,
    face_value: t.faceValue.amount,
    currency: t.faceValue.currency,
    partner_id: t.settlement?.partnerId ?? null,
    settlement_amount: t.settlement?.amountPerRedemption ?? null,
  };
}

/** The unique index on active templates per variant can still be hit by a concurrent writer. */
function rethrowVariantTaken(err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  if (e?.code === '23505' && e.constraint === 'voucher_template_active_variant') {
    throw new AppError('already_exists', 'another active voucher template sells this variant', { field: 'variantId' });
  }
  throw err;
}

async function assertVariantFree(db: Executor, variantId: string, exceptId?: string): Promise<void> {
  let query = q(db).selectFrom('voucher_template').select('id').where('variant_id', '=', variantId).where('status', '=', 'active');
  if (exceptId) query = query.where('id', '!=', exceptId);
  const other = await query.executeTakeFirst();
  if (other) throw new AppError('already_exists', `active voucher template ${other.id} already sells this variant`, { field: 'variantId' });
}

export async function createTemplate(ctx: Ctx, input: TemplateTerms): Promise<VoucherTemplate> {
  const values = await termsToValues(ctx, input, true);
  if (values.variant_id) await assertVariantFree(ctx.db, values.variant_id);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .insertInto('voucher_template')
      .values({ id: newId('vtp'), ...values })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowVariantTaken);
    await emit(tx, 'voucher_template.created', row.id, { id: row.id, variantId: row.variant_id });
    return toTemplate(row);
  });
}

export async function updateTemplate(ctx: Ctx, id: string, changes: TemplateChanges): Promise<VoucherTemplate> {
  const current = toTemplate(await getTemplateRow(ctx.db, id));
  const merged: TemplateTerms = {
    name: changes.name ?? current.name,
    variantId: current.variantId,
    usesPerVoucher: changes.usesPerVoucher ?? current.usesPerVoucher,
    validity: changes.validity ?? current.validity,
    validAt: changes.validAt ?? current.validAt,
    faceValue: changes.faceValue ?? current.faceValue,
    settlement: changes.settlement !== undefined ? changes.settlement : current.settlement,
  };
  // A changed end date must lie ahead; an untouched one may have passed (the template just stops issuing).
  if (changes.validity && 'until' in changes.validity && new Date(changes.validity.until).getTime() <= Date.now()) {
    throw invalid('validity.until', 'the end date has passed');
  }
  const values = await termsToValues(ctx, merged, false);
  const status = changes.status ?? current.status;
  if (status === 'active' && values.variant_id) await assertVariantFree(ctx.db, values.variant_id, id);
  return inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .updateTable('voucher_template')
      .set({ ...values, status, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowVariantTaken);
    await emit(tx, 'voucher_template.updated', row.id, { id: row.id, changed: Object.keys(changes) });
    return toTemplate(row);
  });
}

export async function getTemplateRow(db: Executor, id: string, field = 'id'): Promise<TemplateRow> {
  const row = await q(db).selectFrom('voucher_template').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('voucher template', id, field);
  return row;
}

/** What a redemption pays a partner is shown to a clerk only for the partners they may see. */
async function shownTo(ctx: Ctx, templates: VoucherTemplate[]): Promise<VoucherTemplate[]> {
  const visible = await visiblePartners(ctx);
  return templates.map((t) => withSettlementFor(visible, t));
}

export async function getTemplate(ctx: Ctx, id: string): Promise<VoucherTemplate> {
  const [shown] = await shownTo(ctx, [toTemplate(await getTemplateRow(ctx.db, id))]);
  return shown;
}

export async function listTemplates(ctx: Ctx, filter: { variantId?: string; status?: 'active' | 'archived' }): Promise<VoucherTemplate[]> {
  let query = q(ctx.db).selectFrom('voucher_template').selectAll().orderBy('id');
  if (filter.variantId) query = query.where('variant_id', '=', filter.variantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return shownTo(ctx, (await query.execute()).map(toTemplate));
}

/** The active template that turns a paid order line of this variant into vouchers, if any. */
export async function findVoucherTemplateForVariant(ctx: Ctx, variantId: string): Promise<VoucherTemplate | null> {
  const row = await q(ctx.db).selectFrom('voucher_template').selectAll().where('variant_id', '=', variantId).where('status', '=', 'active').executeTakeFirst();
  return row ? toTemplate(row) : null;
}
