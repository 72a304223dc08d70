import { z } from 'zod';
import { amountSchema, currencySchema } from '../../platform/money.js';

/** Request and response shapes of the promotion routes; they are also the OpenAPI description. */

export const idParams = z.object({ id: z.string().describe('the promotion id') });

const ids = (what: string) => z.array(z.string().min(1)).max(10_000).optional().describe(what);
const percent = z
  .number()
  .gt(0, 'more than 0')
  .max(100, 'at most 100')
  .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, 'at most two decimals')
  .describe('percent off, e.g. 15 for 15% (85折)');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM');

export const ruleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('percentage'), percent, maxDiscount: amountSchema.optional().describe('cap on the total discount') }).strict(),
  z.object({ type: z.literal('fixed'), amount: amountSchema.min(1).describe('off the qualifying lines together') }).strict(),
  z
    .object({
      type: z.literal('threshold'),
      tiers: z
        .array(z.object({ minSubtotal: amountSchema.min(1), discount: amountSchema.min(1) }))
        .min(1)
        .max(20)
        .describe('满减 tiers in ascending minSubtotal, e.g. 满200减30, 满500减100; the highest reached applies'),
    })
    .strict(),
  z
    .object({
      type: z.literal('buy_x_get_y'),
      buy: z.number().int().min(1).max(1000),
      get: z.number().int().min(1).max(1000),
      percent: percent.default(100).describe('off the cheapest `get` units of each group; 100 = free'),
    })
    .strict(),
  z
    .object({
      type: z.literal('bundle'),
      items: z.array(z.object({ variantId: z.string().min(1), quantity: z.number().int().min(1).max(1000) })).min(2).max(50),
      price: amountSchema.describe('what one set of the items costs together'),
    })
    .strict(),
  z
    .object({
      type: z.literal('member_price'),
      prices: z.array(z.object({ variantId: z.string().min(1), amount: amountSchema })).min(1).max(10_000).describe('unit price per variant for members'),
    })
    .strict(),
  z.object({ type: z.literal('free_shipping'), maxDiscount: amountSchema.min(1).optional().describe('at most this much off shipping') }).strict(),
  z.object({ type: z.literal('gift'), variantId: z.string().min(1), quantity: z.number().int().min(1).max(100).default(1) }).strict(),
]);

export const conditionsSchema = z
  .object({
    channelIds: ids('only on these channels'),
    channelKinds: z.array(z.string().min(1)).max(20).optional().describe('only on channels of these kinds (web, app, pos, …)'),
    storeIds: ids('only at these stores (a sale’s locationId)'),
    productIds: ids('qualifying products'),
    variantIds: ids('qualifying variants'),
    categoryIds: ids('qualifying categories'),
    minSubtotal: amountSchema.optional().describe('over qualifying lines after earlier discounts'),
    minQuantity: z.number().int().min(1).optional().describe('qualifying units'),
    customerTiers: z.array(z.string().min(1)).max(50).optional().describe('member tier ids (GET /v1/loyalty/tiers)'),
    customerIds: ids('a segment as customer ids'),
    firstOrderOnly: z.boolean().optional(),
    daysOfWeek: z.array(z.number().int().min(1).max(7)).max(7).optional().describe('ISO weekdays, 1 = Monday'),
    hours: z.object({ start: hhmm, end: hhmm }).optional().describe('local hours, end exclusive'),
  })
  .strict();

const common = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullish(),
  trigger: z.enum(['automatic', 'coupon']).describe('automatic: applies when conditions hold; coupon: only when presented as a coupon'),
  stacking: z.enum(['exclusive', 'stackable']).describe('exclusive offers never combine within their phase; the best one for the shopper wins'),
  priority: z.number().int().min(-1_000_000).max(1_000_000).describe('higher applies first'),
  currency: currencySchema,
  rule: ruleSchema,
  conditions: conditionsSchema,
  timeZone: z.string().min(1).max(64).describe('IANA zone for days and hours; default Asia/Shanghai'),
  startsAt: z.iso.datetime({ offset: true }).nullish(),
  endsAt: z.iso.datetime({ offset: true }).nullish(),
  usageLimit: z.number().int().min(1).nullish().describe('total uses'),
  perCustomerLimit: z.number().int().min(1).nullish(),
  budget: amountSchema.min(1).nullish().describe('cap on the total discount given'),
};

export const newPromotionSchema = z.object({
  ...common,
  stacking: common.stacking.default('stackable'),
  priority: common.priority.default(0),
  conditions: conditionsSchema.default({}),
  timeZone: common.timeZone.default('Asia/Shanghai'),
  status: z.enum(['draft', 'active']).default('draft').describe('create it active, or activate later'),
});

export const promotionChangesSchema = z.object(common).partial().strict();

export const promotionSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  status: z.enum(['draft', 'active', 'inactive', 'archived']),
  trigger: z.enum(['automatic', 'coupon']),
  stacking: z.enum(['exclusive', 'stackable']),
  priority: z.number().int(),
  currency: z.string(),
  rule: ruleSchema,
  conditions: conditionsSchema,
  timeZone: z.string(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  usageLimit: z.number().int().nullable(),
  perCustomerLimit: z.number().int().nullable(),
  budget: z.number().int().nullable(),
  used: z.number().int().describe('orders that used it; for one without a usage limit or budget, counted by the background worker a moment after each order'),
  spent: z.number().int().describe('discount given so far, in minor units; counted like used'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const cartSchema = z.object({
  channelId: z.string().min(1),
  channelKind: z.string().min(1),
  locationId: z.string().optional(),
  customerId: z.string().optional(),
  customerTier: z.string().optional(),
  isFirstOrder: z.boolean().optional(),
  at: z.iso.datetime({ offset: true }).optional().describe('price as of this instant (default now)'),
  currency: currencySchema,
  lines: z
    .array(
      z.object({
        lineId: z.string().min(1),
        variantId: z.string().min(1),
        productId: z.string().min(1),
        categoryIds: z.array(z.string()).max(50).default([]),
        quantity: z.number().int().min(1).max(100_000),
        unitPrice: amountSchema,
      }),
    )
    .min(1)
    .max(500),
  shipping: amountSchema.default(0),
  couponPromotionIds: z.array(z.string()).max(20).optional(),
});

const adjustment = z.object({ promotionId: z.string(), name: z.string(), amount: z.number().int() });
export const pricingResultSchema = z.object({
  currency: z.string(),
  lines: z.array(z.object({ lineId: z.string(), subtotal: z.number().int(), adjustments: z.array(adjustment), discount: z.number().int(), total: z.number().int() })),
  giftLines: z.array(z.object({ promotionId: z.string(), name: z.string(), variantId: z.string(), quantity: z.number().int(), unitPrice: z.literal(0) })),
  shipping: z.object({ amount: z.number().int(), adjustments: z.array(adjustment) }),
  subtotal: z.number().int(),
  discountTotal: z.number().int(),
  total: z.number().int(),
  applied: z.array(z.object({ promotionId: z.string(), name: z.string(), trigger: z.enum(['automatic', 'coupon']), amount: z.number().int() })),
  notApplied: z.array(z.object({ promotionId: z.string(), reason: z.string(), detail: z.string() })),
});

export type NewPromotion = z.infer<typeof newPromotionSchema>;
export type PromotionChanges = z.infer<typeof promotionChangesSchema>;
