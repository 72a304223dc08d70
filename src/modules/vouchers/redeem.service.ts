import { inTx, PREPARED, sql, tables, type Executor } from '../../platform/db.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { emit } from '../../platform/outbox.js';
import { canActAtStore, requireStore } from '../../platform/auth.js';
import type { Ctx } from '../../platform/context.js';
import type { RedemptionRow, VoucherRow, VouchersTables } from './vouchers.tables.js';
import { toVoucher, type Voucher } from './vouchers.types.js';
import { normalizeVoucherCode } from './codes.js';
import { isValidAt, refusal, REFUSAL_MESSAGES, type PlaceOwner, type RefusalCode } from './validity.js';
import { loadPlace } from './places.js';

const q = (db: Executor) => tables<VouchersTables>(db);

export interface Redemption {
  id: string;
  voucherId: string;
  useNo: number;
  locationId: string;
  redeemedBy: string;
  redeemedAt: string;
  reversedAt: string | null;
  usesLeft: number;
  voucher: Voucher;
}

export interface VoucherLookup {
  voucher: Voucher;
  templateName: string;
  /** Present when a location was named: may it be redeemed there right now, and if not, why. */
  here: { locationId: string; redeemable: boolean; reason: RefusalCode | null } | null;
}

const refuse = (code: RefusalCode, v: VoucherRow) => new AppError(code, REFUSAL_MESSAGES[code], { field: 'code', voucherId: v.id });

async function voucherByCode(db: Executor, input: string): Promise<VoucherRow> {
  const code = normalizeVoucherCode(input);
  const row = code ? await q(db).selectFrom('voucher').selectAll().where('code', '=', code).executeTakeFirst() : undefined;
  if (!row) throw new AppError('not_found', 'no voucher has this code', { field: 'code' });
  return row;
}

const placesOf = (v: VoucherRow) => ({ scope: v.scope, locationIds: v.location_ids, partnerIds: v.partner_ids });
const reasonAt = (v: VoucherRow, place: PlaceOwner, now: Date) =>
  refusal({ status: v.status, usesLeft: v.uses_left, expiresAt: new Date(v.expires_at) }, isValidAt(placesOf(v), place), now);

/** What a code is before redeeming it: the voucher, its uses left and whether it is good here. */
export async function lookupVoucher(ctx: Ctx, input: { code: string; locationId?: string }): Promise<VoucherLookup> {
  if (input.locationId) requireStore(ctx.actor, input.locationId);
  const v = await voucherByCode(ctx.db, input.code);
  const t = await q(ctx.db).selectFrom('voucher_template').select('name').where('id', '=', v.template_id).executeTakeFirstOrThrow();
  let here: VoucherLookup['here'] = null;
  if (input.locationId) {
    const reason = reasonAt(v, await loadPlace(ctx, input.locationId), new Date());
    here = { locationId: input.locationId, redeemable: reason === null, reason };
  }
  // The clerk already holds the code; the customer it belongs to is not theirs to see.
  const clerk = ctx.actor.kind === 'staff' && ctx.actor.role === 'clerk';
  return { voucher: { ...toVoucher(v), customerId: clerk ? null : v.customer_id }, templateName: t.name, here };
}

/**
 * Redeems one use of the voucher at a store. The conditional UPDATE is the guard: of any number of
 * clerks scanning the same code at once, exactly as many succeed as there are uses left, and the
 * unique (voucher, use_no) backs it. A refused redemption changes nothing.
 *
 * Two queries and no explicit transaction, so the voucher row is locked only while one statement
 * runs: the voucher is read first (where it may be used, its partner and settlement are fixed at
 * issue, so a plain read decides validity here), then one statement takes the use, records the
 * redemption, the partner's settlement entry and the event, all-or-nothing.
 */
