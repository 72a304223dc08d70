import type { PartnerRow, TemplateRow, VoucherRow, VoucherScope, VoucherStatus } from './vouchers.tables.js';
import { formatVoucherCode } from './codes.js';

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d ? iso(d) : null);

export interface Partner {
  id: string;
  name: string;
  contact: { name?: string; email?: string; phone?: string };
  settlement: { currency: string; cycle: 'weekly' | 'monthly'; paymentDays: number; notes: string | null };
  createdAt: string;
}

export interface VoucherTemplate {
  id: string;
  name: string;
  variantId: string | null;
  status: 'active' | 'archived';
  usesPerVoucher: number;
  validity: { days: number } | { until: string };
  validAt: { scope: VoucherScope; locationIds: string[]; partnerIds: string[] };
  faceValue: { amount: number; currency: string };
  settlement: { partnerId: string; amountPerRedemption: number } | null;
  createdAt: string;
  updatedAt: string;
}

export interface Voucher {
  id: string;
  /** The code in reading groups (`7K3Q-J9XW-2M4T`); clerks see only its last characters. */
  code: string;
  templateId: string;
  variantId: string | null;
  customerId: string | null;
  orderId: string | null;
  orderLineId: string | null;
  issueReason: string | null;
  status: VoucherStatus;
  usesTotal: number;
  usesLeft: number;
  expiresAt: string;
  validAt: { scope: VoucherScope; locationIds: string[]; partnerIds: string[] };
  faceValue: { amount: number; currency: string };
  paidAmount: number;
  settlement: { partnerId: string; amountPerRedemption: number } | null;
  issuedAt: string;
  voidedAt: string | null;
}

export const toPartner = (r: PartnerRow): Partner => ({
  id: r.id,
  name: r.name,
  contact: typeof r.contact === 'string' ? JSON.parse(r.contact) : r.contact,
  settlement: { currency: r.currency, cycle: r.settlement_cycle, paymentDays: r.payment_days, notes: r.notes },
  createdAt: iso(r.created_at),
});

export const toTemplate = (r: TemplateRow): VoucherTemplate => ({
  id: r.id,
  name: r.name,
  variantId: r.variant_id,
  status: r.status,
  usesPerVoucher: r.uses_per_voucher,
  validity: r.validity_days !== null ? { days: r.validity_days } : { until: iso(r.valid_until!) },
  validAt: { scope: r.scope, locationIds: r.location_ids, partnerIds: r.partner_ids },
  faceValue: { amount: Number(r.face_value), currency: r.currency },
  settlement: r.partner_id ? { partnerId: r.partner_id, amountPerRedemption: Number(r.settlement_amount) } : null,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** `masked` hides all but the last four characters: the code is what lets anyone redeem. */
export const toVoucher = (r: VoucherRow, opts: { masked?: boolean } = {}): Voucher => ({
  id: r.id,
  code: opts.masked ? `••••-••••-${r.code.slice(-4)}` : formatVoucherCode(r.code),
  templateId: r.template_id,
  variantId: r.variant_id,
  customerId: r.customer_id,
  orderId: r.order_id,
  orderLineId: r.order_line_id,
  issueReason: r.issue_reason,
  status: r.status,
  usesTotal: r.uses_total,
  usesLeft: r.uses_left,
  expiresAt: iso(r.expires_at),
  validAt: { scope: r.scope, locationIds: r.location_ids, partnerIds: r.partner_ids },
  faceValue: { amount: Number(r.face_value), currency: r.currency },
  paidAmount: Number(r.paid_amount),
  settlement: r.partner_id ? { partnerId: r.partner_id, amountPerRedemption: Number(r.settlement_amount) } : null,
  issuedAt: iso(r.issued_at),
  voidedAt: isoOrNull(r.voided_at),
});
