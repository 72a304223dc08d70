import type { ColumnType, Generated, Selectable } from 'kysely';

/** jsonb read as an object, written as JSON text (the same on PGlite and node-postgres). */
type Json<T> = ColumnType<T, string | undefined, string>;

export type VoucherScope = 'own_stores' | 'locations' | 'partners';
export type VoucherStatus = 'active' | 'used_up' | 'voided';

export interface VouchersTables {
  partner: {
    id: string;
    name: string;
    contact: Json<{ name?: string; email?: string; phone?: string }>;
    currency: string;
    settlement_cycle: 'weekly' | 'monthly';
    payment_days: number;
    notes: string | null;
    created_at: Generated<Date>;
  };
  voucher_template: {
    id: string;
    name: string;
    variant_id: string | null;
    status: Generated<'active' | 'archived'>;
    uses_per_voucher: number;
    validity_days: number | null;
    valid_until: Date | null;
    scope: VoucherScope;
    location_ids: Generated<string[]>;
    partner_ids: Generated<string[]>;
    face_value: number;
    currency: string;
    partner_id: string | null;
    settlement_amount: number | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  voucher: {
    id: string;
    code: string;
    template_id: string;
    variant_id: string | null;
    customer_id: string | null;
    order_id: string | null;
    order_line_id: string | null;
    line_index: number | null;
    issue_reason: string | null;
    status: Generated<VoucherStatus>;
    uses_total: number;
    uses_left: number;
    redemption_count: Generated<number>;
    expires_at: Date;
    scope: VoucherScope;
    location_ids: string[];
    partner_ids: string[];
    face_value: number;
    currency: string;
    paid_amount: number;
    partner_id: string | null;
    settlement_amount: number | null;
    issued_at: Generated<Date>;
    voided_at: Date | null;
    void_reason: string | null;
    refunded_amount: number | null;
  };
  voucher_redemption: {
    id: string;
    voucher_id: string;
    use_no: number;
    location_id: string;
    redeemed_by: string;
    redeemed_at: Generated<Date>;
    reversed_at: Date | null;
    reversed_by: string | null;
  };
  partner_settlement_entry: {
    id: string;
    partner_id: string;
    voucher_id: string;
    redemption_id: string;
    location_id: string;
    kind: 'redemption' | 'reversal';
    amount: number;
    currency: string;
    occurred_at: Date;
  };
}

export type PartnerRow = Selectable<VouchersTables['partner']>;
export type TemplateRow = Selectable<VouchersTables['voucher_template']>;
export type VoucherRow = Selectable<VouchersTables['voucher']>;
export type RedemptionRow = Selectable<VouchersTables['voucher_redemption']>;
export type SettlementEntryRow = Selectable<VouchersTables['partner_settlement_entry']>;
