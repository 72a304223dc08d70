import type { Generated, Selectable } from 'kysely';

export type CouponKind = 'public_code' | 'unique_codes' | 'wallet';
export type CouponChannels = 'all' | 'online' | 'store';
export type CouponSource = 'public' | 'batch' | 'claim' | 'grant';

export interface CouponsTables {
  coupon_template: {
    id: string;
    name: string;
    promotion_id: string;
    kind: CouponKind;
    status: Generated<'active' | 'archived'>;
    valid_from: Date | null;
    valid_until: Date | null;
    valid_days: number | null;
    channels: Generated<CouponChannels>;
    per_customer_limit: number | null;
    total_limit: number | null;
    issued: Generated<number>;
    stackable: Generated<boolean>;
    coupon_group: Generated<string>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  coupon_batch: {
    id: string;
    template_id: string;
    prefix: Generated<string>;
    count: number;
    created_by: string;
    created_at: Generated<Date>;
  };
  coupon: {
    id: string;
    code: string;
    template_id: string;
    batch_id: string | null;
    source: CouponSource;
    customer_id: string | null;
    grant_reason: string | null;
    max_uses: number | null;
    uses: Generated<number>;
    valid_from: Date | null;
    valid_until: Date | null;
    created_at: Generated<Date>;
  };
  coupon_customer_usage: {
    template_id: string;
    customer_id: string;
    claimed: Generated<number>;
    used: Generated<number>;
  };
  coupon_redemption: {
    id: string;
    coupon_id: string;
    template_id: string;
    order_id: string;
    customer_id: string | null;
    redeemed_at: Generated<Date>;
    released_at: Date | null;
  };
}

export type TemplateRow = Selectable<CouponsTables['coupon_template']>;
export type BatchRow = Selectable<CouponsTables['coupon_batch']>;
export type CouponRow = Selectable<CouponsTables['coupon']>;
export type RedemptionRow = Selectable<CouponsTables['coupon_redemption']>;
