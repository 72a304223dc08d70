import { z } from 'zod';
import { ORDER_STATUSES, FULFILLMENT_STATUSES } from './order-state.js';
import { SHOPPER_FULFILLMENT_TYPES } from './carts.service.js';

/** Request and response shapes of the carts, orders, fulfilment, POS and returns routes. */

const amount = z.number().int().describe('minor units');
const id = z.string().min(1).max(100);

export const adjustmentSchema = z.object({ code: z.string(), description: z.string(), amount });

export const offerSchema = z.object({ kind: z.string().min(1).max(40).describe('flash_sale or group_buy'), id }).describe('the special offer a line is bought under');
const problemSchema = z.object({ code: z.string(), detail: z.string(), field: z.string().nullable() });
const couponCodes = z.array(z.string().min(1).max(64)).max(10);

/** A line priced for a cart or a till: its price, and what each promotion or points took off. */
const pricedLineSchema = z.object({
  id: z.string(),
  variantId: z.string(),
  sku: z.string(),
  title: z.string(),
  quantity: z.number().int(),
  fulfillmentType: z.string(),
  unitPrice: amount,
  priceSource: z.string().describe('channel: an explicit channel price; default: the product price; or the offer, or gift'),
  subtotal: amount,
  adjustments: z.array(adjustmentSchema).describe('what each promotion (code: its id) or points (code: points) took off this line'),
  discount: amount,
  total: amount,
  taxIncluded: amount,
  giftOf: z.string().nullable().describe('a gift line: the promotion that adds it'),
});
const pointsSchema = z.object({ requested: z.number().int(), used: z.number().int(), amount }).nullable().describe('points offered, how many pay, and what they take off');

export const fulfillmentChoiceSchema = z.object({
  type: z.enum(SHOPPER_FULFILLMENT_TYPES).describe('delivery from a warehouse, ship-from-store, pickup in store (到店自提), or reserve and try in store'),
  locationId: id.optional().describe('the store, for pickup and reserve-and-try'),
  address: z.record(z.string(), z.unknown()).optional().describe('shipping address, for delivery and ship-from-store'),
  point: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional().describe('where the parcel goes: the nearest stock ships'),
});

