import type { Generated, Selectable } from 'kysely';
import type { AppliedAdjustment, FulfillmentType } from './pricing.js';
import type { FulfillmentStatus, OrderStatus } from './order-state.js';

/** A fulfilment choice as the shopper makes it, for the whole cart or some lines. */
export interface FulfillmentChoice {
  /** Vouchers and till sales are decided by the product and the till, never chosen. */
  type: Exclude<FulfillmentType, 'voucher' | 'pos'>;
  locationId?: string;
  address?: Record<string, unknown>;
  point?: { lat: number; lng: number };
}

export interface OrdersTables {
  cart: {
    id: string;
    channel_id: string;
    currency: string;
    customer_id: string | null;
    status: Generated<'open' | 'checked_out'>;
    fulfillment: FulfillmentChoice | null;
    order_id: string | null;
    /** Coupon codes and points the shopper asked to pay with; checked whenever the cart is priced. */
    coupon_codes: Generated<string[]>;
    points: Generated<number>;
    created_by: string;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  cart_line: {
    id: string;
    cart_id: string;
    variant_id: string;
    quantity: number;
    fulfillment_type: FulfillmentType | null;
    location_id: string | null;
    /** A special offer the line is bought under (see offers.ts): its kind and id. */
    offer_kind: string | null;
    offer_id: string | null;
    created_at: Generated<Date>;
  };
  sales_order: {
    id: string;
    channel_id: string;
    channel_kind: string;
    cart_id: string | null;
    customer_id: string | null;
    email: string | null;
    phone: string | null;
    status: OrderStatus;
    currency: string;
    subtotal: number;
    discount_total: number;
    shipping_total: number;
    tax_included: number;
    grand_total: number;
    paid_amount: Generated<number>;
    refunded_amount: Generated<number>;
    payment_id: string | null;
    payment_method: string | null;
    tendered: number | null;
    change_due: number | null;
    location_ids: string[];
    shipping_adjustments: Generated<AppliedAdjustment[]>;
    payment_due_at: Date | null;
    hold_expires_at: Date | null;
    placed_by: string;
    paid_at: Date | null;
    fulfilled_at: Date | null;
    completed_at: Date | null;
    cancelled_at: Date | null;
    cancel_reason: string | null;
    coupon_codes: string[];
    points_spent: number;
    /** Set while the order waits for an offer (a group buy filling up): nothing is fulfilled meanwhile. */
    waiting_for: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  fulfillment: {
    id: string;
    order_id: string;
    type: FulfillmentType;
    location_id: string | null;
    status: FulfillmentStatus;
    reservation_id: string | null;
    pickup_code: string | null;
    shipping_address: Record<string, unknown> | null;
    carrier: string | null;
    tracking_number: string | null;
    ready_at: Date | null;
    no_show_at: Date | null;
    fulfilled_at: Date | null;
    fulfilled_by: string | null;
    delivered_at: Date | null;
    created_at: Generated<Date>;
  };
  order_line: {
    id: string;
    order_id: string;
    fulfillment_id: string;
    variant_id: string;
    product_id: string;
    sku: string;
    title: string;
    product_type: string;
    quantity: number;
    unit_price: number;
    price_source: string;
    subtotal: number;
    discount: number;
    total: number;
    tax_included: number;
    adjustments: Generated<AppliedAdjustment[]>;
    returned_quantity: Generated<number>;
    refunded_amount: Generated<number>;
  };
  order_return: {
    id: string;
    order_id: string;
    location_id: string;
    reason: string;
    amount: number;
    received_by: string;
    created_at: Generated<Date>;
  };
  order_return_line: { return_id: string; order_line_id: string; quantity: number; amount: number };
  order_refund: {
    id: string;
    order_id: string;
    payment_id: string;
    return_id: string | null;
    amount: number;
    reason: string;
    created_by: string;
    created_at: Generated<Date>;
  };
}

export type CartRow = Selectable<OrdersTables['cart']>;
export type CartLineRow = Selectable<OrdersTables['cart_line']>;
export type OrderRow = Selectable<OrdersTables['sales_order']>;
export type FulfillmentRow = Selectable<OrdersTables['fulfillment']>;
export type OrderLineRow = Selectable<OrdersTables['order_line']>;
