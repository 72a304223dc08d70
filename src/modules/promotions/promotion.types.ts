/**
 * The promotion model and the pricing contract. Amounts are integer minor units of the
 * promotion's currency; percentages are numbers in (0, 100] with at most two decimals.
 */

export type Trigger = 'automatic' | 'coupon';
export type Stacking = 'exclusive' | 'stackable';

export type Rule =
  /** `percent` off every eligible line, optionally capped in total. */
  | { type: 'percentage'; percent: number; maxDiscount?: number }
  /** `amount` off the eligible lines together, spread over them. */
  | { type: 'fixed'; amount: number }
  /** 满减: the highest tier whose minSubtotal the eligible lines reach gives its discount. */
  | { type: 'threshold'; tiers: Array<{ minSubtotal: number; discount: number }> }
  /** For every buy+get eligible units, the cheapest `get` units are `percent` off (100 = free). */
  | { type: 'buy_x_get_y'; buy: number; get: number; percent: number }
  /** These items together cost `price`, as many times as the cart holds them all. */
  | { type: 'bundle'; items: Array<{ variantId: string; quantity: number }>; price: number }
  /** A unit price per variant for members (any member, or the tiers in conditions.customerTiers). */
  | { type: 'member_price'; prices: Array<{ variantId: string; amount: number }> }
  /** Shipping off, fully or up to `maxDiscount`. */
  | { type: 'free_shipping'; maxDiscount?: number }
  /** Adds a gift line at no charge. */
  | { type: 'gift'; variantId: string; quantity: number };

export type RuleType = Rule['type'];

/** Every condition present must hold; absent ones do not restrict. */
export interface Conditions {
  channelIds?: string[];
  channelKinds?: string[];
  /** Stores (locations) where a sale may take it. */
  storeIds?: string[];
  /** Which lines count: a line is eligible when it matches any of these (all lines when none given). */
  productIds?: string[];
  variantIds?: string[];
  categoryIds?: string[];
  /** Over the eligible lines, after earlier discounts. */
  minSubtotal?: number;
  minQuantity?: number;
  customerTiers?: string[];
  /** A segment as a list of customer ids. */
  customerIds?: string[];
  firstOrderOnly?: boolean;
  /** ISO weekdays in the promotion's time zone: 1 = Monday … 7 = Sunday. */
  daysOfWeek?: number[];
  /** Local time of day, `HH:MM`, end exclusive; an end before the start spans midnight. */
  hours?: { start: string; end: string };
}

export interface Promotion {
  id: string;
  name: string;
  description: string | null;
  status: 'draft' | 'active' | 'inactive' | 'archived';
  trigger: Trigger;
  stacking: Stacking;
  /** Higher applies first among stackable offers; breaks ties among equal exclusive offers. */
  priority: number;
  currency: string;
  rule: Rule;
  conditions: Conditions;
  timeZone: string;
  startsAt: string | null;
  endsAt: string | null;
  usageLimit: number | null;
  perCustomerLimit: number | null;
  budget: number | null;
  used: number;
  spent: number;
  createdAt: string;
  updatedAt: string;
}

export interface PricingLineInput {
  lineId: string;
  variantId: string;
  productId: string;
  categoryIds: string[];
  quantity: number;
  unitPrice: number;
}

export interface PricingInput {
  channelId: string;
  channelKind: string;
  locationId?: string;
  customerId?: string;
  customerTier?: string;
  isFirstOrder?: boolean;
  at?: Date;
  currency: string;
  lines: PricingLineInput[];
  shipping: number;
  /** Coupon promotions the shopper presents (the coupons module resolves codes to these ids). */
  couponPromotionIds?: string[];
  /** false leaves `notApplied` empty and spares working out why each offer did not apply. */
  explain?: boolean;
}

export interface PriceAdjustment {
  promotionId: string;
  name: string;
  amount: number;
}

export type NotAppliedReason =
  | 'condition_not_met'
  | 'lost_to_better_offer'
  | 'no_discount'
  | 'usage_limit_reached'
  | 'customer_limit_reached'
  | 'budget_exhausted'
  | 'not_available';

export interface PricingResult {
  currency: string;
  lines: Array<{ lineId: string; subtotal: number; adjustments: PriceAdjustment[]; discount: number; total: number }>;
  giftLines: Array<{ promotionId: string; name: string; variantId: string; quantity: number; unitPrice: 0 }>;
  shipping: { amount: number; adjustments: PriceAdjustment[] };
  subtotal: number;
  /** Line and shipping discounts together. */
  discountTotal: number;
  /** subtotal + shipping − discountTotal. */
  total: number;
  applied: Array<{ promotionId: string; name: string; trigger: Trigger; amount: number }>;
  notApplied: Array<{ promotionId: string; reason: NotAppliedReason; detail: string }>;
}

/** Live counters of limited promotions, read fresh so limits show up in a price before checkout. */
export type UsageCounters = Map<string, { used: number; spent: number; customerUsed: number }>;
