import type { Generated, Selectable } from 'kysely';

export type CampaignStatus = 'draft' | 'active' | 'ended' | 'cancelled';
export type GroupStatus = 'open' | 'complete' | 'failed';
export type MemberStatus = 'joined' | 'paid' | 'left';

/** Columns flash sales and group-buy deals share: what is sold, at what price, where and when. */
interface CampaignColumns {
  id: string;
  name: string;
  variant_id: string;
  currency: string;
  price: number;
  channel_ids: string[] | null;
  starts_at: Date;
  ends_at: Date;
  status: Generated<CampaignStatus>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DealsTables {
  flash_sale: CampaignColumns & {
    allotment: number;
    sold: Generated<number>;
    per_customer_limit: number;
  };
  flash_sale_customer: {
    flash_sale_id: string;
    customer_id: string;
    used: Generated<number>;
  };
  flash_sale_purchase: {
    id: string;
    flash_sale_id: string;
    order_id: string;
    customer_id: string;
    quantity: number;
    created_at: Generated<Date>;
    released_at: Date | null;
  };
  group_buy_deal: CampaignColumns & {
    group_size: number;
    time_limit_minutes: number;
    units_per_member: Generated<number>;
  };
  group_buy_group: {
    id: string;
    deal_id: string;
    size: number;
    members: Generated<number>;
    paid: Generated<number>;
    status: Generated<GroupStatus>;
    deadline: Date;
    opened_by: string;
    created_at: Generated<Date>;
    completed_at: Date | null;
    failed_at: Date | null;
    settled_at: Date | null;
  };
  group_buy_member: {
    id: string;
    group_id: string;
    order_id: string;
    customer_id: string;
    quantity: number;
    status: Generated<MemberStatus>;
    joined_at: Generated<Date>;
    paid_at: Date | null;
    left_at: Date | null;
  };
}

export type FlashSaleRow = Selectable<DealsTables['flash_sale']>;
export type DealRow = Selectable<DealsTables['group_buy_deal']>;
export type GroupRow = Selectable<DealsTables['group_buy_group']>;
export type MemberRow = Selectable<DealsTables['group_buy_member']>;