export async function redeemVoucher(ctx: Ctx, input: { code: string; locationId: string }): Promise<Redemption> {
  requireStore(ctx.actor, input.locationId);
  const [place, before] = await Promise.all([loadPlace(ctx, input.locationId), voucherByCode(ctx.db, input.code)]);
  const reason = reasonAt(before, place, new Date());
  if (reason) throw refuse(reason, before);
  const redemptionId = newId('vrd');
  const settled = before.partner_id !== null && place.partnerId === before.partner_id;
  const settlement = settled
    ? sql`, s AS (
        INSERT INTO partner_settlement_entry (id, partner_id, voucher_id, redemption_id, location_id, kind, amount, currency, occurred_at)
        SELECT ${newId('pse')}, v.partner_id, v.id, r.id, r.location_id, 'redemption', v.settlement_amount, v.currency, r.redeemed_at FROM v, r)`
    : sql``;
  const res = await sql<VoucherRow & { use_no: number; redeemed_at: Date }>`${PREPARED}
    WITH v AS (
      UPDATE voucher
         SET uses_left = uses_left - 1,
             redemption_count = redemption_count + 1,
             status = CASE WHEN uses_left = 1 THEN 'used_up' ELSE status END
       WHERE id = ${before.id} AND uses_left > 0 AND status = 'active' AND expires_at > now()
   RETURNING *
    ), r AS (
      INSERT INTO voucher_redemption (id, voucher_id, use_no, location_id, redeemed_by)
      SELECT ${redemptionId}, v.id, v.redemption_count, ${place.id}, ${ctx.actor.id} FROM v
      RETURNING id, location_id, use_no, redeemed_at
    )${settlement}, ev AS (
      INSERT INTO outbox_event (id, type, aggregate_id, payload)
      SELECT ${newId('evt')}, 'voucher.redeemed', v.id, jsonb_build_object(
        'id', v.id, 'redemptionId', r.id, 'useNo', r.use_no, 'usesLeft', v.uses_left, 'locationId', r.location_id,
        'partnerId', ${place.partnerId}::text, 'customerId', v.customer_id, 'orderId', v.order_id, 'templateId', v.template_id,
        'settlementAmount', ${settled ? sql`v.settlement_amount` : sql`0`}, 'currency', v.currency, 'redeemedBy', ${ctx.actor.id}::text)
      FROM v, r
    )
    SELECT v.*, r.use_no, r.redeemed_at FROM v, r`.execute(ctx.db);
  const row = res.rows[0];
  if (!row) {
    // Someone else took the last use (or it expired or was voided) since our read: say which.
    const now = await voucherByCode(ctx.db, input.code);
    throw refuse(reasonAt(now, place, new Date()) ?? 'voucher_used_up', now);
  }
  const { use_no, redeemed_at, ...v } = row;
  return toRedemption({ id: redemptionId, voucher_id: v.id, use_no, location_id: place.id, redeemed_by: ctx.actor.id, redeemed_at, reversed_at: null, reversed_by: null }, v as VoucherRow);
}

function toRedemption(r: RedemptionRow, v: VoucherRow): Redemption {
  return {
    id: r.id,
    voucherId: r.voucher_id,
    useNo: r.use_no,
    locationId: r.location_id,
    redeemedBy: r.redeemed_by,
    redeemedAt: new Date(r.redeemed_at).toISOString(),
    reversedAt: r.reversed_at ? new Date(r.reversed_at).toISOString() : null,
    usesLeft: v.uses_left,
    voucher: toVoucher(v),
  };
}

/**
 * Undoes a redemption made by mistake: the use comes back and, if the partner was owed for it, a
 * reversal entry offsets the ledger. Staff of the store where it was redeemed may do it once.
 */
export async function reverseRedemption(ctx: Ctx, redemptionId: string): Promise<Redemption> {
  return inTx(ctx.db, async (tx) => {
    const found = await q(tx).selectFrom('voucher_redemption').selectAll().where('id', '=', redemptionId).executeTakeFirst();
    if (!found || !canActAtStore(ctx.actor, found.location_id)) throw notFound('redemption', redemptionId, 'id');
    const r = await q(tx)
      .updateTable('voucher_redemption')
      .set({ reversed_at: new Date(), reversed_by: ctx.actor.id })
      .where('id', '=', redemptionId)
      .where('reversed_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!r) throw new AppError('invalid_state', 'this redemption was already reversed', { field: 'id' });
    const restored = await sql<VoucherRow>`
      UPDATE voucher SET uses_left = uses_left + 1, status = 'active'
       WHERE id = ${r.voucher_id} AND status <> 'voided'
   RETURNING *`.execute(tx);
    const v = restored.rows[0];
    if (!v) throw new AppError('invalid_state', 'the voucher was voided; its redemptions stand', { field: 'id' });
    const entry = await q(tx).selectFrom('partner_settlement_entry').selectAll().where('redemption_id', '=', r.id).where('kind', '=', 'redemption').executeTakeFirst();
    if (entry) {
      await q(tx)
        .insertInto('partner_settlement_entry')
        .values({ ...entry, id: newId('pse'), kind: 'reversal', amount: -Number(entry.amount), occurred_at: r.reversed_at! })
        .execute();
    }
    await emit(tx, 'voucher.redemption_reversed', v.id, {
      id: v.id,
      redemptionId: r.id,
      usesLeft: v.uses_left,
      locationId: r.location_id,
      settlementAmount: entry ? -Number(entry.amount) : 0,
      reversedBy: ctx.actor.id,
    });
    return toRedemption(r, v);
  });
}
