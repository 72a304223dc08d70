import { tables, type Executor } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import type { VouchersTables } from './vouchers.tables.js';
import { getPartner } from './partners.service.js';
import { loadPlaces } from './places.js';

const q = (db: Executor) => tables<VouchersTables>(db);

export interface StatementLine {
  entryId: string;
  occurredAt: string;
  kind: 'redemption' | 'reversal';
  voucherId: string;
  redemptionId: string;
  locationId: string;
  locationName: string | null;
  amount: number;
}

export interface PartnerStatement {
  partnerId: string;
  partnerName: string;
  currency: string;
  from: string;
  to: string;
  lines: StatementLine[];
  totals: { redemptions: number; reversals: number; gross: number; reversed: number; net: number };
}

/**
 * What the brand owes a partner for redemptions at its stores in [from, to): every ledger entry
 * of the period and totals computed from exactly those lines. A clerk may read only the statement
 * of the partner whose stores they work at.
 */
export async function partnerStatement(ctx: Ctx, partnerId: string, period: { from: Date; to: Date }): Promise<PartnerStatement> {
  if (period.to.getTime() <= period.from.getTime()) throw new AppError('validation_failed', 'to must be after from', { field: 'to' });
  // A clerk finds only the partner they work for.
  const partner = await getPartner(ctx, partnerId, 'id');
  const rows = await q(ctx.db)
    .selectFrom('partner_settlement_entry')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('occurred_at', '>=', period.from)
    .where('occurred_at', '<', period.to)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  const places = await loadPlaces(ctx, [...new Set(rows.map((r) => r.location_id))]);
  const lines: StatementLine[] = rows.map((r) => ({
    entryId: r.id,
    occurredAt: new Date(r.occurred_at).toISOString(),
    kind: r.kind,
    voucherId: r.voucher_id,
    redemptionId: r.redemption_id,
    locationId: r.location_id,
    locationName: places.get(r.location_id)?.name ?? null,
    amount: Number(r.amount),
  }));
  const sum = (ls: StatementLine[]) => ls.reduce((s, l) => s + l.amount, 0);
  const redemptions = lines.filter((l) => l.kind === 'redemption');
  const reversals = lines.filter((l) => l.kind === 'reversal');
  return {
    partnerId,
    partnerName: partner.name,
    currency: partner.settlement.currency,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    lines,
    totals: { redemptions: redemptions.length, reversals: reversals.length, gross: sum(redemptions), reversed: sum(reversals), net: sum(lines) },
  };
}

/** A spreadsheet cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The statement as CSV: one row per ledger entry, then a total row whose amount is their sum. */
export function statementCsv(s: PartnerStatement): string {
  const header = ['entry_id', 'occurred_at', 'kind', 'voucher_id', 'redemption_id', 'location_id', 'location_name', 'amount_minor', 'currency'];
  const rows = s.lines.map((l) => [l.entryId, l.occurredAt, l.kind, l.voucherId, l.redemptionId, l.locationId, l.locationName, l.amount, s.currency]);
  rows.push(['total', null, null, null, null, null, null, s.totals.net, s.currency]);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