export const cartSchema = z.object({
  id: z.string().describe('the cart id; for a guest it is the only key to the cart'),
  channelId: z.string(),
  customerId: z.string().nullable(),
  status: z.enum(['open', 'checked_out']),
  orderId: z.string().nullable(),
  fulfillment: fulfillmentChoiceSchema.nullable(),
  currency: z.string(),
  lines: z.array(pricedLineSchema.extend({
    productTitle: z.string(),
    locationId: z.string().nullable(),
    offer: offerSchema.nullable(),
    offerProblem: problemSchema.nullable().describe("why the line's offer does not apply now; the line is at its usual price meanwhile"),
  })),
  couponCodes: z.array(z.string()),
  couponProblem: problemSchema.nullable().describe('why the coupons do not apply; none of them is applied meanwhile'),
  points: pointsSchema,
  promotions: z.object({
    applied: z.array(z.object({ promotionId: z.string(), name: z.string(), trigger: z.string(), amount })),
    notApplied: z.array(z.object({ promotionId: z.string(), reason: z.string(), detail: z.string() })),
  }),
  subtotal: amount,
  discountTotal: amount,
  shippingTotal: amount,
  shippingAdjustments: z.array(adjustmentSchema),
  taxIncluded: amount.describe('tax contained in the prices (prices include tax)'),
  grandTotal: amount,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const orderSchema = z.object({
  id: z.string(),
  status: z.enum(ORDER_STATUSES),
  channelId: z.string(),
  channelKind: z.string(),
  customerId: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  currency: z.string(),
  subtotal: amount,
  discountTotal: amount,
  shippingTotal: amount,
  taxIncluded: amount,
  grandTotal: amount,
  paidAmount: amount,
  refundedAmount: amount,
  paymentId: z.string().nullable(),
  paymentMethod: z.string().nullable(),
  tendered: amount.nullable(),
  change: amount.nullable().describe('cash change due at the till'),
  locationIds: z.array(z.string()),
  paymentDueAt: z.string().nullable().describe('an unpaid order is cancelled and its stock released after this'),
  holdExpiresAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  fulfilledAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  couponCodes: z.array(z.string()).describe('the coupons the order used'),
  pointsSpent: z.number().int().describe('points that paid part of the order'),
  waitingFor: z.string().nullable().describe('set while the order waits for its offer (a group buy filling up): it is not fulfilled meanwhile'),
  shippingAdjustments: z.array(adjustmentSchema),
  createdAt: z.string(),
  fulfillments: z.array(z.object({
    id: z.string(),
    type: z.string(),
    status: z.enum(FULFILLMENT_STATUSES),
    locationId: z.string().nullable(),
    reservationId: z.string().nullable(),
    pickupCode: z.string().nullable().describe('the code the shopper shows at the store'),
    qrPayload: z.string().nullable().describe('what the pickup QR code encodes'),
    shippingAddress: z.record(z.string(), z.unknown()).nullable(),
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    readyAt: z.string().nullable(),
    noShowAt: z.string().nullable().describe('uncollected by then, the stock is released and the lines refunded'),
    fulfilledAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    lineIds: z.array(z.string()),
  })),
  lines: z.array(z.object({
    id: z.string(),
    fulfillmentId: z.string(),
    variantId: z.string(),
    productId: z.string(),
    sku: z.string(),
    title: z.string(),
    productType: z.string(),
    quantity: z.number().int(),
    unitPrice: amount,
    priceSource: z.string(),
    subtotal: amount,
    discount: amount,
    total: amount.describe('what was paid for the line, after discounts'),
    taxIncluded: amount,
    adjustments: z.array(adjustmentSchema),
    returnedQuantity: z.number().int(),
    refundedAmount: amount,
  })),
});

export const orderPageSchema = z.object({ data: z.array(orderSchema), nextCursor: z.string().nullable() });

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().optional().describe('the nextCursor of the previous page'),
};

export const checkoutBody = z.object({
  fulfillment: z.array(fulfillmentChoiceSchema.extend({ lineIds: z.array(id).optional().describe('the lines this applies to; all when left out') })).optional(),
  contact: z.object({ email: z.string().email().optional(), phone: z.string().min(5).max(30).optional(), name: z.string().max(200).optional() }).optional().describe('for guests: the order joins the customer with this email or phone'),
  payment: z.object({ provider: z.enum(['test', 'manual']), method: z.enum(['cash', 'card', 'qr']).optional() }).optional().describe('not needed for reserve-and-try holds; `manual` (cash, card or QR taken by staff) is recorded by staff or a secret key, never a shopper or a publishable key'),
  couponCodes: couponCodes.optional().describe("instead of the cart's saved coupon codes"),
  points: z.number().int().min(0).optional().describe("instead of the cart's saved points"),
});

export const cartCouponsBody = z.object({ codes: couponCodes.describe('every code to use; an empty list removes them') });
export const cartPointsBody = z.object({ points: z.number().int().min(0).max(100_000_000).describe('points to pay with; 0 for none') });

export const posSaleBody = z.object({
  locationId: id.describe('the store selling'),
  channelId: id.optional().describe('the POS channel; the first active one when left out'),
  lines: z.array(z.object({
    code: z.string().min(1).max(100).optional().describe('SKU or barcode as scanned'),
    variantId: id.optional(),
    quantity: z.number().int().min(1).max(9999),
  })).min(1),
  customerId: id.optional().describe('the member buying, so the sale joins their history'),
  couponCodes: couponCodes.optional().describe("the member's coupons (or public codes) to use"),
  points: z.number().int().min(0).optional().describe("the member's points to pay with; a sale spends them only with memberPass"),
  memberPass: z.string().min(1).max(300).optional().describe('the pass that scanning the member code gave (POST /v1/members/resolve-code): the member is at the till'),
  payment: z.object({
    provider: z.literal('manual'),
    method: z.enum(['cash', 'card', 'qr']),
    tendered: amount.min(0).optional().describe('cash handed over; the change is returned'),
  }),
});

export const posQuoteBody = posSaleBody.omit({ payment: true });

export const posQuoteSchema = z.object({
  currency: z.string(),
  lines: z.array(pricedLineSchema),
  subtotal: amount,
  discountTotal: amount,
  shippingTotal: amount,
  shippingAdjustments: z.array(adjustmentSchema),
  taxIncluded: amount,
  grandTotal: amount.describe('what to charge'),
  couponCodes: z.array(z.string()),
  points: pointsSchema,
});

export const returnBody = z.object({
  locationId: id.describe('the store receiving the goods (any store, whatever channel sold them)'),
  lines: z.array(z.object({ orderLineId: id, quantity: z.number().int().min(1) })).min(1),
  reason: z.string().min(1).max(500),
});
