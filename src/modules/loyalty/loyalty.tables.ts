import type { Generated, Selectable } from 'kysely';

export type LotStatus = 'frozen' | 'active' | 'released' | 'expired';
export type EntryKind = 'frozen' | 'confirmed' | 'released' | 'spent' | 'spend_refunded' | 'expired' | 'clawed_back' | 'adjusted';

export interface LoyaltyTables {
  loyalty_member: {
    id: string;
    customer_id: string;
    tier_id: string | null;
    enrolled_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  loyalty_earn_rule: {
    id: string;
    name: string;
    channel_kind: string | null;
    points_per_unit: number;
    unit_amount: number;
    active: Generated<boolean>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  loyalty_tier: {
    id: string;
    name: string;
    min_spend: number;
    multiplier_pct: Generated<number>;
    free_shipping: Generated<boolean>;
    member_price: Generated<boolean>;
    birthday_coupon_template_id: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  loyalty_lot: {
    id: string;
    customer_id: string;
    source_type: 'order' | 'adjustment';
    source_id: string;
    status: LotStatus;
    points: number;
    remaining: number;
    clawed: Generated<number>;
    paid_amount: Generated<number>;
    refunded_amount: Generated<number>;
    confirm_due_at: Date | null;
    confirmed_at: Date | null;
    expires_at: Date | null;
    created_at: Generated<Date>;
  };
  loyalty_entry: {
    id: string;
    customer_id: string;
    kind: EntryKind;
    points: number;
    reference_type: string | null;
    reference_id: string | null;
    reason: string | null;
    created_at: Generated<Date>;
  };
  loyalty_lot_use: { entry_id: string; lot_id: string; points: number };
  loyalty_reward: {
    id: string;
    name: string;
    points: number;
    coupon_template_id: string;
    active: Generated<boolean>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  loyalty_redemption: { id: string; customer_id: string; reward_id: string; points: number; created_at: Generated<Date> };
  loyalty_birthday_grant: { customer_id: string; year: number; tier_id: string; granted_at: Generated<Date> };
  loyalty_applied_event: { event_id: string; applied_at: Generated<Date> };
  loyalty_secret: { name: string; secret: string };
}

export type MemberRow = Selectable<LoyaltyTables['loyalty_member']>;
export type LotRow = Selectable<LoyaltyTables['loyalty_lot']>;
export type TierRow = Selectable<LoyaltyTables['loyalty_tier']>;
export type EarnRuleRow = Selectable<LoyaltyTables['loyalty_earn_rule']>;
export type RewardRow = Selectable<LoyaltyTables['loyalty_reward']>;
