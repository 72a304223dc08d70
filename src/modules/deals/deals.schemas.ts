import { z } from 'zod';
import { amountSchema, currencySchema } from '../../platform/money.js';

/** Request and response shapes of the deals routes; they are also the OpenAPI description. */

export const idParams = z.object({ id: z.string().describe('the resource id') });

const STATUSES = ['draft', 'active', 'ended', 'cancelled'] as const;
const instant = z.iso.datetime({ offset: true });
const priceSchema = z.object({ amount: amountSchema.min(1), currency: currencySchema }).describe('the special unit price, in minor units');

const campaignTerms = {
  name: z.string().trim().min(1).max(200),
  price: priceSchema,
  channelIds: z.array(z.string().min(1)).min(1).max(100).nullish().describe('the channels it runs on; every channel when left out'),
  startsAt: instant,
  endsAt: instant.describe('after startsAt, and not yet passed'),
};

const campaignChanges = {
  ...campaignTerms,
  status: z.enum(STATUSES).describe('draft → active → ended; draft or active → cancelled'),
};

const campaignView = {
  id: z.string(),
  name: z.string(),
  variantId: z.string(),
  price: z.object({ amount: z.number().int(), currency: z.string() }),
  channelIds: z.array(z.string()).nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: z.enum(STATUSES),
  phase: z.enum(['upcoming', 'running', 'over']).describe('where an active campaign stands now; drafts and stopped ones are over'),
  createdAt: z.string(),
  updatedAt: z.string(),
};

const flashTerms = {
  allotment: z.number().int().min(1).max(10_000_000).describe('units sold at the flash price'),
  perCustomerLimit: z.number().int().min(1).max(10_000).describe('units one shopper may buy at the flash price'),
};

export const newFlashSaleSchema = z.object({
  ...campaignTerms,
  ...flashTerms,
  variantId: z.string().min(1),
  status: z.enum(['draft', 'active']).default('draft'),
});

export const flashSaleChangesSchema = z.object({ ...campaignChanges, ...flashTerms }).partial();

export const flashSaleSchema = z.object({
  ...campaignView,
  allotment: z.number().int(),
  sold: z.number().int().describe('units sold at the flash price and not given back'),
  remaining: z.number().int(),
  perCustomerLimit: z.number().int(),
});

const dealTerms = {
  timeLimitMinutes: z.number().int().min(1).max(30 * 24 * 60).describe('how long a group stays open for others to join (never past the deal end)'),
  unitsPerMember: z.number().int().min(1).max(99).describe('units one member may buy in a group').optional(),
};

export const newDealSchema = z.object({
  ...campaignTerms,
  ...dealTerms,
  variantId: z.string().min(1),
  groupSize: z.number().int().min(2).max(100).describe('members, the opener included, who must pay for the group to succeed'),
  status: z.enum(['draft', 'active']).default('draft'),
});

export const dealChangesSchema = z.object({ ...campaignChanges, ...dealTerms }).partial();

export const dealSchema = z.object({
  ...campaignView,
  groupSize: z.number().int(),
  timeLimitMinutes: z.number().int(),
  unitsPerMember: z.number().int(),
});

const GROUP_STATUSES = ['open', 'complete', 'failed'] as const;

export const groupSchema = z.object({
  id: z.string(),
  dealId: z.string(),
  name: z.string(),
  variantId: z.string(),
  price: z.object({ amount: z.number().int(), currency: z.string() }),
  size: z.number().int(),
  members: z.number().int().describe('seats taken'),
  seatsLeft: z.number().int(),
  status: z.enum(GROUP_STATUSES),
  deadline: z.string(),
  sharePath: z.string().describe('the storefront page to share, e.g. /shop/groups/grp_…'),
  openedAt: z.string(),
  completedAt: z.string().nullable(),
  failedAt: z.string().nullable(),
});

const MEMBER_STATUSES = ['joined', 'paid', 'left'] as const;

export const staffGroupSchema = groupSchema.extend({
  memberList: z.array(z.object({
    customerId: z.string(),
    orderId: z.string(),
    quantity: z.number().int(),
    status: z.enum(MEMBER_STATUSES),
    joinedAt: z.string(),
    paidAt: z.string().nullable(),
    leftAt: z.string().nullable(),
  })),
});

export const shopperGroupSchema = groupSchema.extend({
  seat: z.object({ orderId: z.string(), status: z.enum(MEMBER_STATUSES).describe('joined: not paid yet; left: the order was cancelled'), joinedAt: z.string() }),
});

export const statusQuery = z.enum(STATUSES).optional();
export const groupStatusQuery = z.enum(GROUP_STATUSES).optional();

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
};

export const liveQuery = z.object({
  channelId: z.string().optional().describe('only those running on this channel'),
  variantId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
