import type { BatchRow, CouponChannels, CouponKind, CouponRow, TemplateRow } from './coupons.tables.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export type Validity = { from: string | null; until: string | null } | { daysAfterClaim: number };

export interface CouponTemplate {
  id: string;
  name: string;
  promotionId: string;
  kind: CouponKind;
  status: 'active' | 'archived';
  /** The shared code of a public_code template. */
  code: string | null;
  validity: Validity;
  channels: CouponChannels;
  perCustomerLimit: number | null;
  totalLimit: number | null;
  /** Codes made (unique_codes), coupons handed out (wallet), or uses of the public code. */
  issued: number;
  stackable: boolean;
  group: string;
  createdAt: string;
  updatedAt: string;
}

export function toTemplate(t: TemplateRow, publicCode?: Pick<CouponRow, 'code' | 'uses'> | null): CouponTemplate {
  return {
    id: t.id,
    name: t.name,
    promotionId: t.promotion_id,
    kind: t.kind,
    status: t.status,
    code: publicCode?.code ?? null,
    validity: t.valid_days !== null ? { daysAfterClaim: t.valid_days } : { from: iso(t.valid_from), until: iso(t.valid_until) },
    channels: t.channels,
    perCustomerLimit: t.per_customer_limit,
    totalLimit: t.total_limit,
    issued: t.kind === 'public_code' ? (publicCode?.uses ?? 0) : t.issued,
    stackable: t.stackable,
    group: t.coupon_group,
    createdAt: iso(t.created_at)!,
    updatedAt: iso(t.updated_at)!,
  };
}

export interface CouponBatch {
  id: string;
  templateId: string;
  prefix: string;
  count: number;
  createdBy: string;
  createdAt: string;
}

export function toBatch(b: BatchRow): CouponBatch {
  return { id: b.id, templateId: b.template_id, prefix: b.prefix, count: b.count, createdBy: b.created_by, createdAt: iso(b.created_at)! };
}

export type WalletStatus = 'unused' | 'used' | 'expired';

/** A coupon in a shopper's wallet (领券), with what it is for and whether it can still be used. */
export interface WalletCoupon {
  id: string;
  code: string;
  templateId: string;
  name: string;
  promotionId: string;
  customerId: string;
  source: 'claim' | 'grant';
  status: WalletStatus;
  validFrom: string | null;
  validUntil: string | null;
  channels: CouponChannels;
  group: string;
  stackable: boolean;
  createdAt: string;
}

export function walletStatus(c: Pick<CouponRow, 'uses' | 'max_uses' | 'valid_until'>, now: Date): WalletStatus {
  if (c.max_uses !== null && c.uses >= c.max_uses) return 'used';
  if (c.valid_until && new Date(c.valid_until) <= now) return 'expired';
  return 'unused';
}

export function toWalletCoupon(c: CouponRow, t: TemplateRow, now = new Date()): WalletCoupon {
  return {
    id: c.id,
    code: c.code,
    templateId: t.id,
    name: t.name,
    promotionId: t.promotion_id,
    customerId: c.customer_id!,
    source: c.source as 'claim' | 'grant',
    status: walletStatus(c, now),
    validFrom: iso(c.valid_from),
    validUntil: iso(c.valid_until),
    channels: t.channels,
    group: t.coupon_group,
    stackable: t.stackable,
    createdAt: iso(c.created_at)!,
  };
}
