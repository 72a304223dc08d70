import { inTx, sql, tables, type Executor } from '../../platform/db.js';
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
import { redeemCoalesced } from './redemption-batch.js';
import { voucherView, voucherViewAt } from './clerk-view.js';

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

const unknownCode = () => new AppError('not_found', 'no voucher has this code', { field: 'code' });

async function voucherByCode(db: Executor, input: string): Promise<VoucherRow> {
  const code = normalizeVoucherCode(input);
  const row = code ? await q(db).selectFrom('voucher').selectAll().where('code', '=', code).executeTakeFirst() : undefined;
  if (!row) throw unknownCode();
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
  // The clerk already holds the code; whose it is and other partners' payouts are not theirs to see.
  return { voucher: (await voucherView(ctx))(toVoucher(v)), templateName: t.name, here };
}

/**
 * Redeems one use of the voucher at a store. Concurrent redemptions go to the database together
 * (see redemption-batch.ts): one statement locks each voucher, takes a use only while it is active,
 * unexpired, valid at the location and has uses left, and records the redemption, the partner's
 * settlement entry and the event, all-or-nothing per request. Of any number of clerks scanning the
 * same code at once, exactly as many succeed as there are uses left, and the unique
 * (voucher, use_no) backs it. A refused redemption changes nothing.
 */
export async function redeemVoucher(ctx: Ctx, input: { code: string; locationId: string }): Promise<Redemption> {
  requireStore(ctx.actor, input.locationId);
  const code = normalizeVoucherCode(input.code);
  if (!code) throw unknownCode();
  const { place, voucher, taken, at } = await redeemCoalesced({ ctx, code, locationId: input.locationId });
  if (!voucher) throw unknownCode();
  // Not taken: say why, as of the statement; a valid voucher refused was used up by its batch.
  if (!taken) throw refuse(reasonAt(voucher, place, at) ?? 'voucher_used_up', voucher);
  const redemption = { id: taken.id, voucher_id: voucher.id, use_no: taken.useNo, location_id: place.id, redeemed_by: ctx.actor.id, redeemed_at: at, reversed_at: null, reversed_by: null };
  return toRedemption(redemption, { ...voucher, uses_left: taken.usesLeft, status: taken.status }, voucherViewAt(ctx, place));
}

function toRedemption(r: RedemptionRow, v: VoucherRow, view: (v: Voucher) => Voucher): Redemption {
  return {
    id: r.id,
    voucherId: r.voucher_id,
    useNo: r.use_no,
    locationId: r.location_id,
    redeemedBy: r.redeemed_by,
    redeemedAt: new Date(r.redeemed_at).toISOString(),
    reversedAt: r.reversed_at ? new Date(r.reversed_at).toISOString() : null,
    usesLeft: v.uses_left,
    voucher: view(toVoucher(v)),
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
    return toRedemption(r, v, await voucherView({ ...ctx, db: tx }));
  });
}
