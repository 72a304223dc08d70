import { z } from 'zod';
import { MAX_BATCH } from './batches.service.js';

/** Request and response shapes of the coupon routes; they are also the OpenAPI description. */

export const idParams = z.object({ id: z.string().describe('the resource id') });

const KINDS = ['public_code', 'unique_codes', 'wallet'] as const;
const CHANNELS = ['all', 'online', 'store'] as const;
const instant = z.iso.datetime({ offset: true });

const validitySchema = z
  .union([
    z.object({ daysAfterClaim: z.number().int().min(1).max(3650).describe('wallet coupons: valid for this many days from the claim') }).strict(),
    z.object({ from: instant.nullish(), until: instant.nullish() }).strict().describe('fixed dates; either end may be open'),
  ])
  .describe('when the coupons can be used');

const terms = {
  name: z.string().trim().min(1).max(200),
  promotionId: z.string().min(1).describe("the promotion (trigger 'coupon') the coupon unlocks at checkout"),
  code: z.string().trim().min(3).max(40).nullish().describe('public_code only: the shared code, e.g. WELCOME10 (case, spaces and dashes ignored)'),
  validity: validitySchema.optional(),
  channels: z.enum(CHANNELS).describe('all (default): online and in store alike; online: not at POS; store: only at POS').optional(),
  perCustomerLimit: z.number().int().min(1).max(1_000_000).nullish().describe('uses per customer (public_code, unique_codes) or coupons one customer may claim (wallet)'),
  totalLimit: z.number().int().min(1).max(100_000_000).nullish().describe('uses of the public code, codes made in batches, or wallet coupons handed out'),
  stackable: z.boolean().optional().describe('may combine with other coupons of its group; coupons of different groups always combine'),
  group: z.string().trim().regex(/^[a-z0-9_-]{1,32}$/, 'lowercase letters, digits, - and _').optional().describe("e.g. 'store' or 'platform': at most one non-stackable coupon per group on an order"),
};

export const newTemplateSchema = z.object({ ...terms, kind: z.enum(KINDS).describe('public_code: one shared code; unique_codes: batches of single-use codes; wallet: claimed by shoppers (领券)') });

export const templateChangesSchema = z
  .object(terms)
  .partial()
  .extend({ status: z.enum(['active', 'archived']).optional().describe('archived: no claims or batches, and its codes stop working') });

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  promotionId: z.string(),
  kind: z.enum(KINDS),
  status: z.enum(['active', 'archived']),
  code: z.string().nullable(),
  validity: z.union([z.object({ daysAfterClaim: z.number().int() }), z.object({ from: z.string().nullable(), until: z.string().nullable() })]),
  channels: z.enum(CHANNELS),
  perCustomerLimit: z.number().int().nullable(),
  totalLimit: z.number().int().nullable(),
  issued: z.number().int().describe('uses of the public code, codes made, or wallet coupons handed out'),
  stackable: z.boolean(),
  group: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const newBatchSchema = z.object({
  count: z.number().int().min(1).max(MAX_BATCH).describe(`how many single-use codes, up to ${MAX_BATCH.toLocaleString('en')}`),
  prefix: z.string().trim().max(8).nullish().describe('put before each code, from the code symbols 2-9 and A-Z without I, L, O, U'),
});

export const batchSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  prefix: z.string(),
  count: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
});

export const walletCouponSchema = z.object({
  id: z.string(),
  code: z.string(),
  templateId: z.string(),
  name: z.string(),
  promotionId: z.string(),
  customerId: z.string(),
  source: z.enum(['claim', 'grant']),
  status: z.enum(['unused', 'used', 'expired']),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  channels: z.enum(CHANNELS),
  group: z.string(),
  stackable: z.boolean(),
  createdAt: z.string(),
});

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
};
