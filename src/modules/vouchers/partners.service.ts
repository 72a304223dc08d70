import { inTx, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import type { Ctx } from '../../platform/context.js';
import { clerkPlaces, partnersOf } from './places.js';
import type { VouchersTables } from './vouchers.tables.js';
import { toPartner, type Partner } from './vouchers.types.js';

const q = (db: Executor) => tables<VouchersTables>(db);

export interface NewPartner {
  name: string;
  contact?: { name?: string; email?: string; phone?: string };
  settlement: { currency: string; cycle: 'weekly' | 'monthly'; paymentDays: number; notes?: string };
}

export async function createPartner(ctx: Ctx, input: NewPartner): Promise<Partner> {
  const row = await inTx(ctx.db, async (tx) => {
    const row = await q(tx)
      .insertInto('partner')
      .values({
        id: newId('ptn'),
        name: input.name,
        contact: JSON.stringify(input.contact ?? {}),
        currency: input.settlement.currency,
        settlement_cycle: input.settlement.cycle,
        payment_days: input.settlement.paymentDays,
        notes: input.settlement.notes ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await emit(tx, 'partner.created', row.id, { id: row.id, name: row.name });
    return row;
  });
  return toPartner(row);
}

/**
 * The partners a clerk may see: those whose stores they work at (a partner's contacts and terms are
 * not another partner's business). Null for anyone not bound to stores, who sees them all.
 */
export async function visiblePartners(ctx: Ctx): Promise<string[] | null> {
  const places = await clerkPlaces(ctx);
  return places && partnersOf(places);
}

export async function listPartners(ctx: Ctx): Promise<Partner[]> {
  const visible = await visiblePartners(ctx);
  let query = q(ctx.db).selectFrom('partner').selectAll().orderBy('id');
  if (visible) query = query.where('id', 'in', visible.length ? visible : ['']);
  return (await query.execute()).map(toPartner);
}

/** The partner, or not_found naming `field`; one a clerk may not see is reported as missing too. */
export async function getPartner(ctx: Ctx, id: string, field?: string): Promise<Partner> {
  const visible = await visiblePartners(ctx);
  const row = visible && !visible.includes(id) ? undefined : await q(ctx.db).selectFrom('partner').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('partner', id, field);
  return toPartner(row);
}

/** Partners among `ids` that do not exist; templates name them in their validation error. */
export async function missingPartners(db: Executor, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const found = new Set((await q(db).selectFrom('partner').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}

export function requirePartnerCurrency(partner: Partner, currency: string, field: string): void {
  if (partner.settlement.currency !== currency) {
    throw new AppError('currency_mismatch', `partner ${partner.id} settles in ${partner.settlement.currency}, not ${currency}`, { field });
  }
}
