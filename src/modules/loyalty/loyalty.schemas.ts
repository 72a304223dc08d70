import { z } from 'zod';
import { amountSchema } from '../../platform/money.js';
import type { ChannelKind } from '../catalog/index.js';

/** Request and response shapes of the loyalty routes; they are also the OpenAPI description. */

export const CHANNEL_KINDS = ['web', 'app', 'mini_program', 'marketplace', 'social', 'pos', 'locker'] as const satisfies readonly ChannelKind[];

export const idParams = z.object({ id: z.string() });
export const customerParams = z.object({ customerId: z.string().describe('the customer the membership belongs to') });

export const tierSchema = z.object({
  id: z.string(),
  name: z.string(),
  minSpend: amountSchema.describe('confirmed spend over the tier window that reaches this tier, in minor units'),
  multiplierPct: z.number().int().describe('points earned, in percent of the base rate (150 = 1.5×)'),
  freeShipping: z.boolean(),
  memberPrice: z.boolean().describe('members of this tier get member prices'),
  birthdayCouponTemplateId: z.string().nullable().describe('coupon template granted on the member\'s birthday'),
});

export const newTierSchema = z.object({
  name: z.string().trim().min(1).max(100),
  minSpend: amountSchema,
  multiplierPct: z.number().int().min(0).max(10_000).default(100),
  freeShipping: z.boolean().default(false),
  memberPrice: z.boolean().default(false),
  birthdayCouponTemplateId: z.string().min(1).nullable().default(null),
});
export const tierPatchSchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  minSpend: amountSchema.optional(),
  multiplierPct: z.number().int().min(0).max(10_000).optional(),
  freeShipping: z.boolean().optional(),
  memberPrice: z.boolean().optional(),
  birthdayCouponTemplateId: z.string().min(1).nullable().optional(),
});

export const membershipSchema = z.object({
  id: z.string().describe('member id'),
  customerId: z.string(),
  enrolledAt: z.string(),
  balance: z.number().int().describe('points that can be spent now'),
  frozen: z.number().int().describe('points earned on orders still inside their return window'),
  tier: tierSchema.nullable(),
  spend: z.number().int().describe('confirmed spend over the tier window, minor units'),
  nextTier: z
    .object({ id: z.string(), name: z.string(), minSpend: z.number().int(), amountToGo: z.number().int().describe('spend still needed, minor units') })
    .nullable()
    .describe('null at the top tier'),
});

export const entrySchema = z.object({
  id: z.string(),
  kind: z.enum(['frozen', 'confirmed', 'released', 'spent', 'spend_refunded', 'expired', 'clawed_back', 'adjusted']),
  points: z.number().int().describe('signed change; frozen and released move the frozen amount, the rest the balance'),
  reference: z.object({ type: z.string(), id: z.string() }).nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});
export const historySchema = z.object({ data: z.array(entrySchema), nextCursor: z.string().nullable() });

export const adjustSchema = z.object({
  points: z.number().int().refine((n) => n !== 0, 'must not be zero').describe('positive credits, negative debits'),
  reason: z.string().trim().min(1).max(500),
});
export const spendResultSchema = z.object({ entryId: z.string(), points: z.number().int(), balance: z.number().int() });

export const earnRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  channelKind: z.enum(CHANNEL_KINDS).nullable().describe('null: every channel without a rule of its own'),
  pointsPerUnit: z.number().int(),
  unitAmount: z.number().int().describe('minor units paid per `pointsPerUnit` points (100 = per yuan)'),
});
export const newEarnRuleSchema = z.object({
  name: z.string().trim().min(1).max(200),
  channelKind: z.enum(CHANNEL_KINDS).nullable().default(null),
  pointsPerUnit: z.number().int().min(0).max(1_000_000),
  unitAmount: z.number().int().min(1).max(100_000_000).default(100),
});
export const earnRulePatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  channelKind: z.enum(CHANNEL_KINDS).nullable().optional(),
  pointsPerUnit: z.number().int().min(0).max(1_000_000).optional(),
  unitAmount: z.number().int().min(1).max(100_000_000).optional(),
});

export const rewardSchema = z.object({ id: z.string(), name: z.string(), points: z.number().int(), couponTemplateId: z.string(), active: z.boolean() });
export const newRewardSchema = z.object({
  name: z.string().trim().min(1).max(200),
  points: z.number().int().min(1).max(100_000_000),
  couponTemplateId: z.string().min(1).describe('the coupon template a redemption grants'),
  active: z.boolean().default(true),
});
export const rewardPatchSchema = newRewardSchema.partial();

export const memberCodeSchema = z.object({
  code: z.string().describe('what the QR holds; a clerk scans it at the till'),
  qr: z.string().describe('the code as a PNG data URL'),
  expiresAt: z.string().describe('refresh after this; the code is still accepted for one more step'),
});

export const redemptionSchema = z.object({
  id: z.string(),
  reward: rewardSchema,
  points: z.number().int(),
  balance: z.number().int(),
  coupon: z.unknown().describe('the granted coupon'),
});
