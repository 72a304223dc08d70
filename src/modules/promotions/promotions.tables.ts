import type { ColumnType, Generated } from 'kysely';
import type { Conditions, Rule } from './promotion.types.js';

/** jsonb read as an object, written as JSON text (the same on PGlite and node-postgres). */
type Json<T> = ColumnType<T, string, string>;

export type PromotionStatus = 'draft' | 'active' | 'inactive' | 'archived';

export interface PromotionsTables {
  promotion: {
    id: string;
    name: string;
    description: string | null;
    status: Generated<PromotionStatus>;
    trigger: 'automatic' | 'coupon';
    stacking: 'exclusive' | 'stackable';
    priority: Generated<number>;
    currency: string;
    rule: Json<Rule>;
    conditions: Json<Conditions>;
    time_zone: Generated<string>;
    starts_at: Date | null;
    ends_at: Date | null;
    usage_limit: number | null;
    per_customer_limit: number | null;
    budget: number | null;
    used: Generated<number>;
    spent: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  promotion_version: { id: number; version: number; stamp: string };
  promotion_use: {
    id: string;
    promotion_id: string;
    order_id: string;
    customer_id: string | null;
    discount: number;
    created_at: Generated<Date>;
    released_at: Date | null;
    counted: Generated<boolean>;
  };
  promotion_customer_use: { promotion_id: string; customer_id: string; used: number };
}
